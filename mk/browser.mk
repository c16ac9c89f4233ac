# People management in a real browser (issue #16): headless Chromium driven by Selenium through Debian's
# chromedriver, over the whole pipeline as `make run` starts it (debug binaries, its own ports and run folder).
#   make test-browser   log in, enroll by upload (+ no face / several faces / not an image / too big), name an
#                       unnamed group, name a face, merge, rename, remove a face, delete; screenshots of each
#                       step in .build-logs/screenshots/browser-*.png (part of make test; about 2 minutes)
BROWSER_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BROWSER_VENV := $(BROWSER_ROOT)/.cache/browser-venv
PYTHON3 ?= python3
.PHONY: test-browser
TEST_TARGETS += test-browser

$(BROWSER_VENV)/.installed: $(BROWSER_ROOT)/mk/browser.mk
	$(PYTHON3) -m venv $(BROWSER_VENV)
	$(BROWSER_VENV)/bin/pip install --quiet --disable-pip-version-check pytest==9.0.3 selenium==4.38.0
	touch $@

test-browser: setup test-data $(BROWSER_VENV)/.installed
	@cd $(BROWSER_ROOT)/tests/browser && $(BROWSER_ROOT)/scripts/pytest-result.sh browser \
	  $(BROWSER_VENV)/bin/python -m pytest -q -p no:cacheprovider $(BROWSER_ROOT)/tests/browser/test_people.py
