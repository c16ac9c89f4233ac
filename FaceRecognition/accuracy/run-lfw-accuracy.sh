#!/usr/bin/env bash
# LFW View 1 accuracy of the real face-recognition server through its v2 gRPC API (`make accuracy`).
# Starts a private MariaDB (empty gallery; the server needs its database), the server with its image root
# = the LFW photos, runs lfw_accuracy.py against it, stops the server with SIGTERM. The report goes to
# stdout and .build-logs/accuracy-bench[-LABEL].txt (per-photo results in accuracy-photos[-LABEL].json).
# Env: LFW_VIEW1_DIR (default ../shared/data/lfw-view1), FR_BINARY (default: the release build of
# FaceRecognition), ACCURACY_SERVER_ARGS (extra server flags, e.g. "--cnn-fallback-max-side 0" for the
# HOG-only pipeline), ACCURACY_LABEL (report name suffix: accuracy-bench-LABEL.txt), ACCURACY_WORKERS (default 2),
# ACCURACY_LIMIT (only N pairs per file, for a smoke run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FR="$ROOT/FaceRecognition"
LFW=${LFW_VIEW1_DIR:-$ROOT/../shared/data/lfw-view1}
LABEL=${ACCURACY_LABEL:-}
WORK="$ROOT/.run/accuracy${LABEL:+-$LABEL}"
VENV="$ROOT/.cache/fr-python-venv"
LOGS="$ROOT/.build-logs"
WORKERS=${ACCURACY_WORKERS:-2}
export PATH=/opt/swift/usr/bin:$PATH

log() { echo "[accuracy] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

if [ ! -f "$LFW/pairsDevTrain.txt" ] || [ ! -f "$LFW/pairsDevTest.txt" ] || [ ! -d "$LFW/images" ]; then
  echo "LFW View 1 not found in $LFW (pairsDevTrain.txt, pairsDevTest.txt, images/): set LFW_VIEW1_DIR" >&2
  exit 2
fi
LFW=$(cd "$LFW" && pwd)
[ -f "$ROOT/.cache/models/mmod_human_face_detector.dat" ] || "$ROOT/scripts/fetch-test-data.sh"

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check grpcio grpcio-tools

if [ -n "${FR_BINARY:-}" ]; then
  BIN=$FR_BINARY
else
  # `make release`'s one build root and flags (no -j: Release/README.md), so its build is reused.
  log "building face-recognition (release, in Release/)"
  (cd "$ROOT/Release" && swift build -c release --static-swift-stdlib --product face-recognition >&2)
  BIN="$ROOT/Release/.build/release/face-recognition"
fi

mkdir -p "$WORK/known_people" "$LOGS"
eval "$("$ROOT/scripts/mariadb.sh" start "$WORK/mariadb")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  "$ROOT/scripts/mariadb.sh" stop "$WORK/mariadb" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DB=fr_accuracy
mariadb --no-defaults --socket="$WORK/mariadb/mysqld.sock" -uroot \
  -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4"

GRPC_PORT=$(free_port)
ADMIN_PORT=$(free_port)
log "starting $BIN on 127.0.0.1:$GRPC_PORT, image root $LFW/images, $WORKERS workers ${ACCURACY_SERVER_ARGS:-}"
# shellcheck disable=SC2086  # ACCURACY_SERVER_ARGS is a list of flags
DB_PASSWORD="$TEST_MYSQL_PASSWORD" "$BIN" \
  --grpc-address "127.0.0.1:$GRPC_PORT" --admin-address "127.0.0.1:$ADMIN_PORT" \
  --image-root "$LFW/images" --known-people-dir "$WORK/known_people" --models-dir "$ROOT/.cache/models" \
  --workers "$WORKERS" --max-in-flight 1000 --gallery-refresh-seconds 0 \
  --db-host 127.0.0.1 --db-port "$TEST_MYSQL_PORT" --db-user "$TEST_MYSQL_USER" --db-dbname "$DB" \
  --migrate --drain-seconds 0 ${ACCURACY_SERVER_ARGS:-} >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

NAME="accuracy-bench${LABEL:+-$LABEL}"  # *bench* files go into make bench's bench.json
"$VENV/bin/python" "$FR/accuracy/lfw_accuracy.py" --address "127.0.0.1:$GRPC_PORT" --lfw-dir "$LFW" \
  --server-pid "$SERVER_PID" --concurrency "$WORKERS" --label "${LABEL:+($LABEL) }${ACCURACY_SERVER_ARGS:-}" \
  --limit "${ACCURACY_LIMIT:-0}" --report "$LOGS/$NAME.txt" --faces-json "$LOGS/accuracy-photos${LABEL:+-$LABEL}.json" || {
  status=$?; tail -30 "$WORK/server.log" >&2; exit "$status"; }

kill -TERM "$SERVER_PID"
for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
SERVER_PID=""
log "report: $LOGS/$NAME.txt"
