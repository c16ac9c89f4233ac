"""LFW View 1 accuracy of a running face-recognition server, through its v2 gRPC API.

Every photo of pairsDevTrain.txt and pairsDevTest.txt goes through facerecog.v2.FaceRecognition/Identify
(by path, relative to the server's image root = <LFW_VIEW1_DIR>/images). Of the faces returned, the
one nearest the photo's centre is LFW's subject (a client choice: the service returns every face).
A pair is "same person" when the euclidean distance of the two descriptors is <= the threshold.

Printed per pair file: accuracy on all pairs (a pair with a photo where no face was found counts as
wrong), accuracy on the pairs where both faces were found, photos with no face, the best threshold on
DevTrain and its accuracy on DevTest, and the server's speed: images/s (wall) and CPU-seconds per image
(utime + stime of the server process from /proc/PID/stat, so other load on the machine does not count).

Usage: lfw_accuracy.py --address HOST:PORT --lfw-dir DIR --server-pid PID [--concurrency N]
       [--threshold 0.6] [--label TEXT] [--report FILE] [--faces-json FILE]
"""
import argparse
import importlib
import json
import math
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "..", "..", "SharedKit", "Protos", "facerecog_v2.proto")
PAIR_FILES = ("pairsDevTrain.txt", "pairsDevTest.txt")


def fail(message):
    print(f"lfw_accuracy: {message}", file=sys.stderr)
    sys.exit(2)


def generate_client():
    """Builds the Python client from facerecog_v2.proto with grpcio-tools, as any v2 client would."""
    proto = os.path.abspath(PROTO)
    out = tempfile.mkdtemp(prefix="fr-accuracy-client-")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    status = protoc.main(["grpc_tools.protoc", f"-I{os.path.dirname(proto)}", f"-I{include}",
                          f"--python_out={out}", f"--grpc_python_out={out}", os.path.basename(proto)])
    if status != 0:
        fail(f"protoc failed on {proto}")
    sys.path.insert(0, out)
    return importlib.import_module("facerecog_v2_pb2"), importlib.import_module("facerecog_v2_pb2_grpc")


def photo_path(name, number):
    return f"{name}/{name}_{int(number):04d}.jpg"


def read_pairs(path):
    """LFW pair file: first line = pairs per class, then `name i j` (same) and `name1 i name2 j` (different)."""
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    pairs = []
    for fields in lines[1:]:
        if len(fields) == 3:
            pairs.append((photo_path(fields[0], fields[1]), photo_path(fields[0], fields[2]), True))
        elif len(fields) == 4:
            pairs.append((photo_path(fields[0], fields[1]), photo_path(fields[2], fields[3]), False))
        else:
            fail(f"{path}: unexpected line {' '.join(fields)!r}")
    expected = 2 * int(lines[0][0])
    if len(pairs) != expected:
        fail(f"{path}: {len(pairs)} pairs, the header says {expected}")
    return pairs


