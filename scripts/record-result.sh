#!/usr/bin/env bash
# record-result.sh NAME PASSED FAILED: stores one suite's counts for scripts/summary.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-logs/results
echo "$2 $3" >".build-logs/results/$1"
