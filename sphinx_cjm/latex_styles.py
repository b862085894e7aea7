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
% sphinx_cjm: the signs the extension writes into a map must print (kpis.py, numbers.py). Sphinx
% itself writes a check mark as \checkmark; the ballot x of a plan not met it leaves as it is, and
% DejaVu Serif, FreeSerif's bold and italic and their sans and mono fonts have none. XeLaTeX and
% LuaLaTeX: a ballot x the current font lacks is taken from DejaVu Sans (in all four shapes), else
% from FreeSerif. pdfLaTeX: each sign is told what it is (the minus of a number, the bounds of a plan).
\makeatletter
\ifdefined\fontspec
  \IfFontExistsTF{DejaVu Sans}{\newfontfamily\cjm@markfont{DejaVu Sans}}
    {\newfontfamily\cjm@markfont{FreeSerif}[BoldFont=FreeSerif,ItalicFont=FreeSerif,BoldItalicFont=FreeSerif]}
  \usepackage{newunicodechar}
  \newunicodechar{^^^^2717}{\iffontchar\font"2717 \symbol{"2717}\else{\cjm@markfont\symbol{"2717}}\fi}
\else\ifdefined\XeTeXrevision\else\ifdefined\directlua\else\ifdefined\DeclareUnicodeCharacter
  \usepackage{pifont}
  \DeclareUnicodeCharacter{2212}{\ensuremath{-}}
  \DeclareUnicodeCharacter{2264}{\ensuremath{\leq}}
  \DeclareUnicodeCharacter{2265}{\ensuremath{\geq}}
  \DeclareUnicodeCharacter{2717}{\ding{55}}
  \DeclareUnicodeCharacter{FFFD}{\textbf{?}}
\fi\fi\fi\fi
\makeatother
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
