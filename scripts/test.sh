#!/usr/bin/env bash
# Runs every package's Swift tests against one throwaway MariaDB server, then stops it.
# All packages build in one folder (--scratch-path $DEBUG_BUILD_DIR, default .build-debug, as
# scripts/build-debug.sh): the dependencies they share compile once, not once per package.
# Prints one closing line "N passed, N failed" over all packages.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
packages=${PACKAGES:-"SharedKit Receiver ImageProcessor FaceRecognition Frontend"}
datadir="$root/.cache/test-mariadb"
logdir="$root/.build-logs"
scratch=${DEBUG_BUILD_DIR:-$root/.build-debug}
mkdir -p "$logdir"
rm -rf "$logdir/results"
mkdir -p "$logdir/results" && touch "$logdir/results/.started"  # scripts/summary.sh times the suites from here

env_lines=$(scripts/mariadb.sh start "$datadir") || { echo "cannot start MariaDB" >&2; exit 1; }
# shellcheck disable=SC2046
export $(echo "$env_lines" | xargs)
trap 'scripts/mariadb.sh stop "$datadir"' EXIT
echo "==> MariaDB for tests on 127.0.0.1:$TEST_MYSQL_PORT"

total_passed=0
total_failed=0
failed_packages=()
for pkg in $packages; do
  if [ ! -f "$pkg/Package.swift" ]; then continue; fi
  echo "==> swift test in $pkg"
  start=$(date +%s)
  (cd "$pkg" && swift test --scratch-path "$scratch" ${SWIFT_TEST_FLAGS:-} 2>&1) | tee "$logdir/test-$pkg.log" | grep -aE --line-buffered '(✘|error:|Test run with|Executed [0-9]+ test)' 
  status=${PIPESTATUS[0]}
  # swift test linked the package's service binary too: the other suites need not ask SwiftPM again.
  scripts/build-debug.sh --linked-since "$start" "$pkg"
  log="$logdir/test-$pkg.log"
  # Swift Testing summary: "Test run with N tests in M suites passed/failed ..."; XCTest: "Executed N tests, with K failures".
  st_total=$(grep -aEo 'Test run with [0-9]+ test' "$log" | tail -1 | grep -aEo '[0-9]+' || echo 0)
  st_failed=$(grep -aE '✘ Test .* failed after' "$log" | grep -avc '✘ Test run with' || true)
  xc_total=$(grep -aEo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1 | grep -aEo '[0-9]+' | head -1 || echo 0)
  xc_failed=$(grep -aEo 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -1 | grep -aEo '[0-9]+' | sed -n 2p || echo 0)
  pkg_total=$(( ${st_total:-0} + ${xc_total:-0} ))
  pkg_failed=$(( ${st_failed:-0} + ${xc_failed:-0} ))
  if [ "$status" -ne 0 ] && [ "$pkg_failed" -eq 0 ]; then pkg_failed=1; fi
  total_passed=$(( total_passed + pkg_total - pkg_failed ))
  total_failed=$(( total_failed + pkg_failed ))
  echo "    $pkg: $pkg_total tests, $pkg_failed failed, $(( $(date +%s) - start )) s (log: ${log#$root/})"
  [ "$status" -eq 0 ] || failed_packages+=("$pkg")
done

if [ ${#failed_packages[@]} -gt 0 ]; then
  echo "==> FAILED packages: ${failed_packages[*]}"
fi
scripts/record-result.sh swift "$total_passed" "$total_failed"
echo "swift: $total_passed passed, $total_failed failed"
[ ${#failed_packages[@]} -eq 0 ]
