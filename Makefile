# Face-recognition pipeline: top-level entry points.
#   make test     everything a fresh Debian 12 machine needs, then every test (what CI runs)
#   make run      the whole pipeline on this machine, no cluster (see README)
#   make bench    every benchmark, numbers printed and written under .build-logs/
#   make release  release binaries of every service, one build in Release/ (used by build-images)
# Area-specific targets live in mk/*.mk (images, k8s, proto, face recognition, ...).

SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
export PATH := /opt/swift/usr/bin:$(PATH)
PACKAGES := SharedKit Receiver ImageProcessor FaceRecognition Frontend
SERVICE_PACKAGES := Receiver ImageProcessor FaceRecognition Frontend
# Executable products of `make release`, all built in Release/ (binaries in Release/.build/release/).
RELEASE_PRODUCTS := migrate receiver image-processor face-recognition frontend

# mk/*.mk append to these.
TEST_TARGETS :=
BENCH_TARGETS :=

.DEFAULT_GOAL := help

include $(sort $(wildcard $(ROOT)/mk/*.mk))

.PHONY: help setup test-data test test-swift run bench release build clean

help:
	@echo "make test   - set up this machine (apt, PyPI test data, MariaDB) and run every test"
	@echo "make run    - run the whole pipeline locally (MariaDB + all services), Ctrl-C stops it"
	@echo "make bench  - run every benchmark and print the numbers"
	@echo "make release / build-images / deploy / rollout-status / undeploy - see README.md"

setup:
	@$(ROOT)/scripts/setup.sh

test-data: setup
	@$(ROOT)/scripts/fetch-test-data.sh

# Swift tests of every package against one throwaway MariaDB, then the other suites.
test-swift: setup test-data
	@$(ROOT)/scripts/test.sh

# Every suite runs even when an earlier one failed, so one run shows every failure (and every suite's
# time); the exit status says whether all passed.
test:
	@status=0; \
	for suite in test-swift $(TEST_TARGETS); do $(MAKE) --no-print-directory -f $(ROOT)/Makefile $$suite || status=1; done; \
	$(ROOT)/scripts/summary.sh || status=1; \
	exit $$status

# Debug binaries of every service, all packages in one build folder (.build-debug/debug/, see the script).
build: setup
	@$(ROOT)/scripts/build-debug.sh

# One build root (Release/, see its README) for every release binary: the shared dependencies compile
# once, not once per package. Binaries land in Release/.build/release/.
release: setup
	@for p in $(RELEASE_PRODUCTS); do \
	  echo "==> swift build -c release --static-swift-stdlib --product $$p (in Release/)"; \
	  (cd $(ROOT)/Release && swift build -c release --static-swift-stdlib --product $$p) || exit 1; \
	done

run: setup test-data
	@$(ROOT)/scripts/run.sh

bench: setup test-data $(BENCH_TARGETS)
	@python3 $(ROOT)/scripts/bench-report.py

clean:
	@for p in $(PACKAGES); do rm -rf $(ROOT)/$$p/.build; done
