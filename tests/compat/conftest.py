"""A mixed fleet: the Go/Python sample's own binaries (../shared/tools/kcs) and our services on one real
MariaDB and a real nsqd/nsqlookupd, so each side can replace the other service by service.

Binaries: the sample's from $KCS_BIN_DIR, else ../shared/tools/kcs beside the repository, else PATH; ours
are the debug builds of the packages (`make test-compat` builds them). Missing ones fail the test with a
message saying how to get them. NSQ comes from scripts/nsq.sh (its own lookup rules), MariaDB from
scripts/mariadb.sh.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from debug_build import debug_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / ".cache" / "photos"
MODELS = ROOT / ".cache" / "models"
LFW = ROOT.parent / "shared" / "data" / "lfw-view1" / "images"
WORK = Path(os.environ.get("COMPAT_WORK_DIR", ROOT / ".cache" / "compat"))
# The sample's receiver listens on this port on all interfaces; it cannot be changed.
KCS_RECEIVER_PORT = 8000
KCS_BINARIES = ("kcs-receiver", "kcs-image-processor", "kcs-frontend")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def kcs_dir() -> Path:
    candidates = [os.environ.get("KCS_BIN_DIR"), str(ROOT.parent / "shared" / "tools" / "kcs")]
    for c in candidates:
        if c and all(os.access(Path(c) / b, os.X_OK) for b in KCS_BINARIES):
            return Path(c)
    found = [shutil.which(b) for b in KCS_BINARIES]
    if all(found):
        return Path(found[0]).parent
    pytest.fail("the sample's binaries (kcs-receiver, kcs-image-processor, kcs-frontend) were not found in "
                "$KCS_BIN_DIR, ../shared/tools/kcs or PATH: build them from Skarlso/kube-cluster-sample "
                "(see ../shared/tools/kcs/README.md) and set KCS_BIN_DIR")


def our_binary(product: str) -> Path:
    return debug_binary(product, built_by="make test-compat")


def http(method: str, url: str, body=None, timeout=30):
    """(status, body text); connection errors raise."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def wait_for(what: str, condition, timeout=60.0, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if condition():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for: {what}")


