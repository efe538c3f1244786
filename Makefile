# The bot's commands. Every target honours BOT_HOME, BOT_CONFIG and BOT__SECTION__KEY
# from the environment, so e.g.
#   BOT_HOME=$PWD/var-a BOT__WEB__PORT=18080 BOT__RUNTIME__NAMESPACE=a make run
# starts a second, independent instance (make status / make stop with the same variables).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: run stop status logs test bench lint venv clean-venv

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing runtime requirements into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	@echo "installing test requirements into $(VENV) ..."
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.runtime

run: $(VENV)/.runtime
	@$(PY) -m tools.botctl run

stop: $(VENV)/.runtime
	@$(PY) -m tools.botctl stop

status: $(VENV)/.runtime
	@$(PY) -m tools.botctl status

logs: $(VENV)/.runtime
	@$(PY) -m tools.botctl logs $(if $(FOLLOW),--follow) -n $(or $(LINES),40)

test: $(VENV)/.dev
	@$(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev
	@$(PY) -m bench

lint: $(VENV)/.dev
	@$(VENV)/bin/ruff check .

clean-venv:
	rm -rf $(VENV)
