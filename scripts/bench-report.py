#!/usr/bin/env python3
"""Collects every benchmark's output under .build-logs/ into .build-logs/bench.json (date, machine,
each benchmark's printed table, the end-to-end numbers as JSON) and prints where it is."""
import datetime
import json
import os
import platform
from pathlib import Path

root = Path(__file__).resolve().parents[1]
logs = root / ".build-logs"
report = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "cpu": ""},
    "benchmarks": {},
}
try:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            report["machine"]["cpu"] = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
for path in sorted(logs.glob("*bench*")):
    if path.name == "bench.json":
        continue
    if path.suffix == ".json":
        report["benchmarks"][path.stem] = json.loads(path.read_text())
    elif path.is_file():
        report["benchmarks"][path.stem] = path.read_text().splitlines()
out = logs / "bench.json"
out.write_text(json.dumps(report, indent=2))
print(f"\nall benchmark numbers: {out.relative_to(root)} ({len(report['benchmarks'])} benchmarks)")
