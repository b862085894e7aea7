extensions = ["sphinx_cjm"]
project = "Lint"
show_warning_types = True
