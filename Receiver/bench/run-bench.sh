#!/usr/bin/env bash
# Receiver throughput: a private MariaDB, the schema, the release receiver on the MySQL queue, and wrk.
#   Receiver/bench/run-bench.sh            (what `make receiver-bench` runs)
# Env: BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default "16 64"), WRK_THREADS (default 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${BENCH_SECONDS:-15}
connections=${BENCH_CONNECTIONS:-"16 64"}
wrk_threads=${WRK_THREADS:-2}
export PATH=/opt/swift/usr/bin:$PATH

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null; }

datadir="$root/.cache/bench-mariadb"
env_lines=$("$root/scripts/mariadb.sh" start "$datadir")
# shellcheck disable=SC2046
export $(echo "$env_lines" | xargs)
database=receiver_bench
mariadb --no-defaults -h 127.0.0.1 -P "$TEST_MYSQL_PORT" -u "$TEST_MYSQL_USER" -p"$TEST_MYSQL_PASSWORD" \
  -e "DROP DATABASE IF EXISTS $database; CREATE DATABASE $database CHARACTER SET utf8mb4"

migrate="$(cd "$root/SharedKit" && swift build --show-bin-path)/migrate"
# SharedKit's debug build is shared with other work: reuse its migrate when building it is not possible.
(cd "$root/SharedKit" && swift build --product migrate >/dev/null 2>&1) || [ -x "$migrate" ]
(cd "$root/Receiver" && swift build -c release --static-swift-stdlib --product receiver >/dev/null)
receiver="$(cd "$root/Receiver" && swift build -c release --static-swift-stdlib --show-bin-path)/receiver"

export DB_HOST=127.0.0.1 DB_PORT=$TEST_MYSQL_PORT DB_NAME=$database DB_USER=$TEST_MYSQL_USER DB_PASSWORD=$TEST_MYSQL_PASSWORD
"$migrate" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
images=$(mktemp -d)
QUEUE=mysql PORT=$port HOST=127.0.0.1 IMAGE_ROOT=$images LOG_LEVEL=warning DB_POOL_SIZE=${DB_POOL_SIZE:-4} DRAIN_SECONDS=0 \
  "$receiver" &
receiver_pid=$!
cleanup() {
  kill "$receiver_pid" 2>/dev/null || true
  wait "$receiver_pid" 2>/dev/null || true
  rm -rf "$images"
  "$root/scripts/mariadb.sh" stop "$datadir" || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

summary() {  # name, wrk output
  local name=$1 out=$2
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
}

results=()
# Warm-up (connections, statement cache, JIT-free but page cache).
wrk -t1 -c8 -d3s -s "$here/post.lua" "http://127.0.0.1:$port" >/dev/null
for c in $connections; do
  out=$(wrk -t"$wrk_threads" -c"$c" -d"${seconds}s" --latency -s "$here/post.lua" "http://127.0.0.1:$port")
  results+=("$(summary "POST /image/post, $c connections" "$out")")
done
out=$(wrk -t1 -c4 -d"${seconds}s" --latency -s "$here/post.lua" "http://127.0.0.1:$port" -- 1000)
results+=("$(summary "POST /images/post x1000, 4 conns" "$out")")
rows=$(mariadb --no-defaults -N -h 127.0.0.1 -P "$TEST_MYSQL_PORT" -u "$TEST_MYSQL_USER" -p"$TEST_MYSQL_PASSWORD" "$database" -e "SELECT COUNT(*) FROM images")

echo
echo "Receiver benchmark ($(nproc) cores, wrk ${seconds}s per run, QUEUE=mysql, release build)"
printf '%s\n' "${results[@]}"
echo "rows stored: $rows"
