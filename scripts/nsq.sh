#!/usr/bin/env bash
# Real NSQ daemons (nsqlookupd + one or more nsqd) on loopback, state under a git-ignored folder.
#   scripts/nsq.sh start DIR [NODES]   start nsqlookupd and NODES nsqd (default 1); prints env lines
#   scripts/nsq.sh stop DIR            stop everything started in DIR (nsqd flush to DIR/nsqd-N/)
#   scripts/nsq.sh kill DIR NODE       kill -9 nsqd number NODE (1-based): in-memory messages are lost
#   scripts/nsq.sh restart DIR NODE    start nsqd number NODE again on the same ports and data path
#   scripts/nsq.sh kill-lookupd DIR / restart-lookupd DIR
#   scripts/nsq.sh env DIR             print the env lines of a running set
#   scripts/nsq.sh bin-dir             print the folder the binaries were found in (or fail, saying how to get them)
# Binaries: $NSQ_BIN_DIR, else ../shared/tools/nsq beside the repository, else nsqd/nsqlookupd on PATH.
# Extra nsqd flags: NSQD_FLAGS (e.g. "--mem-queue-size=0").
# Env lines: NSQD_TCP_ADDRESS (node 1), NSQD_TCP_ADDRESSES (all, comma-separated), NSQD_HTTP_ADDRESS,
# NSQD_HTTP_ADDRESSES, NSQLOOKUPD_TCP_ADDRESS, NSQLOOKUPD_HTTP_ADDRESS, NSQ_BIN_DIR.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

find_bin_dir() {
  local d
  for d in "${NSQ_BIN_DIR:-}" "$root/../shared/tools/nsq"; do
    if [ -n "$d" ] && [ -x "$d/nsqd" ] && [ -x "$d/nsqlookupd" ]; then (cd "$d" && pwd); return 0; fi
  done
  if command -v nsqd >/dev/null 2>&1 && command -v nsqlookupd >/dev/null 2>&1; then
    dirname "$(command -v nsqd)"; return 0
  fi
  cat >&2 <<'EOF'
error: the NSQ 1.2.1 daemons (nsqd, nsqlookupd) were not found.
  Looked in $NSQ_BIN_DIR, ../shared/tools/nsq beside the repository, and PATH.
  Get them from the official release (nsq-1.2.1.linux-amd64.go1.16.6.tar.gz, bin/), or build them:
    go install github.com/nsqio/nsq/apps/nsqd@v1.2.1 github.com/nsqio/nsq/apps/nsqlookupd@v1.2.1
  then put them on PATH or set NSQ_BIN_DIR.
EOF
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Zombie-safe liveness, as in scripts/mariadb.sh.
alive() {
  local pid=$1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]
}

wait_http() {
  local url=$1
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "error: $url did not answer" >&2
  return 1
}

start_lookupd() {
  local dir=$1
  setsid "$bin_dir/nsqlookupd" --tcp-address="127.0.0.1:$(cat "$dir/lookupd.tcp")" \
    --http-address="127.0.0.1:$(cat "$dir/lookupd.http")" --broadcast-address=127.0.0.1 \
    >>"$dir/nsqlookupd.log" 2>&1 </dev/null &
  echo $! >"$dir/lookupd.pid"
  wait_http "http://127.0.0.1:$(cat "$dir/lookupd.http")/ping"
}

start_nsqd() {
  local dir=$1 n=$2 nd="$dir/nsqd-$2"
  mkdir -p "$nd/data"
  # shellcheck disable=SC2086
  setsid "$bin_dir/nsqd" --tcp-address="127.0.0.1:$(cat "$nd/tcp")" --http-address="127.0.0.1:$(cat "$nd/http")" \
    --lookupd-tcp-address="127.0.0.1:$(cat "$dir/lookupd.tcp")" --broadcast-address=127.0.0.1 \
    --data-path="$nd/data" ${NSQD_FLAGS:-} >>"$nd/nsqd.log" 2>&1 </dev/null &
  echo $! >"$nd/pid"
  wait_http "http://127.0.0.1:$(cat "$nd/http")/ping"
}

print_env() {
  local dir=$1 tcps=() https=() nd
  for nd in "$dir"/nsqd-*; do
    [ -d "$nd" ] || continue
    tcps+=("127.0.0.1:$(cat "$nd/tcp")"); https+=("127.0.0.1:$(cat "$nd/http")")
  done
  local IFS=,
  echo "NSQD_TCP_ADDRESS=${tcps[0]}"
  echo "NSQD_TCP_ADDRESSES=${tcps[*]}"
  echo "NSQD_HTTP_ADDRESS=${https[0]}"
  echo "NSQD_HTTP_ADDRESSES=${https[*]}"
  echo "NSQLOOKUPD_TCP_ADDRESS=127.0.0.1:$(cat "$dir/lookupd.tcp")"
  echo "NSQLOOKUPD_HTTP_ADDRESS=127.0.0.1:$(cat "$dir/lookupd.http")"
  echo "NSQ_BIN_DIR=$bin_dir"
}

stop_pid() {
  local pidfile=$1 sig=${2:-TERM} pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if alive "$pid"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

cmd=${1:?usage: nsq.sh start|stop|kill|restart|kill-lookupd|restart-lookupd|env|bin-dir DIR [N]}
if [ "$cmd" = bin-dir ]; then find_bin_dir; exit; fi
dir=$(realpath -m "${2:?DIR required}")
bin_dir=$(find_bin_dir)

case "$cmd" in
  start)
    nodes=${3:-1}
    if [ -f "$dir/lookupd.pid" ] && alive "$(cat "$dir/lookupd.pid")"; then print_env "$dir"; exit 0; fi
    rm -rf "$dir"; mkdir -p "$dir"
    free_port >"$dir/lookupd.tcp"; free_port >"$dir/lookupd.http"
    start_lookupd "$dir"
    for n in $(seq 1 "$nodes"); do
      mkdir -p "$dir/nsqd-$n"; free_port >"$dir/nsqd-$n/tcp"; free_port >"$dir/nsqd-$n/http"
      start_nsqd "$dir" "$n"
    done
    print_env "$dir"
    ;;
  stop)
    for nd in "$dir"/nsqd-*; do [ -d "$nd" ] && stop_pid "$nd/pid"; done
    stop_pid "$dir/lookupd.pid"
    ;;
  kill) stop_pid "$dir/nsqd-${3:?NODE required}/pid" 9 ;;
  restart) stop_pid "$dir/nsqd-${3:?NODE required}/pid"; start_nsqd "$dir" "$3" ;;
  kill-lookupd) stop_pid "$dir/lookupd.pid" 9 ;;
  restart-lookupd) stop_pid "$dir/lookupd.pid"; start_lookupd "$dir" ;;
  env) print_env "$dir" ;;
  *) echo "usage: nsq.sh start|stop|kill|restart|kill-lookupd|restart-lookupd|env|bin-dir DIR [N]" >&2; exit 2 ;;
esac
