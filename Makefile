# Quick start: `make demo` builds the example case-study site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test locale clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

demo: $(INSTALLED)
	$(BIN)/sphinx-build -W --keep-going -q -b html examples examples/_build/html
	@echo "Example site: $(abspath examples/_build/html/index.html)"

test: $(INSTALLED)
	$(BIN)/python -m pytest -q

# Compile the message catalogs (labels in other languages) after editing a .po file.
locale: $(INSTALLED)
	$(BIN)/python -m babel.messages.frontend compile -d sphinx_cjm/locale -D sphinx_cjm

clean:
	rm -rf $(VENV) examples/_build build *.egg-info
