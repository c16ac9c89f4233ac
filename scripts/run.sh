#!/usr/bin/env bash
# `make run`: the whole pipeline on this machine, no cluster.
#   scripts/run.sh            foreground: start everything, print URLs, Ctrl-C stops it all cleanly
#   scripts/run.sh start      start in the background (used by the end-to-end and chaos tests)
#   scripts/run.sh stop       stop what `start` started
#   scripts/run.sh restart-service NAME   kill -9 one service and start it again (chaos)
#   scripts/run.sh nsq kill|restart|kill-lookupd|restart-lookupd [NODE]   faults on the NSQ daemons run.sh started
# Environment: RUN_DIR (default .run), QUEUE=mysql|nsq, NSQD=host:4150, NSQLOOKUPD=host:4161 (QUEUE=nsq
#   without them starts its own nsqlookupd + nsqd via scripts/nsq.sh in RUN_DIR/nsq, NSQ_NODES of them
#   (default 1), with NSQD_FLAGS (default --mem-queue-size=0, as the manifests)),
#   RECEIVER_PORT (8000), FRONTEND_PORT (8080), GRPC_PORT (50051), BUILD=debug|release,
#   SEED=1 (enroll Obama and Biden and post the sample photos; 0 to skip).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="/opt/swift/usr/bin:$PATH"

mode=${1:-foreground}
run_dir=$(realpath -m "${RUN_DIR:-$root/.run}")
logs="$run_dir/logs"
images="$run_dir/images"
pids="$run_dir/pids"
build=${BUILD:-debug}
queue=${QUEUE:-mysql}
receiver_port=${RECEIVER_PORT:-8000}
frontend_port=${FRONTEND_PORT:-8080}
grpc_port=${GRPC_PORT:-50051}
processor_admin_port=${PROCESSOR_ADMIN_PORT:-8081}
fr_admin_port=${FR_ADMIN_PORT:-8082}
# known_people/: FaceRecognition stores enrolled photos there (the frontend's upload) and does not create it.
mkdir -p "$logs" "$images/known_people" "$pids"

# kill -0 also succeeds on a zombie (nothing may reap orphans here), so check the process state.
alive() {
  local pid=$1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]
}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Release binaries come from `make release`'s one build root (Release/); debug binaries from the one
# debug build folder of scripts/build-debug.sh (.build-debug). Either way shared dependencies compile once.
bin() {  # bin PRODUCT
  if [ "$build" = release ]; then echo "$root/Release/.build/release/$1"; else echo "$(scripts/build-debug.sh --bin-dir)/$1"; fi
}

swift_build() {  # swift_build DIR [swift build arguments...]
  local dir=$1; shift
  (cd "$root/$dir" && swift build "$@" 2>&1 | grep -E --line-buffered '^(error|warning: unre)|Compiling [A-Za-z]+ |Build complete' \
    | awk '/Compiling/ { n++; if (n % 25 == 0) print "    ... " $0; next } { print "    " $0 }')
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build in $dir failed" >&2; exit 1; }
}

build_all() {
  if [ "$build" = release ]; then
    for product in migrate face-recognition image-processor receiver frontend; do
      say "building $product (release, in Release/; the first build takes a while)"
      swift_build Release -c release --static-swift-stdlib --product "$product"  # exactly `make release`: its build is reused
    done
    return
  fi
  say "building every service (debug, in .build-debug; the first build takes a few minutes)"
  scripts/build-debug.sh
}

# Starts MariaDB if needed (it creates the database) and exports the DB_* settings it wrote.
db_env() {
  DB_NAME=kube scripts/mariadb.sh start "$run_dir/mariadb" >/dev/null
  set -a
  # shellcheck disable=SC1091
  . "$run_dir/mariadb/env"
  set +a
}

ensure_database() {
  "$(bin migrate)" --wait-seconds 60 >>"$logs/migrate.log" 2>&1 || { tail -20 "$logs/migrate.log"; exit 1; }
}

# QUEUE=nsq without NSQD/NSQLOOKUPD: our own nsqlookupd + nsqd on loopback (the seed's topology on one
# machine); nsq.sh says how to get the binaries when they are missing.
own_nsq() { [ -z "${NSQD:-}" ] && [ -z "${NSQLOOKUPD:-}" ]; }