def process_cpu_seconds(pid):
    """utime + stime of the whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_serving(stub, pb2, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            stub.ListPeople(pb2.ListPeopleRequest(), timeout=10)
            return
        except grpc.RpcError as error:
            if time.monotonic() > deadline:
                fail(f"server not serving after {timeout} s: {error.code()} {error.details()}")
            time.sleep(1)


def central_face(response):
    """The face whose box centre is nearest the photo's centre (LFW's subject), or None."""
    cx, cy = response.image_width / 2.0, response.image_height / 2.0
    best, best_d = None, None
    for face in response.faces:
        fx, fy = (face.box.left + face.box.right) / 2.0, (face.box.top + face.box.bottom) / 2.0
        d = (fx - cx) ** 2 + (fy - cy) ** 2
        if best_d is None or d < best_d:
            best, best_d = face, d
    return best


def analyse_photos(stub, pb2, photos, concurrency, server_pid):
    results, errors = {}, {}
    lock = threading.Lock()
    done = [0]

    def one(path):
        try:
            response = stub.Identify(pb2.IdentifyRequest(image=pb2.ImageSource(path=path)), timeout=600)
        except grpc.RpcError as error:
            with lock:
                errors[path] = f"{error.code()}: {error.details()}"
            return
        face = central_face(response)
        record = {"faces": len(response.faces), "detect_ms": response.timings.detect_ms,
                  "total_ms": response.timings.total_ms,
                  "descriptor": list(face.descriptor) if face is not None else None,
                  "score": face.detection_score if face is not None else None}
        with lock:
            results[path] = record
            done[0] += 1
            if done[0] % 500 == 0:
                print(f"  {done[0]}/{len(photos)} photos", file=sys.stderr, flush=True)

    cpu0, wall0 = process_cpu_seconds(server_pid), time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, photos))
    cpu, wall = process_cpu_seconds(server_pid) - cpu0, time.monotonic() - wall0
    return results, errors, cpu, wall


def distance(a, b):
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))


def pair_distances(pairs, results):
    """(distance or None when a photo has no face, same-person flag) per pair."""
    out = []
    for a, b, same in pairs:
        da, db = results[a]["descriptor"], results[b]["descriptor"]
        out.append((distance(da, db) if da is not None and db is not None else None, same))
    return out


def accuracy(scored, threshold, found_only=False):
    rows = [(d, s) for d, s in scored if d is not None] if found_only else scored
    right = sum(1 for d, s in rows if d is not None and (d <= threshold) == s)
    return right, len(rows)


def best_threshold(scored):
    """Threshold with the best accuracy on these pairs (midpoints between sorted distances)."""
    ds = sorted(d for d, _ in scored if d is not None)
    candidates = [(x + y) / 2 for x, y in zip(ds, ds[1:])] or [0.6]
    best_t, best_right = None, -1
    for t in candidates:
        right, _ = accuracy(scored, t)
        if right > best_right or (right == best_right and abs(t - 0.6) < abs(best_t - 0.6)):
            best_t, best_right = t, right
    return best_t


def pct(right, total):
    return f"{100.0 * right / total:.2f}% ({right}/{total})" if total else "n/a"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", required=True)
    parser.add_argument("--lfw-dir", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--label", default="")
    parser.add_argument("--report")
    parser.add_argument("--faces-json")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pairs of each file (smoke runs)")
    args = parser.parse_args()

    for name in PAIR_FILES + ("images",):
        if not os.path.exists(os.path.join(args.lfw_dir, name)):
            fail(f"{os.path.join(args.lfw_dir, name)} is missing: LFW View 1 is expected in LFW_VIEW1_DIR "
                 f"or ../shared/data/lfw-view1 (see its README)")
    pairs = {name: read_pairs(os.path.join(args.lfw_dir, name)) for name in PAIR_FILES}
    if args.limit:
        pairs = {name: p[:args.limit // 2] + p[len(p) // 2:len(p) // 2 + args.limit // 2] for name, p in pairs.items()}
    photos = sorted({p for ps in pairs.values() for a, b, _ in ps for p in (a, b)})

    pb2, pb2_grpc = generate_client()
    channel = grpc.insecure_channel(args.address)
    stub = pb2_grpc.FaceRecognitionStub(channel)
    wait_until_serving(stub, pb2, 300)
    print(f"analysing {len(photos)} photos through v2 Identify at {args.address} ({args.concurrency} in flight)",
          file=sys.stderr, flush=True)
    results, errors, cpu, wall = analyse_photos(stub, pb2, photos, args.concurrency, args.server_pid)
    if errors:
        for path, message in sorted(errors.items())[:20]:
            print(f"  error {path}: {message}", file=sys.stderr)
        fail(f"{len(errors)} photos failed")

    no_face = sorted(p for p, r in results.items() if r["descriptor"] is None)
    scored = {name: pair_distances(ps, results) for name, ps in pairs.items()}
    t_best = best_threshold(scored["pairsDevTrain.txt"])

    lines = [f"LFW View 1 (deep-funneled) through the v2 gRPC API {args.label}".rstrip(),
             f"face = the one nearest the photo centre; fixed threshold {args.threshold}; "
             f"best threshold chosen on DevTrain = {t_best:.4f}", ""]
    header = ("| file | pairs | all pairs, no face = wrong | both faces found | photos with no face "
              f"| at DevTrain's best threshold {t_best:.3f} |")
    lines += [header, "|---|---|---|---|---|---|"]
    for name in PAIR_FILES:
        s = scored[name]
        file_photos = {p for a, b, _ in pairs[name] for p in (a, b)}
        missing = sum(1 for p in file_photos if results[p]["descriptor"] is None)
        lines.append(f"| {name[:-4]} | {len(s)} | {pct(*accuracy(s, args.threshold))} "
                     f"| {pct(*accuracy(s, args.threshold, found_only=True))} "
                     f"| {missing} of {len(file_photos)} ({100.0 * missing / len(file_photos):.2f}%) "
                     f"| {pct(*accuracy(s, t_best))} |")
    multi = sum(1 for r in results.values() if r["faces"] > 1)
    lines += ["",
              f"photos: {len(photos)}, with no face: {len(no_face)}, with several faces (centre one used): {multi}",
              f"speed: {len(photos) / wall:.2f} images/s wall, {cpu / len(photos):.4f} CPU-s per image "
              f"(server process, {cpu:.1f} CPU-s over {wall:.1f} s, {args.concurrency} in flight)"]
    if no_face:
        lines.append("no face: " + " ".join(no_face))
    report = "\n".join(lines)
    print(report)
    if args.report:
        with open(args.report, "w") as f:
            f.write(report + "\n")
    if args.faces_json:
        with open(args.faces_json, "w") as f:
            json.dump({"cpu_seconds": cpu, "wall_seconds": wall, "photos": results}, f)


if __name__ == "__main__":
    main()
