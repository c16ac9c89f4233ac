import sys
from pathlib import Path

# policy.py sits next to the tests; make it importable without packaging.
sys.path.insert(0, str(Path(__file__).resolve().parent))