start_nsq() {
  [ "$queue" = nsq ] && own_nsq || return 0
  say "starting nsqlookupd + ${NSQ_NODES:-1} nsqd (state in ${run_dir#$root/}/nsq)"
  NSQD_FLAGS="${NSQD_FLAGS---mem-queue-size=0}" scripts/nsq.sh start "$run_dir/nsq" "${NSQ_NODES:-1}" >"$run_dir/nsq.env"
}

queue_env() {
  export QUEUE="$queue"
  if [ "$queue" = nsq ]; then
    if own_nsq; then
      [ -f "$run_dir/nsq.env" ] || { echo "NSQ daemons not started (run.sh start does)" >&2; exit 1; }
      NSQD=$(sed -n 's/^NSQD_TCP_ADDRESS=//p' "$run_dir/nsq.env")
      NSQLOOKUPD=$(sed -n 's/^NSQLOOKUPD_HTTP_ADDRESS=//p' "$run_dir/nsq.env")
    fi
    export NSQD_TCP_ADDRESS="${NSQD:?QUEUE=nsq needs NSQD=host:4150}"
    export NSQLOOKUPD_HTTP_ADDRESS="${NSQLOOKUPD:?QUEUE=nsq needs NSQLOOKUPD=host:4161}"
  fi
}

start_service() {  # start_service NAME
  local name=$1
  local cmd=()
  case "$name" in
    face-recognition)
      cmd=("$(bin face-recognition)" --grpc-address "127.0.0.1:$grpc_port" --admin-address "127.0.0.1:$fr_admin_port"
           --image-root "$images" --models-dir "$root/.cache/models") ;;
    image-processor)
      cmd=("$(bin image-processor)" --grpc-address "127.0.0.1:$grpc_port" --admin-port "$processor_admin_port") ;;
    receiver)
      cmd=("$(bin receiver)" --port "$receiver_port" --image-root "$images") ;;
    frontend)
      # The frontend enrolls uploaded photos through FaceRecognition's v2 Enroll.
      cmd=("$(bin frontend)" --port "$frontend_port" --image-root "$images" --face-recognition-address "127.0.0.1:$grpc_port") ;;
    *) echo "unknown service $name" >&2; return 1 ;;
  esac
  IMAGE_ROOT="$images" DRAIN_SECONDS="${DRAIN_SECONDS:-1}" nohup "${cmd[@]}" >>"$logs/$name.log" 2>&1 &
  echo $! >"$pids/$name"
}

wait_ready() {  # wait_ready NAME URL [SECONDS]
  local name=$1 url=$2 limit=${3:-180}
  for _ in $(seq 1 $((limit * 5))); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! alive "$(cat "$pids/$name")"; then
      echo "$name exited; last log lines:" >&2; tail -20 "$logs/$name.log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "$name not ready after ${limit}s ($url); see $logs/$name.log" >&2
  return 1
}

ready_url() {
  case "$1" in
    face-recognition) echo "http://127.0.0.1:$fr_admin_port/readyz" ;;
    image-processor) echo "http://127.0.0.1:$processor_admin_port/readyz" ;;
    receiver) echo "http://127.0.0.1:$receiver_port/readyz" ;;
    frontend) echo "http://127.0.0.1:$frontend_port/readyz" ;;
  esac
}

stop_service() {  # stop_service NAME [SIGNAL]
  local name=$1 signal=${2:-TERM}
  [ -f "$pids/$name" ] || return 0
  local pid; pid=$(cat "$pids/$name")
  if alive "$pid"; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pids/$name"
}

# The sample's layout: photos of known people in known_people/, named in person_images.
seed_gallery() {
  say "enrolling the sample known people (Obama, Biden)"
  mkdir -p "$images/known_people"
  cp -n "$root/.cache/photos/obama.jpg" "$images/known_people/obama.jpg"
  cp -n "$root/.cache/photos/biden.jpg" "$images/known_people/biden.jpg"
  mariadb --no-defaults --socket="$run_dir/mariadb/mysqld.sock" -uroot kube -e "
    INSERT IGNORE INTO person (name) VALUES ('Barack Obama'), ('Joe Biden');
    INSERT INTO person_images (image_name, person_id)
      SELECT 'obama.jpg', id FROM person WHERE name = 'Barack Obama'
      AND NOT EXISTS (SELECT 1 FROM person_images WHERE image_name = 'obama.jpg');
    INSERT INTO person_images (image_name, person_id)
      SELECT 'biden.jpg', id FROM person WHERE name = 'Joe Biden'
      AND NOT EXISTS (SELECT 1 FROM person_images WHERE image_name = 'biden.jpg');"
}

