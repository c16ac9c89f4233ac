#!/usr/bin/env bash
# Makes $BASE_IMAGE (default debian:bookworm-slim) available to $CONTAINER_TOOL.
# Order: already present -> pull -> build it with debootstrap from the apt mirror and import it under
# the same name (for machines without registry access; needs root and the `debootstrap` package).
set -euo pipefail
source "$(dirname "$0")/images-common.sh"
require_engine

has_image() {
  case "$CONTAINER_TOOL" in
    buildah) buildah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1 ;;
    *) ctool image inspect "$BASE_IMAGE" >/dev/null 2>&1 ;;
  esac
}

if has_image; then log "base image $BASE_IMAGE present"; exit 0; fi

log "pulling $BASE_IMAGE"
if timeout 120 "$CONTAINER_TOOL" pull "$BASE_IMAGE" >/dev/null 2>&1; then exit 0; fi

case "$BASE_IMAGE" in
  debian:bookworm-slim|docker.io/library/debian:bookworm-slim) ;;
  *) die "cannot pull $BASE_IMAGE and only debian:bookworm-slim can be bootstrapped locally" ;;
esac
command -v debootstrap >/dev/null || die "no registry access and no debootstrap (apt-get install debootstrap)"
[[ $EUID -eq 0 ]] || die "debootstrap needs root"

MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$CACHE_DIR/debootstrap"
rootfs="$work/rootfs"
if [[ ! -x "$rootfs/usr/bin/apt-get" ]]; then
  log "no registry: debootstrap --variant=minbase bookworm from $MIRROR (about 1-2 minutes)"
  rm -rf "$rootfs"; mkdir -p "$work"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || die "debootstrap failed, see $work/debootstrap.log"
fi

# Make it look like the official slim image: deb822 sources with updates and security, no caches.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
# As in the official image: apt keeps no package caches in image layers.
printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
  'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
  'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$rootfs/etc/apt/apt.conf.d/docker-clean"

log "importing $rootfs as $BASE_IMAGE"
case "$CONTAINER_TOOL" in
  docker|podman)
    tar --numeric-owner -C "$rootfs" -c . \
      | ctool import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE_IMAGE" >/dev/null ;;
  buildah)
    ctr="$(buildah from scratch)"
    mnt="$(buildah mount "$ctr")"
    tar --numeric-owner -C "$rootfs" -c . | tar --numeric-owner -C "$mnt" -x
    buildah umount "$ctr" >/dev/null
    buildah config --cmd '["bash"]' --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
    buildah commit --quiet "$ctr" "$BASE_IMAGE" >/dev/null
    buildah rm "$ctr" >/dev/null ;;
  *) die "unknown CONTAINER_TOOL=$CONTAINER_TOOL (docker, podman or buildah)" ;;
esac
has_image || die "import of $BASE_IMAGE did not produce an image"
log "base image $BASE_IMAGE ready"
