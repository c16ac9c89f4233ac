# FaceRecognition package: the dlib engine benchmark (and the gallery benchmarks FaceBenchmarks runs too).
#   make fr-bench   release build of face-bench (in Release/, the one release build root), run it, table printed and kept in .build-logs/fr-bench.txt
# Needs the models and photos of scripts/fetch-test-data.sh (fetched here if missing, instant when cached).

FR_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
FR_DIR := $(FR_ROOT)/FaceRecognition
FR_BENCH_ARGS ?=

BENCH_TARGETS += fr-bench

.PHONY: fr-bench fr-test-data

fr-test-data:
	@$(FR_ROOT)/scripts/fetch-test-data.sh

fr-bench: fr-test-data
	@mkdir -p $(FR_ROOT)/.build-logs
	cd $(FR_ROOT)/Release && swift build -c release --static-swift-stdlib --product face-bench
	cd $(FR_DIR) && set -o pipefail && "$(FR_ROOT)/Release/.build/release/face-bench" $(FR_BENCH_ARGS) \
	  | tee $(FR_ROOT)/.build-logs/fr-bench.txt
