project = "PDF"
extensions = ["sphinx_cjm"]
latex_documents = [("index", "maps.tex", "Maps on paper", "Tests", "manual")]
# As in examples/conf.py: XeLaTeX and DejaVu, which the PDF test's machines have (make system-deps).
latex_engine = "xelatex"
latex_elements = {
    "fontpkg": r"\setmainfont{DejaVu Serif}\setsansfont{DejaVu Sans}\setmonofont{DejaVu Sans Mono}",
}
