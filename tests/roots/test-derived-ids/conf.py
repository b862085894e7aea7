project = "Derived ids"
extensions = ["sphinx_cjm"]
