extensions = ["sphinx_cjm"]
project = "Registers"
show_warning_types = True
