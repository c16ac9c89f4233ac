"""`make bench-e2e`: end-to-end throughput and latency of the whole stack (release build, MySQL queue),
and the memory of each service idle and under load. Prints a table and writes JSON."""
import json
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import PHOTOS, ROOT, Stack, free_port  # noqa: E402

SERVICES = ["receiver", "image-processor", "face-recognition", "frontend"]
SOURCES = ["obama2.jpg", "32bit.png", "mask_white.jpg", "Tom_Hanks_54745.png", "t1.jpg", "obama3.jpg"]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_at_a_time(stack, count: int) -> dict:
    """Latency without a backlog: post one photo, poll until it is processed, then the next."""
    times = []
    for i in range(count):
        source = SOURCES[i % len(SOURCES)]
        path = stack.add_photo(PHOTOS / source, f"single/{i:04d}_{source}")
        start = time.perf_counter()
        code, body = stack.http("POST", f"{stack.receiver}/image/post", {"path": path})
        assert code == 202, body
        while True:
            code, image = stack.http("GET", f"{stack.receiver}/images/{body['id']}")
            if code == 200 and image["status"] in ("processed", "failed"):
                break
            time.sleep(0.005)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"photos": count, "p50": round(statistics.median(times), 1), "max": round(times[-1], 1)}


def main():
    count = int(os.environ.get("BENCH_IMAGES", "120"))
    run_dir = ROOT / ".cache" / "bench-run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    env = {**os.environ, "RUN_DIR": str(run_dir), "BUILD": os.environ.get("BUILD", "release"), "SEED_POST": "0",
           "QUEUE": "mysql", "LOG_LEVEL": "warning",
           "RECEIVER_PORT": str(free_port()), "FRONTEND_PORT": str(free_port()), "GRPC_PORT": str(free_port()),
           "PROCESSOR_ADMIN_PORT": str(free_port()), "FR_ADMIN_PORT": str(free_port())}
    stack = Stack(run_dir, env)
    stack.script("start")
    try:
        pids = {s: int((run_dir / "pids" / s).read_text()) for s in SERVICES}
        time.sleep(2)
        idle = {s: rss_mib(p) for s, p in pids.items()}
        paths = [stack.add_photo(PHOTOS / SOURCES[i % len(SOURCES)], f"bench/{i:04d}_{SOURCES[i % len(SOURCES)]}")
                 for i in range(count)]
        peak = dict(idle)
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                for s, p in pids.items():
                    try:
                        peak[s] = max(peak[s], rss_mib(p))
                    except OSError:
                        pass
                time.sleep(0.25)

        sampler = threading.Thread(target=sample)
        sampler.start()
        start = time.time()
        ids = []
        for i in range(0, count, 50):
            code, body = stack.http("POST", f"{stack.receiver}/images/post",
                                    {"paths": [{"path": p} for p in paths[i:i + 50]]}, timeout=60)
            assert code in (200, 201, 202, 207), body
            ids += [r["id"] for r in body["results"]]
        stack.wait_until_settled(ids, timeout=3600)
        elapsed = time.time() - start
        stop.set()
        sampler.join()
        single = one_at_a_time(stack, int(os.environ.get("BENCH_SINGLE_IMAGES", "18")))
        id_list = ",".join(map(str, ids))
        rows = stack.sql("SELECT TIMESTAMPDIFF(MICROSECOND, created_at, updated_at) FROM images "
                         f"WHERE id IN ({id_list}) AND status = 1")
        latencies = sorted(int(r[0]) / 1000 for r in rows)
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        result = {
            "images": count, "seconds": round(elapsed, 2), "images_per_second": round(count / elapsed, 2),
            "time_to_identified_ms": {"p50": round(p50, 1), "p99": round(p99, 1)},
            "single_photo_ms": single,
            "rss_mib": {s: {"idle": round(idle[s], 1), "under_load": round(peak[s], 1)} for s in SERVICES},
            "cores": os.cpu_count(),
        }
        print(f"\n== end-to-end ({count} photos, {os.cpu_count()} cores, MySQL queue, release build) ==")
        print(f"throughput:           {result['images_per_second']:.2f} images/s ({elapsed:.1f} s)")
        print(f"time to identified:   p50 {p50:.0f} ms, p99 {p99:.0f} ms (posted in batches of 50: includes queueing)")
        print(f"one photo at a time:  p50 {single['p50']:.0f} ms, max {single['max']:.0f} ms "
              f"(POST to processed as a client sees it, idle pipeline, {single['photos']} photos)")
        print("%-18s %10s %12s" % ("RSS (MiB)", "idle", "under load"))
        for s in SERVICES:
            print("%-18s %10.1f %12.1f" % (s, idle[s], peak[s]))
        out = ROOT / ".build-logs" / "bench-e2e.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2))
        print(f"written to {out.relative_to(ROOT)}")
    finally:
        stack.script("stop", timeout=300)


if __name__ == "__main__":
    main()
