# Receiver package (see Receiver/README.md).
#   make receiver-test    swift test in Receiver (scripts/test.sh runs it too)
#   make receiver-bench   release receiver on a private MariaDB, driven by wrk: req/s, p50, p99
#                         (single /image/post at 16 and 64 connections, 1,000-path /images/post);
#                         printed and kept in .build-logs/receiver-bench.txt

RECEIVER_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

BENCH_TARGETS += receiver-bench

.PHONY: receiver-test receiver-bench

receiver-test:
	cd $(RECEIVER_ROOT)/Receiver && swift test

receiver-bench:
	@mkdir -p $(RECEIVER_ROOT)/.build-logs
	set -o pipefail && $(RECEIVER_ROOT)/Receiver/bench/run-bench.sh | tee $(RECEIVER_ROOT)/.build-logs/receiver-bench.txt