class Process:
    """One service process with its log; stop() sends SIGTERM, then SIGKILL after `grace` seconds."""

    def __init__(self, name: str, argv: list, env: dict, log_dir: Path, cwd=None):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(a) for a in argv], env=env, cwd=cwd, stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines=30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, grace=15.0) -> int:
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Fleet:
    """MariaDB (one database, migrated and seeded), our FaceRecognition (v1 and v2 on one port), the photo
    folder, and a fresh NSQ per test; services start and stop one by one."""

    def __init__(self, work: Path):
        self.work = work
        self.images = work / "images"
        self.logs = work / "logs"
        self.kcs = kcs_dir()
        self.processes: list[Process] = []
        self.db: dict = {}
        self.nsq: dict = {}
        self.nsq_dir = None
        self.grpc_port = free_port()

    # ---- database -------------------------------------------------------------------------------
    def start_database(self):
        out = subprocess.run([str(ROOT / "scripts" / "mariadb.sh"), "start", str(self.work / "mariadb")],
                             env={**os.environ, "DB_NAME": "kube"}, check=True, capture_output=True, text=True,
                             timeout=120).stdout
        env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.db = {"host": env["TEST_MYSQL_HOST"], "port": env["TEST_MYSQL_PORT"], "user": env["TEST_MYSQL_USER"],
                   "password": env["TEST_MYSQL_PASSWORD"], "name": "kube"}

    def sql(self, query: str) -> list:
        """Rows as lists of strings ('NULL' for NULL), through the mariadb client over TCP."""
        out = subprocess.run(
            ["mariadb", "--no-defaults", "-h", self.db["host"], "-P", self.db["port"], "-u", self.db["user"],
             f"-p{self.db['password']}", self.db["name"], "-N", "-B", "-e", query],
            check=True, capture_output=True, text=True, timeout=60).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def db_env(self) -> dict:
        return {"DB_HOST": self.db["host"], "DB_PORT": self.db["port"], "DB_NAME": self.db["name"],
                "DB_USER": self.db["user"], "DB_PASSWORD": self.db["password"]}

    def sample_db_flags(self) -> list:
        return [f"--db-host={self.db['host']}", f"--db-port={self.db['port']}", f"--db-dbname={self.db['name']}",
                f"--db-username-password={self.db['user']}:{self.db['password']}"]

    def migrate_and_seed(self):
        self.sql("DROP DATABASE IF EXISTS kube; CREATE DATABASE kube CHARACTER SET utf8mb4")
        subprocess.run([str(our_binary("migrate")), "--wait-seconds", "30"], env={**os.environ, **self.db_env()},
                       check=True, capture_output=True, timeout=120)
        known = self.images / "known_people"
        known.mkdir(parents=True, exist_ok=True)
        for name in ("obama.jpg", "biden.jpg"):
            shutil.copyfile(PHOTOS / name, known / name)
        shutil.copyfile(LFW / "Tony_Blair" / "Tony_Blair_0006.jpg", known / "tony_blair_1.jpg")
        self.sql("INSERT INTO person (name) VALUES ('Barack Obama'), ('Joe Biden'), ('Tony Blair');"
                 "INSERT INTO person_images (image_name, person_id) SELECT 'obama.jpg', id FROM person WHERE name = 'Barack Obama';"
                 "INSERT INTO person_images (image_name, person_id) SELECT 'biden.jpg', id FROM person WHERE name = 'Joe Biden';"
                 "INSERT INTO person_images (image_name, person_id) SELECT 'tony_blair_1.jpg', id FROM person WHERE name = 'Tony Blair'")

    def person_id(self, name: str) -> int:
        return int(self.sql(f"SELECT id FROM person WHERE name = '{name}'")[0][0])

    def rows(self, prefix: str) -> dict:
        """path -> list of (id, status, person) for rows under prefix ('NULL' kept as a string)."""
        result: dict = {}
        for image_id, path, status, person in self.sql(
                f"SELECT id, path, IFNULL(status, 'NULL'), IFNULL(person, 'NULL') FROM images "
                f"WHERE path LIKE '{prefix}%' ORDER BY id"):
            result.setdefault(path, []).append((int(image_id), status, person))
        return result

    def wait_settled(self, prefix: str, count: int, timeout=120.0):
        def settled():
            n = self.sql(f"SELECT COUNT(*) FROM images WHERE path LIKE '{prefix}%' AND status IN (1, 2)")[0][0]
            return int(n) >= count
        try:
            wait_for(f"{count} rows under {prefix} processed or failed", settled, timeout=timeout, interval=0.5)
        except AssertionError:
            rows = self.sql(f"SELECT id, path, status, person, attempts, IFNULL(last_error, '') FROM images "
                            f"WHERE path LIKE '{prefix}%'")
            raise AssertionError(f"not settled: {rows}\n{self.logs_tail()}")

    def wait_paths_settled(self, paths: list, timeout=120.0):
        quoted = ",".join("'" + p.replace("'", "''") + "'" for p in paths)

        def settled():
            return int(self.sql(f"SELECT COUNT(*) FROM images WHERE path IN ({quoted}) AND status IN (1, 2)")[0][0]) \
                == len(paths)
        try:
            wait_for(f"{len(paths)} posted images processed or failed", settled, timeout=timeout, interval=0.5)
        except AssertionError:
            open_rows = self.sql("SELECT id, path, status, person, attempts, IFNULL(lease_owner, ''), "
                                 f"IFNULL(queued_at, '') FROM images WHERE path IN ({quoted}) AND status NOT IN (1, 2)")
            missing = len(paths) - int(self.sql(f"SELECT COUNT(*) FROM images WHERE path IN ({quoted})")[0][0])
            raise AssertionError(f"not settled: {open_rows}; {missing} without a row\n{self.logs_tail()}")

    # ---- photos ---------------------------------------------------------------------------------
    def photo(self, source: Path, relative: str) -> str:
        target = self.images / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(source, target)
        return relative

    # ---- NSQ ------------------------------------------------------------------------------------
    def start_nsq(self, name: str):
        self.stop_nsq()
        self.nsq_dir = self.work / f"nsq-{name}"
        out = subprocess.run([str(ROOT / "scripts" / "nsq.sh"), "start", str(self.nsq_dir)], check=True,
                             capture_output=True, text=True, timeout=60).stdout
        self.nsq = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        # The sample's processor asks nsqlookupd once at start, then every 60 s: the topic must exist first.
        status, body = http("POST", f"http://{self.nsq['NSQD_HTTP_ADDRESS']}/topic/create?topic=images", timeout=10)
        assert status == 200, body
        status, body = http("POST", f"http://{self.nsq['NSQD_HTTP_ADDRESS']}/channel/create?topic=images&channel=ch",
                            timeout=10)
        assert status == 200, body
        wait_for("nsqlookupd knows the images topic", lambda: '"producers":[{' in http(
            "GET", f"http://{self.nsq['NSQLOOKUPD_HTTP_ADDRESS']}/lookup?topic=images", timeout=5)[1].replace(" ", ""),
            timeout=10)

    def stop_nsq(self):
        if self.nsq_dir:
            subprocess.run([str(ROOT / "scripts" / "nsq.sh"), "stop", str(self.nsq_dir)], timeout=60)
            self.nsq_dir = None

    def nsq_depth(self) -> int:
        """Messages of topic images not yet finished on channel ch (queued + in flight + deferred)."""
        _, body = http("GET", f"http://{self.nsq['NSQD_HTTP_ADDRESS']}/stats?format=json&topic=images", timeout=10)
        stats = json.loads(body)
        total = 0
        for topic in stats.get("topics", []):
            for channel in topic.get("channels", []):
                total += channel["depth"] + channel["in_flight_count"] + channel["deferred_count"]
        return total

    # ---- services -------------------------------------------------------------------------------
    def _start(self, name, argv, env, cwd=None) -> Process:
        process = Process(name, argv, {**os.environ, **env}, self.logs, cwd=cwd)
        self.processes.append(process)
        return process

    def _wait_http(self, process: Process, url: str, timeout=120.0):
        def ready():
            if not process.alive():
                raise AssertionError(f"{process.name} exited:\n{process.tail()}")
            return http("GET", url, timeout=2)[0] < 500
        wait_for(f"{process.name} at {url}", ready, timeout=timeout)

    def our_env(self) -> dict:
        return {**self.db_env(), "LOG_LEVEL": "info", "DRAIN_SECONDS": "3", "IMAGE_ROOT": str(self.images)}

    def start_face_recognition(self) -> Process:
        admin = free_port()
        p = self._start("face-recognition", [our_binary("face-recognition"), "--grpc-address",
                                              f"127.0.0.1:{self.grpc_port}", "--admin-address", f"127.0.0.1:{admin}",
                                              "--image-root", self.images, "--models-dir", MODELS, "--workers", "2"],
                        self.our_env())
        self._wait_http(p, f"http://127.0.0.1:{admin}/readyz", timeout=300)
        return p

    def start_our_receiver(self) -> tuple:
        port = free_port()
        p = self._start("receiver", [our_binary("receiver"), "--host", "127.0.0.1", "--port", port, "--image-root",
                                     self.images],
                        {**self.our_env(), "QUEUE": "nsq", "NSQD_TCP_ADDRESS": self.nsq["NSQD_TCP_ADDRESS"],
                         "NSQLOOKUPD_HTTP_ADDRESS": self.nsq["NSQLOOKUPD_HTTP_ADDRESS"]})
        self._wait_http(p, f"http://127.0.0.1:{port}/readyz")
        return p, f"http://127.0.0.1:{port}"

    def start_our_processor(self, **extra) -> Process:
        admin = free_port()
        env = {**self.our_env(), "QUEUE": "nsq", "NSQD_TCP_ADDRESS": self.nsq["NSQD_TCP_ADDRESS"],
               "NSQLOOKUPD_HTTP_ADDRESS": self.nsq["NSQLOOKUPD_HTTP_ADDRESS"], "MAX_ATTEMPTS": "2",
               "RETRY_BASE_SECONDS": "0.5", "BREAKER_COOLDOWN_SECONDS": "1", "SWEEP_INTERVAL_SECONDS": "1",
               "UNQUEUED_GRACE_SECONDS": "3", "REQUEUE_AFTER_SECONDS": "15", **extra}
        p = self._start("image-processor", [our_binary("image-processor"), "--face-recognition-address",
                                             f"127.0.0.1:{self.grpc_port}", "--admin-host", "127.0.0.1",
                                             "--admin-port", admin], env)
        self._wait_http(p, f"http://127.0.0.1:{admin}/readyz")
        return p

    def start_kcs_receiver(self) -> tuple:
        wait_for(f"port {KCS_RECEIVER_PORT} free for kcs-receiver", lambda: not port_open(KCS_RECEIVER_PORT),
                 timeout=30)
        p = self._start("kcs-receiver", [self.kcs / "kcs-receiver", *self.sample_db_flags(),
                                         f"--producer-address={self.nsq['NSQD_TCP_ADDRESS']}"], {})

        def listening():
            if not p.alive():
                raise AssertionError(f"kcs-receiver exited:\n{p.tail()}")
            return port_open(KCS_RECEIVER_PORT)
        wait_for("kcs-receiver on :8000", listening, timeout=30)
        return p, f"http://127.0.0.1:{KCS_RECEIVER_PORT}"

    def start_kcs_processor(self) -> Process:
        before = self.channel_clients()
        p = self._start("kcs-image-processor", [self.kcs / "kcs-image-processor", *self.sample_db_flags(),
                                                f"--nsq-lookup-address={self.nsq['NSQLOOKUPD_HTTP_ADDRESS']}",
                                                f"--grpc-address=127.0.0.1:{self.grpc_port}"], {})

        def subscribed():
            if not p.alive():
                raise AssertionError(f"kcs-image-processor exited:\n{p.tail()}")
            return self.channel_clients() > before
        wait_for("kcs-image-processor subscribed to images/ch", subscribed, timeout=30)
        return p

    def channel_clients(self) -> int:
        """Consumers connected to images/ch."""
        _, body = http("GET", f"http://{self.nsq['NSQD_HTTP_ADDRESS']}/stats?format=json&topic=images", timeout=5)
        return sum(c["client_count"] for t in json.loads(body).get("topics", []) for c in t["channels"])

    def start_kcs_frontend(self) -> tuple:
        port = free_port()
        page_dir = self.work / "kcs-frontend"
        page_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.kcs / "index.html", page_dir / "index.html")
        p = self._start("kcs-frontend", [self.kcs / "kcs-frontend"],
                        {"MYSQL_CONNECTION": self.db["host"], "MYSQL_PORT": self.db["port"],
                         "MYSQL_DBNAME": self.db["name"], "MYSQL_USERPASSWORD": f"{self.db['user']}:{self.db['password']}",
                         "FRONTEND_PORT": str(port)}, cwd=page_dir)

        def listening():
            if not p.alive():
                raise AssertionError(f"kcs-frontend exited:\n{p.tail()}")
            return port_open(port)
        wait_for("kcs-frontend listening", listening, timeout=30)
        return p, f"http://127.0.0.1:{port}"

    def logs_tail(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.tail(15)}" for p in self.processes)

    def stop_all(self):
        for p in reversed(self.processes):
            p.stop(grace=10)
        self.processes = []


