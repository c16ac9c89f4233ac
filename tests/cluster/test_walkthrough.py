"""The seed's walkthrough on a real Kubernetes cluster, in the seed's order, each step asserted; then
rolling updates under load, rollout undo, a canary and a pod kill of every kind, each a row of the
results table (conftest.RESULTS). Steps share state through STATE and run in file order."""
from __future__ import annotations

import json
import subprocess
import tarfile
import time
from pathlib import Path

from conftest import PHOTOS, RESULTS, Cluster, Poster, request, tiny_png

SERVICES = ["receiver", "image-processor", "face-recognition", "frontend", "migrate"]
WORKLOADS = ["deployment/receiver", "deployment/image-processor", "deployment/face-recognition",
             "deployment/frontend", "deployment/nsqlookupd", "statefulset/nsqd", "statefulset/mysql"]
OVERLAY = "cluster-test"
CANARY_OVERLAY = "cluster-test-canary"
LOAD_FILES = 6000          # tiny PNGs (hard links of one file) for the request-load phases
WORK_PHOTOS = 700          # hard links of obama2.jpg for the processing and pod-kill phases
STATE: dict = {}


def row(phase: str, ok: bool, **values) -> dict:
    entry = {"phase": phase, "ok": ok, **values}
    RESULTS.append(entry)
    return entry


def ids_in_mysql(cluster: Cluster, accepted: dict[str, int]) -> int:
    """How many accepted (path -> id) pairs are missing from MySQL or carry another path."""
    if not accepted:
        return 0
    id_list = ",".join(str(i) for i in sorted(set(accepted.values())))
    rows = cluster.sql_retry(f"SELECT id, path FROM images WHERE id IN ({id_list})")
    stored = {int(r[0]): r[1] for r in rows}
    return sum(1 for path, i in accepted.items() if stored.get(i) != path)


def settle(cluster: Cluster, ids: list[int], person: str | None, seconds: float = 420) -> tuple[int, int, int]:
    """(lost, processed twice, wrong person) once every id is processed or failed, or time is up.
    Lost: not processed. Twice: claimed more than once without a refund (images.attempts > 1)."""
    found = cluster.wait_settled(ids, seconds)
    lost = sum(1 for i in ids if found.get(i, ["0"])[0] != "1")
    twice = sum(1 for i in ids if int(found.get(i, ["0", "0"])[1]) > 1)
    wrong = 0 if person is None else sum(1 for i in ids if i in found and found[i][0] == "1" and found[i][2] != person)
    return lost, twice, wrong


# ---- 1. build and load the images ---------------------------------------------------------------

def test_01_images_are_built_and_loaded(cluster: Cluster) -> None:
    for name in SERVICES:
        tar = cluster.tars / f"{name}.tar"
        assert tar.is_file(), f"{tar} missing: `make image-tars` writes it"
        with tarfile.open(tar) as t:
            tags = [tag for entry in json.load(t.extractfile("manifest.json")) for tag in entry["RepoTags"]]
        assert f"{cluster.registry}/{name}:{cluster.version}" in tags, (tar, tags)
    test_tars = sorted(cluster.test_images.glob("*.tar"))
    assert {t.name for t in test_tars} >= {"mariadb.tar", "nsq.tar"}, test_tars
    for tar in [cluster.tars / f"{name}.tar" for name in SERVICES] + test_tars:
        cluster.load_image(tar)


# ---- 2. kubectl apply -k the single-node overlay (through `make deploy`'s script) ---------------

def test_02_apply_the_overlay(cluster: Cluster) -> None:
    if cluster.kubectl("get", "namespace", "face-pipeline", "--ignore-not-found", namespaced=False).strip():
        cluster.kubectl("delete", "namespace", "face-pipeline", "--wait=true", "--timeout=180s",
                        namespaced=False, timeout=240)
    result = cluster.script("apply", OVERLAY=OVERLAY)
    assert result.returncode == 0, result.stderr[-3000:]
    images = {c["image"] for d in cluster.get("deployments")["items"]
              for c in d["spec"]["template"]["spec"]["containers"]}
    assert f"{cluster.registry}/receiver:{cluster.version}" in images, images


# ---- 3. the migrate Job completes ----------------------------------------------------------------

def test_03_migrate_job_completes(cluster: Cluster) -> None:
    start = time.time()
    cluster.kubectl("wait", "--for=condition=complete", "job/migrate", "--timeout=300s", timeout=330)
    STATE["migrate_seconds"] = time.time() - start
    version = cluster.sql_retry("SELECT MAX(version) FROM schema_migrations")[0][0]
    assert int(version) >= 3, version
    tables = {r[0] for r in cluster.sql("SHOW TABLES")}
    assert {"images", "person", "person_images", "faces"} <= tables, tables


