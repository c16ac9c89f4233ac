# Receiver package (see Receiver/README.md).
#   make receiver-test    swift test in Receiver (scripts/test.sh runs it too)
#   make receiver-bench   (part of `make bench`) the release receiver side by side with the sample's
#                         (../shared/tools/kcs/kcs-receiver) on one private MariaDB and one real nsqd,
#                         wrk in alternating rounds: /image/post req/s and p99 at 16 and 64 connections,
#                         NSQ and table queue, coalescing on and off, the /healthz ceiling, RSS;
#                         printed and kept in .build-logs/receiver-bench.txt

RECEIVER_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

BENCH_TARGETS += receiver-bench

.PHONY: receiver-test receiver-bench

receiver-test: setup test-data
	@PACKAGES=Receiver $(RECEIVER_ROOT)/scripts/test.sh

receiver-bench:
	@mkdir -p $(RECEIVER_ROOT)/.build-logs
	set -o pipefail && $(RECEIVER_ROOT)/Receiver/bench/run-bench.sh | tee $(RECEIVER_ROOT)/.build-logs/receiver-bench.txt
