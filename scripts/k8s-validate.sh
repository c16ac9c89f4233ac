#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (`make test-k8s`):
#  1. render base and every overlay with `kubectl kustomize` into .cache/k8s/rendered/<name>.yaml
#  2. validate each against the Kubernetes JSON schemas with `kubernetes-validate --strict`, for every
#     version in $K8S_VERSIONS (schemas ship inside the PyPI package: no network, no cluster)
#  3. run the policy tests (tests/k8s, pytest): probes, resources, securityContext, RollingUpdate,
#     no hostPort, tagged images, PDBs, plus negative cases the policy must reject
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

command -v "$KUBECTL" >/dev/null || { echo "[k8s] kubectl not found" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT"

targets=(base)
for dir in "$ROOT"/k8s/overlays/*/; do targets+=("overlays/$(basename "$dir")"); done

for target in "${targets[@]}"; do
  file="$OUT/$(basename "$target").yaml"
  "$KUBECTL" kustomize "$ROOT/k8s/$target" >"$file"
  objects="$(grep -c '^kind:' "$file")"
  for version in $K8S_VERSIONS; do
    "$VALIDATE" --strict --quiet -k "$version" "$file" \
      || { echo "[k8s] $target does not validate against Kubernetes $version" >&2; exit 1; }
  done
  echo "[k8s] $target: $objects objects valid (strict) for Kubernetes $K8S_VERSIONS" >&2
done

# Rendered output is also what the policy CLI checks, overlay by overlay.
for target in "${targets[@]}"; do
  max=0; [[ "$target" == overlays/minikube ]] && max=1
  "$PYTHON" "$ROOT/tests/k8s/policy.py" --max-unavailable "$max" "$OUT/$(basename "$target").yaml"
done

# What `make deploy` would send (generated tag layers included) must pass the same checks.
OVERLAY=canary VERSION=9.9.9 CANARY_VERSION=9.9.10-rc1 KUBECTL="$KUBECTL" "$ROOT/scripts/k8s-deploy.sh" render >"$OUT/deploy-canary.yaml"
grep -q 'image: face-pipeline/receiver:9.9.10-rc1' "$OUT/deploy-canary.yaml" \
  || { echo "[k8s] deploy render did not give receiver-canary its own tag" >&2; exit 1; }
for version in $K8S_VERSIONS; do "$VALIDATE" --strict --quiet -k "$version" "$OUT/deploy-canary.yaml"; done
"$PYTHON" "$ROOT/tests/k8s/policy.py" "$OUT/deploy-canary.yaml"
echo "[k8s] deploy render (canary, tags 9.9.9 / 9.9.10-rc1) valid" >&2

cd "$ROOT"
"$PYTHON" -m pytest -q -p no:cacheprovider tests/k8s