# ---- 4. rollout status for every Deployment and StatefulSet --------------------------------------

def test_04_rollout_status_succeeds_for_every_workload(cluster: Cluster) -> None:
    result = cluster.script("status", ROLLOUT_TIMEOUT="300s", timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    names = set(cluster.kubectl("get", "deployments,statefulsets", "-o", "name").split())
    assert {w.replace("deployment/", "deployment.apps/").replace("statefulset/", "statefulset.apps/")
            for w in WORKLOADS} <= names, names
    for workload in WORKLOADS:
        out = cluster.kubectl("rollout", "status", workload, "--timeout=10s")
        assert "successfully rolled out" in out or "roll out complete" in out, (workload, out)


# ---- 5. photos reach the shared images volume ----------------------------------------------------

def test_05_photos_reach_the_images_volume(cluster: Cluster, tmp_path: Path) -> None:
    # The seed's layout: known people in known_people/ (named in person_images), photos at the root.
    cluster.copy_to_images([PHOTOS / "obama.jpg", PHOTOS / "biden.jpg"], "known_people")
    tiny = tmp_path / "tiny.png"
    tiny_png(tiny)
    cluster.copy_to_images([PHOTOS / n for n in ("obama2.jpg", "32bit.png", "biden.jpg", "t1.jpg")] + [tiny], ".")
    # Load-test files: hard links on the volume itself (one copy each over the wire).
    pod = cluster.pods("app=receiver,track=stable", ready_only=True)[0]
    cluster.kubectl("exec", pod, "-c", "receiver", "--", "sh", "-c",
                    f"cd /data/images && mkdir -p load work && i=0; while [ $i -lt {LOAD_FILES} ]; do "
                    f"ln -f tiny.png load/$i.png; [ $i -lt {WORK_PHOTOS} ] && ln -f obama2.jpg work/$i.jpg; "
                    f"i=$((i+1)); done; ls load | wc -l", timeout=300)
    listing = cluster.kubectl("exec", pod, "-c", "receiver", "--", "ls", "/data/images", "/data/images/known_people")
    for name in ("obama2.jpg", "32bit.png", "biden.jpg", "t1.jpg", "obama.jpg", "load", "work"):
        assert name in listing.split(), listing
    # The frontend and face-recognition see the same volume.
    frontend = cluster.pods("app=frontend", ready_only=True)[0]
    assert "t1.jpg" in cluster.kubectl("exec", frontend, "-c", "frontend", "--", "ls", "/data/images").split()

    # Enrol them the sample's way, then wait for face-recognition's gallery sync to store both faces.
    cluster.sql("""
        INSERT IGNORE INTO person (name) VALUES ('Barack Obama'), ('Joe Biden');
        INSERT INTO person_images (image_name, person_id) SELECT 'obama.jpg', id FROM person WHERE name = 'Barack Obama'
          AND NOT EXISTS (SELECT 1 FROM person_images WHERE image_name = 'obama.jpg');
        INSERT INTO person_images (image_name, person_id) SELECT 'biden.jpg', id FROM person WHERE name = 'Joe Biden'
          AND NOT EXISTS (SELECT 1 FROM person_images WHERE image_name = 'biden.jpg');""")
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline:
        count = int(cluster.sql("SELECT COUNT(*) FROM faces WHERE person_image_id IS NOT NULL")[0][0])
        if count >= 2:
            break
        time.sleep(2)
    assert count == 2, f"gallery holds {count} faces after 120 s (face-recognition syncs every 30 s)"

    # And the upload endpoint: the bytes go into uploads/ on the same volume.
    status, body = request("POST", cluster.url("receiver-service") + "/images",
                           (PHOTOS / "obama3.jpg").read_bytes(), content_type="image/jpeg", timeout=30)
    assert status == 202, (status, body)
    assert body["path"].startswith("uploads/"), body
    STATE["ids"] = {"upload:obama3.jpg": int(body["id"])}


# ---- 6. the seed's curl commands against the receiver-service NodePort --------------------------

def test_06_seed_curl_to_the_receiver_node_port(cluster: Cluster) -> None:
    port = cluster.node_port("receiver-service")
    out = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", "-d", '{"path":"obama2.jpg"}',
                          f"http://127.0.0.1:{port}/image/post"], capture_output=True, text=True, timeout=30)
    body, code = out.stdout.rsplit("\n", 1)
    assert code == "202", (code, body, out.stderr)
    reply = json.loads(body)
    assert reply["status"] == "queued" and reply["path"] == "obama2.jpg", reply
    STATE["ids"]["obama2.jpg"] = int(reply["id"])

    batch = '{"paths":[{"path":"biden.jpg"},{"path":"t1.jpg"},{"path":"32bit.png"}]}'
    out = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", "-d", batch, f"http://127.0.0.1:{port}/images/post"],
                         capture_output=True, text=True, timeout=30)
    body, code = out.stdout.rsplit("\n", 1)
    assert code == "202", (code, body, out.stderr)
    reply = json.loads(body)
    assert reply["queued"] == 3, reply
    for result in reply["results"]:
        STATE["ids"][result["path"]] = int(result["id"])


