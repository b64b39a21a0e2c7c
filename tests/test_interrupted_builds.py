"""Interrupted builds (issue 6): a `mkdocs build` killed at any moment — while blocks run,
while results and states are written to the cache — leaves nothing that breaks the next
build. That build is correct (the same pages as a clean build), reads no half-written
entry, and runs only the blocks whose results are not in the cache."""

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup
from helpers import write_config, write_vault

BUILD_TIMEOUT = 120  # seconds: a build that takes longer is a hang, not a slow machine
KILLS = 5


# Eight notes of two blocks: the first holds its worker for a moment (kills land during
# execution), the second leaves an 8 MB array in the state, so every cache write is long
# enough for a kill to land in the middle of one. `edition` changes every block's code.
def _notes(edition: int = 0) -> dict[str, str]:
    return {
        f"N{i}.md": (
            f"# N{i}\n\n```python exec\nimport time\ntime.sleep(0.3)\nvalue = {i} * 7 + {edition}\n"
            "print('value', value)\n```\n\n```python exec\nimport numpy as np\n"
            "import matplotlib.pyplot as plt\nbig = np.arange(1_000_000) * value\n"
            "plt.plot(big[:10])\nint(big.sum())\n```\n"
        )
        for i in range(8)
    }


NOTES = _notes()
BLOCKS = 2 * len(NOTES)


def _project(root: Path, edition: int = 0) -> Path:
    write_vault(root, _notes(edition))
    return write_config(root)


def _start(config: Path) -> subprocess.Popen:
    """`mkdocs build` in its own process group, so that killing it takes its workers too."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _build(config: Path) -> tuple[str, float]:
    """A full build; its log and how long it took."""
    started = time.monotonic()
    process = _start(config)
    try:
        _, log = process.communicate(timeout=BUILD_TIMEOUT)
    finally:
        _kill(process)
    assert process.returncode == 0, log
    assert "Traceback" not in log, log
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    assert not [w for w in warnings if "snippet" in w or "cache" in w], log
    return log, time.monotonic() - started


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate(timeout=BUILD_TIMEOUT)


def _entries(config: Path) -> int:
    """Results stored in the project's cache so far (temp files not counted)."""
    return len(list((config.parent / ".cache").glob("mkdocs_vault/results/*/*.json")))


def _wait_for_entries(config: Path, count: int) -> None:
    deadline = time.monotonic() + BUILD_TIMEOUT
    while _entries(config) < count:
        assert time.monotonic() < deadline, "the build never got that far"
        time.sleep(0.005)


def _counts(log: str) -> tuple[int, int, int]:
    """(planned to execute, cached at planning, executed) from the build's log."""
    planned = re.search(r"snippets: (\d+) blocks to execute, (\d+) cached", log)
    executed = re.search(r"snippets: executed (\d+) blocks", log)
    assert planned and executed, log
    return int(planned[1]), int(planned[2]), int(executed[1])


def _outputs(root: Path) -> dict[str, str]:
    """Every note's executed blocks as rendered HTML, with their figure files' bytes."""
    found = {}
    for name in NOTES:
        page = root / "site" / name[:-3] / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        blocks = soup.select(".vault-exec")
        assert len(blocks) == 2
        for image in soup.select(".vault-exec img"):
            assert (page.parent / image["src"]).resolve().read_bytes().startswith(b"<?xml")
        found[name] = "".join(str(b) for b in blocks)
    return found


def test_a_build_after_builds_killed_at_random_moments_is_correct_and_reruns_only_what_it_must(
    tmp_path,
):
    clean = tmp_path / "clean"
    clean.mkdir()
    clean_log, seconds = _build(_project(clean))
    assert _counts(clean_log) == (BLOCKS, 0, BLOCKS)
    expected = _outputs(clean)

    # Each killed build but the last sees other code, so it has blocks to run when the kill
    # comes (and the cache fills with entries of every edition); the last one already has
    # the final code, so the build after it finds some blocks cached and others not. A kill
    # comes a random moment after a random number of results were stored: while blocks run
    # and results and states are being written.
    moments = random.Random(6)
    for edition in [*range(1, KILLS), 0]:
        config = _project(tmp_path / "killed", edition)
        target = _entries(config) + moments.randint(1, BLOCKS - 2)
        process = _start(config)
        _wait_for_entries(config, target)
        time.sleep(moments.uniform(0, 0.05))
        _kill(process)

    results = config.parent / ".cache" / "mkdocs_vault" / "results"
    results.mkdir(parents=True, exist_ok=True)
    shard = results / "00"
    shard.mkdir(exist_ok=True)
    stale, fresh = shard / ".tmp-stale", shard / ".tmp-fresh"
    stale.write_bytes(b"half an entry")
    fresh.write_bytes(b"another build's write in progress")
    os.utime(stale, (time.time() - 2 * 3600,) * 2)

    log, _ = _build(config)
    to_run, cached, executed = _counts(log)
    assert to_run + cached == BLOCKS and executed == to_run
    assert cached > 0  # the last killed build stored some results; they were used
    assert _outputs(config.parent) == expected
    assert not stale.exists() and fresh.exists()
    assert _counts(_build(config)[0]) == (0, BLOCKS, 0)
