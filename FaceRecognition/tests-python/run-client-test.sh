#!/usr/bin/env bash
# Runs tests-python/test_v1_client.py against a real face-recognition process:
#   a private MariaDB (scripts/mariadb.sh, data under .run/fr-client-test/), the gallery obama.jpg +
#   biden.jpg seeded the sample's way (person, person_images, files in known_people/), probes under
#   unknown_people/, the server built with `swift build` and started on free loopback ports, then
#   SIGTERM and a check that it exits cleanly. Python deps live in a venv under .cache/.
# Env: FR_BINARY=path uses that binary instead of building one.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FR="$ROOT/FaceRecognition"
WORK="$ROOT/.run/fr-client-test"
VENV="$ROOT/.cache/fr-python-venv"
PHOTOS="$ROOT/.cache/photos"
export PATH=/opt/swift/usr/bin:$PATH

log() { echo "[fr-python-client-test] $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

[ -f "$PHOTOS/obama.jpg" ] || "$ROOT/scripts/fetch-test-data.sh"

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check grpcio grpcio-tools pytest

if [ -n "${FR_BINARY:-}" ]; then
  BIN=$FR_BINARY  # an already built binary (e.g. a release build)
else
  log "building face-recognition (debug, scripts/build-debug.sh)"
  "$ROOT/scripts/build-debug.sh" face-recognition
  BIN="$("$ROOT/scripts/build-debug.sh" --bin-dir)/face-recognition"
fi

mkdir -p "$WORK"
eval "$("$ROOT/scripts/mariadb.sh" start "$WORK/mariadb")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  "$ROOT/scripts/mariadb.sh" stop "$WORK/mariadb" >/dev/null 2>&1 || true
}
trap cleanup EXIT

DB=fr_client_test
SQL=(mariadb --no-defaults --socket="$WORK/mariadb/mysqld.sock" -uroot)
"${SQL[@]}" -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB CHARACTER SET utf8mb4"
# A database as the sample left it: its own tables and known people, no faces table yet. The server's
# --migrate adopts it (schema v2) and then computes the gallery descriptors.
"${SQL[@]}" "$DB" -e "
  CREATE TABLE person (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL);
  CREATE TABLE person_images (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, image_name VARCHAR(255), person_id INT);
  CREATE TABLE images (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, path VARCHAR(255) NOT NULL, person INT, status INT);
  INSERT INTO person (name) VALUES ('Barack Obama'), ('Joe Biden');
  INSERT INTO person_images (image_name, person_id)
    SELECT 'obama.jpg', id FROM person WHERE name = 'Barack Obama'
    UNION ALL SELECT 'biden.jpg', id FROM person WHERE name = 'Joe Biden';"

IMAGES="$WORK/images"
rm -rf "$IMAGES"
mkdir -p "$IMAGES/known_people" "$IMAGES/unknown_people"
cp "$PHOTOS/obama.jpg" "$PHOTOS/biden.jpg" "$IMAGES/known_people/"
for f in obama2.jpg obama3.jpg 32bit.png t1.jpg mask_white.jpg Tom_Hanks_54745.png; do cp "$PHOTOS/$f" "$IMAGES/unknown_people/"; done

GRPC_PORT=$(free_port)
ADMIN_PORT=$(free_port)
log "starting face-recognition on 127.0.0.1:$GRPC_PORT (admin :$ADMIN_PORT)"
DB_PASSWORD="$TEST_MYSQL_PASSWORD" "$BIN" \
  --grpc-address "127.0.0.1:$GRPC_PORT" --admin-address "127.0.0.1:$ADMIN_PORT" \
  --image-root "$IMAGES" --models-dir "$ROOT/.cache/models" --workers 2 \
  --db-host 127.0.0.1 --db-port "$TEST_MYSQL_PORT" --db-user "$TEST_MYSQL_USER" --db-dbname "$DB" \
  --migrate --drain-seconds 0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

set +e
FR_ADDRESS="127.0.0.1:$GRPC_PORT" "$ROOT/scripts/pytest-result.sh" fr-python-client \
  "$VENV/bin/python" -m pytest -q "$FR/tests-python/test_v1_client.py"
status=$?
set -e

log "SIGTERM: the server must drain and exit 0"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$SERVER_PID" 2>/dev/null; then log "server did not stop within 30 s"; status=1; else
  wait "$SERVER_PID"; code=$?
  [ "$code" -eq 0 ] || { log "server exited with $code"; status=1; }
fi
SERVER_PID=""
[ "$status" -eq 0 ] || tail -50 "$WORK/server.log"
exit "$status"