@pytest.fixture(scope="session")
def fleet_base():
    if not (PHOTOS / "obama.jpg").exists() or not (MODELS / "dlib_face_recognition_resnet_model_v1.dat").exists():
        pytest.fail("test photos or dlib models missing: run scripts/fetch-test-data.sh (make test does)")
    if not LFW.is_dir():
        pytest.fail(f"LFW View 1 missing at {LFW} (../shared/data/lfw-view1)")
    if WORK.exists():
        subprocess.run([str(ROOT / "scripts" / "mariadb.sh"), "stop", str(WORK / "mariadb")], timeout=120)
        shutil.rmtree(WORK)
    (WORK / "logs").mkdir(parents=True)
    fleet = Fleet(WORK)
    fleet.start_database()
    fleet.migrate_and_seed()
    face = fleet.start_face_recognition()
    try:
        yield fleet
    finally:
        fleet.stop_all()
        face.stop()
        fleet.stop_nsq()
        subprocess.run([str(ROOT / "scripts" / "mariadb.sh"), "stop", str(WORK / "mariadb")], timeout=120)


@pytest.fixture
def fleet(fleet_base, request):
    """The session's fleet with a fresh NSQ for this test; every service the test started is stopped after."""
    fleet_base.start_nsq(request.node.name)
    started = len(fleet_base.processes)
    try:
        yield fleet_base
    finally:
        for p in reversed(fleet_base.processes[started:]):
            p.stop(grace=10)
        del fleet_base.processes[started:]
        fleet_base.stop_nsq()


# ---- photos and checks shared by the tests ------------------------------------------------------
OBAMA = PHOTOS / "obama2.jpg"
NOBODY = PHOTOS / "mask_white.jpg"    # no face at all
STRANGERS = PHOTOS / "t1.jpg"         # six faces, nobody known
BLAIR = LFW / "Tony_Blair" / "Tony_Blair_0094.jpg"   # small (250x250): the load test's photo


def truncated(fleet, relative: str) -> str:
    """Half of a JPEG: the face service refuses it."""
    target = fleet.images / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (PHOTOS / "obama.jpg").read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return relative


def sample_accepted(status: int, body: str) -> bool:
    """The sample's receiver answers 200 and writes its errors into the body."""
    return status == 200 and "image sent to nsq" in body and "error" not in body


def assert_no_null(fleet, prefix: str):
    nulls = fleet.sql(f"SELECT id, path FROM images WHERE path LIKE '{prefix}%' AND (person IS NULL OR status IS NULL)")
    assert nulls == [], f"NULL person/status (the sample's services cannot read them): {nulls}"
