#!/usr/bin/env bash
# The cluster walkthrough (tests/cluster/test_walkthrough.py) against a real Kubernetes cluster.
#   KUBECONFIG set     use that cluster (minikube, kind, any cluster where images can be loaded)
#   KUBECONFIG unset   start ../shared/k8s/cluster.sh (STATE_DIR .cache/k8s), and stop it again at the
#                      end (`down --wipe`) unless it was already running
# Images: the production tars of `make image-tars` (IMAGE_TARS_DIR, tagged $REGISTRY/<name>:$VERSION)
# and the test-only MariaDB / NSQ images built here by tests/cluster/images/build.sh.
# Loading a tar: the kit's `cluster.sh load-image`, `minikube image load`, `kind load image-archive`, or
# CLUSTER_LOAD_IMAGE (a command that takes the tar as its last argument).
# Env: REGISTRY, VERSION (required), IMAGE_TARS_DIR, PYTHON (with pytest), PYTEST_ARGS, K8S_KIT, K8S_STATE_DIR,
#      NSQ_BIN_DIR, KUBECTL. Records its counts as `cluster` for the `make test` summary.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
: "${REGISTRY:?REGISTRY is not set (make test-cluster sets it)}"
: "${VERSION:?VERSION is not set (make test-cluster sets it)}"
IMAGE_TARS_DIR="${IMAGE_TARS_DIR:-$ROOT/.cache/images/tars}"
PYTHON="${PYTHON:-python3}"
K8S_KIT="${K8S_KIT:-$ROOT/../shared/k8s}"
export K8S_KIT K8S_STATE_DIR="${K8S_STATE_DIR:-$ROOT/.cache/k8s}"
export KUBECTL="${KUBECTL:-kubectl}"
WORK="$ROOT/.cache/cluster"
started=0
t0=$(date +%s)
say() { echo "[cluster-test $(date +%H:%M:%S)] $*"; }
fail() { echo "[cluster-test] $*" >&2; "$ROOT/scripts/record-result.sh" cluster 0 1; exit 1; }

stop_cluster() {
  if [ "$started" = 1 ]; then
    say "stopping the cluster this test started (cluster.sh down --wipe)"
    "$K8S_KIT/cluster.sh" down "$K8S_STATE_DIR" --wipe >"$WORK/cluster-down.log" 2>&1 \
      || echo "[cluster-test] cluster.sh down failed, see $WORK/cluster-down.log" >&2
  fi
}
trap stop_cluster EXIT

mkdir -p "$WORK"
if [ -z "${KUBECONFIG:-}" ]; then
  [ -x "$K8S_KIT/cluster.sh" ] || fail "no KUBECONFIG and no cluster kit at $K8S_KIT (set K8S_KIT or KUBECONFIG)"
  if ! "$K8S_KIT/cluster.sh" status "$K8S_STATE_DIR" >/dev/null 2>&1; then started=1; fi
  say "starting the kit's cluster in ${K8S_STATE_DIR#$ROOT/} (../shared/k8s/cluster.sh up)"
  "$K8S_KIT/cluster.sh" up "$K8S_STATE_DIR" >"$WORK/cluster-up.log" 2>&1 \
    || { tail -20 "$WORK/cluster-up.log" >&2; fail "cluster.sh up failed (log: $WORK/cluster-up.log)"; }
  grep 'cluster up in' "$WORK/cluster-up.log" || true
  eval "$("$K8S_KIT/cluster.sh" env "$K8S_STATE_DIR")"
  export CLUSTER_LOAD_IMAGE="${CLUSTER_LOAD_IMAGE:-'$ROOT/tests/cluster/load-image.sh'}"
else
  context="$("$KUBECTL" config current-context 2>/dev/null || true)"
  if [ -n "${CLUSTER_LOAD_IMAGE:-}" ]; then :
  elif [ "$KUBECONFIG" = "$K8S_STATE_DIR/kubeconfig/admin.kubeconfig" ]; then
    export CLUSTER_LOAD_IMAGE="'$ROOT/tests/cluster/load-image.sh'"
  elif [ "$context" = minikube ]; then export CLUSTER_LOAD_IMAGE="minikube image load"
  elif [[ "$context" == kind-* ]]; then export CLUSTER_LOAD_IMAGE="kind load image-archive --name ${context#kind-}"
  else fail "cannot tell how to load images into context '$context': set CLUSTER_LOAD_IMAGE"
  fi
fi
"$KUBECTL" version >/dev/null 2>&1 || fail "the cluster behind KUBECONFIG=$KUBECONFIG does not answer"

say "building the test-only MariaDB and NSQ images"
"$ROOT/tests/cluster/images/build.sh" "$WORK/images" || fail "building the test images failed"

say "running the walkthrough (images $REGISTRY/*:$VERSION from ${IMAGE_TARS_DIR#$ROOT/})"
export CLUSTER_VERSION="$VERSION" CLUSTER_REGISTRY="$REGISTRY" CLUSTER_IMAGE_TARS="$IMAGE_TARS_DIR" \
       CLUSTER_TEST_IMAGES="$WORK/images" CLUSTER_WORK_DIR="$WORK/work"
# shellcheck disable=SC2086  # PYTEST_ARGS: extra pytest arguments, e.g. -k test_0 for the walkthrough only
"$ROOT/scripts/pytest-result.sh" cluster "$PYTHON" -m pytest -v -p no:cacheprovider ${PYTEST_ARGS:-} "$ROOT/tests/cluster"
status=$?
if [ "$status" -ne 0 ]; then
  say "failed: pods and recent events for the record"
  "$KUBECTL" -n face-pipeline get pods -o wide 2>&1 | tail -30
  "$KUBECTL" -n face-pipeline get events --sort-by=.lastTimestamp 2>&1 | tail -30
fi
say "wall time $(( $(date +%s) - t0 )) s"
exit "$status"
