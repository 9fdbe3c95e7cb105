# The README's two commands:  make run   and   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell md5sum requirements.txt | cut -c1-12)

.PHONY: run test lint system

run: $(STAMP)  ## serve the cockpit (builds the sample store on first run)
	$(VENV)/bin/python app.py

test: $(STAMP) system  ## lint, then every test on SQLite, PostgreSQL and MariaDB, browser tests included
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest --headless -n 2 --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

system:  ## Debian packages (Chromium, CJK font) and running databases
	bash scripts/setup-system.sh

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@
