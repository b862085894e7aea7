extensions = ["sphinx_cjm"]
project = "Recommendations from a file"
show_warning_types = True
cjm_lint = ["barrier-without-solution"]
