"""Faults while photos flow, once per queue (conftest runs it for the MySQL table queue and for NSQ):
kill -9 each service in turn (processor, face-recognition, receiver) and restart it, kill MariaDB and
start it again; with NSQ also kill -9 nsqd and restart it with work in flight, take nsqlookupd down
across an nsqd restart, and keep nsqd down while the Receiver accepts posts (the sweeper re-announces).
Afterwards every accepted image is processed, none is lost, none is processed twice (duplicate face rows).

Time to recover per fault: from the moment the fault starts until two probe photos are processed, one
posted just before the fault (in flight or queued when it hits) and one right after the fault's restart."""
import threading
import time
import urllib.error

from conftest import PHOTOS

SOURCES = ["obama2.jpg", "32bit.png", "mask_white.jpg", "Tom_Hanks_54745.png", "t1.jpg"]
SERVICE_FAULTS = ["processor kill -9", "face-recognition kill -9", "receiver kill -9", "mariadb kill -9"]
NSQ_FAULTS = ["nsqd kill -9 + restart", "nsqlookupd down across an nsqd restart", "nsqd down 5 s while posting"]
BATCH = 2
PAUSE = 2.0          # seconds between the poster's batches (about what one FaceRecognition keeps up with)
RECOVERY_LIMIT = 180  # seconds a probe may take before the test gives up on it


def inject(stack, fault):
    if fault.startswith("processor"):
        stack.script("restart-service", "image-processor", timeout=600)
    elif fault.startswith("face-recognition"):
        stack.script("restart-service", "face-recognition", timeout=600)
    elif fault.startswith("receiver"):
        stack.script("restart-service", "receiver", timeout=600)
    elif fault.startswith("mariadb"):
        stack.script("kill-db", timeout=600)
    elif fault.startswith("nsqd kill"):
        stack.nsq("kill", "1")
        time.sleep(1)
        stack.nsq("restart", "1")
    elif fault.startswith("nsqlookupd"):
        stack.nsq("kill-lookupd")
        stack.nsq("kill", "1")
        time.sleep(1)
        stack.nsq("restart", "1")
        time.sleep(3)  # images flow while lookupd is still down
        stack.nsq("restart-lookupd")
    elif fault.startswith("nsqd down"):
        stack.nsq("kill", "1")
        time.sleep(5)
        stack.nsq("restart", "1")
    else:
        raise AssertionError(fault)


def post(stack, paths, deadline_seconds=180):
    """Posts until the Receiver took every path; returns path -> id."""
    taken = {}
    deadline = time.time() + deadline_seconds
    while time.time() < deadline and len(taken) < len(paths):
        try:
            code, body = stack.http("POST", f"{stack.receiver}/images/post",
                                    {"paths": [{"path": p} for p in paths if p not in taken]}, timeout=10)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            code, body = 0, None
        if code in (200, 201, 202, 207) and isinstance(body, dict):
            for result in body["results"]:
                if result["status"] in ("queued", "duplicate"):
                    taken[result["path"]] = result["id"]
        if len(taken) < len(paths):
            time.sleep(0.5)
    return taken


def test_chaos(stack):
    faults = SERVICE_FAULTS + (NSQ_FAULTS if stack.queue == "nsq" else [])
    pool = []
    for i in range(400):
        source = SOURCES[i % len(SOURCES)]
        pool.append(stack.add_photo(PHOTOS / source, f"chaos/{i:03d}_{source}"))

    accepted = {}          # path -> id
    phase_of = {}          # path -> fault active when it was accepted
    phase = {"name": "warm-up"}
    stop = threading.Event()
    lock = threading.Lock()

    def poster():
        # Small batches every PAUSE seconds for as long as faults are injected, then one more batch.
        for start in range(0, len(pool), BATCH):
            name = phase["name"]
            taken = post(stack, pool[start:start + BATCH])
            with lock:
                for path, image_id in taken.items():
                    accepted[path] = image_id
                    phase_of.setdefault(path, name)
            if stop.is_set():
                break
            time.sleep(PAUSE)

    thread = threading.Thread(target=poster)
    thread.start()
    time.sleep(3)
    recovery = {}
    for n, fault in enumerate(faults):
        phase["name"] = fault
        started = time.time()
        before = post(stack, [stack.add_photo(PHOTOS / "obama2.jpg", f"chaos/probe-{n}-before.jpg")], 60)
        inject(stack, fault)
        after = post(stack, [stack.add_photo(PHOTOS / "obama2.jpg", f"chaos/probe-{n}-after.jpg")], RECOVERY_LIMIT)
        probes = list(before.values()) + list(after.values())
        assert len(probes) == 2, f"{fault}: the Receiver did not take the probes"
        stack.wait_until_settled(probes, timeout=RECOVERY_LIMIT)
        recovery[fault] = time.time() - started
        with lock:
            for path, image_id in {**before, **after}.items():
                accepted[path] = image_id
                phase_of[path] = fault
    phase["name"] = "after faults"
    stop.set()
    thread.join(timeout=600)
    assert not thread.is_alive(), "poster did not finish"

    ids = list(accepted.values())
    stack.wait_until_settled(ids, timeout=600)

    id_list = ",".join(str(i) for i in ids)
    rows = {int(r[0]): r for r in stack.sql(f"SELECT id, status, COALESCE(last_error, '') FROM images WHERE id IN ({id_list})")}
    dup_rows = stack.sql("SELECT image_id, face_index, COUNT(*) c FROM faces WHERE image_id IS NOT NULL "
                         "GROUP BY image_id, face_index HAVING c > 1")
    duplicated = {int(r[0]) for r in dup_rows}

    table = []
    for name in ["warm-up", *faults, "after faults"]:
        mine = [accepted[p] for p in accepted if phase_of[p] == name]
        processed = sum(1 for i in mine if i in rows and rows[i][1] == "1")
        failed = sum(1 for i in mine if i in rows and rows[i][1] == "2")
        lost = sum(1 for i in mine if i not in rows or rows[i][1] not in ("1", "2"))
        dups = sum(1 for i in mine if i in duplicated)
        table.append((name, len(mine), processed, failed, lost, dups, recovery.get(name)))
    print(f"\nqueue: {stack.queue}")
    print("%-40s %9s %10s %7s %5s %8s %11s" % ("fault", "accepted", "processed", "failed", "lost", "doubled", "recovered"))
    for row in table:
        recovered = "-" if row[6] is None else "%.1f s" % row[6]
        print("%-40s %9d %10d %7d %5d %8d %11s" % (*row[:6], recovered))
    totals = [sum(r[i] for r in table) for i in range(1, 6)]
    print("%-40s %9d %10d %7d %5d %8d" % ("total", *totals))

    assert totals[0] == len(ids)
    assert totals[3] == 0, "images lost"
    assert totals[4] == 0, "duplicate face rows"
    for i, (_, status, error) in rows.items():
        if status == "2":
            assert error, f"image {i} failed without a reason"
    # These photos are all readable: every one must end processed, not failed.
    assert totals[2] == 0, f"{totals[2]} readable photos failed: " + str([r for r in rows.values() if r[1] == "2"][:5])
