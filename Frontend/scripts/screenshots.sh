#!/usr/bin/env bash
# Regenerates the frontend's screenshots (.build-logs/screenshots/*.png) without a cluster: a throwaway
# MariaDB, the browser test (seeds a database, runs the frontend on a loopback port, renders the pages
# in headless Chromium and saves screenshots), then the MariaDB is stopped and removed. Then the people-
# management flows (make test-browser: the whole pipeline driven through Chromium by Selenium) save
# browser-*.png: login, enrolled, enroll-errors, unnamed, group-named, name-face, face-named, merged, people.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export PATH=/opt/swift/usr/bin:$PATH

command -v chromium >/dev/null || { echo "chromium is not installed: run scripts/setup.sh (or apt-get install -y chromium)" >&2; exit 1; }
[ -f "$root/.cache/photos/t1.jpg" ] || "$root/scripts/fetch-test-data.sh"

datadir=$(mktemp -d /tmp/frontend-screenshots-db.XXXXXX)
cleanup() { "$root/scripts/mariadb.sh" stop "$datadir" || true; rm -rf "$datadir"; }
trap cleanup EXIT
env_lines=$("$root/scripts/mariadb.sh" start "$datadir")
# shellcheck disable=SC2046
export $(echo "$env_lines" | xargs)

cd "$root/Frontend"
swift test --filter BrowserTests
make -C "$root" --no-print-directory test-browser
echo "screenshots:"
ls -l "$root/.build-logs/screenshots/"
