#!/usr/bin/env bash
# Receiver throughput side by side with the sample's Go receiver, on one MariaDB and one real nsqd.
#   Receiver/bench/run-bench.sh            (what `make receiver-bench` / `make bench` run)
# Started once, all idle while another is measured, driven by wrk in alternating rounds:
#   sample        ../shared/tools/kcs/kcs-receiver (its own schema in database kcs_bench; it binds :8000)
#   nsq           ours, QUEUE=nsq, write coalescing on (the default)
#   nsq-single    ours, QUEUE=nsq, COALESCE_MAX_REQUESTS=1 (every request alone: the path before coalescing)
#   table         ours, QUEUE=mysql, coalescing on
#   table-single  ours, QUEUE=mysql, COALESCE_MAX_REQUESTS=1
# then the receiver's own ceiling (GET /healthz on the nsq instance), its RSS before and after the load,
# and one 1,000-path POST /images/post run.
# Env: BENCH_SECONDS (default 10), BENCH_ROUNDS (default 2), BENCH_CONNECTIONS (default "16 64"),
#      WRK_THREADS (default 2), DB_POOL_SIZE (default 4), RECEIVER_BIN / MIGRATE_BIN (use these binaries),
#      KCS_DIR (default ../shared/tools/kcs beside the repository).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-2}
connections=${BENCH_CONNECTIONS:-"16 64"}
wrk_threads=${WRK_THREADS:-2}
pool_size=${DB_POOL_SIZE:-4}
kcs_dir=${KCS_DIR:-$root/../shared/tools/kcs}
export PATH=/opt/swift/usr/bin:$PATH

command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$kcs_dir/kcs-receiver" ] && [ -r "$kcs_dir/database_setup.sql" ] || {
  echo "error: the sample's receiver was not found in $kcs_dir (kcs-receiver, database_setup.sql); set KCS_DIR" >&2
  exit 1
}
if (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null; then
  echo "error: port 8000 is in use; the sample's receiver needs it" >&2
  exit 1
fi

if [ -z "${RECEIVER_BIN:-}" ]; then
  (cd "$root/Release" && swift build -c release --static-swift-stdlib --product receiver >/dev/null)
  receiver="$(cd "$root/Release" && swift build -c release --static-swift-stdlib --show-bin-path)/receiver"
else
  receiver=$RECEIVER_BIN
fi
release_bin=$(dirname "$receiver")
if [ -n "${MIGRATE_BIN:-}" ]; then
  migrate=$MIGRATE_BIN
elif [ -x "$release_bin/migrate" ]; then
  migrate="$release_bin/migrate"
else
  migrate="$("$root/scripts/build-debug.sh" --bin-dir)/migrate"
  "$root/scripts/build-debug.sh" migrate
fi

datadir="$root/.cache/bench-mariadb"
nsqdir="$root/.cache/bench-nsq"
images=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$images"
  "$root/scripts/nsq.sh" stop "$nsqdir" >/dev/null 2>&1 || true
  "$root/scripts/mariadb.sh" stop "$datadir" >/dev/null 2>&1 || true
}
trap cleanup EXIT

env_lines=$("$root/scripts/mariadb.sh" start "$datadir")
# shellcheck disable=SC2046
export $(echo "$env_lines" | xargs)
nsq_lines=$(NSQD_FLAGS="${NSQD_FLAGS:-}" "$root/scripts/nsq.sh" start "$nsqdir")
# shellcheck disable=SC2046
export $(echo "$nsq_lines" | xargs)
sql() { mariadb --no-defaults -N -h 127.0.0.1 -P "$TEST_MYSQL_PORT" -u "$TEST_MYSQL_USER" -p"$TEST_MYSQL_PASSWORD" "$@"; }

sql -e "DROP DATABASE IF EXISTS receiver_bench; CREATE DATABASE receiver_bench CHARACTER SET utf8mb4;
        DROP DATABASE IF EXISTS kcs_bench; CREATE DATABASE kcs_bench"
sed 's/^use kube;/use kcs_bench;/' "$kcs_dir/database_setup.sql" | sql
export DB_HOST=127.0.0.1 DB_PORT=$TEST_MYSQL_PORT DB_NAME=receiver_bench DB_USER=$TEST_MYSQL_USER DB_PASSWORD=$TEST_MYSQL_PASSWORD
"$migrate" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
declare -A url pid_of
start_ours() {  # name, queue, max coalesced requests
  local port
  port=$(free_port)
  QUEUE=$2 COALESCE_MAX_REQUESTS=$3 PORT=$port HOST=127.0.0.1 IMAGE_ROOT=$images LOG_LEVEL=warning \
    DB_POOL_SIZE=$pool_size DRAIN_SECONDS=0 "$receiver" &
  pids+=($!)
  pid_of[$1]=$!
  url[$1]="http://127.0.0.1:$port"
}
start_ours nsq nsq 256
start_ours nsq-single nsq 1
start_ours table mysql 256
start_ours table-single mysql 1
"$kcs_dir/kcs-receiver" --db-host=127.0.0.1 --db-port="$TEST_MYSQL_PORT" --db-dbname=kcs_bench \
  --db-username-password="$TEST_MYSQL_USER:$TEST_MYSQL_PASSWORD" --producer-address="$NSQD_TCP_ADDRESS" \
  >"$root/.cache/bench-kcs-receiver.log" 2>&1 &
pids+=($!)
url[sample]="http://127.0.0.1:8000"
targets=(sample nsq nsq-single table table-single)

