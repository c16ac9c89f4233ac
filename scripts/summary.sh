#!/usr/bin/env bash
# Sums the per-suite results that test steps record in .build-logs/results/NAME ("PASSED FAILED")
# and prints the closing line CI reads. Suites are listed in the order they finished, each with the wall
# time since the previous one finished (its builds included; the first counts from scripts/test.sh's start).
set -euo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
if [ -d .build-logs/results ]; then
  previous=$(stat -c %Y .build-logs/results/.started 2>/dev/null || echo "")
  # shellcheck disable=SC2012
  for f in $(ls -tr .build-logs/results/* 2>/dev/null); do
    [ -f "$f" ] || continue
    read -r p fl <"$f"
    finished=$(stat -c %Y "$f")
    took=""
    [ -n "$previous" ] && took="$((finished - previous)) s"
    previous=$finished
    printf '    %-24s %5s passed %5s failed %8s\n' "$(basename "$f")" "$p" "$fl" "$took"
    passed=$((passed + p))
    failed=$((failed + fl))
  done
fi
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