# ---- 7. processed, with the right person ---------------------------------------------------------

EXPECTED_PERSON = {"upload:obama3.jpg": "Barack Obama", "obama2.jpg": "Barack Obama", "biden.jpg": "Joe Biden",
                   "32bit.png": "Barack Obama", "t1.jpg": None}


def test_07_images_end_processed_with_the_right_person(cluster: Cluster) -> None:
    ids = STATE["ids"]
    found = cluster.wait_settled(list(ids.values()), seconds=240)
    for key, image_id in ids.items():
        status, attempts, person = found[image_id]
        assert status == "1", f"{key} (id {image_id}) not processed: status {status}"
        if EXPECTED_PERSON[key]:
            assert person == EXPECTED_PERSON[key], f"{key}: {person!r}"
    faces = int(cluster.sql(f"SELECT COUNT(*) FROM faces WHERE image_id = {ids['t1.jpg']}")[0][0])
    assert faces == 6, f"t1.jpg: {faces} faces"
    status, body = request("GET", cluster.url("receiver-service") + f"/images/{ids['obama2.jpg']}")
    assert status == 200 and body["person"]["name"] == "Barack Obama", body


# ---- 8. the frontend NodePort shows them ---------------------------------------------------------

def test_08_frontend_node_port_shows_them(cluster: Cluster) -> None:
    frontend = cluster.url("frontend")
    status, page = request("GET", frontend + "/")
    assert status == 200, (status, str(page)[:300])
    for text in ("obama2.jpg", "biden.jpg", "t1.jpg", "Barack Obama", "Joe Biden"):
        assert text in page, f"{text} not on the frontend page"
    status, body = request("GET", frontend + f"/api/images/{STATE['ids']['obama2.jpg']}")
    assert status == 200 and body["image"]["person"]["name"] == "Barack Obama", body
    assert len(body["faces"]) == 1
    status, _ = request("GET", frontend + "/files/obama2.jpg")
    assert status == 200
    status, body = request("GET", frontend + "/api/people")
    assert {p["name"] for p in body["people"]} >= {"Barack Obama", "Joe Biden"}, body


# ---- 9. rolling updates under load ---------------------------------------------------------------

def load_paths(start: int, count: int) -> list[str]:
    return [f"load/{i}.png" for i in range(start, start + count)]


def receiver_rollout_under_load(cluster: Cluster, phase: str, paths: list[str], change) -> dict:
    poster = Poster(cluster.url("receiver-service"), paths, rate=25, workers=4, max_seconds=150).start()
    time.sleep(3)
    start = time.time()
    change()
    seconds = cluster.rollout_status("deployment/receiver", timeout=180)
    # The old pod drains after rollout status returns (preStop + DRAIN_SECONDS): keep posting through it.
    time.sleep(13)
    poster.stop()
    missing = ids_in_mysql(cluster, poster.accepted)
    failed = len(poster.failures)
    ok = failed == 0 and missing == 0 and poster.sent >= 200
    notes = f"rollout {seconds:.0f} s; {missing} ids missing in MySQL"
    if poster.failures:
        notes += f"; first failure {poster.failures[0]}"
    return row(phase, ok, requests=poster.sent, failed=failed, lost=missing, seconds=time.time() - start, notes=notes)


def test_09_receiver_rolling_update_under_load(cluster: Cluster) -> None:
    ref = cluster.load_retagged("receiver", f"{cluster.version}-r2")
    result = receiver_rollout_under_load(
        cluster, "receiver rolling update (new tag)", load_paths(0, 2000),
        lambda: cluster.kubectl("set", "image", "deployment/receiver", f"receiver={ref}"))
    image = cluster.get("deployment", "receiver")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == ref
    assert result["ok"], result


