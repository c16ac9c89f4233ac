#!/usr/bin/env bash
# A private Docker daemon for `make test-images` on machines without a running engine.
# usage: scripts/images-dockerd.sh start|stop|env
#   start: dockerd on $DOCKERD_DIR/docker.sock (default .cache/dockerd), data-root under it,
#          no iptables, no bridge (builds use --network host). Prints DOCKER_HOST=...
#   stop:  stops the daemon started by `start` (by its pid file) and waits for it to exit.
set -euo pipefail
source "$(dirname "$0")/images-common.sh"
DIR="${DOCKERD_DIR:-$ROOT/.cache/dockerd}"
SOCK="$DIR/docker.sock"
PIDFILE="$DIR/dockerd.pid"

running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case "${1:-}" in
  start)
    command -v dockerd >/dev/null || die "dockerd not found (apt-get install docker.io)"
    [[ $EUID -eq 0 ]] || die "dockerd needs root"
    if running; then echo "DOCKER_HOST=unix://$SOCK"; exit 0; fi
    mkdir -p "$DIR/data" "$DIR/exec"
    # setsid: the daemon must not be part of make's process group (Ctrl-C is handled by stop).
    setsid dockerd --host "unix://$SOCK" --data-root "$DIR/data" --exec-root "$DIR/exec" \
      --pidfile "$PIDFILE" --storage-driver overlay2 --iptables=false --ip6tables=false --bridge=none \
      >"$DIR/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 60); do
      if DOCKER_HOST="unix://$SOCK" docker version >/dev/null 2>&1; then echo "DOCKER_HOST=unix://$SOCK"; exit 0; fi
      sleep 0.5
    done
    die "dockerd did not come up, see $DIR/dockerd.log" ;;
  stop)
    if running; then
      pid="$(cat "$PIDFILE")"; kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && die "dockerd ($pid) still running after 30 s"
      log "dockerd stopped"
    fi ;;
  env) echo "DOCKER_HOST=unix://$SOCK" ;;
  *) die "usage: $0 start|stop|env" ;;
esac
