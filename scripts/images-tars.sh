#!/usr/bin/env bash
# `make image-tars`: the production images as docker-archive tars, for a cluster without a registry
# (`cluster.sh load-image TAR`, `ctr images import`, `docker load`).
# usage: scripts/images-tars.sh [image ...]   (default: all five)
# Builds with scripts/images-build.sh (same Dockerfiles, same staged binaries from `make release`), then
# `docker save`s each image alone into $IMAGE_TARS_DIR/<name>.tar (default .cache/images/tars), tagged
# $REGISTRY/<name>:$VERSION. Without a reachable Docker engine it starts the private dockerd
# (scripts/images-dockerd.sh; root) for the run and stops it again; its layer cache under .cache/dockerd
# stays, so a second run (e.g. VERSION=v2) only re-runs the metadata steps.
# stdout: the absolute path of each tar, one per line (everything else goes to stderr).
set -euo pipefail
source "$(dirname "$0")/images-common.sh"

[[ "$CONTAINER_TOOL" == docker ]] || die "image-tars saves with docker (CONTAINER_TOOL=docker)"
TARS_DIR="${IMAGE_TARS_DIR:-$CACHE_DIR/tars}"
case "$TARS_DIR" in /*) ;; *) TARS_DIR="$ROOT/$TARS_DIR" ;; esac
selected=("$@"); [[ ${#selected[@]} -gt 0 ]] || selected=("${IMAGES[@]}")

started_dockerd=0
stop_dockerd() { if [[ $started_dockerd == 1 ]]; then "$ROOT/scripts/images-dockerd.sh" stop >&2 || true; fi; }
trap stop_dockerd EXIT
if [[ -z "${DOCKER_HOST:-}" ]] && ! docker version >/dev/null 2>&1; then
  private="$("$ROOT/scripts/images-dockerd.sh" env)"
  if DOCKER_HOST="${private#DOCKER_HOST=}" docker version >/dev/null 2>&1; then
    export "$private"  # already up (another run's): use it and leave it running
  else
    eval "export $("$ROOT/scripts/images-dockerd.sh" start)"
    started_dockerd=1
  fi
  log "private dockerd at $DOCKER_HOST"
fi

"$ROOT/scripts/images-base.sh" >&2
"$ROOT/scripts/images-build.sh" "${selected[@]}" >&2

mkdir -p "$TARS_DIR"
for name in "${selected[@]}"; do
  ref="$(image_ref "$name")"
  out="$TARS_DIR/$name.tar"
  # Write beside, then rename: a reader never sees a half-written tar.
  docker save -o "$out.partial" "$ref"
  chmod 0644 "$out.partial"  # docker save writes 0600
  mv -f "$out.partial" "$out"
  tar -tf "$out" manifest.json >/dev/null 2>&1 || die "$out has no manifest.json"
  log "$ref -> $out ($(du -m "$out" | cut -f1) MB)"
done
for name in "${selected[@]}"; do echo "$TARS_DIR/$name.tar"; done
