extensions = ["myst_parser", "sphinx_cjm"]
project = "Translated map"
show_warning_types = True
locale_dirs = ["locale"]
gettext_compact = False
