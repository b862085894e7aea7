project = "Clinic"
extensions = ["myst_parser", "sphinx_cjm"]
myst_enable_extensions = ["colon_fence"]
show_warning_types = True
