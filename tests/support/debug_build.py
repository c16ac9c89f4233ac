"""Where the suites find our debug binaries: the folder scripts/build-debug.sh builds them in (it alone
knows the layout, DEBUG_BUILD_DIR included)."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def debug_binary(product: str, built_by: str) -> Path:
    """The debug binary of `product`; a clear failure naming `built_by` (the make target) when missing."""
    bin_dir = subprocess.run([str(ROOT / "scripts" / "build-debug.sh"), "--bin-dir"], check=True,
                             capture_output=True, text=True).stdout.strip()
    path = Path(bin_dir) / product
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} missing: run `scripts/build-debug.sh {product}` (`{built_by}` does)")
    return path
