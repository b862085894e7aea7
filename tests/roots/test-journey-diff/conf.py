project = "Journey diff"
extensions = ["sphinx_cjm"]
