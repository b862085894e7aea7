project = "Basic"
extensions = ["myst_parser", "sphinx_cjm"]
myst_enable_extensions = ["colon_fence"]
