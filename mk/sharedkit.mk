# SharedKit benchmarks: NSQ producer (in-process nsqd peer) and the MySQL table queue (real MariaDB).
# Built in Release/, the one release build root, so it reuses `make release`'s compiled dependencies.
SHAREDKIT_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
.PHONY: sharedkit-bench
BENCH_TARGETS += sharedkit-bench

sharedkit-bench:
	@env_lines=$$($(SHAREDKIT_ROOT)/scripts/mariadb.sh start $(SHAREDKIT_ROOT)/.cache/bench-mariadb) && \
	  export $$(echo "$$env_lines" | xargs) && \
	  cd $(SHAREDKIT_ROOT)/Release && swift build -c release --static-swift-stdlib --product sharedkit-bench && \
	  mkdir -p $(SHAREDKIT_ROOT)/.build-logs && \
	  .build/release/sharedkit-bench | tee $(SHAREDKIT_ROOT)/.build-logs/bench-sharedkit.txt; \
	  status=$$?; $(SHAREDKIT_ROOT)/scripts/mariadb.sh stop $(SHAREDKIT_ROOT)/.cache/bench-mariadb; exit $$status
