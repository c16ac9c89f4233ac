#!/usr/bin/env bash
# pytest-result.sh NAME PYTEST-COMMAND...: runs pytest, records its counts for scripts/summary.sh.
set -uo pipefail
name=$1; shift
log=$(mktemp)
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
line=$(grep -E '[0-9]+ (passed|failed|error)' "$log" | tail -1)
passed=$(echo "$line" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
failed=$(( $(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+' || echo 0) + $(echo "$line" | grep -Eo '[0-9]+ errors?' | grep -Eo '[0-9]+' || echo 0) ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
"$(dirname "$0")/record-result.sh" "$name" "${passed:-0}" "$failed"
rm -f "$log"
exit "$status"
