import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# Snapshot seals use a per-user key (`execute/seal.py`, under $XDG_STATE_HOME): the tests
# and the builds they start get a key of their own, never the key in the runner's home.
_STATE = tempfile.mkdtemp(prefix="vault-tests-state-")
os.environ["XDG_STATE_HOME"] = _STATE
atexit.register(shutil.rmtree, _STATE, ignore_errors=True)
