"""The receiver and the frontend as they run in production (debug binaries), over a real MariaDB with
seeded rows and photos, for schemathesis to fuzz against their own /openapi.json. Loopback only."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from debug_build import debug_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / ".cache" / "photos"
RUN_DIR = Path(os.environ.get("API_FUZZ_RUN_DIR", ROOT / ".cache" / "api-fuzz-run"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary(product: str) -> Path:
    return debug_binary(product, built_by="make test-api-fuzz")


class Service:
    def __init__(self, name: str, port: int, process: subprocess.Popen, log: Path):
        self.name, self.port, self.process, self.log = name, port, process, log
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path: str, timeout=10):
        with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type"), response.read()

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, lines=40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Stack:
    def __init__(self):
        self.db_dir = RUN_DIR / "mariadb"
        self.images = RUN_DIR / "images"
        self.logs = RUN_DIR / "logs"
        self.services: dict[str, Service] = {}
        self.env: dict[str, str] = {}

    def sql(self, query: str) -> list[list[str]]:
        out = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.db_dir / 'mysqld.sock'}", "-uroot", "kube", "-N", "-B", "-e", query],
            check=True, capture_output=True, text=True, timeout=60).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def start(self):
        if (RUN_DIR / "mariadb" / "mysqld.pid").exists():
            subprocess.run([str(ROOT / "scripts" / "mariadb.sh"), "stop", str(self.db_dir)], timeout=60)
        shutil.rmtree(RUN_DIR, ignore_errors=True)
        for folder in (self.images / "known_people", self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(ROOT / "scripts" / "mariadb.sh"), "start", str(self.db_dir)], check=True,
                       capture_output=True, timeout=120, env={**os.environ, "DB_NAME": "kube"})
        for line in (self.db_dir / "env").read_text().splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        env = {**os.environ, **self.env, "LOG_LEVEL": "info", "DRAIN_SECONDS": "0"}
        subprocess.run([str(binary("migrate")), "--wait-seconds", "60"], check=True, env=env, timeout=120,
                       stdout=subprocess.DEVNULL)
        self.seed()
        self.launch("receiver", binary("receiver"), env, "--queue", "mysql", "--image-root", str(self.images))
        # No FaceRecognition: enrollment uploads reach a closed loopback port (the unit tests cover enrolling).
        self.launch("frontend", binary("frontend"), env, "--image-root", str(self.images),
                    "--face-recognition-address", f"127.0.0.1:{free_port()}")
        for service in self.services.values():
            self.wait_ready(service)

    def seed(self):
        """Rows in every status, people, gallery and probe faces; the photos they name."""
        shutil.copyfile(PHOTOS / "t1.jpg", self.images / "t1.jpg")
        shutil.copyfile(PHOTOS / "obama.jpg", self.images / "obama.jpg")
        shutil.copyfile(PHOTOS / "obama.jpg", self.images / "known_people" / "obama.jpg")
        zeros = "REPEAT(CHAR(0), 512)"
        self.sql(f"""
            INSERT INTO person (id, name) VALUES (1, 'Barack Obama'), (2, 'Rachel');
            INSERT INTO person_images (id, image_name, person_id) VALUES (1, 'obama.jpg', 1);
            INSERT INTO images (id, path, person, status, attempts, last_error) VALUES
              (1, 't1.jpg', 2, 1, 1, NULL), (2, 'obama.jpg', 1, 1, 1, NULL), (3, 'gone.jpg', -1, 2, 3, 'no such file'),
              (4, 'later.jpg', -1, 0, 0, NULL), (5, 'busy.png', -1, 3, 1, NULL);
            INSERT INTO faces (image_id, person_image_id, face_index, box_left, box_top, box_right, box_bottom, descriptor, person_id, distance)
            VALUES (NULL, 1, 0, 355, 120, 625, 390, {zeros}, 1, NULL), (2, NULL, 0, 355, 120, 625, 390, {zeros}, 1, 0.21),
                   (1, NULL, 0, 62, 280, 160, 378, {zeros}, 2, 0.38), (1, NULL, 1, 285, 150, 380, 250, {zeros}, NULL, NULL);
        """)

    def launch(self, name: str, path: Path, env: dict, *args: str):
        port = free_port()
        log = self.logs / f"{name}.log"
        process = subprocess.Popen([str(path), "--host", "127.0.0.1", "--port", str(port), *args], env=env,
                                   stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        self.services[name] = Service(name, port, process, log)

    def wait_ready(self, service: Service, limit=120):
        deadline = time.time() + limit
        while time.time() < deadline:
            if not service.alive():
                pytest.fail(f"{service.name} exited:\n{service.log_tail()}")
            try:
                if service.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"{service.name} not ready after {limit}s:\n{service.log_tail()}")

    def stop(self):
        for service in self.services.values():
            if service.alive():
                service.process.send_signal(signal.SIGTERM)
                try:
                    service.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    service.process.kill()
        subprocess.run([str(ROOT / "scripts" / "mariadb.sh"), "stop", str(self.db_dir)], timeout=120)


@pytest.fixture(scope="session")
def stack():
    if not (PHOTOS / "t1.jpg").exists():
        pytest.fail("test photos missing: run scripts/fetch-test-data.sh (make test does)")
    s = Stack()
    try:
        s.start()
        yield s
    finally:
        s.stop()
