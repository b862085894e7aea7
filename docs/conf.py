"""The sphinx_cjm documentation: built with sphinx_cjm itself (`make docs`)."""

import sys
from pathlib import Path

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

import sphinx_cjm  # noqa: E402

project = "sphinx_cjm"
author = "sphinx_cjm contributors"
copyright = "2024, sphinx_cjm contributors"
release = version = sphinx_cjm.__version__

extensions = [
    "sphinx.ext.autodoc",
    "myst_parser",
    "sphinx_cjm",
    "cjm_reference",
    "cjm_gallery",
]
myst_enable_extensions = ["colon_fence"]
# _snippets: sources shown (and included) by other pages, not pages of their own.
exclude_patterns = ["_build", "recipes/*.yml", "_snippets"]
# The Python API's functions and classes are not chapters of the site's table of contents.
toc_object_entries = False

html_theme = "furo"
html_title = f"sphinx_cjm {release}"

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}


# The tutorial's map, as a reader would configure it.
cjm_emotion_scale = (-2, 2)

latex_engine = "xelatex"
latex_documents = [("index", "sphinx_cjm.tex", "sphinx_cjm", author, "manual")]
