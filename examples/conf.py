# Case-study site of a CX agency, built by `make demo`.
project = "Кейсы: карты пути клиента"
author = "CX-агентство «Точка контакта»"
copyright = f"2026, {author}"
release = version = "2026.1"
language = "ru"
extensions = ["myst_parser", "sphinx_cjm"]
myst_enable_extensions = ["colon_fence"]
exclude_patterns = ["_build"]
html_title = "Карты пути клиента: кейсы"
# Metric facts from the clinic's nightly CRM export (see docs/recipes/nightly-facts).
cjm_metric_facts = ["clinic/kpi-facts.csv"]
html_theme = "furo"  # light and dark modes, a search box and footer in the site's language

# PDF (`make -C examples/_build/latex` after `sphinx-build -b latex`): XeLaTeX for Cyrillic,
# DejaVu for the glyphs FreeSerif lacks (₽).
latex_engine = "xelatex"
latex_elements = {
    "fontpkg": r"\setmainfont{DejaVu Serif}\setsansfont{DejaVu Sans}\setmonofont{DejaVu Sans Mono}",
    # Sphinx's running foot sets the chapter or section title across the whole width, so a long
    # one ran into the page number ("76Глава 14. Покупка…"), on portrait and landscape pages
    # alike: here it wraps short of the number.
    "preamble": r"""
\makeatletter
\newcommand*\casefootmark[2]{\parbox[t]{\dimexpr\headwidth-3em}{#1\py@HeaderFamily\nouppercase{#2}}}
\g@addto@macro\ps@normal{%
  \fancyfoot[LO]{\casefootmark\raggedright\rightmark}\fancyfoot[RE]{\casefootmark\raggedleft\leftmark}}
\makeatother
""",
}

# The map's own text goes through Sphinx's i18n (docs/recipes/translation.rst): the English doors case
# is translated into Russian here, and `-D language=en` shows the Russian spreadsheet case in English.
locale_dirs = ["locale"]
gettext_compact = False
