#!/usr/bin/env bash
# Shared settings for scripts/images-*.sh (sourced, not run).
# Everything is overridable from the environment; mk/images.mk passes the make variables through.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Image names are $REGISTRY/<name>:$VERSION; never only `latest`.
REGISTRY="${REGISTRY:-face-pipeline}"
if [[ -z "${VERSION:-}" ]]; then
  VERSION="$(git -C "$ROOT" describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)"
fi
# Tags allow [A-Za-z0-9_.-]; git describe output already fits, this guards odd tag names.
VERSION="${VERSION//[^A-Za-z0-9_.-]/-}"
REVISION="${REVISION:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
BASE_IMAGE="${BASE_IMAGE:-debian:bookworm-slim}"
CONTAINER_TOOL="${CONTAINER_TOOL:-docker}"
MODELS_DIR_HOST="${MODELS_DIR_HOST:-$ROOT/.cache/models}"
CACHE_DIR="$ROOT/.cache/images"

# image name -> prebuilt binary (built by `make release`, all in the one build root Release/).
# Override one with e.g. RECEIVER_BIN=..., or all with RELEASE_BIN_DIR=...
IMAGES=(receiver image-processor face-recognition frontend migrate)
RELEASE_BIN_DIR="${RELEASE_BIN_DIR:-$ROOT/Release/.build/release}"
declare -A IMAGE_BIN=(
  [receiver]="${RECEIVER_BIN:-$RELEASE_BIN_DIR/receiver}"
  [image-processor]="${IMAGE_PROCESSOR_BIN:-$RELEASE_BIN_DIR/image-processor}"
  [face-recognition]="${FACE_RECOGNITION_BIN:-$RELEASE_BIN_DIR/face-recognition}"
  [frontend]="${FRONTEND_BIN:-$RELEASE_BIN_DIR/frontend}"
  [migrate]="${MIGRATE_BIN:-$RELEASE_BIN_DIR/migrate}"
)
# The binary's name inside the image (/usr/local/bin/<name>) equals the image name.

# The dlib model files FaceRecognition loads (scripts/fetch-test-data.sh puts them in .cache/models):
# 5-point landmarks, the ResNet descriptor net and the CNN detector (0.7 MB, used when detector=cnn).
# The 68-point predictor (100 MB) is not used by the service and stays out of the image.
FACE_MODELS=(dlib_face_recognition_resnet_model_v1.dat shape_predictor_5_face_landmarks.dat mmod_human_face_detector.dat)

image_ref() { echo "$REGISTRY/$1:$VERSION"; }

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

# Runs the configured container tool; buildah has no `build`, podman/docker do.
ctool() { "$CONTAINER_TOOL" "$@"; }

# Fails early with a hint when the configured tool cannot reach its engine.
require_engine() {
  command -v "$CONTAINER_TOOL" >/dev/null || die "$CONTAINER_TOOL not found"
  if [[ "$CONTAINER_TOOL" == docker ]] && ! docker version >/dev/null 2>&1; then
    die "no Docker engine reachable; start one, or a private one: eval \"export \$(make -s images-dockerd-start)\""
  fi
}
