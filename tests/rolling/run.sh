#!/usr/bin/env bash
# `make test-rolling`: the zero-downtime proof (rolling_test.py) with the project's binaries.
# Env: RECEIVER_BIN, MIGRATE_BIN (default: the release build of `make release` in Release/, else the debug build), RATE (200),
#      MAX_REQUESTS (20000), MAX_SECONDS (120), DRAIN_SECONDS (3), WORKERS (32).
# Needs Debian packages haproxy, mariadb-server, mariadb-client and python3.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

pick() { # first existing executable of the candidates
  for candidate in "$@"; do [[ -x "$candidate" ]] && { echo "$candidate"; return; }; done
  echo "$1"
}
DEBUG_BIN="$("$ROOT/scripts/build-debug.sh" --bin-dir)"
RECEIVER_BIN="${RECEIVER_BIN:-$(pick "$ROOT/Release/.build/release/receiver" "$DEBUG_BIN/receiver")}"
MIGRATE_BIN="${MIGRATE_BIN:-$(pick "$ROOT/Release/.build/release/migrate" "$DEBUG_BIN/migrate")}"
[[ -x "$RECEIVER_BIN" ]] || { echo "[rolling] no receiver binary at $RECEIVER_BIN (scripts/build-debug.sh receiver)" >&2; exit 1; }
[[ -x "$MIGRATE_BIN" ]] || { echo "[rolling] no migrate binary at $MIGRATE_BIN (scripts/build-debug.sh migrate)" >&2; exit 1; }
echo "[rolling] receiver: $RECEIVER_BIN" >&2
echo "[rolling] migrate:  $MIGRATE_BIN" >&2

status=0
python3 "$HERE/rolling_test.py" --receiver "$RECEIVER_BIN" --migrate "$MIGRATE_BIN" \
  --rate "${RATE:-200}" --max-requests "${MAX_REQUESTS:-20000}" --max-seconds "${MAX_SECONDS:-120}" \
  --drain-seconds "${DRAIN_SECONDS:-3}" --workers "${WORKERS:-32}" || status=$?
# One entry in the `make test` summary: the rollout as a whole passed or not.
if [[ -x "$ROOT/scripts/record-result.sh" ]]; then
  if [[ $status -eq 0 ]]; then "$ROOT/scripts/record-result.sh" rolling 1 0; else "$ROOT/scripts/record-result.sh" rolling 0 1; fi
fi
exit "$status"
