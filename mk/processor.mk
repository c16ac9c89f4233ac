# ImageProcessor package (see ImageProcessor/README.md).
#   make processor-test   swift test in ImageProcessor (scripts/test.sh runs it too)

PROCESSOR_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

.PHONY: processor-test

processor-test: setup test-data
	@PACKAGES=ImageProcessor $(PROCESSOR_ROOT)/scripts/test.sh
