#!/usr/bin/env python3
"""Zero-downtime proof: replace both Receiver replicas behind HAProxy under steady load.

What a Kubernetes RollingUpdate with maxSurge 1 / maxUnavailable 0 does, with real processes:
  MariaDB (throwaway, scripts/mariadb.sh) + `migrate`
  HAProxy in front, health-checking GET /readyz every 500 ms (100 ms after a failure; fall 2, rise 1),
  no retries
  two receivers (--queue mysql), then for each old replica: start a new one on a new port, wait
  until it is ready, add it to HAProxy through the runtime API, SIGTERM the old one, wait for its exit
  (it must exit 0), remove it from HAProxy
  a keep-alive load client at about RATE req/s, unique paths, bounded by count and time

Pass: zero failed requests (any transport error or non-2xx answer), every id returned by the receiver
present in MySQL with the path that was posted, every replica exited 0 after SIGTERM, and both new
replicas served requests. Prints a JSON summary; exit status 0 only on pass.
Standard library only (MySQL is read through the `mariadb` client).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MARIADB_SH = ROOT / "scripts" / "mariadb.sh"


def log(message: str) -> None:
    print(f"[rolling {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(port: int, path: str, timeout: float = 1.0) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


# ---- MariaDB ---------------------------------------------------------------------------------

class Database:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "db"
        self.env: dict[str, str] = {}

    def start(self) -> None:
        # A fresh server every run: stop one a crashed earlier run left behind, drop its data.
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        subprocess.run([str(MARIADB_SH), "start", str(self.dir)], check=True, stdout=subprocess.DEVNULL)
        for line in (self.dir / "env").read_text().splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        log(f"MariaDB on 127.0.0.1:{self.env['DB_PORT']}")

    def stop(self) -> None:
        subprocess.run([str(MARIADB_SH), "stop", str(self.dir)], check=False)

    def query(self, sql: str) -> list[list[str]]:
        out = subprocess.run(
            ["mariadb", "--no-defaults", "--protocol=socket", f"--socket={self.dir / 'mysqld.sock'}", "-uroot",
             "--batch", "--skip-column-names", "--raw", self.env["DB_NAME"], "-e", sql],
            check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]


# ---- HAProxy ---------------------------------------------------------------------------------

class HAProxy:
    BACKEND = "receivers"

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "haproxy"
        self.port = free_port()
        self.socket_path = self.dir / "admin.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        config = self.dir / "haproxy.cfg"
        # No `retries`/`retry-on`/`redispatch`: a request sent to a draining or dead receiver must
        # show up as a failure, so the test measures the receiver's drain, not the proxy's mercy.
        config.write_text(f"""global
    stats socket {self.socket_path} mode 600 level admin
    maxconn 4096
    # One line per request in haproxy.log: the termination state explains any failure.
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s
    # A slow answer on a busy machine is not a failed check; a 503 from a draining receiver is.
    timeout check 1s
    retries 0

frontend api
    bind 127.0.0.1:{self.port}
    default_backend {self.BACKEND}

