# Mixed fleets of the Go/Python sample's own binaries and our services (tests/compat, see its README).
#   make test-compat          the sample's receiver -> our processor; our receiver -> the sample's processor
#                             -> our FaceRecognition (v1); the sample's frontend over rows each of our
#                             services wrote (part of make test)
#   make test-compat-rolling  sample -> ours -> sample, one service at a time, under steady load (make test too)
# Real MariaDB and nsqd/nsqlookupd; the sample's binaries from $KCS_BIN_DIR, ../shared/tools/kcs or PATH.
COMPAT_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
# The venv is mk/e2e.mk's (pytest only).
COMPAT_VENV := $(COMPAT_ROOT)/.cache/e2e-venv
.PHONY: test-compat test-compat-rolling compat-build
TEST_TARGETS += test-compat test-compat-rolling

# Our binaries in the fleets: the debug builds in .build-debug (scripts/build-debug.sh; up to date after the
# Swift tests, so a quick check in CI).
compat-build: setup
	@$(COMPAT_ROOT)/scripts/build-debug.sh migrate receiver image-processor face-recognition

test-compat: $(COMPAT_VENV)/.installed test-data compat-build
	@$(COMPAT_ROOT)/scripts/pytest-result.sh compat $(COMPAT_VENV)/bin/python -m pytest -q -p no:cacheprovider $(COMPAT_ROOT)/tests/compat/test_mixed_fleet.py

# The sample's processor, stopped mid-image, leaves the row processing without a lease; our sweeper
# re-announces it once older than the lease and our processor claims it (about 1.5 minutes).
test-compat-rolling: $(COMPAT_VENV)/.installed test-data compat-build
	@$(COMPAT_ROOT)/scripts/pytest-result.sh compat-rolling $(COMPAT_VENV)/bin/python -m pytest -q -s -p no:cacheprovider $(COMPAT_ROOT)/tests/compat/test_rolling.py
