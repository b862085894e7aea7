# Quick start: `make demo` builds the example case-study site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo docs test test-oldest lint system-deps locale pdf-shots browser-shots clean

# Debian packages the browser test (tests/browser) and the PDF test need. Installed when this
# machine can (root with apt-get); otherwise those tests skip. About 2–3 minutes on a fresh machine.
BROWSER_PACKAGES := chromium chromium-driver
PDF_PACKAGES := latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended texlive-lang-cyrillic fonts-freefont-otf fonts-dejavu-core poppler-utils

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

demo: $(INSTALLED)
	$(BIN)/sphinx-build -W --keep-going -q -b html examples examples/_build/html
	@echo "Example site: $(abspath examples/_build/html/index.html)"

# The documentation site (docs/), built with sphinx_cjm itself; warnings are errors.
docs: $(INSTALLED)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "Documentation: $(abspath docs/_build/html/index.html)"

test: lint system-deps test-oldest
	$(BIN)/python -m pytest -q

# The oldest Sphinx and docutils pyproject.toml allows: the example site builds warning-free with
# each kind of builder, under -j 2 (the test suite runs on the newest). About a minute.
OLDEST := .venv-oldest
OLDEST_PINS := "sphinx==7.3.7" "docutils==0.20.1" "myst-parser==3.0.1" "furo==2024.1.29"

$(OLDEST)/.installed: pyproject.toml
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install -q -e . $(OLDEST_PINS)
	touch $@

test-oldest: $(OLDEST)/.installed
	for builder in html dirhtml singlehtml text latex; do \
	  $(OLDEST)/bin/sphinx-build -W --keep-going -q -j 2 -b $$builder -d $(OLDEST)/build/doctrees-$$builder \
	    examples $(OLDEST)/build/$$builder || exit 1; \
	done

# Style (ruff: lint rules and formatting) and types (mypy), configured in pyproject.toml.
lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    ! (command -v chromium && command -v chromedriver && command -v xelatex && command -v latexmk && command -v pdftoppm) >/dev/null 2>&1; then \
	  echo "Installing Chromium and TeX from Debian for the browser and PDF tests..."; \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(BROWSER_PACKAGES) && \
	   DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PDF_PACKAGES)) >/dev/null 2>&1 || \
	  echo "Could not install them; the browser and PDF tests will be skipped."; \
	fi

# The docs gallery's pictures of the examples' PDF (the first page of each case study's map),
# drawn by the PDF test from its build of the examples; run after changing how maps go on paper.
pdf-shots: $(INSTALLED)
	$(BIN)/python -m pytest -q -m pdf tests/test_pdf.py -k first_map_page_of_each_case_study
	cp examples/_build/pdf-shots/pdf-*-map.png docs/_static/shots/

# The docs gallery's browser screenshots of the examples (the curve on the grid in Alabaster and Furo,
# light and dark, laptop and phone; the full-map page), taken by the curve-grid browser test.
browser-shots: $(INSTALLED)
	$(BIN)/python -m pytest -q -m browser tests/browser/test_curve_grid.py
	rm -f docs/_static/shots/browser-*.png
	for shot in examples/_build/browser-grid/screenshots/*.png; do cp "$$shot" "docs/_static/shots/browser-$${shot##*/}"; done

# Compile the message catalogs (labels in other languages) after editing a .po file.
locale: $(INSTALLED)
	$(BIN)/python -m babel.messages.frontend compile -d sphinx_cjm/locale -D sphinx_cjm

clean:
	rm -rf $(VENV) $(OLDEST) examples/_build docs/_build build *.egg-info
