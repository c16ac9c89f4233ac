"""schemathesis against the running receiver and frontend, each from its own /openapi.json: no 5xx, no
undocumented status or content type, no body that breaks its schema, and both services still up after.
Bounded: API_FUZZ_MAX_EXAMPLES per operation and API_FUZZ_MAX_SECONDS per service."""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = os.environ.get("API_FUZZ_MAX_EXAMPLES", "20")
MAX_SECONDS = os.environ.get("API_FUZZ_MAX_SECONDS", "60")
SEED = os.environ.get("API_FUZZ_SEED", "17")
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def fuzz(stack, name: str):
    service = stack.services[name]
    # Loopback only: the document has no servers entry, redirects are not followed.
    assert urlparse(service.url).hostname == "127.0.0.1"
    report = stack.logs / f"{name}-junit.xml"
    command = [
        str(SCHEMATHESIS), "run", f"{service.url}/openapi.json", "--checks", CHECKS,
        "--max-examples", MAX_EXAMPLES, "--max-time", MAX_SECONDS, "--seed", SEED, "--workers", "1",
        "--max-redirects", "0", "--request-timeout", "10", "--phases", "examples,coverage,fuzzing,stateful",
        "--report", "junit", "--report-junit-path", str(report),
    ]
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "NO_COLOR": "1"}
    env.pop("HTTP_PROXY", None), env.pop("http_proxy", None)
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=int(MAX_SECONDS) + 120)
    (stack.logs / f"{name}-schemathesis.txt").write_text(result.stdout + result.stderr)
    cases, failed = junit_counts(report)
    print(f"\n{name}: schemathesis {len(cases)} operations, {len(failed)} with findings; exit {result.returncode}")
    summary = [line for line in result.stdout.splitlines() if line.strip()][-25:]
    print("\n".join(summary))
    assert service.alive(), f"{name} died during the fuzzing:\n{service.log_tail()}"
    assert result.returncode == 0, f"{name}: findings in {stack.logs / (name + '-schemathesis.txt')}:\n{result.stdout[-6000:]}"
    assert cases, f"{name}: schemathesis ran no operation:\n{result.stdout[-3000:]}"


def junit_counts(report: Path):
    if not report.exists():
        return [], []
    root = ET.parse(report).getroot()
    cases = root.findall(".//testcase")
    failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    return cases, failed


@pytest.mark.parametrize("name", ["receiver", "frontend"])
def test_document_served(stack, name):
    status, content_type, body = stack.services[name].get("/openapi.json")
    assert status == 200 and content_type.startswith("application/json")
    document = json.loads(body)
    assert document["openapi"].startswith("3.1.")
    assert "servers" not in document, "a servers entry could point the fuzzer away from loopback"
    assert document["paths"]


def test_fuzz_receiver(stack):
    fuzz(stack, "receiver")


def test_fuzz_frontend(stack):
    fuzz(stack, "frontend")


@pytest.mark.parametrize("name", ["receiver", "frontend"])
def test_still_serving(stack, name):
    service = stack.services[name]
    assert service.alive(), service.log_tail()
    assert service.get("/healthz")[0] == 200
    assert service.get("/readyz")[0] == 200
    # The seeded rows are still readable through the service after the fuzzing.
    path = "/images/1" if name == "receiver" else "/api/images/1"
    status, _, body = service.get(path)
    assert status == 200 and json.loads(body)["id" if name == "receiver" else "image"]
