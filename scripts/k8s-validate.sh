#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (`make test-k8s`):
#  1. render base and every overlay with `kubectl kustomize` into .cache/k8s/rendered/<name>.yaml
#  2. validate each against the Kubernetes JSON schemas with `kubernetes-validate --strict`, for every
#     version in $K8S_VERSIONS (schemas ship inside the PyPI package: no network, no cluster)
#  3. the policy (tests/k8s/policy.py) over each rendered overlay and over what `make deploy` would send
#  4. the policy tests (pytest tests/k8s): every overlay passes, each overlay does its job, and bad
#     manifests the policy must reject
# Counts go to scripts/record-result.sh (k8s-manifests, k8s-policy) for the `make test` summary.
# Env: KUBECTL (default kubectl), PYTHON (the venv with kubernetes-validate, pytest, PyYAML),
#      K8S_VERSIONS (default "1.30.0 1.37.0").
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KUBECTL="${KUBECTL:-kubectl}"
PYTHON="${PYTHON:-python3}"
K8S_VERSIONS="${K8S_VERSIONS:-1.30.0 1.37.0}"
OUT="$ROOT/.cache/k8s/rendered"
VALIDATE="$(dirname "$PYTHON")/kubernetes-validate"
[[ -x "$VALIDATE" ]] || VALIDATE="kubernetes-validate"
passed=0

record() { [[ -x "$ROOT/scripts/record-result.sh" ]] && "$ROOT/scripts/record-result.sh" "$@" || true; }
fail() { echo "[k8s] FAIL: $*" >&2; record k8s-manifests "$passed" 1; exit 1; }

command -v "$KUBECTL" >/dev/null || fail "kubectl not found"
rm -rf "$OUT"; mkdir -p "$OUT"

targets=(base)
for dir in "$ROOT"/k8s/overlays/*/; do targets+=("overlays/$(basename "$dir")"); done

for target in "${targets[@]}"; do
  file="$OUT/$(basename "$target").yaml"
  "$KUBECTL" kustomize "$ROOT/k8s/$target" >"$file" || fail "kubectl kustomize k8s/$target"
  objects="$(grep -c '^kind:' "$file")"
  for version in $K8S_VERSIONS; do
    "$VALIDATE" --strict --quiet -k "$version" "$file" || fail "$target does not validate against Kubernetes $version"
    passed=$((passed + 1))
  done
  echo "[k8s] $target: $objects objects valid (strict) for Kubernetes $K8S_VERSIONS" >&2
done

for target in "${targets[@]}"; do
  max=0; [[ "$target" == overlays/minikube ]] && max=1
  "$PYTHON" "$ROOT/tests/k8s/policy.py" --max-unavailable "$max" "$OUT/$(basename "$target").yaml" \
    || fail "policy violations in $target"
  passed=$((passed + 1))
done

# What `make deploy` would send (generated tag layers included) must pass the same checks.
OVERLAY=canary VERSION=9.9.9 CANARY_VERSION=9.9.10-rc1 KUBECTL="$KUBECTL" "$ROOT/scripts/k8s-deploy.sh" render >"$OUT/deploy-canary.yaml"
grep -q 'image: face-pipeline/receiver:9.9.10-rc1' "$OUT/deploy-canary.yaml" \
  || fail "deploy render did not give receiver-canary its own tag"
for version in $K8S_VERSIONS; do
  "$VALIDATE" --strict --quiet -k "$version" "$OUT/deploy-canary.yaml" || fail "deploy render invalid for $version"
done
"$PYTHON" "$ROOT/tests/k8s/policy.py" "$OUT/deploy-canary.yaml" || fail "policy violations in the deploy render"
passed=$((passed + 1))
echo "[k8s] deploy render (canary, tags 9.9.9 / 9.9.10-rc1) valid" >&2
record k8s-manifests "$passed" 0

cd "$ROOT"
if [[ -x "$ROOT/scripts/pytest-result.sh" ]]; then
  "$ROOT/scripts/pytest-result.sh" k8s-policy "$PYTHON" -m pytest -q -p no:cacheprovider tests/k8s
else
  "$PYTHON" -m pytest -q -p no:cacheprovider tests/k8s
fi
