#!/usr/bin/env bash
# Builds the service images from prebuilt release binaries (`make release`).
# usage: scripts/images-build.sh [image ...]   (default: all of receiver image-processor
#        face-recognition frontend migrate). Env: CONTAINER_TOOL=docker|podman|buildah, REGISTRY,
#        VERSION, BASE_IMAGE, <NAME>_BIN to point at another binary, IMAGE_STRIP=0 to keep debug info.
# Each image gets a small staged build context under .cache/images/context/<name>/ (the binary, and
# the dlib models for face-recognition) instead of the whole repository with its .build folders.
set -euo pipefail
source "$(dirname "$0")/images-common.sh"

selected=("$@"); [[ ${#selected[@]} -gt 0 ]] || selected=("${IMAGES[@]}")

case "$CONTAINER_TOOL" in
  docker)
    # The docker client may lack buildx; the classic builder needs no plugin.
    if [[ -z "${DOCKER_BUILDKIT:-}" ]] && ! docker buildx version >/dev/null 2>&1; then export DOCKER_BUILDKIT=0; fi
    build_cmd=(docker build --network host) ;;
  podman) build_cmd=(podman build --network host --format docker) ;;
  buildah) build_cmd=(buildah bud --isolation "${BUILDAH_ISOLATION:-chroot}" --network host --format docker) ;;
  *) die "unknown CONTAINER_TOOL=$CONTAINER_TOOL (docker, podman or buildah)" ;;
esac
require_engine

stage_context() {
  local name="$1" ctx="$CACHE_DIR/context/$1" bin="${IMAGE_BIN[$1]}"
  [[ -x "$bin" ]] || die "missing binary for $name: $bin (run \`make release\` first)"
  rm -rf "$ctx"; mkdir -p "$ctx/bin"
  cp "$bin" "$ctx/bin/$name"
  # DWARF only: keeps the symbol table so Swift crash backtraces still name functions.
  if [[ "${IMAGE_STRIP:-1}" == 1 ]] && command -v strip >/dev/null; then strip --strip-debug "$ctx/bin/$name"; fi
  chmod 0755 "$ctx/bin/$name"
  if [[ "$name" == face-recognition ]]; then
    mkdir -p "$ctx/models"
    for m in "${FACE_MODELS[@]}"; do
      [[ -f "$MODELS_DIR_HOST/$m" ]] || die "missing model $MODELS_DIR_HOST/$m (run scripts/fetch-test-data.sh)"
      ln "$MODELS_DIR_HOST/$m" "$ctx/models/$m" 2>/dev/null || cp "$MODELS_DIR_HOST/$m" "$ctx/models/$m"
    done
    chmod 0644 "$ctx/models/"*
  fi
  echo "$ctx"
}

for name in "${selected[@]}"; do
  [[ -n "${IMAGE_BIN[$name]+x}" ]] || die "unknown image $name (known: ${IMAGES[*]})"
  ctx="$(stage_context "$name")"
  ref="$(image_ref "$name")"
  log "building $ref with $CONTAINER_TOOL (base $BASE_IMAGE)"
  "${build_cmd[@]}" \
    -f "$ROOT/docker/$name.Dockerfile" \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" \
    --build-arg "VERSION=$VERSION" \
    --build-arg "REVISION=$REVISION" \
    -t "$ref" "$ctx"
done
log "built: $(for n in "${selected[@]}"; do printf '%s ' "$(image_ref "$n")"; done)"
