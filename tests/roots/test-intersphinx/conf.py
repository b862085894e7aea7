project = "Consumer"
extensions = ["sphinx.ext.intersphinx", "sphinx_cjm"]
# The test fills in intersphinx_mapping with the built test-basic site.
