#!/usr/bin/env bash
# A private MariaDB server (Debian's mariadb-server) with its data under a git-ignored folder.
#   scripts/mariadb.sh start DATADIR [PORT]   start (initialising DATADIR on first use); prints env lines
#   scripts/mariadb.sh stop DATADIR           clean shutdown
#   scripts/mariadb.sh env DATADIR            print TEST_MYSQL_* lines for a running server
# A TCP user app/app-password with all privileges and the database $DB_NAME (default kube) are created on
# start, and DATADIR/env holds DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD (what the services read).
# The server listens on 127.0.0.1 of the current network namespace only (the image smoke test starts it
# inside a pod's namespace with nsenter) and runs as the invoking user.
set -euo pipefail

cmd=${1:?usage: mariadb.sh start|stop|env DATADIR [PORT]}
datadir=$(realpath -m "${2:?datadir required}")
sock="$datadir/mysqld.sock"
pidfile="$datadir/mysqld.pid"
portfile="$datadir/port"
user=app
password=app-password
db_name=${DB_NAME:-kube}
run_as=$(id -un)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A killed server whose parent shell is gone can stay a zombie where nothing reaps orphans (containers,
# sandboxes): `kill -0` still succeeds on it, so look at the process state too.
alive() {
  local pid=$1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)" != Z ]
}

running() {
  [ -f "$pidfile" ] && alive "$(cat "$pidfile")"
}

print_env() {
  local port; port=$(cat "$portfile")
  echo "TEST_MYSQL_HOST=127.0.0.1"
  echo "TEST_MYSQL_PORT=$port"
  echo "TEST_MYSQL_USER=$user"
  echo "TEST_MYSQL_PASSWORD=$password"
}

case "$cmd" in
  start)
    if running; then print_env; exit 0; fi
    mkdir -p "$datadir"
    if [ ! -d "$datadir/mysql" ]; then
      mariadb-install-db --no-defaults --user="$run_as" --datadir="$datadir" \
        --auth-root-authentication-method=socket --skip-test-db >"$datadir/install.log" 2>&1 \
        || { cat "$datadir/install.log" >&2; exit 1; }
    fi
    port=${3:-}
    if [ -z "$port" ]; then
      # Reuse the last port if it is still free, so URLs stay stable between `make run`s.
      if [ -f "$portfile" ] && ! (exec 3<>/dev/tcp/127.0.0.1/"$(cat "$portfile")") 2>/dev/null; then
        port=$(cat "$portfile")
      else
        port=$(free_port)
      fi
    fi
    echo "$port" >"$portfile"
    mariadbd_bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)
    # setsid: out of the caller's process group, so a Ctrl-C meant for the caller does not kill the
    # server mid-write; `stop` shuts it down cleanly.
    setsid "$mariadbd_bin" --no-defaults --user="$run_as" --datadir="$datadir" --socket="$sock" --port="$port" \
      --bind-address=127.0.0.1 --skip-log-bin --skip-name-resolve --max-connections=1000 \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --log-error="$datadir/error.log" --pid-file="$pidfile" >/dev/null 2>&1 </dev/null &
    for _ in $(seq 1 300); do
      if [ -S "$sock" ] && mariadb --no-defaults --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
        mariadb --no-defaults --socket="$sock" -uroot -e "
          CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
          CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$password';
          GRANT ALL PRIVILEGES ON *.* TO '$user'@'127.0.0.1' WITH GRANT OPTION;
          FLUSH PRIVILEGES;"
        printf 'DB_HOST=127.0.0.1\nDB_PORT=%s\nDB_NAME=%s\nDB_USER=%s\nDB_PASSWORD=%s\n' \
          "$port" "$db_name" "$user" "$password" >"$datadir/env"
        print_env
        exit 0
      fi
      sleep 0.2
    done
    echo "MariaDB did not start; see $datadir/error.log" >&2
    tail -20 "$datadir/error.log" >&2 || true
    exit 1
    ;;
  stop)
    if running; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 1 300); do alive "$pid" || exit 0; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    ;;
  env)
    running || { echo "MariaDB is not running in $datadir" >&2; exit 1; }
    print_env
    ;;
  *)
    echo "usage: mariadb.sh start|stop|env DATADIR [PORT]" >&2
    exit 2
    ;;
esac
