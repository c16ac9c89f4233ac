# End-to-end test of the stack as `make run` starts it, and the chaos test; both run once with the MySQL
# table queue and once with real NSQ (run.sh starts nsqlookupd + nsqd; E2E_QUEUES=mysql or nsq for one).
#   make test-e2e   post the PyPI photos, wait, check DB / Receiver / Frontend agree (part of make test)
#   make chaos      kill -9 each service in turn and restart MariaDB while photos flow; with NSQ also nsqd
#                   kill -9 + restart, nsqlookupd down across an nsqd restart, nsqd down while posting;
#                   prints the fault table with time to recover (part of make test)
E2E_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
E2E_VENV := $(E2E_ROOT)/.cache/e2e-venv
PYTHON3 ?= python3
.PHONY: test-e2e chaos
# chaos fits the CI budget (a few minutes per queue once the debug builds exist), so `make test` runs it too.
TEST_TARGETS += test-e2e chaos

$(E2E_VENV)/.installed: $(E2E_ROOT)/mk/e2e.mk
	$(PYTHON3) -m venv $(E2E_VENV)
	$(E2E_VENV)/bin/pip install --quiet --disable-pip-version-check pytest==9.0.3
	touch $@

test-e2e: $(E2E_VENV)/.installed test-data
	@$(E2E_ROOT)/scripts/pytest-result.sh e2e $(E2E_VENV)/bin/python -m pytest -q -p no:cacheprovider $(E2E_ROOT)/tests/e2e/test_pipeline.py

chaos: $(E2E_VENV)/.installed test-data
	@E2E_RUN_DIR=$(E2E_ROOT)/.cache/chaos-run $(E2E_ROOT)/scripts/pytest-result.sh chaos $(E2E_VENV)/bin/python -m pytest -q -s -p no:cacheprovider $(E2E_ROOT)/tests/e2e/test_chaos.py

.PHONY: bench-e2e
BENCH_TARGETS += bench-e2e
bench-e2e: $(E2E_VENV)/.installed test-data
	@BUILD=release $(E2E_VENV)/bin/python $(E2E_ROOT)/tests/e2e/bench_pipeline.py
