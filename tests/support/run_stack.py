"""The pipeline as `make run` starts it (`scripts/run.sh start`, debug binaries), in its own run folder on
free ports: what the end-to-end, chaos and browser suites share."""
import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = ROOT / ".cache" / "photos"
RUN_SH = ROOT / "scripts" / "run.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_env(run_dir: Path, **settings: str) -> dict:
    """Stops whatever an earlier run left in `run_dir`, empties it, and returns run.sh's environment: the
    run folder, a free port for every service, and `settings` (run.sh's variables) on top."""
    if run_dir.exists():
        subprocess.run([str(RUN_SH), "stop"], env={**os.environ, "RUN_DIR": str(run_dir)}, timeout=120)
        shutil.rmtree(run_dir)
    ports = {name: str(free_port()) for name in
             ("RECEIVER_PORT", "FRONTEND_PORT", "GRPC_PORT", "PROCESSOR_ADMIN_PORT", "FR_ADMIN_PORT")}
    return {**os.environ, "RUN_DIR": str(run_dir), **ports, **settings}


class RunStack:
    def __init__(self, run_dir: Path, env: dict):
        self.run_dir = run_dir
        self.env = env
        self.images = run_dir / "images"
        self.receiver = f"http://127.0.0.1:{env['RECEIVER_PORT']}"
        self.frontend = f"http://127.0.0.1:{env['FRONTEND_PORT']}"

    def script(self, *args, timeout=1800):
        subprocess.run([str(RUN_SH), *args], env=self.env, check=True, timeout=timeout)

    def sql(self, query: str) -> list[list[str]]:
        out = subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.run_dir / 'mariadb' / 'mysqld.sock'}", "-uroot", "kube",
             "-N", "-B", "-e", query],
            check=True, capture_output=True, text=True, timeout=60).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def scalar(self, query: str):
        rows = self.sql(query)
        return rows[0][0] if rows else None
