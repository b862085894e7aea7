project = "Basic"
extensions = ["sphinx_cjm"]
