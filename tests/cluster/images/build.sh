#!/usr/bin/env bash
# Builds the two third-party images the cluster test cannot pull, as docker-archive tars, without a
# container engine (../shared/k8s/mkimage.py writes the tar from a rootfs folder):
#   face-pipeline-test/mariadb:10.11-bookworm  Debian 12's mariadb-server (this host's installed files)
#                                              + an entrypoint and healthcheck.sh honouring what
#                                              k8s/base/mysql.yaml uses from the official image
#   face-pipeline-test/nsq:1.2.1               the real nsqd / nsqlookupd 1.2.1 from ../shared/tools/nsq,
#                                              at /nsqd and /nsqlookupd like the official image
# For the test overlay k8s/overlays/cluster-test only; production overlays keep the official images.
# usage: build.sh OUT_DIR      (writes OUT_DIR/mariadb.tar and OUT_DIR/nsq.tar)
# Env: K8S_KIT (folder with mkimage.py; default ../shared/k8s), NSQ_BIN_DIR (default ../shared/tools/nsq).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
OUT="${1:?usage: build.sh OUT_DIR}"
K8S_KIT="${K8S_KIT:-$ROOT/../shared/k8s}"
NSQ_BIN_DIR="${NSQ_BIN_DIR:-$ROOT/../shared/tools/nsq}"
MKIMAGE="$K8S_KIT/mkimage.py"
[ -f "$MKIMAGE" ] || { echo "build.sh: no mkimage.py in $K8S_KIT (set K8S_KIT)" >&2; exit 1; }
for b in nsqd nsqlookupd; do
  [ -x "$NSQ_BIN_DIR/$b" ] || { echo "build.sh: no $b in $NSQ_BIN_DIR (set NSQ_BIN_DIR)" >&2; exit 1; }
done
MARIADB_PACKAGES=(mariadb-server-core mariadb-client-core bash dash coreutils findutils sed grep mawk)
missing=()
for p in "${MARIADB_PACKAGES[@]}"; do
  dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p "$OUT"
work="$OUT/rootfs"

# ---- MariaDB
rm -rf "$work"
python3 "$HERE/rootfs.py" "$work/mariadb" "${MARIADB_PACKAGES[@]}" \
  --exclude debconf --exclude debconf-2.0 --exclude dpkg --exclude gawk --exclude tar >/dev/null
r="$work/mariadb"
ln -sf mawk "$r/usr/bin/awk"
rm -rf "$r/etc/mysql"; mkdir -p "$r/etc/mysql"
install -m 0644 "$HERE/mariadb/my.cnf" "$r/etc/mysql/my.cnf"
mkdir -p "$r/usr/local/bin"
install -m 0755 "$HERE/mariadb/docker-entrypoint.sh" "$HERE/mariadb/healthcheck.sh" "$r/usr/local/bin/"
printf 'root:x:0:0:root:/root:/bin/bash\nmysql:x:999:999:MariaDB:/var/lib/mysql:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$r/etc/passwd"
printf 'root:x:0:\nmysql:x:999:\nnogroup:x:65534:\n' >"$r/etc/group"
mkdir -p "$r/var/lib/mysql" "$r/run/mysqld" "$r/tmp" "$r/root"
chmod 1777 "$r/tmp"
chmod 0777 "$r/var/lib/mysql" "$r/run/mysqld"
python3 "$MKIMAGE" "$r" "$OUT/mariadb.tar" --tag face-pipeline-test/mariadb:10.11-bookworm \
  --entrypoint '["docker-entrypoint.sh"]' --cmd '["mariadbd"]' --expose 3306/tcp --user 999 >/dev/null

# ---- NSQ
r="$work/nsq"
mkdir -p "$r/etc" "$r/tmp"
chmod 1777 "$r/tmp"
install -m 0755 "$NSQ_BIN_DIR/nsqd" "$NSQ_BIN_DIR/nsqlookupd" "$r/"
printf 'root:x:0:0:root:/:/nsqd\nnobody:x:65534:65534:nobody:/nonexistent:/nsqd\n' >"$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
python3 "$MKIMAGE" "$r" "$OUT/nsq.tar" --tag face-pipeline-test/nsq:1.2.1 \
  --entrypoint '["/nsqd"]' --expose 4150/tcp --expose 4151/tcp --expose 4160/tcp --expose 4161/tcp --user 65534 >/dev/null

rm -rf "$work"
ls -l "$OUT"/mariadb.tar "$OUT"/nsq.tar | awk '{printf "build.sh: %s %d MB\n", $NF, $5 / 1048576}'
