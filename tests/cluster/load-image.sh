#!/usr/bin/env bash
# load-image.sh TAR: loads one docker-archive tar into ../shared/k8s/cluster.sh's containerd.
# cluster.sh load-image checks its import with `ctr images ls -q | grep -qxF REF` under pipefail, which
# fails now and then with SIGPIPE (grep exits at the match while ctr still writes) although the image
# is there; on exactly that message this checks containerd itself (STATE_DIR/run/containerd).
# Env: K8S_KIT, K8S_STATE_DIR (as tests/cluster/run.sh sets them).
set -uo pipefail
tar=$1
out=$("$K8S_KIT/cluster.sh" load-image "$tar" 2>&1) && { echo "$out"; exit 0; }
ref=$(sed -n 's/^cluster.sh: \(.*\) is not in containerd after importing .*/\1/p' <<<"$out")
if [ -n "$ref" ]; then
  list=$(ctr --address "$K8S_STATE_DIR/run/containerd/containerd.sock" -n k8s.io images ls -q)
  if grep -qxF "$ref" <<<"$list"; then echo "loaded $ref (checked in containerd)"; exit 0; fi
fi
echo "$out" >&2
exit 1
