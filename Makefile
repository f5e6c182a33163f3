# Traguardi. `make demo` installs everything and serves the demo; `make test` runs the whole test suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer: the first one found on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python 2>/dev/null); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/traguardi
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in the demo's mail links and calendar feed: the one the server really answers on.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install demo test lint typecheck pytest clean bench bench-quick messages

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer not found: install it (e.g. pyenv install 3.12) and retry."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
	else echo "chromium is missing: install Debian's chromium package (apt-get install chromium) for the browser tests"; exit 1; fi

install: $(BIN)/.installed
	@test -x $(CHROMIUM) || $(MAKE) --no-print-directory $(CHROMIUM) || echo "Continuing without chromium: only the browser tests need it."

# The whole application on embedded defaults: SQLite, Celery on a file-system broker, mail written to var/mail. It
# runs as production would (DEBUG off: the product's own error pages), over plain HTTP on this machine, with a
# secret key made once in var/demo-secret-key.
# The host names the demo answers to: add the machine's name or address when HOST=0.0.0.0 serves the network.
DEMO_ALLOWED_HOSTS ?= $(HOST),127.0.0.1,localhost
DEMO_ENV = env -u DATABASE_URL -u REDIS_URL -u EMAIL_URL -u SECRET_KEY -u DATABASE_URL_FILE -u REDIS_URL_FILE \
	-u EMAIL_URL_FILE SITE_URL=$(SITE_URL) DEBUG=false HTTPS=false ALLOWED_HOSTS=$(DEMO_ALLOWED_HOSTS) \
	SECRET_KEY_FILE=$(CURDIR)/var/demo-secret-key EMAIL_URL=file://$(CURDIR)/var/mail
demo: install
	@mkdir -p var && test -s var/demo-secret-key || \
		(umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/demo-secret-key)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --no-input -v0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) $(BIN)/python manage.py refresh_evaluation -v0
	@echo
	@echo "Traguardi: http://$(HOST):$(PORT)/   (amministrazione: http://$(HOST):$(PORT)/admin/, utente operatore)"
	@echo "Utenti demo, password «$${DEMO_PASSWORD:-demo}»: direttore, oiv, operatore, resp-<area>, staff-<area>-1/-2"
	@echo "  ad esempio resp-area-finanziaria, staff-area-direzione-1. Posta scritta in var/mail/."
	@echo
	$(DEMO_ENV) bash -c '\
		$(BIN)/celery -A config worker -B --loglevel=warning --concurrency=1 --schedule=var/celerybeat-schedule & \
		worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)'

# Refresh the English catalogue from the sources and compile the catalogues. A new Italian text appears with an
# empty or a guessed (fuzzy) translation, listed at the end: write it in locale/en/LC_MESSAGES/django.po, drop
# the fuzzy flag and run this again.
# locale/it holds only Django's month names in lower case ("6 dicembre 2026"): it is compiled, not refreshed.
messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete -v0
	$(BIN)/python manage.py compilemessages -l en -l it -v0
	@echo "Without a translation, or with a guessed one (fuzzy, not served until checked):"
	@msgattrib --untranslated --no-wrap locale/en/LC_MESSAGES/django.po | grep '^msgid "' | tail -n +2 || true
	@msgattrib --only-fuzzy --no-wrap locale/en/LC_MESSAGES/django.po | grep '^msgid "' | tail -n +2 || true

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install $(CHROMIUM)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/pytest

# The whole test suite, on PostgreSQL.
test: lint typecheck pytest

# Benchmarks (not tests): figures and ratios in bench/results/ and BENCHMARKS.md. They use their own
# database (traguardi_bench) and Redis db 11 (BENCH_DATABASE_URL, BENCH_REDIS_URL). One of them alone:
# `make bench-quick BENCH=bench_pages` (or bench_pairs, bench_delivery, ...).
bench: install
	$(BIN)/python -m bench.run $(BENCH)

bench-quick: install
	$(BIN)/python -m bench.run --quick $(BENCH)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
