"""The stack as `make run` starts it (scripts/run.sh start), in its own run folder and ports."""
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from run_stack import PHOTOS, ROOT, RunStack, free_port, run_env  # noqa: E402,F401 (PHOTOS, ROOT, free_port: for the tests)


class Stack(RunStack):
    def __init__(self, run_dir: Path, env: dict):
        super().__init__(run_dir, env)
        self.queue = env.get("QUEUE", "mysql")

    def nsq(self, *args):
        """A fault on the NSQ daemons run.sh started (kill/restart NODE, kill-lookupd, restart-lookupd)."""
        self.script("nsq", *args, timeout=120)

    def http(self, method: str, url: str, body=None, content_type="application/json", timeout=30):
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                return error.code, json.loads(payload)
            except ValueError:
                return error.code, payload.decode(errors="replace")

    def add_photo(self, source: Path, relative: str) -> str:
        target = self.images / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return relative

    def wait_until_settled(self, ids, timeout=900):
        """Every id processed (1) or failed (2)."""
        deadline = time.time() + timeout
        id_list = ",".join(str(i) for i in ids)
        while time.time() < deadline:
            rows = self.sql(f"SELECT COUNT(*) FROM images WHERE id IN ({id_list}) AND status IN (1, 2)")
            if int(rows[0][0]) == len(ids):
                return
            time.sleep(1)
        rows = self.sql(f"SELECT id, path, status, attempts, last_error FROM images WHERE id IN ({id_list}) AND status NOT IN (1, 2)")
        raise AssertionError(f"images not settled after {timeout}s: {rows}")


# Every test runs once per queue: the MySQL table queue and real NSQ (nsqlookupd + nsqd that run.sh starts).
QUEUES = [q for q in os.environ.get("E2E_QUEUES", "mysql,nsq").split(",") if q]


@pytest.fixture(scope="session", params=QUEUES)
def stack(request):
    queue = request.param
    if not (PHOTOS / "obama.jpg").exists():
        pytest.fail("test photos missing: run scripts/fetch-test-data.sh (make test does)")
    if queue == "nsq":
        found = subprocess.run([str(ROOT / "scripts" / "nsq.sh"), "bin-dir"], capture_output=True, text=True)
        if found.returncode != 0:
            pytest.fail(found.stderr)
    run_dir = Path(os.environ.get("E2E_RUN_DIR", ROOT / ".cache" / "e2e-run")) / queue
    env = run_env(
        run_dir,
        SEED_POST="0",
        QUEUE=queue,
        # NSQ: re-announce what a crashed or unreachable nsqd lost within seconds (the service defaults are
        # 10 s and 30 s; run.sh starts nsqd with --mem-queue-size=0, as the manifests).
        UNQUEUED_GRACE_SECONDS="2",
        REQUEUE_AFTER_SECONDS="5",
        # Small retry budget so a corrupt photo fails for good within the test.
        MAX_ATTEMPTS="2",
        RETRY_BASE_SECONDS="0.5",
        BREAKER_COOLDOWN_SECONDS="1",
        SWEEP_INTERVAL_SECONDS="1",
        LOG_LEVEL="info",
    )
    s = Stack(run_dir, env)
    s.script("start")
    try:
        yield s
    finally:
        s.script("stop", timeout=300)
