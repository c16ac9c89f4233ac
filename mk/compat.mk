# Mixed fleets of the Go/Python sample's own binaries and our services (tests/compat, see its README).
#   make test-compat          the sample's receiver -> our processor; our receiver -> the sample's processor
#                             -> our FaceRecognition (v1); the sample's frontend over rows each of our
#                             services wrote (part of make test)
#   make test-compat-rolling  sample -> ours -> sample, one service at a time, under steady load (make test too)
# Real MariaDB and nsqd/nsqlookupd; the sample's binaries from $KCS_BIN_DIR, ../shared/tools/kcs or PATH.
COMPAT_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
# The venv is mk/e2e.mk's (pytest only).
COMPAT_VENV := $(COMPAT_ROOT)/.cache/e2e-venv
# product:package of every binary of ours the fleets run (debug builds).
COMPAT_PRODUCTS := migrate:SharedKit receiver:Receiver image-processor:ImageProcessor face-recognition:FaceRecognition
.PHONY: test-compat test-compat-rolling compat-build
TEST_TARGETS += test-compat test-compat-rolling

compat-build: setup
	@for pp in $(COMPAT_PRODUCTS); do \
	  product=$${pp%%:*}; package=$${pp##*:}; \
	  log=$(COMPAT_ROOT)/.build-logs/compat-build-$$product.log; mkdir -p $(COMPAT_ROOT)/.build-logs; \
	  (cd $(COMPAT_ROOT)/$$package && swift build --product $$product >$$log 2>&1) \
	    || { grep -E 'error:' $$log >&2; echo "build of $$product in $$package failed (log: $$log)" >&2; exit 1; }; \
	done

test-compat: $(COMPAT_VENV)/.installed test-data compat-build
	@$(COMPAT_ROOT)/scripts/pytest-result.sh compat $(COMPAT_VENV)/bin/python -m pytest -q -p no:cacheprovider $(COMPAT_ROOT)/tests/compat/test_mixed_fleet.py

# The sample's processor, stopped mid-image, leaves the row processing without a lease; our sweeper
# re-announces it once older than the lease and our processor claims it (about 1.5 minutes).
test-compat-rolling: $(COMPAT_VENV)/.installed test-data compat-build
	@$(COMPAT_ROOT)/scripts/pytest-result.sh compat-rolling $(COMPAT_VENV)/bin/python -m pytest -q -s -p no:cacheprovider $(COMPAT_ROOT)/tests/compat/test_rolling.py
