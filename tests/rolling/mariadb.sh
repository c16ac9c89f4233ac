#!/usr/bin/env bash
# A throwaway MariaDB server for the rolling-replacement test and the image smoke test.
# usage: tests/rolling/mariadb.sh start DIR [PORT]   -> writes DIR/env (DB_HOST, DB_PORT, DB_NAME,
#                                                     DB_USER, DB_PASSWORD) and prints the port
#        tests/rolling/mariadb.sh stop DIR
# The server listens on 127.0.0.1 only (of the current network namespace), keeps its data in DIR/data
# and runs as the invoking user (root is fine: --user=root). About 2 s from nothing to ready.
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }
DB_NAME="${DB_NAME:-kube}"
DB_USER="${DB_USER:-app}"
DB_PASSWORD="${DB_PASSWORD:-app-test-password}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
client() { mariadb --no-defaults --protocol=socket --socket="$dir/mysqld.sock" -uroot "$@"; }

case "$cmd" in
  start)
    port="${3:-$(free_port)}"
    mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
    if [[ -f "$dir/mysqld.pid" ]] && kill -0 "$(cat "$dir/mysqld.pid")" 2>/dev/null; then
      echo "mariadb already running for $dir" >&2; exit 1
    fi
    rm -rf "$dir/data"; mkdir -p "$dir/data"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$dir/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log" >&2; exit 1; }
    # setsid: keep the server out of the caller's process group; it is stopped by `stop`.
    setsid mariadbd --no-defaults --user="$(id -un)" --datadir="$dir/data" --socket="$dir/mysqld.sock" \
      --pid-file="$dir/mysqld.pid" --port="$port" --bind-address=127.0.0.1 --skip-log-bin \
      --skip-name-resolve --innodb-buffer-pool-size=64M --max-connections=500 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      >"$dir/mariadbd.log" 2>&1 </dev/null &
    for _ in $(seq 1 100); do client -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
    client -e 'SELECT 1' >/dev/null || { tail -20 "$dir/mariadbd.log" >&2; exit 1; }
    client <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%';
FLUSH PRIVILEGES;
SQL
    cat >"$dir/env" <<ENV
DB_HOST=127.0.0.1
DB_PORT=$port
DB_NAME=$DB_NAME
DB_USER=$DB_USER
DB_PASSWORD=$DB_PASSWORD
ENV
    echo "$port" ;;
  stop)
    [[ -f "$dir/mysqld.pid" ]] || exit 0
    pid="$(cat "$dir/mysqld.pid")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$dir/mysqld.pid" ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
