extensions = ["myst_parser", "sphinx_cjm"]
project = "Recommendations in MyST"
show_warning_types = True
cjm_lint = ["barrier-without-solution"]
myst_enable_extensions = ["colon_fence"]