def test_10_receiver_rollout_undo_under_load(cluster: Cluster) -> None:
    result = receiver_rollout_under_load(
        cluster, "receiver rollout undo", load_paths(2000, 2000),
        lambda: cluster.kubectl("rollout", "undo", "deployment/receiver"))
    image = cluster.get("deployment", "receiver")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"{cluster.registry}/receiver:{cluster.version}", image
    assert result["ok"], result


def worker_rollout_while_processing(cluster: Cluster, name: str, photos: list[str]) -> dict:
    ref = cluster.load_retagged(name, f"{cluster.version}-r2")
    poster = Poster(cluster.url("receiver-service"), photos, rate=4, workers=2, max_seconds=120).start()
    time.sleep(5)
    start = time.time()
    cluster.kubectl("set", "image", f"deployment/{name}", f"{name}={ref}")
    seconds = cluster.rollout_status(f"deployment/{name}", timeout=240)
    time.sleep(10)
    poster.stop()
    ids = list(poster.accepted.values())
    lost, twice, wrong = settle(cluster, ids, "Barack Obama")
    ok = lost == 0 and twice == 0 and wrong == 0 and not poster.failures and len(ids) >= 40
    return row(f"{name} rolling update, processing", ok, requests=poster.sent, failed=len(poster.failures),
               photos=len(ids), lost=lost, twice=twice, seconds=time.time() - start,
               notes=f"rollout {seconds:.0f} s; {wrong} wrong person")


def test_11_image_processor_rolling_update_while_processing(cluster: Cluster) -> None:
    result = worker_rollout_while_processing(cluster, "image-processor", [f"work/{i}.jpg" for i in range(0, 200)])
    assert result["ok"], result


def test_12_face_recognition_rolling_update_while_processing(cluster: Cluster) -> None:
    result = worker_rollout_while_processing(cluster, "face-recognition", [f"work/{i}.jpg" for i in range(200, 400)])
    assert result["ok"], result


# ---- 10. canary --------------------------------------------------------------------------------

def receiver_counts(cluster: Cluster, pod: str) -> int:
    raw = cluster.kubectl("get", "--raw", f"/api/v1/namespaces/face-pipeline/pods/{pod}:8000/proxy/metrics",
                          namespaced=False)
    total = 0.0
    for line in raw.splitlines():
        if line.startswith("receiver_images_total{"):   # queued, duplicate and rejected: every path it took
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def test_13_canary_takes_a_share_of_real_requests(cluster: Cluster) -> None:
    canary_tag = f"{cluster.version}-canary"
    cluster.load_retagged("receiver", canary_tag)
    start = time.time()
    result = cluster.script("apply", OVERLAY=CANARY_OVERLAY, CANARY_VERSION=canary_tag)
    assert result.returncode == 0, result.stderr[-3000:]
    cluster.rollout_status("deployment/receiver-canary", timeout=180)
    cluster.rollout_status("deployment/receiver", timeout=180)
    time.sleep(3)   # endpoints reach kube-proxy
    stable = cluster.pods("app=receiver,track=stable", ready_only=True)
    canary = cluster.pods("app=receiver,track=canary", ready_only=True)
    assert len(canary) == 1 and stable, (stable, canary)
    image = cluster.get("deployment", "receiver-canary")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.endswith(":" + canary_tag), image
    before = {p: receiver_counts(cluster, p) for p in stable + canary}
    poster = Poster(cluster.url("receiver-service"), load_paths(4000, 300), rate=60, workers=4, max_seconds=60)
    poster.start()
    deadline = time.time() + 90
    while poster.sent < 300 and time.time() < deadline:
        time.sleep(0.5)
    poster.stop()
    after = {p: receiver_counts(cluster, p) for p in stable + canary}
    to_canary = sum(after[p] - before[p] for p in canary)
    to_stable = sum(after[p] - before[p] for p in stable)
    share = to_canary / max(1, to_canary + to_stable)
    expected = len(canary) / (len(canary) + len(stable))
    missing = ids_in_mysql(cluster, poster.accepted)
    ok = (not poster.failures and missing == 0 and to_canary + to_stable == len(poster.accepted)
          and abs(share - expected) < 0.2 and to_canary > 0 and to_stable > 0)
    entry = row("canary (1 canary + stable receivers)", ok, requests=poster.sent, failed=len(poster.failures),
                lost=missing, seconds=time.time() - start,
                notes=f"stable {to_stable}, canary {to_canary} ({share:.0%}, expected ~{expected:.0%})")
    # Back to the single-node overlay: the canary goes, the stable receivers stay.
    cluster.kubectl("delete", "deployment", "receiver-canary", "--wait=true", "--timeout=120s", timeout=150)
    assert entry["ok"], entry


