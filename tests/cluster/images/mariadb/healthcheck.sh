#!/bin/bash
# The probes of k8s/base/mysql.yaml, with the options of the official image's healthcheck.sh they use:
#   --connect             the server answers on TCP (so not during initialisation, which runs without
#                         networking), as the USAGE-only user the entrypoint created
#   --innodb_initialized  InnoDB is up
# Credentials come from the data folder (.my-healthcheck.cnf, written by the entrypoint).
set -uo pipefail
DATADIR=/var/lib/mysql
cnf="$DATADIR/.my-healthcheck.cnf"
[ -r "$cnf" ] || { echo "healthcheck: no $cnf (not initialised)" >&2; exit 1; }
client=(mariadb --defaults-extra-file="$cnf" --protocol=tcp -h 127.0.0.1 -P 3306 --connect-timeout=2 -N -B)
status=0
for check in "$@"; do
  case "$check" in
    --connect)
      "${client[@]}" -e 'SELECT 1' >/dev/null || { echo "healthcheck: cannot connect" >&2; status=1; } ;;
    --innodb_initialized)
      out=$("${client[@]}" -e "SELECT 1 FROM information_schema.ENGINES WHERE engine = 'InnoDB' AND support IN ('YES', 'DEFAULT', 'ENABLED')") \
        && [ "$out" = 1 ] || { echo "healthcheck: InnoDB not initialised" >&2; status=1; } ;;
    *) echo "healthcheck: unknown check $check" >&2; exit 2 ;;
  esac
done
exit "$status"