post_samples() {
  say "posting the sample photos through the receiver"
  mkdir -p "$images/samples"
  local body='{"paths":['
  local first=1
  for f in obama2.jpg obama3.jpg 32bit.png t1.jpg mask_white.jpg Tom_Hanks_54745.png obama_partial_face.jpg; do
    [ -f "$root/.cache/photos/$f" ] || continue
    cp -n "$root/.cache/photos/$f" "$images/samples/$f"
    [ $first -eq 1 ] || body+=','
    body+="{\"path\":\"samples/$f\"}"
    first=0
  done
  body+=']}'
  curl -fsS -X POST -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$receiver_port/images/post" >"$logs/seed-response.json"
  echo "    posted: $(cat "$logs/seed-response.json" | head -c 300)..."
}

start_all() {
  build_all
  say "starting MariaDB (data in ${run_dir#$root/}/mariadb)"
  db_env
  ensure_database
  [ "${SEED:-1}" = 1 ] && seed_gallery
  start_nsq
  queue_env
  for s in face-recognition image-processor receiver frontend; do
    say "starting $s (log: ${logs#$root/}/$s.log)"
    start_service "$s"
  done
  for s in receiver frontend image-processor face-recognition; do
    wait_ready "$s" "$(ready_url "$s")" 300
  done
  [ "${SEED:-1}" = 1 ] && [ "${SEED_POST:-1}" = 1 ] && post_samples
  cat <<INFO

  Frontend:  http://127.0.0.1:$frontend_port/
  Receiver:  http://127.0.0.1:$receiver_port/   (metrics: /metrics, health: /readyz)
  Logs:      ${logs#$root/}/
  Try:       cp my-photo.jpg ${images#$root/}/ && curl -d '{"path":"my-photo.jpg"}' -H 'Content-Type: application/json' http://127.0.0.1:$receiver_port/image/post

INFO
}

stop_all() {
  for s in receiver frontend image-processor face-recognition; do stop_service "$s"; done
  [ -d "$run_dir/nsq" ] && scripts/nsq.sh stop "$run_dir/nsq"
  scripts/mariadb.sh stop "$run_dir/mariadb"
}

case "$mode" in
  foreground)
    trap 'echo; say "stopping"; stop_all; exit 0' INT TERM
    start_all
    say "running; Ctrl-C stops everything"
    while true; do
      for s in receiver frontend image-processor face-recognition; do
        if ! alive "$(cat "$pids/$s" 2>/dev/null || echo 0)"; then
          echo "$s stopped unexpectedly; see $logs/$s.log" >&2
        fi
      done
      sleep 5
    done
    ;;
  start) start_all ;;
  stop) stop_all ;;
  restart-service)
    name=${2:?service name}
    db_env >/dev/null
    queue_env
    stop_service "$name" KILL
    start_service "$name"
    wait_ready "$name" "$(ready_url "$name")" 300
    ;;
  restart-db)
    scripts/mariadb.sh stop "$run_dir/mariadb"
    db_env >/dev/null
    ;;
  kill-db)
    db_pid=$(cat "$run_dir/mariadb/mysqld.pid")
    kill -9 "$db_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$db_pid" || break; sleep 0.1; done
    db_env >/dev/null
    ;;
  nsq)
    [ -d "$run_dir/nsq" ] || { echo "no NSQ daemons of ours in $run_dir/nsq (QUEUE=nsq run.sh start starts them)" >&2; exit 1; }
    scripts/nsq.sh "${2:?kill|restart|kill-lookupd|restart-lookupd}" "$run_dir/nsq" ${3:+"$3"}
    ;;
  *) echo "usage: run.sh [start|stop|restart-service NAME|restart-db|kill-db|nsq FAULT [NODE]]" >&2; exit 2 ;;
esac
