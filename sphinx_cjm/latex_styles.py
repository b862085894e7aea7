"""LaTeX counterparts of cjm.css, added to the user's ``latex_elements['preamble']``.

Sphinx wraps a container with class ``X`` in ``sphinxuseclass``, which opens the
environment ``sphinxclassX`` where one is defined: a persona's container becomes a
framed card (Sphinx's own topic box), like the card cjm.css draws in HTML.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

LATEX_STYLES = r"""
% sphinx_cjm: a persona is a framed card.
\newenvironment{sphinxclasscjm-persona}{\begin{sphinxShadowBox}}{\end{sphinxShadowBox}}
"""


def add_latex_styles(app: Sphinx, config: Config) -> None:
    # A new dict: the default value is shared by every Sphinx application in the process.
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_STYLES
    config.latex_elements = elements
