#!/bin/bash
# Entrypoint of the test-only MariaDB image (Debian's mariadb-server), honouring the variables of the
# official image that k8s/base/mysql.yaml sets: on an empty data folder it initialises the server and
# creates MARIADB_DATABASE, MARIADB_USER / MARIADB_PASSWORD (all privileges on that database) and root
# with MARIADB_ROOT_PASSWORD (each also as *_FILE), plus the USAGE-only `healthcheck` user that
# healthcheck.sh connects as. A data folder that is already initialised is used as it is.
# Runs as whatever uid the pod gives it (999 in the manifests); needs /var/lib/mysql, /run/mysqld and
# /tmp writable, nothing else.
set -eo pipefail
log() { echo "$(date -u +%FT%TZ) [entrypoint] $*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# `args:` without a command: the arguments are server options.
if [ "${1:0:1}" = - ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then exec "$@"; fi

DATADIR=/var/lib/mysql
file_env() {   # file_env VAR: VAR, or the contents of the file named by VAR_FILE
  local var=$1 file_var="${1}_FILE"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then die "both $var and $file_var are set"; fi
  if [ -n "${!file_var:-}" ]; then export "$var"="$(<"${!file_var}")"; fi
}
sql_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }

initialise() {
  for v in MARIADB_ROOT_PASSWORD MARIADB_PASSWORD MARIADB_USER MARIADB_DATABASE; do file_env "$v"; done
  if [ -z "${MARIADB_ROOT_PASSWORD:-}" ] && [ -z "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}" ]; then
    die "the data folder is empty and MARIADB_ROOT_PASSWORD is not set (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1)"
  fi
  log "initialising $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
    --skip-name-resolve --rpm >/tmp/install-db.log 2>&1 || { cat /tmp/install-db.log >&2; die "mariadb-install-db failed"; }

  local socket=/run/mysqld/init.sock
  "$@" --skip-networking --socket="$socket" --pid-file=/run/mysqld/init.pid &
  local pid=$!
  local i
  for i in $(seq 1 60); do
    if mariadb --protocol=socket --socket="$socket" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || die "the server stopped during initialisation"
    sleep 1
  done
  [ "$i" -lt 60 ] || die "the server did not start within 60 s"

  local health_password
  health_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  local root=$(sql_escape "${MARIADB_ROOT_PASSWORD:-}")
  {
    echo "SET @@SESSION.SQL_LOG_BIN = 0;"
    echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1';"
    echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');"
    echo "SET PASSWORD FOR root@localhost = PASSWORD('$root');"
    echo "CREATE USER root@'%' IDENTIFIED BY '$root';"
    echo "GRANT ALL ON *.* TO root@'%' WITH GRANT OPTION;"
    echo "GRANT PROXY ON ''@'%' TO root@'%' WITH GRANT OPTION;"
    for host in 127.0.0.1 ::1 localhost; do
      echo "CREATE USER healthcheck@'$host' IDENTIFIED BY '$health_password';"
    done
    if [ -n "${MARIADB_DATABASE:-}" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"
    fi
    if [ -n "${MARIADB_USER:-}" ]; then
      echo "CREATE USER '$(sql_escape "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_escape "${MARIADB_PASSWORD:-}")';"
      if [ -n "${MARIADB_DATABASE:-}" ]; then
        echo "GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$(sql_escape "$MARIADB_USER")'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --protocol=socket --socket="$socket" -uroot || die "creating users and database failed"
  printf '[mariadb-client]\nuser=healthcheck\npassword=%s\n' "$health_password" >"$DATADIR/.my-healthcheck.cnf"
  chmod 600 "$DATADIR/.my-healthcheck.cnf"

  kill -TERM "$pid"
  wait "$pid" || die "the initialisation server did not stop cleanly"
  log "initialised: database '${MARIADB_DATABASE:-}', user '${MARIADB_USER:-}'"
}

# A marker makes a half-done initialisation (pod killed in the middle) start over instead of leaving a
# server without its users.
if [ -e "$DATADIR/.initialising" ]; then
  log "an earlier initialisation did not finish: starting over"
  find "$DATADIR" -mindepth 1 -delete
fi
if [ ! -d "$DATADIR/mysql" ]; then
  touch "$DATADIR/.initialising"
  initialise "$@"
  rm -f "$DATADIR/.initialising"
fi
exec "$@"
