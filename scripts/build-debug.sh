#!/usr/bin/env bash
# Debug builds of the services, all in one build folder shared by every package.
#   scripts/build-debug.sh [PRODUCT ...]   build these products (default: every service and migrate)
#   scripts/build-debug.sh --bin-dir       print the folder the debug binaries land in
#   scripts/build-debug.sh --linked-since EPOCH PACKAGE   record the package's binary as built from the
#                                          sources as of EPOCH if it was linked since (scripts/test.sh)
# Every package builds with --scratch-path $DEBUG_BUILD_DIR (default .build-debug at the repository root),
# as scripts/test.sh's `swift test` does: SwiftNIO, gRPC, BoringSSL, Hummingbird and SharedKit compile once
# for all five packages instead of once per package (the packages' own .build folders are not used).
# Binaries: $DEBUG_BUILD_DIR/debug/<product>. A binary newer than every source file of the five packages is
# up to date without asking SwiftPM: each package switch costs SwiftPM ~30 s of recompiling a few shared
# modules, and the suites of `make test` ask for the binaries many times. FORCE_BUILD=1 always builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/opt/swift/usr/bin:$PATH"
scratch=${DEBUG_BUILD_DIR:-$root/.build-debug}

if [ "${1:-}" = --bin-dir ]; then echo "$scratch/debug"; exit 0; fi

# product -> the package that builds it
declare -A package_of=(
  [migrate]=SharedKit [receiver]=Receiver [image-processor]=ImageProcessor [face-recognition]=FaceRecognition
  [frontend]=Frontend
)

# True when the binary exists and no source, header or manifest of the packages is newer than its last
# successful build (a stamp: SwiftPM leaves a binary that needed no relinking with its old time).
stamp() { echo "$scratch/debug/.built-$1"; }
up_to_date() {
  [ "${FORCE_BUILD:-0}" != 1 ] && [ -x "$scratch/debug/$1" ] && [ -f "$(stamp "$1")" ] || return 1
  [ -z "$(cd "$root" && find SharedKit Receiver ImageProcessor FaceRecognition Frontend \
      \( -name '.build*' -o -name '.swiftpm' \) -prune -o -type f -newer "$(stamp "$1")" \
      \( -name '*.swift' -o -name '*.c' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' -o -name '*.proto' \
         -o -name '*.mustache' -o -name '*.json' -o -name '*.yaml' -o -name '*.modulemap' \) -print -quit)" ]
}

if [ "${1:-}" = --linked-since ]; then
  since=$2
  for product in "${!package_of[@]}"; do
    [ "${package_of[$product]}" = "$3" ] || continue
    binary="$scratch/debug/$product"
    if [ -x "$binary" ] && [ "$(stat -c %Y "$binary")" -ge "$since" ]; then touch -d "@$since" "$(stamp "$product")"; fi
  done
  exit 0
fi

products=("$@")
[ ${#products[@]} -gt 0 ] || products=("${!package_of[@]}")
mkdir -p "$root/.build-logs"
for product in "${products[@]}"; do
  package=${package_of[$product]:-}
  [ -n "$package" ] || { echo "unknown product $product (${!package_of[*]})" >&2; exit 1; }
  if up_to_date "$product"; then continue; fi
  log="$root/.build-logs/build-debug-$product.log"
  started=$(date +%s)
  if ! (cd "$root/$package" && swift build --scratch-path "$scratch" --product "$product" >"$log" 2>&1); then
    grep -E 'error:' "$log" >&2 || tail -20 "$log" >&2
    echo "debug build of $product in $package failed (log: ${log#"$root"/})" >&2
    exit 1
  fi
  touch -d "@$started" "$(stamp "$product")"
done
