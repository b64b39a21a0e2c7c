"""Builds that are stopped or that run side by side (issue 16, item 4).

A real `mkdocs build` child per test. A build stopped with SIGTERM (what `timeout`, a CI
cancel and `docker stop` send) or SIGINT while a block runs leaves no process behind: not
the fork server, not a worker, not the block's own child; nor does one killed outright
(SIGKILL, the OOM killer), which nothing in it can handle: the workers notice. Two builds of one project at
once each see only their own scratch files, and leave a cache the next build reads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import write_config, write_vault
from hostile.runner import is_running, lingering_processes
from hostile.snippet_cases import LINGER
from mkdocs_vault.execute.processes import descendants

START_TIMEOUT = 60.0  # until the block's child is running: workers start, numpy imports
STOP_TIMEOUT = 10.0  # from the signal to the last process gone

# The block starts a child and then waits far longer than any test: only a signal ends it.
_HANGING_BLOCK = (
    "# Hanging\n\n```python exec\n#| timeout: 600\nimport subprocess, time\n"
    f"subprocess.Popen(['sleep', '{LINGER}'])\ntime.sleep(10**6)\n```\n"
)


def _start(config: Path, log: Path, *arguments: str, env: dict | None = None) -> subprocess.Popen:
    """`mkdocs build` in its own session (so a failing test can still clean up); its log
    goes to a file: a pipe could be held open by a process the build left behind."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "-f", str(config), *arguments],
            cwd=config.parent,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _started_here(root: Path) -> list[int]:
    """Live processes whose command line names `root`: the fork server carries the build's
    folder in its `sys_path`, and every worker is a fork of it, so one started after the
    signal (a worker replaced on the way out) is found too."""
    found = []
    marker = str(root).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if marker in cmdline.read() and is_running(int(entry)):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def _kill_all(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize(
    "number", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"]
)
def test_a_build_stopped_mid_block_leaves_no_process_running(tmp_path, number):
    # One worker, three hanging notes: two are still queued when the signal comes.
    write_vault(tmp_path, {f"Hanging{n}.md": _HANGING_BLOCK for n in range(3)})
    config = write_config(tmp_path, plugins=({"vault": {"exec_workers": 1}},))
    build = _start(config, tmp_path / "build.log")
    started: set[int] = set()
    try:
        _wait_until(
            lambda: lingering_processes(tmp_path), START_TIMEOUT, "the block never started"
        )
        started = descendants(build.pid)  # fork server, worker, the block's child
        assert len(started) >= 3, started
        assert _started_here(tmp_path)  # the check below can see the fork server
        build.send_signal(number)  # to the build alone, as `timeout` or `docker stop` do
        build.wait(timeout=STOP_TIMEOUT)
        _wait_until(
            lambda: not any(is_running(pid) for pid in started),
            STOP_TIMEOUT,
            f"still running after {number.name}: "
            f"{[pid for pid in started if is_running(pid)]}",
        )
        assert lingering_processes(tmp_path) == []
        time.sleep(0.5)  # a worker the pool might start on its way out would be up by now
        assert _started_here(tmp_path) == []
        if number != signal.SIGINT:
            assert build.returncode == -number  # still ends as the signal ends it
    finally:
        _kill_all([build.pid, *started, *lingering_processes(tmp_path), *_started_here(tmp_path)])
        build.wait()


# Each build writes a file named after itself into its working directory, waits until
# the other has surely done the same, and lists what it finds there.
_LISTS_ITS_FOLDER = (
    "# Shared\n\n```python exec\nimport os, time\n"
    "open(os.environ['BUILD_NAME'], 'w').write('mine')\n"
    "time.sleep(2)\n"
    "print('found', sorted(os.listdir('.')))\n```\n"
)


def test_two_builds_of_one_project_at_once_have_their_own_scratch_and_share_the_cache(
    tmp_path,
):
    write_vault(tmp_path, {"Shared.md": _LISTS_ITS_FOLDER})
    config = write_config(tmp_path)
    builds = {
        name: _start(
            config, tmp_path / f"{name}.log", "-d", f"site-{name}", env={"BUILD_NAME": name}
        )
        for name in ("alpha", "beta")
    }
    try:
        for build in builds.values():
            build.wait(timeout=120)
    finally:
        _kill_all(build.pid for build in builds.values())
    for name, build in builds.items():
        log = (tmp_path / f"{name}.log").read_text()
        assert build.returncode == 0, log
        assert "WARNING" not in log, log
        page = (tmp_path / f"site-{name}" / "Shared" / "index.html").read_text()
        assert f"found [&#x27;{name}&#x27;]" in page or f"found ['{name}']" in page, page
    # Both wrote the same entry at the same time: the next build reads it, runs nothing.
    third = _start(config, tmp_path / "third.log", "-d", "site-third", env={"BUILD_NAME": "x"})
    assert third.wait(timeout=120) == 0
    log = (tmp_path / "third.log").read_text()
    assert "WARNING" not in log, log
    assert "executed 0 blocks, 1 from cache" in log, log


def test_each_run_has_its_own_scratch_and_the_next_sweeps_only_finished_ones(tmp_path):
    from mkdocs_vault.execute.scratch import ScratchRun

    finished, live = ScratchRun(tmp_path), ScratchRun(tmp_path)
    (finished.open() / "left.txt").write_text("x")
    live.open()
    assert finished.root != live.root
    finished.close()  # its folder stays, to be looked at, until the next run opens
    assert (finished.root / "left.txt").exists()
    later = ScratchRun(tmp_path)
    later.open()
    assert not finished.root.exists()
    assert not finished.root.with_suffix(".lock").exists()
    assert live.root.is_dir()  # still locked by its run: kept
    assert not list(tmp_path.glob(".tmp-*"))
    live.close()
    later.close()
