extensions = ["sphinx_cjm"]
show_warning_types = True