backend {self.BACKEND}
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
""")
        subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], check=True)
        self.process = subprocess.Popen(["haproxy", "-db", "-f", str(config)],
                                        stdout=open(self.dir / "haproxy.log", "wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not self.socket_path.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"haproxy did not start, see {self.dir / 'haproxy.log'}")
            time.sleep(0.05)
        log(f"HAProxy on 127.0.0.1:{self.port}")

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(self.socket_path))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def add(self, name: str, port: int) -> None:
        # Dynamic servers start in maintenance; health checks must be enabled explicitly.
        # Checks every 500 ms, every 100 ms once one has failed: a draining receiver is out after
        # about 0.6 s, well inside its DRAIN_SECONDS. (The check's connect timeout is min(inter, connect).)
        answer = self.command(f"add server {self.BACKEND}/{name} 127.0.0.1:{port} check inter 500ms fastinter 100ms fall 2 rise 1")
        if "New server registered" not in answer:
            raise RuntimeError(f"haproxy add server {name}: {answer.strip()}")
        self.command(f"enable health {self.BACKEND}/{name}")
        self.command(f"enable server {self.BACKEND}/{name}")

    def remove(self, name: str) -> None:
        self.command(f"disable server {self.BACKEND}/{name}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answer = self.command(f"del server {self.BACKEND}/{name}")
            if "Server deleted" in answer:
                return
            time.sleep(0.2)  # idle connections to the old server still closing
        log(f"haproxy kept {name} in maintenance (del server: {answer.strip()})")

    def stats(self) -> dict[str, dict[str, str]]:
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = {}
        for line in lines[1:]:
            values = line.split(",")
            if len(values) >= len(header) and values[0] == self.BACKEND:
                row = dict(zip(header, values))
                rows[row["svname"]] = row
        return rows

    def wait_status(self, name: str, wanted: str, timeout: float) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            status = self.stats().get(name, {}).get("status", "")
            if status.startswith(wanted):
                return time.monotonic() - start
            time.sleep(0.05)
        raise RuntimeError(f"haproxy never saw {name} {wanted} (last: {self.stats().get(name, {}).get('status')})")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# ---- Receivers -------------------------------------------------------------------------------

@dataclass
class Receiver:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    exit_code: int | None = None


class Receivers:
    def __init__(self, binary: Path, workdir: Path, database: Database, image_root: Path, drain: float) -> None:
        self.binary, self.workdir, self.database = binary, workdir, database
        self.image_root, self.drain = image_root, drain
        self.started: list[Receiver] = []

    def start(self, name: str, ready_timeout: float = 60) -> Receiver:
        port = free_port()
        env = dict(os.environ, DB_USER=self.database.env["DB_USER"], DB_PASSWORD=self.database.env["DB_PASSWORD"],
                   DRAIN_SECONDS=str(self.drain), LOG_FORMAT="json", LOG_LEVEL="info", QUEUE="mysql")
        env.pop("RECEIVER_API_TOKEN", None)
        log_path = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            [str(self.binary), "--host", "127.0.0.1", "--port", str(port), "--image-root", str(self.image_root), "--queue", "mysql",
             "--db-host", self.database.env["DB_HOST"], "--db-port", self.database.env["DB_PORT"],
             "--db-dbname", self.database.env["DB_NAME"]],
            env=env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
        receiver = Receiver(name, port, process, log_path)
        self.started.append(receiver)
        deadline = time.monotonic() + ready_timeout
        while http_status(port, "/readyz") != 200:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} before ready; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready after {ready_timeout} s; see {log_path}")
            time.sleep(0.05)
        log(f"{name} ready on :{port} (pid {process.pid})")
        return receiver

    def terminate(self, receiver: Receiver, exit_timeout: float) -> float:
        start = time.monotonic()
        receiver.process.send_signal(signal.SIGTERM)
        try:
            receiver.exit_code = receiver.process.wait(timeout=exit_timeout)
        except subprocess.TimeoutExpired:
            receiver.process.kill()
            receiver.exit_code = receiver.process.wait()
            raise RuntimeError(f"{receiver.name} still running {exit_timeout} s after SIGTERM (killed)")
        return time.monotonic() - start

    def kill_all(self) -> None:
        for receiver in self.started:
            if receiver.process.poll() is None:
                receiver.process.kill()
                receiver.process.wait()


# ---- Load ------------------------------------------------------------------------------------

@dataclass
class LoadResults:
    sent: int = 0
    ok: dict[str, int] = field(default_factory=dict)        # path -> id
    failures: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def id_of(answer: object) -> int | None:
    """The receiver answers one result per path; accept {"id": n} or {"results": [{"id": n}]}."""
    if isinstance(answer, dict):
        if isinstance(answer.get("id"), int):
            return answer["id"]
        for key in ("results", "images"):
            items = answer.get(key)
            if isinstance(items, list) and items:
                return id_of(items[0])
    if isinstance(answer, list) and answer:
        return id_of(answer[0])
    return None


class Load:
    def __init__(self, port: int, rate: float, max_requests: int, workers: int, prefix: str) -> None:
        self.port, self.rate, self.max_requests, self.workers, self.prefix = port, rate, max_requests, workers, prefix
        self.results = LoadResults()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.counter = 0
        self.counter_lock = threading.Lock()
        self.started_at = 0.0

    def next_slot(self) -> tuple[int, float] | None:
        """A global schedule: request n goes out at start + n / rate, whichever worker is free."""
        with self.counter_lock:
            if self.counter >= self.max_requests or self.stop_event.is_set():
                return None
            n = self.counter
            self.counter += 1
        return n, self.started_at + n / self.rate

    def worker(self) -> None:
        conn: http.client.HTTPConnection | None = None
        while (slot := self.next_slot()) is not None:
            n, due = slot
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            path = f"{self.prefix}/{n:06d}.jpg"
            body = json.dumps({"path": path})
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("POST", "/image/post", body=body,
                             headers={"Content-Type": "application/json", "Connection": "keep-alive"})
                response = conn.getresponse()
                data = response.read()
                with self.results.lock:
                    self.results.sent += 1
                    self.results.statuses[response.status] = self.results.statuses.get(response.status, 0) + 1
                if not 200 <= response.status < 300:
                    self.fail(f"{path}: HTTP {response.status} {data[:200]!r}")
                    continue
                image_id = id_of(json.loads(data))
                if image_id is None:
                    self.fail(f"{path}: no id in {data[:200]!r}")
                    continue
                with self.results.lock:
                    self.results.ok[path] = image_id
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError) as error:
                with self.results.lock:
                    self.results.sent += 1
                self.fail(f"{path}: {type(error).__name__}: {error}")
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def fail(self, message: str) -> None:
        with self.results.lock:
            self.results.failures.append(f"{time.monotonic() - self.started_at:7.3f}s {message}")

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(self.workers)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def elapsed(self) -> float:
        return time.monotonic() - self.started_at


# ---- The test --------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description="zero-downtime rolling replacement of two receivers")
    parser.add_argument("--receiver", type=Path, required=True)
    parser.add_argument("--migrate", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "rolling")
    parser.add_argument("--rate", type=float, default=200, help="requests per second")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--max-seconds", type=float, default=120, help="hard bound on the load phase")
    parser.add_argument("--workers", type=int, default=32, help="keep-alive client connections")
    parser.add_argument("--drain-seconds", type=float, default=3)
    parser.add_argument("--settle-seconds", type=float, default=3, help="load before the first and after the last replacement")
    args = parser.parse_args()

    for tool in ("haproxy", "mariadb", "mariadbd", "mariadb-install-db"):
        if shutil.which(tool) is None:
            log(f"{tool} not found (apt-get install haproxy mariadb-server mariadb-client)")
            return 2
    for binary in (args.receiver, args.migrate):
        if not os.access(binary, os.X_OK):
            log(f"missing binary {binary}")
            return 2

    workdir = args.workdir.resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    image_root = workdir / "images"
    image_root.mkdir()
    database, haproxy = Database(workdir), HAProxy(workdir)
    receivers = Receivers(args.receiver, workdir, database, image_root, args.drain_seconds)
    load: Load | None = None
    problems: list[str] = []
    timeline: list[dict[str, object]] = []
    try:
        database.start()
        migrate_env = dict(os.environ, **database.env, LOG_FORMAT="text")
        migrated = subprocess.run([str(args.migrate)], env=migrate_env, capture_output=True, text=True)
        if migrated.returncode != 0:
            raise RuntimeError(f"migrate failed ({migrated.returncode}): {migrated.stdout}{migrated.stderr}")
        haproxy.start()

        replicas = [receivers.start("receiver-a"), receivers.start("receiver-b")]
        for replica in replicas:
            haproxy.add(replica.name, replica.port)
            haproxy.wait_status(replica.name, "UP", 10)

        prefix = f"rolling/{uuid.uuid4().hex[:12]}"
        load = Load(haproxy.port, args.rate, args.max_requests, args.workers, prefix)
        load.start()
        log(f"load: {args.rate:.0f} req/s, {args.workers} keep-alive connections, paths {prefix}/*")
        time.sleep(args.settle_seconds)

        for index, old in enumerate(list(replicas)):
            if load.elapsed() > args.max_seconds:
                raise RuntimeError("max-seconds reached before the rollout finished")
            new = receivers.start(f"receiver-{'cd'[index]}")          # maxSurge 1: the new one first
            haproxy.add(new.name, new.port)
            up = haproxy.wait_status(new.name, "UP", 10)              # ready before the old one goes
            sent_before = load.results.sent
            exit_seconds = receivers.terminate(old, exit_timeout=args.drain_seconds + 30)
            down = haproxy.stats().get(old.name, {}).get("status", "?")
            haproxy.remove(old.name)
            replicas[index] = new
            timeline.append({"replaced": old.name, "by": new.name, "new_up_after_s": round(up, 3),
                             "old_exit_after_sigterm_s": round(exit_seconds, 3), "old_exit_code": old.exit_code,
                             "haproxy_saw_old_as": down, "requests_during_termination": load.results.sent - sent_before})
            log(f"{old.name} -> {new.name}: old exited {old.exit_code} {exit_seconds:.2f} s after SIGTERM")
            if old.exit_code != 0:
                problems.append(f"{old.name} exited {old.exit_code} after SIGTERM (see {old.log_path})")

        time.sleep(args.settle_seconds)
        load.stop()
        served = {name: int(row.get("stot") or 0) for name, row in haproxy.stats().items() if name in {r.name for r in replicas}}
        for replica in replicas:
            if served.get(replica.name, 0) == 0:
                problems.append(f"{replica.name} served no requests through haproxy")

        results = load.results
        if results.failures:
            problems.append(f"{len(results.failures)} failed requests")
        # Every id the clients got back is in MySQL, with the path that was posted.
        rows = database.query(f"SELECT id, path FROM images WHERE path LIKE '{prefix}/%'")
        stored = {int(image_id): path for image_id, path in rows}
        missing = [(path, image_id) for path, image_id in results.ok.items() if stored.get(image_id) != path]
        if missing:
            problems.append(f"{len(missing)} returned ids not in MySQL with their path, e.g. {missing[:3]}")
        if len(set(results.ok.values())) != len(results.ok):
            problems.append("the receiver returned the same id for different paths")
        if results.sent < 100:
            problems.append(f"only {results.sent} requests sent: the load did not run")

        summary = {
            "pass": not problems, "problems": problems, "requests": results.sent, "succeeded": len(results.ok),
            "failed": len(results.failures), "status_codes": results.statuses, "rows_in_mysql": len(stored),
            "load_seconds": round(load.elapsed(), 2), "target_rate": args.rate,
            # Below target means the machine (or the receiver) could not keep up; reported, not failed.
            "achieved_rate": round(results.sent / max(load.elapsed(), 0.001), 1),
            "replacements": timeline, "served_by_new_replicas": served, "first_failures": results.failures[:10],
        }
    except Exception as error:  # noqa: BLE001 - report whatever broke the harness itself
        if load is not None:
            load.stop()
        summary = {"pass": False, "problems": problems + [f"harness: {error}"], "replacements": timeline,
                   "requests": load.results.sent if load else 0,
                   "failed": len(load.results.failures) if load else 0}
    finally:
        receivers.kill_all()
        haproxy.stop()
        database.stop()

    (workdir / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    log("PASS" if summary["pass"] else f"FAIL: {'; '.join(summary['problems'])}")
    return 0 if summary["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
