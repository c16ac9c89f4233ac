#!/usr/bin/env bash
# Sums the per-suite results that test steps record in .build-logs/results/NAME ("PASSED FAILED")
# and prints the closing line CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
if [ -d .build-logs/results ]; then
  for f in .build-logs/results/*; do
    [ -f "$f" ] || continue
    read -r p fl <"$f"
    printf '    %-24s %5s passed %5s failed\n' "$(basename "$f")" "$p" "$fl"
    passed=$((passed + p))
    failed=$((failed + fl))
  done
fi
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
