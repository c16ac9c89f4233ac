"""The cluster under test (whatever KUBECONFIG points at; tests/cluster/run.sh provides it), helpers
for kubectl, the pipeline's MariaDB, HTTP to NodePorts on 127.0.0.1, a bounded load client, and the
results table printed at the end of the run."""
from __future__ import annotations

import base64
import http.client
import io
import json
import os
import subprocess
import tarfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / ".cache" / "photos"
NAMESPACE = "face-pipeline"
KUBECTL = os.environ.get("KUBECTL", "kubectl")
# Traffic goes to NodePorts on loopback only (the kit's NodePorts answer on 127.0.0.1 and the node IP).
NODE_HOST = os.environ.get("CLUSTER_NODE_HOST", "127.0.0.1")

RESULTS: list[dict] = []   # one row per rolling update / canary / pod kill, printed at the end


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run the cluster test through tests/cluster/run.sh (make test-cluster)")
    return value


class Cluster:
    def __init__(self) -> None:
        self.version = env("CLUSTER_VERSION")
        self.registry = env("CLUSTER_REGISTRY")
        self.tars = Path(env("CLUSTER_IMAGE_TARS"))            # make image-tars: <name>.tar
        self.test_images = Path(env("CLUSTER_TEST_IMAGES"))    # images/build.sh: mariadb.tar, nsq.tar
        self.loader = env("CLUSTER_LOAD_IMAGE")   # a command that loads one docker-archive tar
        self.work = Path(env("CLUSTER_WORK_DIR"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.run_id = time.strftime("%H%M%S")
        self._root_password: str | None = None

    # ---- kubectl
    def kubectl(self, *args: str, timeout: float = 120, check: bool = True, input: str | None = None,
                namespaced: bool = True) -> str:
        cmd = [KUBECTL, *(["-n", NAMESPACE] if namespaced else []), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
        return result.stdout

    def get(self, *args: str) -> dict:
        return json.loads(self.kubectl("get", *args, "-o", "json"))

    def script(self, *args: str, timeout: float = 600, **extra_env: str) -> subprocess.CompletedProcess:
        """scripts/k8s-deploy.sh, the same script `make deploy` / `make rollout-status` run."""
        run_env = dict(os.environ, REGISTRY=self.registry, VERSION=self.version, KUBECTL=KUBECTL, **extra_env)
        return subprocess.run([str(ROOT / "scripts" / "k8s-deploy.sh"), *args], env=run_env, text=True,
                              capture_output=True, timeout=timeout)

    def pods(self, selector: str, ready_only: bool = False, uids: bool = False) -> list[str]:
        """Names (or UIDs: a StatefulSet's replacement pod has the old name) of the selected pods that
        are not being deleted."""
        items = self.get("pods", "-l", selector)["items"]
        names = []
        for pod in items:
            if pod["metadata"].get("deletionTimestamp"):
                continue
            if ready_only and not any(c["type"] == "Ready" and c["status"] == "True"
                                      for c in pod.get("status", {}).get("conditions", [])):
                continue
            names.append(pod["metadata"]["uid" if uids else "name"])
        return sorted(names)

    def rollout_status(self, workload: str, timeout: int = 300) -> float:
        start = time.time()
        self.kubectl("rollout", "status", workload, f"--timeout={timeout}s", timeout=timeout + 30)
        return time.time() - start

    def node_port(self, service: str) -> int:
        return int(self.get("service", service)["spec"]["ports"][0]["nodePort"])

    def url(self, service: str) -> str:
        return f"http://{NODE_HOST}:{self.node_port(service)}"

    # ---- images
    def load_image(self, tar: Path) -> None:
        result = subprocess.run(["bash", "-c", f'{self.loader} "$1"', "load", str(tar)], capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, f"loading {tar} failed: {result.stderr[-2000:]}"

    def load_retagged(self, name: str, tag: str) -> str:
        """Loads the production tar of `name` again under another tag (same binary, new pod template:
        a real rollout) and returns the new reference."""
        ref = f"{self.registry}/{name}:{tag}"
        out = self.work / f"{name}-{tag}.tar"
        retag(self.tars / f"{name}.tar", ref, out)
        self.load_image(out)
        out.unlink()
        return ref

    # ---- MariaDB (through the mysql-0 pod's own client)
    def root_password(self) -> str:
        if self._root_password is None:
            data = self.get("secret", "face-pipeline-db")["data"]["root-password"]
            self._root_password = base64.b64decode(data).decode()
        return self._root_password

    def sql(self, query: str, timeout: float = 60) -> list[list[str]]:
        out = self.kubectl("exec", "mysql-0", "-c", "mariadb", "--", "mariadb", "-uroot",
                           f"-p{self.root_password()}", "kube", "-N", "-B", "-e", query, timeout=timeout)
        return [line.split("\t") for line in out.splitlines() if line]

    def sql_retry(self, query: str, seconds: float = 120) -> list[list[str]]:
        deadline = time.time() + seconds
        while True:
            try:
                return self.sql(query)
            except (AssertionError, subprocess.TimeoutExpired):
                if time.time() > deadline:
                    raise
                time.sleep(2)

    # ---- the shared images volume
    def copy_to_images(self, files: list[Path], target: str) -> None:
        """`kubectl cp` each file into folder `target` of the images volume, through a receiver pod (it
        mounts the volume read-write)."""
        pod = self.pods("app=receiver,track=stable", ready_only=True)[0]
        self.kubectl("exec", pod, "-c", "receiver", "--", "mkdir", "-p", f"/data/images/{target}")
        for file in files:
            self.kubectl("cp", str(file), f"{NAMESPACE}/{pod}:/data/images/{target}/{file.name}", "-c", "receiver",
                         namespaced=False, timeout=120)

    def wait_settled(self, ids: list[int], seconds: float = 300) -> dict[int, list[str]]:
        """Waits until every id is processed (1) or failed (2); returns id -> [status, attempts, person name]."""
        deadline = time.time() + seconds
        id_list = ",".join(str(i) for i in sorted(set(ids))) or "0"
        while True:
            rows = self.sql_retry(
                f"SELECT i.id, i.status, i.attempts, COALESCE(p.name, '') FROM images i "
                f"LEFT JOIN person p ON p.id = i.person WHERE i.id IN ({id_list})")
            found = {int(r[0]): r[1:] for r in rows}
            if all(found.get(i, ["0"])[0] in ("1", "2") for i in ids) or time.time() > deadline:
                return found
            time.sleep(2)


def retag(src: Path, ref: str, out: Path) -> None:
    """A copy of a docker-archive tar whose manifest names `ref` instead of its own tag."""
    with tarfile.open(src) as tin, tarfile.open(out, "w") as tout:
        for member in tin:
            data = tin.extractfile(member) if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.load(data)
                for entry in manifest:
                    entry["RepoTags"] = [ref]
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = io.BytesIO(raw)
            tout.addfile(member, data)


def request(method: str, url: str, body=None, content_type: str = "application/json",
         timeout: float = 10) -> tuple[int, object]:
    """One request on a fresh connection (as curl does); (0, error text) on a transport error."""
    parts = urllib.parse.urlsplit(url)
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"Connection": "close"}
        if data is not None:
            headers["Content-Type"] = content_type
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        conn.request(method, target, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        try:
            return response.status, json.loads(payload)
        except ValueError:
            return response.status, payload.decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return 0, f"{type(error).__name__}: {error}"
    finally:
        conn.close()


@dataclass
class Poster:
    """Posts `POST /image/post` with unique paths from `paths` on fresh connections, `workers` at a
    time, paced to `rate` per second, until stop() or the paths run out or `max_seconds` pass."""
    receiver: str
    paths: list[str]
    rate: float = 40.0
    workers: int = 4
    max_seconds: float = 240.0
    accepted: dict[str, int] = field(default_factory=dict)     # path -> id
    failures: list[tuple[str, int, str]] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)      # path -> when it was sent

    def __post_init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started = 0.0

    def start(self) -> "Poster":
        self._started = time.time()
        for _ in range(self.workers):
            thread = threading.Thread(target=self._run, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _take(self) -> str | None:
        with self._lock:
            if self._stop.is_set() or self._next >= len(self.paths) or time.time() - self._started > self.max_seconds:
                return None
            due = self._started + self._next / self.rate
            path = self.paths[self._next]
            self._next += 1
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        return path

    def _run(self) -> None:
        while (path := self._take()) is not None:
            sent = time.time()
            status, body = request("POST", f"{self.receiver}/image/post", {"path": path})
            with self._lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.times[path] = sent
                if status in (200, 202) and isinstance(body, dict) and "id" in body:
                    self.accepted[path] = int(body["id"])
                else:
                    self.failures.append((path, status, str(body)[:200]))

    def stop(self) -> "Poster":
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        return self

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())


def tiny_png(path: Path, size: int = 64) -> None:
    """A valid grey PNG without a face: cheap for face-recognition, processed (no person)."""
    import struct
    import zlib
    raw = b"".join(b"\x00" + bytes([128]) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    path.write_bytes(png)


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    if not (PHOTOS / "obama.jpg").exists():
        raise RuntimeError(f"no sample photos in {PHOTOS}: run scripts/fetch-test-data.sh (make test-data)")
    return Cluster()


def pytest_terminal_summary(terminalreporter) -> None:
    if not RESULTS:
        return
    write = terminalreporter.write_line
    write("")
    write("cluster results (real Kubernetes; requests through the NodePort on loopback)")
    header = f"{'phase':<38} {'requests':>8} {'failed':>6} {'photos':>6} {'lost':>4} {'twice':>5} {'seconds':>7}  result  notes"
    write(header)
    write("-" * len(header))
    for r in RESULTS:
        write(f"{r['phase']:<38} {r.get('requests', '-'):>8} {r.get('failed', '-'):>6} {r.get('photos', '-'):>6} "
              f"{r.get('lost', '-'):>4} {r.get('twice', '-'):>5} {r.get('seconds', 0):>7.1f}  "
              f"{'PASS' if r['ok'] else 'FAIL':<6}  {r.get('notes', '')}")
    passed = sum(1 for r in RESULTS if r["ok"])
    write(f"table: {passed} of {len(RESULTS)} rows pass")
