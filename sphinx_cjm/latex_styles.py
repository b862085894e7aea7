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
% sphinx_cjm: a journey table's cell (latex_map.py) is compact: small type, ragged right,
% hyphenated only where a word cannot fit, never leaving one or two letters on a line;
% its lists start at the top of the cell with a narrow indent.
\makeatletter
\def\cjm@listi{\leftmargin1.1em\labelwidth.8em\labelsep.3em\topsep\z@\partopsep\z@\parsep\z@\itemsep1.5\p@}
\newcommand*\cjmcell{\footnotesize\RaggedRight\lefthyphenmin=3 \righthyphenmin=3 \hyphenpenalty=1000
  \emergencystretch=1em\let\@listi\cjm@listi\relax}
\makeatother
% sphinx_cjm: numbers carry a real minus sign (numbers.py); pdfLaTeX needs to be told what it is.
\ifdefined\XeTeXrevision\else\ifdefined\directlua\else\ifdefined\DeclareUnicodeCharacter
  \DeclareUnicodeCharacter{2212}{\ensuremath{-}}
\fi\fi\fi
% sphinx_cjm: an empty cell's dash is muted, as in cjm.css.
\expandafter\newcommand\csname DUrolecjm-empty\endcsname[1]{\textcolor{gray}{#1}}
"""

#: Packages the styles and journey tables use: landscape pages, ragged-right cells.
LATEX_PACKAGES = ("pdflscape", "ragged2e")


def add_latex_styles(app: Sphinx, config: Config) -> None:
    # A new dict: the default value is shared by every Sphinx application in the process.
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + LATEX_STYLES
    config.latex_elements = elements
