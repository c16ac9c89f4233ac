#!/usr/bin/env bash
# Installs every system package the build, tests and `make run` need (Debian 12). Idempotent and quick
# when everything is present: apt runs only if a package is missing.
set -euo pipefail

packages=(
  build-essential pkg-config git curl ca-certificates python3 python3-venv
  mariadb-server mariadb-client default-libmysqlclient-dev
  libdlib-dev libopenblas-dev liblapack-dev libjpeg-dev libpng-dev
  protobuf-compiler wrk haproxy docker.io debootstrap
  chromium chromium-driver fonts-dejavu-core
)
if [ -n "${EXTRA_APT_PACKAGES:-}" ]; then
  # shellcheck disable=SC2206
  packages+=(${EXTRA_APT_PACKAGES})
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  # Services must not start on install (no init here); our scripts start their own instances.
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "note: add /opt/swift/usr/bin to PATH" >&2
  else
    echo "error: Swift 6.3 toolchain not found (expected at /opt/swift)" >&2
    exit 1
  fi
fi
echo "==> system packages ready"
