"""Faults while 200 photos flow: kill -9 each service in turn (processor, face-recognition, receiver)
and restart it, then kill MariaDB and start it again. Afterwards every accepted image is processed
(or failed with its reason), none is lost, none has duplicate face rows."""
import threading
import time
import urllib.error

from conftest import PHOTOS

SOURCES = ["obama2.jpg", "32bit.png", "mask_white.jpg", "Tom_Hanks_54745.png", "t1.jpg"]
TOTAL = 200
FAULTS = ["processor kill -9", "face-recognition kill -9", "receiver kill -9", "mariadb kill -9"]


def test_chaos(stack):
    paths = []
    for i in range(TOTAL):
        source = SOURCES[i % len(SOURCES)]
        paths.append(stack.add_photo(PHOTOS / source, f"chaos/{i:03d}_{source}"))

    accepted = {}          # path -> id
    phase_of = {}          # path -> fault active when it was accepted
    phase = {"name": "warm-up"}
    lock = threading.Lock()

    def poster():
        # 20 batches of 10, spread over the faults; a batch the receiver could not take is retried.
        for start in range(0, TOTAL, 10):
            batch = paths[start:start + 10]
            deadline = time.time() + 180
            while time.time() < deadline:
                try:
                    code, body = stack.http("POST", f"{stack.receiver}/images/post",
                                            {"paths": [{"path": p} for p in batch]}, timeout=10)
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    code, body = 0, None
                if code in (200, 201, 202, 207) and isinstance(body, dict):
                    with lock:
                        for result in body["results"]:
                            if result["status"] in ("queued", "duplicate"):
                                accepted[result["path"]] = result["id"]
                                phase_of.setdefault(result["path"], phase["name"])
                    if all(p in accepted for p in batch):
                        break
                time.sleep(0.5)
            time.sleep(2.5)  # spread the photos over all the faults

    thread = threading.Thread(target=poster)
    thread.start()
    time.sleep(3)
    for fault in FAULTS:
        phase["name"] = fault
        if fault.startswith("processor"):
            stack.script("restart-service", "image-processor", timeout=600)
        elif fault.startswith("face-recognition"):
            stack.script("restart-service", "face-recognition", timeout=600)
        elif fault.startswith("receiver"):
            stack.script("restart-service", "receiver", timeout=600)
        else:
            stack.script("kill-db", timeout=600)
        time.sleep(4)
    phase["name"] = "after faults"
    thread.join(timeout=600)
    assert not thread.is_alive(), "poster did not finish"

    ids = list(accepted.values())
    assert len(ids) == TOTAL, f"only {len(ids)} of {TOTAL} photos were accepted"
    stack.wait_until_settled(ids, timeout=1200)

    id_list = ",".join(str(i) for i in ids)
    rows = {int(r[0]): r for r in stack.sql(f"SELECT id, status, COALESCE(last_error, '') FROM images WHERE id IN ({id_list})")}
    dup_rows = stack.sql("SELECT image_id, face_index, COUNT(*) c FROM faces WHERE image_id IS NOT NULL "
                         "GROUP BY image_id, face_index HAVING c > 1")
    duplicated = {int(r[0]) for r in dup_rows}

    table = []
    for name in ["warm-up", *FAULTS, "after faults"]:
        mine = [accepted[p] for p in accepted if phase_of[p] == name]
        processed = sum(1 for i in mine if i in rows and rows[i][1] == "1")
        failed = sum(1 for i in mine if i in rows and rows[i][1] == "2")
        lost = sum(1 for i in mine if i not in rows or rows[i][1] not in ("1", "2"))
        dups = sum(1 for i in mine if i in duplicated)
        table.append((name, len(mine), processed, failed, lost, dups))
    print("\n%-26s %9s %10s %7s %5s %11s" % ("fault", "accepted", "processed", "failed", "lost", "duplicates"))
    for row in table:
        print("%-26s %9d %10d %7d %5d %11d" % row)
    totals = [sum(r[i] for r in table) for i in range(1, 6)]
    print("%-26s %9d %10d %7d %5d %11d" % ("total", *totals))

    assert totals[3] == 0, "images lost"
    assert totals[4] == 0, "duplicate face rows"
    for i, (_, status, error) in rows.items():
        if status == "2":
            assert error, f"image {i} failed without a reason"
    # These photos are all readable: every one must end processed, not failed.
    assert totals[2] == 0, f"{totals[2]} readable photos failed: " + str([r for r in rows.values() if r[1] == "2"][:5])
