#!/usr/bin/env bash
# `make test-images`: lint, build and run every image on this machine.
#  1. hadolint over docker/*.Dockerfile
#  2. a private dockerd (scripts/images-dockerd.sh) unless CONTAINER_TOOL/DOCKER_HOST point elsewhere
#  3. base image (pull, else debootstrap + import), then scripts/images-build.sh
#  4. per image: tag is not `latest`, runs as uid 10001, every shared library resolves (ldd),
#     `--help` exits 0 on a read-only root filesystem with no network
#  5. a "pod": one network namespace (a paused container) holding a throwaway MariaDB, the migrate
#     image run once, then all four services started with the Kubernetes securityContext
#     (read-only root, uid 10001, no capabilities, no-new-privileges); each must answer /healthz and
#     /readyz with 200, a photo posted to the receiver is identified (Obama), and each exits 0 on
#     SIGTERM within 30 s (DRAIN_SECONDS=2 + in-flight work)
#  6. image sizes; everything started here is stopped again (also on failure)
set -euo pipefail
source "$(dirname "$0")/images-common.sh"

[[ "$CONTAINER_TOOL" == docker ]] || die "test-images runs the images with docker (CONTAINER_TOOL=docker); build-only: make build-images"
SMOKE_DIR="$CACHE_DIR/smoke"
POD="face-pipeline-smoke-pod"
started_dockerd=0
failures=0

checks=0
fail() { printf '[images] FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }
ok() { log "$*"; checks=$((checks + 1)); }
record() { [[ -x "$ROOT/scripts/record-result.sh" ]] && "$ROOT/scripts/record-result.sh" images "$checks" "$1" || true; }

cleanup() {
  local status=$?
  set +e
  # Anything that stopped the script early counts as one failure in the `make test` summary.
  if [[ $status -ne 0 ]]; then record "$(( failures > 0 ? failures : 1 ))"; fi
  if [[ -n "${DOCKER_HOST:-}" ]] && docker version >/dev/null 2>&1; then
    for c in $(docker ps -aq --filter "label=face-pipeline-smoke=1"); do docker rm -f "$c" >/dev/null 2>&1; done
  fi
  "$ROOT/scripts/mariadb.sh" stop "$SMOKE_DIR/db" >/dev/null 2>&1
  if [[ $started_dockerd == 1 ]]; then "$ROOT/scripts/images-dockerd.sh" stop; fi
}
trap cleanup EXIT

log "1/6 hadolint"
"$ROOT/scripts/images-lint.sh"

log "2/6 container engine"
if [[ -z "${DOCKER_HOST:-}" ]] && ! docker version >/dev/null 2>&1; then
  eval "export $("$ROOT/scripts/images-dockerd.sh" start)"
  started_dockerd=1
  log "private dockerd at $DOCKER_HOST"
fi
docker version --format 'docker server {{.Server.Version}}' >&2

log "3/6 base image and build"
"$ROOT/scripts/images-base.sh"
"$ROOT/scripts/images-build.sh"

log "4/6 static checks and --help"
for name in "${IMAGES[@]}"; do
  ref="$(image_ref "$name")"
  failures_before=$failures
  [[ "$VERSION" != latest ]] || fail "$ref: VERSION must not be latest"
  user="$(docker image inspect -f '{{.Config.User}}' "$ref")"
  [[ "$user" == 10001:10001 ]] || fail "$ref: runs as '$user', expected 10001:10001"
  entry="$(docker image inspect -f '{{join .Config.Entrypoint " "}}' "$ref")"
  [[ "$entry" == "/usr/local/bin/$name" ]] || fail "$ref: entrypoint '$entry'"
  missing="$(docker run --rm --network none --label face-pipeline-smoke=1 --entrypoint /usr/bin/ldd "$ref" "/usr/local/bin/$name" | grep 'not found' || true)"
  [[ -z "$missing" ]] || fail "$ref: unresolved libraries: $missing"
  [[ $failures -eq $failures_before ]] && ok "$ref: tag, user 10001, entrypoint, libraries ok"
  if out="$(docker run --rm --network none --read-only --cap-drop ALL --security-opt no-new-privileges \
            --label face-pipeline-smoke=1 "$ref" --help 2>&1)" && [[ -n "$out" ]]; then
    ok "$ref --help ok"
  else
    fail "$ref --help failed: $out"
  fi
done
if [[ $failures -gt 0 ]]; then die "$failures static check(s) failed"; fi

log "5/6 pod smoke test"
rm -rf "$SMOKE_DIR"; mkdir -p "$SMOKE_DIR/images/known_people"
# One known person and one photo of him, for the end-to-end check through the containers.
cp "$ROOT/.cache/photos/obama.jpg" "$SMOKE_DIR/images/known_people/obama.jpg"
cp "$ROOT/.cache/photos/obama2.jpg" "$SMOKE_DIR/images/obama2.jpg"
chown -R 10001:10001 "$SMOKE_DIR/images"
# The "pause" container owns the network namespace every other container joins (like a pod).
docker run -d --name "$POD" --label face-pipeline-smoke=1 --network none --entrypoint sleep \
  "$(image_ref migrate)" infinity >/dev/null
pod_pid="$(docker inspect -f '{{.State.Pid}}' "$POD")"
in_pod() { nsenter -t "$pod_pid" -n "$@"; }
in_pod "$ROOT/scripts/mariadb.sh" start "$SMOKE_DIR/db" 3306 >/dev/null
# shellcheck disable=SC1091
source "$SMOKE_DIR/db/env"
sql() { in_pod mariadb --no-defaults --protocol=socket --socket="$SMOKE_DIR/db/mysqld.sock" -uroot -N "$DB_NAME" -e "$1"; }
db_env=(-e "DB_HOST=127.0.0.1" -e "DB_PORT=$DB_PORT" -e "DB_NAME=$DB_NAME" -e "DB_USER=$DB_USER"
        -e "DB_PASSWORD=$DB_PASSWORD" -e "QUEUE=mysql" -e "LOG_FORMAT=json" -e "LOG_LEVEL=info"
        -e "IMAGE_ROOT=/data/images" -e "DRAIN_SECONDS=2")
hardening=(--read-only --tmpfs /tmp:rw,size=64m --user 10001:10001 --cap-drop ALL
           --security-opt no-new-privileges --network "container:$POD" --label face-pipeline-smoke=1)

if docker run --rm "${hardening[@]}" "${db_env[@]}" "$(image_ref migrate)" >"$SMOKE_DIR/migrate.log" 2>&1; then
  tables="$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$DB_NAME'")"
  # The schema has images, person, person_images and faces (plus migration bookkeeping).
  if [[ "$tables" -ge "${SMOKE_MIN_TABLES:-4}" ]]; then ok "migrate ok ($tables tables in $DB_NAME)"
  else fail "migrate exited 0 but $DB_NAME has only $tables tables"; fi
