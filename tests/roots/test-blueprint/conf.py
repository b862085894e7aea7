extensions = ["sphinx_cjm"]
project = "Blueprint"
show_warning_types = True
