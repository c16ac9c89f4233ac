"""The whole pipeline as `make run` starts it (scripts/run.sh start, debug binaries, its own run folder and
free ports), with an API token and a 1 MiB upload limit on the frontend, and a headless Chromium driven by
Selenium through Debian's chromedriver (nothing is downloaded)."""
import json
import os
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from run_stack import PHOTOS, ROOT, RunStack, run_env  # noqa: E402

SCREENSHOTS = ROOT / ".build-logs" / "screenshots"
TOKEN = "browser-suite-token"
MAX_UPLOAD_BYTES = 1 << 20


class Pipeline(RunStack):
    def post_photos(self, names: list[str]) -> dict[str, int]:
        """Copies the photos under samples/ and posts them through the receiver; name -> image id."""
        (self.images / "samples").mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copyfile(PHOTOS / name, self.images / "samples" / name)
        body = json.dumps({"paths": [{"path": f"samples/{n}"} for n in names]}).encode()
        request = urllib.request.Request(f"{self.receiver}/images/post", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        return {item["path"].removeprefix("samples/"): int(item["id"]) for item in answer["results"]}

    def wait_processed(self, ids, timeout=300):
        id_list = ",".join(str(i) for i in ids)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if int(self.scalar(f"SELECT COUNT(*) FROM images WHERE id IN ({id_list}) AND status IN (1, 2)")) == len(ids):
                return
            time.sleep(0.5)
        raise AssertionError(f"not processed in {timeout}s: {self.sql(f'SELECT id, status, last_error FROM images WHERE id IN ({id_list})')}")

    def wait_until(self, query: str, expected: str, timeout=60):
        """Polls a one-value query until it answers `expected` (grouping runs after an image is stored)."""
        deadline = time.time() + timeout
        value = None
        while time.time() < deadline:
            value = self.scalar(query)
            if value == expected:
                return
            time.sleep(0.5)
        raise AssertionError(f"{query} is {value!r}, wanted {expected!r} within {timeout}s")


@pytest.fixture(scope="session")
def pipeline():
    if not (PHOTOS / "obama2.jpg").exists():
        pytest.fail("test photos missing: run scripts/fetch-test-data.sh (make test does)")
    run_dir = Path(os.environ.get("BROWSER_RUN_DIR", ROOT / ".cache" / "browser-run"))
    env = run_env(
        run_dir,
        QUEUE="mysql",
        SEED="0",  # nobody known: the Obama photos form an unnamed group
        FRONTEND_API_TOKEN=TOKEN,
        MAX_UPLOAD_BYTES=str(MAX_UPLOAD_BYTES),
        SWEEP_INTERVAL_SECONDS="1",
        LOG_LEVEL="info",
    )
    p = Pipeline(run_dir, env)
    p.script("start")
    try:
        yield p
    finally:
        p.script("stop", timeout=300)


@pytest.fixture(scope="session")
def browser():
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(chromedriver).exists():
        pytest.fail("chromedriver is missing: scripts/setup.sh installs Debian's chromium-driver")
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 "--no-first-run", "--disable-extensions", "--hide-scrollbars"):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    # An explicit driver path: Selenium Manager stays idle and downloads nothing.
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