else
  fail "migrate exited non-zero: $(tail -5 "$SMOKE_DIR/migrate.log")"
fi

sql "INSERT INTO person (name) VALUES ('Barack Obama');
     INSERT INTO person_images (image_name, person_id) SELECT 'obama.jpg', id FROM person WHERE name = 'Barack Obama';"

declare -A ADMIN_PORT=([receiver]=8000 [image-processor]=8081 [face-recognition]=8082 [frontend]=8080)
# image-processor and face-recognition both default their admin port to 8081: the image sets
# face-recognition's to 8082 (ADMIN_ADDRESS), as the Kubernetes manifests do.
declare -A EXTRA_ENV=([image-processor]="FACE_RECOGNITION_ADDRESS=127.0.0.1:50051"
                      [face-recognition]="KNOWN_PEOPLE_DIR=/data/images/known_people")
SERVICES=(face-recognition receiver image-processor frontend)
for name in "${SERVICES[@]}"; do
  extra_env=()
  [[ -n "${EXTRA_ENV[$name]:-}" ]] && extra_env=(-e "${EXTRA_ENV[$name]}")
  docker run -d --name "face-pipeline-smoke-$name" "${hardening[@]}" "${db_env[@]}" "${extra_env[@]}" \
    -v "$SMOKE_DIR/images:/data/images" "$(image_ref "$name")" >/dev/null
done

probe() { in_pod curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$1$2"; }
for name in "${SERVICES[@]}"; do
  port="${ADMIN_PORT[$name]}"
  for endpoint in /healthz /readyz; do
    answered=0
    for _ in $(seq 1 120); do
      if probe "$port" "$endpoint"; then answered=1; break; fi
      [[ "$(docker inspect -f '{{.State.Running}}' "face-pipeline-smoke-$name")" == true ]] || break
      sleep 0.5
    done
    if [[ $answered == 1 ]]; then ok "$name :$port$endpoint 200"; else
      fail "$name :$port$endpoint never returned 200; last log lines:"
      docker logs --tail 15 "face-pipeline-smoke-$name" >&2 || true
    fi
  done
done
if in_pod bash -c 'exec 3<>/dev/tcp/127.0.0.1/50051' 2>/dev/null; then ok "face-recognition gRPC port 50051 open"; else fail "face-recognition: nothing listens on 50051"; fi

# A photo through the containers: receiver -> MySQL queue -> image-processor -> face-recognition (models
# in its image, gallery from known_people/) -> MySQL, read back through the receiver.
posted="$(in_pod curl -fsS -m 10 -H 'Content-Type: application/json' -d '{"path":"obama2.jpg"}' \
          http://127.0.0.1:8000/image/post || true)"
id="$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' <<<"$posted")"
who=""
if [[ -n "$id" ]]; then
  for _ in $(seq 1 240); do
    who="$(sql "SELECT CONCAT(i.status, ':', COALESCE(p.name, '')) FROM images i LEFT JOIN person p ON p.id = i.person WHERE i.id = $id")"
    [[ "$who" == 1:* || "$who" == 2:* ]] && break
    sleep 0.5
  done
fi
details="$(in_pod curl -fsS -m 5 "http://127.0.0.1:8000/images/${id:-0}" || true)"
if [[ "$who" == "1:Barack Obama" && "$details" == *'"name":"Barack Obama"'* ]]; then
  ok "obama2.jpg posted to the receiver container was identified as Barack Obama (image $id)"
else
  fail "end-to-end through the containers: post '$posted', row '$who', details '${details:0:300}'"
  for name in image-processor face-recognition; do docker logs --tail 15 "face-pipeline-smoke-$name" >&2 || true; done
fi

# Graceful shutdown: SIGTERM, drain (DRAIN_SECONDS=2), exit 0 before docker's SIGKILL.
for name in frontend image-processor receiver face-recognition; do
  c="face-pipeline-smoke-$name"
  docker stop -t 30 "$c" >/dev/null
  code="$(docker inspect -f '{{.State.ExitCode}}' "$c")"
  if [[ "$code" == 0 ]]; then ok "$name exited 0 after SIGTERM"; else
    fail "$name exited $code after SIGTERM"; docker logs --tail 15 "$c" >&2 || true
  fi
done

log "6/6 sizes"
for name in "${IMAGES[@]}"; do
  docker image inspect -f "{{index .RepoTags 0}} {{.Size}}" "$(image_ref "$name")" \
    | awk '{printf "[images] %-48s %6.1f MB\n", $1, $2/1e6}' >&2
done

[[ $failures -eq 0 ]] || die "$failures check(s) failed"
record 0
log "test-images passed ($checks checks)"