# ---- 11. a pod of every kind deleted mid-run ---------------------------------------------------

KILLS = [("receiver", "app=receiver", "deployment/receiver"),
         ("image-processor", "app=image-processor", "deployment/image-processor"),
         ("face-recognition", "app=face-recognition", "deployment/face-recognition"),
         ("frontend", "app=frontend", "deployment/frontend"),
         ("nsqlookupd", "app=nsqlookupd", "deployment/nsqlookupd"),
         ("nsqd", "app=nsqd", "statefulset/nsqd"),
         ("mysql (MariaDB)", "app=mysql", "statefulset/mysql")]


def test_14_pod_of_every_kind_deleted_mid_run(cluster: Cluster) -> None:
    receiver = cluster.url("receiver-service")
    requests_poster = Poster(receiver, load_paths(4300, 1700), rate=12, workers=3, max_seconds=400).start()
    photo_poster = Poster(receiver, [f"work/{i}.jpg" for i in range(400, 700)], rate=1.5, workers=1,
                          max_seconds=400).start()
    windows = []
    time.sleep(3)
    for kind, selector, workload in KILLS:
        victim = cluster.pods(selector, ready_only=True)[0]
        victim_uid = cluster.get("pod", victim)["metadata"]["uid"]
        start = time.time()
        cluster.kubectl("delete", "pod", victim, "--wait=false")
        back = None
        while time.time() < start + 240:
            ready = cluster.pods(selector, ready_only=True, uids=True)
            if ready and victim_uid not in ready:
                back = time.time() - start
                break
            time.sleep(1)
        time.sleep(3)
        windows.append((kind, start, time.time(), victim, back))
    requests_poster.stop()
    photo_poster.stop()
    # Everything serves again (the receiver and frontend are not Ready while MariaDB is away).
    for workload in WORKLOADS:
        cluster.rollout_status(workload, timeout=120)
    frontend_status = 0
    deadline = time.time() + 60
    while frontend_status != 200 and time.time() < deadline:
        frontend_status, _ = request("GET", cluster.url("frontend") + "/")
        time.sleep(0 if frontend_status == 200 else 1)

    accepted = {**requests_poster.accepted, **photo_poster.accepted}
    photos = set(photo_poster.accepted.values())
    found = cluster.wait_settled(list(accepted.values()), seconds=480)
    wrong = sum(1 for i in photos if found.get(i, ["0"])[0] == "1" and found[i][2] != "Barack Obama")
    missing = ids_in_mysql(cluster, accepted)
    times = {**requests_poster.times, **photo_poster.times}
    all_ok = True
    total_lost = total_twice = 0
    for kind, start, end, victim, back in windows:
        in_window = [p for p, t in times.items() if start <= t < end]
        ids = [accepted[p] for p in in_window if p in accepted]
        failed = len(in_window) - len(ids)
        lost = sum(1 for i in ids if found.get(i, ["0"])[0] != "1")
        twice = sum(1 for i in ids if int(found.get(i, ["0", "0"])[1]) > 1)
        total_lost += lost
        total_twice += twice
        ok = back is not None and lost == 0 and twice == 0
        all_ok &= ok
        row(f"delete pod: {kind}", ok, requests=len(in_window), failed=failed,
            photos=sum(1 for i in ids if i in photos), lost=lost, twice=twice, seconds=end - start,
            notes=(f"replacement Ready after {back:.0f} s" if back is not None else "NO replacement became Ready")
            + ("; failed = refused while down, never accepted" if failed else ""))
    lost_all = sum(1 for i in accepted.values() if found.get(i, ["0"])[0] != "1")
    twice_all = sum(1 for i in accepted.values() if int(found.get(i, ["0", "0"])[1]) > 1)
    summary = row("pod kills: everything accepted", all_ok and lost_all == 0 and twice_all == 0 and wrong == 0
                  and missing == 0 and frontend_status == 200,
                  requests=requests_poster.sent + photo_poster.sent,
                  failed=len(requests_poster.failures) + len(photo_poster.failures), photos=len(photos),
                  lost=lost_all + missing, twice=twice_all,
                  notes=f"{wrong} wrong person; {missing} accepted ids missing in MySQL; frontend {frontend_status}")
    assert summary["ok"], summary