for name in "${targets[@]}"; do
  ready=""
  for _ in $(seq 1 150); do
    if [ "$name" = sample ]; then
      (exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null && ready=1
    else
      curl -fsS "${url[$name]}/readyz" >/dev/null 2>&1 && ready=1
    fi
    [ -n "$ready" ] && break
    sleep 0.1
  done
  [ -n "$ready" ] || { echo "error: $name did not come up at ${url[$name]}" >&2; exit 1; }
done
curl -fsS -X POST "http://$NSQD_HTTP_ADDRESS/topic/create?topic=images" >/dev/null

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
declare -A rss_before
for name in nsq table; do rss_before[$name]=$(rss_kb "${pid_of[$name]}"); done

# wrk: requests/s, p50, p99, non-2xx (the sample answers errors with 200, so also check its log).
declare -A rps p50 p99 bad
measure() {  # key, url, connections, wrk args...
  local key=$1 target=$2 c=$3
  shift 3
  local out
  out=$(wrk -t"$wrk_threads" -c"$c" -d"${seconds}s" --latency "$@" "$target")
  local r a b e
  r=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  a=$(echo "$out" | awk '$1 == "50%" {print $2}')
  b=$(echo "$out" | awk '$1 == "99%" {print $2}')
  e=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  rps[$key]="${rps[$key]:-} $r"
  p50[$key]="${p50[$key]:-} $a"
  p99[$key]="${p99[$key]:-} $b"
  bad[$key]=$(( ${bad[$key]:-0} + ${e:-0} ))
  printf '  %-22s c=%-3s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$key" "$c" "$r" "$a" "$b" "${e:-0}" >&2
}
# Mean of the runs; latencies reported as the worst run.
mean() { echo "$1" | awk '{s=0; for (i=1;i<=NF;i++) s+=$i; printf "%.0f", s/NF}'; }
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/,"",v); printf "%.2f", v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); printf "%.2f", v } else if (v ~ /s$/) { sub(/s$/,"",v); printf "%.2f", v*1000 } else print v }'; }
worst() { local m=0 v; for v in $1; do m=$(awk -v a="$m" -v b="$(ms "$v")" 'BEGIN {print (b>a)?b:a}'); done; echo "$m"; }

echo "warming up" >&2
for name in "${targets[@]}"; do wrk -t1 -c4 -d2s -s "$here/post.lua" "${url[$name]}" >/dev/null; done
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  for c in $connections; do
    for name in "${targets[@]}"; do measure "$name/$c" "${url[$name]}" "$c" -s "$here/post.lua"; done
    measure "healthz/$c" "${url[nsq]}/healthz" "$c"
  done
done
out=$(wrk -t1 -c4 -d"${seconds}s" --latency -s "$here/post.lua" "${url[table]}" -- 1000)
batch_rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
batch_p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
declare -A rss_after
for name in nsq table; do rss_after[$name]=$(rss_kb "${pid_of[$name]}"); done
sample_rows=$(sql kcs_bench -e "SELECT COUNT(*) FROM images")
our_rows=$(sql receiver_bench -e "SELECT COUNT(*) FROM images")
unqueued=$(sql receiver_bench -e "SELECT COUNT(*) FROM images WHERE queued_at IS NULL")
kcs_errors=$(grep -ci "error" "$root/.cache/bench-kcs-receiver.log" || true)

echo
echo "Receiver vs the sample's receiver ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), wrk -t$wrk_threads ${seconds}s x $rounds alternating rounds, unique paths, one MariaDB, one nsqd, release build, DB_POOL_SIZE=$pool_size)"
printf '%-4s | %-22s | %-22s | %-22s | %-22s | %-22s | %-10s | %-7s | %-7s | %-8s\n' \
  c "sample (Go)" "ours NSQ, single" "ours NSQ, coalesced" "ours table, single" "ours table, coalesced" "/healthz" "NSQ x" "table x" "NSQ/ceil"
for c in $connections; do
  cell() { printf '%s req/s p99 %sms' "$(mean "${rps[$1/$c]}")" "$(worst "${p99[$1/$c]}")"; }
  s=$(mean "${rps[sample/$c]}")
  n=$(mean "${rps[nsq/$c]}")
  t=$(mean "${rps[table/$c]}")
  h=$(mean "${rps[healthz/$c]}")
  printf '%-4s | %-22s | %-22s | %-22s | %-22s | %-22s | %-10s | %-7s | %-7s | %-8s\n' "$c" \
    "$(cell sample)" "$(cell nsq-single)" "$(cell nsq)" "$(cell table-single)" "$(cell table)" "$h" \
    "$(awk -v a="$n" -v b="$s" 'BEGIN {printf "%.1f", a/b}')" "$(awk -v a="$t" -v b="$s" 'BEGIN {printf "%.1f", a/b}')" \
    "$(awk -v a="$n" -v b="$h" 'BEGIN {printf "%.2f", a/b}')"
done
echo "x = ours coalesced / sample (same run); NSQ/ceil = ours NSQ coalesced / GET /healthz on the same binary"
non2xx=0
for key in "${!bad[@]}"; do non2xx=$((non2xx + bad[$key])); done
echo "non-2xx responses: $non2xx; lines with 'error' in the sample's log: $kcs_errors"
echo "POST /images/post x1000 (table, 4 conns): $batch_rps req/s, p99 $batch_p99"
echo "RSS of ours (KiB) before -> after the load: nsq ${rss_before[nsq]} -> ${rss_after[nsq]}, table ${rss_before[table]} -> ${rss_after[table]}"
echo "rows stored: sample $sample_rows, ours $our_rows (queued_at NULL: $unqueued)"
