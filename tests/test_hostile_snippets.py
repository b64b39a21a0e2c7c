"""Hostile snippets (issue 6): a block that loops, sleeps, exhausts memory, exits, crashes,
forks, floods its output, writes into the vault or leaves global state behind is reported
on its own note line; the rest of the build completes and the next build is unaffected."""

import os
import time

import pytest
from helpers import build_vault, run_build
from hostile.runner import is_running
from mkdocs_vault.execute.options import BlockOptions
from mkdocs_vault.execute.pool import WorkerPool
from mkdocs_vault.execute.runner import MAX_OUTPUT_CHARS, Block, NoteJob
from mkdocs_vault.execute.sandbox import abi_version

LANDLOCK = abi_version()[0] > 0
needs_landlock = pytest.mark.skipif(not LANDLOCK, reason=f"no Landlock here: {abi_version()[1]}")

# Each note is a title, a blank line, then the fence on line 3, so its code starts on line 4
# (5 after a `#|` option line). A block that raises is reported at the line that raised; one
# that was stopped or killed from outside, at its first code line.
HOSTILE = {
    "Loop.md": ("#| timeout: 1\nwhile True:\n    pass\n", 5, "timed out after 1 s"),
    "Sleep.md": ("#| timeout: 1\nimport time\ntime.sleep(10**6)\n", 5, "timed out after 1 s"),
    "Bomb.md": ("hoard = []\nwhile True:\n    hoard.append(bytearray(10**8))\n", 6, "MemoryError"),
    "Exit.md": ("import sys\nsys.exit(3)\n", 5, "SystemExit: 3"),
    "Underscore.md": ("import os\nos._exit(1)\n", 4, "exit code 1"),
    "Segfault.md": ("import ctypes\nctypes.string_at(0)\n", 4, "exit code -11"),
}
CALM = {
    "Fine.md": "# Fine\n\n```python exec\nprint('fine', 6 * 7)\n```\n",
    "Loud.md": "# Loud\n\n```python exec\nimport sys\nfor _ in range(100):\n"
    "    sys.stdout.write('x' * 10**6)\n```\n",
    "Del.md": "# Del\n\n```python exec\nclass Grumpy:\n    def __del__(self):\n"
    "        raise ValueError('in __del__')\n\ng = Grumpy()\ndel g\nprint('survived')\n```\n",
    "Scratch.md": "# Scratch\n\n```python exec\nwith open('scratch.txt', 'w') as f:\n"
    "    f.write('mine')\nprint(open('scratch.txt').read())\n```\n",
    "data.csv": "a,b\n1,2\n",
    "Vandal.md": "# Vandal\n\n```python exec\n(NOTE_DIR / 'data.csv').write_text('gone')\n```\n",
}
# Vandal's write: refused on its line under the sandbox, or made and then reported.
REFUSED = "PermissionError: [Errno 13] Permission denied:"
WROTE = (
    "mkdocs_vault: vault/Vandal.md:4: snippet wrote into the vault: data.csv "
    "(write to the working directory (scratch) instead)"
)


def _vault() -> dict[str, str]:
    notes = {
        name: f"# {name[:-3]}\n\n```python exec\n{code}```\n"
        for name, (code, _, _) in HOSTILE.items()
    }
    return {**notes, **CALM}


def _expected_failures(sandboxed: bool) -> dict[str, str]:
    expected = {f"vault/{name}:{line}": message for name, (_, line, message) in HOSTILE.items()}
    if sandboxed:
        expected["vault/Vandal.md:4"] = REFUSED
    return expected


def _check(build, sandboxed: bool = LANDLOCK) -> None:
    """Every hostile block reported at its line, the calm notes rendered as usual."""
    failures = {
        w.split(": ", 1)[1].split(": ", 1)[0]: w for w in build.warnings if "snippet failed" in w
    }
    expected = _expected_failures(sandboxed)
    assert failures.keys() == expected.keys()
    for where, message in expected.items():
        assert message in failures[where], failures[where]
    wrote = [w for w in build.warnings if "wrote into the vault" in w]
    assert wrote == ([] if sandboxed else [WROTE])
    assert len(build.warnings) == len(expected) + (0 if sandboxed else 1)
    assert build.soup("Fine.md").select_one(".vault-stdout").get_text() == "fine 42\n"
    assert build.soup("Scratch.md").select_one(".vault-stdout").get_text() == "mine\n"
    del_note = build.soup("Del.md")
    assert del_note.select_one(".vault-stdout").get_text() == "survived\n"
    assert "in __del__" in del_note.select_one(".vault-stderr").get_text()
    loud = build.page_path("Loud.md")
    assert loud.stat().st_size < 2 * MAX_OUTPUT_CHARS
    dropped = 100 * 10**6 - MAX_OUTPUT_CHARS
    assert (
        f"output truncated ({dropped} more characters not shown)"
        in build.soup("Loud.md").get_text()
    )
    for name in HOSTILE:  # each hostile note's page exists and shows its failure
        assert build.soup(name).select_one(".vault-error") is not None


def test_hostile_blocks_are_reported_at_their_line_and_the_rest_of_the_build_completes(tmp_path):
    first = build_vault(tmp_path, _vault())
    _check(first)
    data = tmp_path / "vault" / "data.csv"
    assert data.read_text() == ("a,b\n1,2\n" if LANDLOCK else "gone")
    data.write_text("a,b\n1,2\n")  # as the author had it
    second = run_build(tmp_path / "mkdocs.yml")
    _check(second)
    # Nothing leaks from one build into the next: failures ran again (they are never cached);
    # the healthy notes came from the cache (Vandal's warning with it, when it was stored).
    session = second.config.plugins["vault"].session
    calm_notes = len([n for n in CALM if n.endswith(".md")])
    assert session.executed_blocks == len(HOSTILE) + LANDLOCK
    assert session.cached_blocks == calm_notes - LANDLOCK


def test_without_the_sandbox_a_write_into_the_vault_is_detected_and_reported(tmp_path):
    build = build_vault(tmp_path, _vault(), extra={"plugins": [{"vault": {"exec_sandbox": False}}]})
    _check(build, sandboxed=False)
    assert (tmp_path / "vault" / "data.csv").read_text() == "gone"
    messages = [record.getMessage() for record in build.records]
    assert any("snippets: not sandboxed (exec_sandbox is off)" in m for m in messages)


@pytest.fixture(scope="module")
def one_worker():
    """A single worker: consecutive notes surely run in the same process."""
    with WorkerPool(1) as pool:
        yield pool


def _job(tmp_path, name, *codes, timeout=5):
    options = BlockOptions(execute=True, timeout=timeout)
    blocks = tuple(Block(code, 10 * (i + 1), options) for i, code in enumerate(codes))
    return NoteJob(f"vault/{name}.md", str(tmp_path), str(tmp_path / f"scratch-{name}"), blocks)


def test_a_forked_child_neither_answers_nor_runs_on_and_the_worker_keeps_serving(
    one_worker, tmp_path
):
    forking = _job(
        tmp_path,
        "Fork",
        "import os\npid = os.fork()\nprint('child' if pid == 0 else 'parent')",
        "try:\n    os.waitpid(pid, 0)\nexcept ChildProcessError:\n    pass\n"
        "try:\n    os.kill(pid, 0)\nexcept ProcessLookupError:\n    print('child gone')",
    )
    results = one_worker.run_note(forking)
    assert [r.error for r in results] == [None, None]
    assert [r.stdout for r in results] == ["parent\n", "child gone\n"]
    after = one_worker.run_note(_job(tmp_path, "After", "import os\nos.getpid()", "'next'"))
    assert [r.rich for r in after][1] == "'next'" and int(after[0].rich) != os.getpid()
    assert one_worker.restarts == 0


def test_matplotlib_settings_a_note_changes_do_not_reach_the_next_note(one_worker, tmp_path):
    default = one_worker.run_note(
        _job(tmp_path, "Before", "import matplotlib\nmatplotlib.rcParams['lines.linewidth']")
    )
    changed = "import matplotlib.pyplot as plt\nplt.rcParams['lines.linewidth'] = 9.0\nplt.style.use('dark_background')"
    assert one_worker.run_note(_job(tmp_path, "Changer", changed))[0].error is None
    after = one_worker.run_note(
        _job(
            tmp_path,
            "After",
            "import matplotlib\n(matplotlib.rcParams['lines.linewidth'], matplotlib.rcParams['axes.facecolor'])",
        )
    )
    assert after[0].rich == f"({default[0].rich}, 'white')"


def test_numpy_and_matplotlib_work_under_the_default_memory_limit(one_worker, tmp_path):
    code = (
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "m = np.random.rand(400, 400) @ np.random.rand(400, 400)\n"
        "plt.imshow(m)\nimport resource\nresource.getrlimit(resource.RLIMIT_AS)[0] // 2**20"
    )
    job = _job(tmp_path, "Numeric", code)
    from dataclasses import replace

    results = one_worker.run_note(replace(job, memory_mb=2048))
    assert results[0].error is None and results[0].rich == "2048"
    assert len(results[0].figures) == 1


def _sandboxed(job, note_dir):
    """The job with its note in `note_dir`, its worker allowed to write only in scratch."""
    from dataclasses import replace

    return replace(job, note_dir=str(note_dir), writable_dirs=(job.scratch_dir,))


@needs_landlock
def test_under_the_sandbox_a_python_write_outside_scratch_fails_on_its_line_with_a_hint(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "data.csv").write_text("a,b\n")
    job = _job(tmp_path, "Vandal", "x = 1\n(NOTE_DIR / 'data.csv').write_text('gone')")
    with WorkerPool(1) as pool:
        [result] = pool.run_note(_sandboxed(job, vault))
    assert "PermissionError" in result.error and result.error_line == 11
    assert "write only in their working directory" in result.error_hint
    assert (vault / "data.csv").read_text() == "a,b\n"


@needs_landlock
def test_under_the_sandbox_c_code_and_subprocesses_cannot_write_outside_scratch(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside.txt"
    vault.mkdir()
    (vault / "data.csv").write_text("a,b\n")
    code = (
        "import ctypes, os, subprocess, tempfile\n"
        "shell = subprocess.run(['sh', '-c', 'echo x > \"$1\"', 'sh', str(NOTE_DIR / 'data.csv')],"
        " capture_output=True).returncode\n"
        f"fd = ctypes.CDLL(None).open({str(outside)!r}.encode(), os.O_WRONLY | os.O_CREAT, 0o644)\n"
        "with open('mine.txt', 'w') as mine:\n    mine.write('allowed')\n"
        "handle, temporary = tempfile.mkstemp()\n"
        "print(shell, fd, open('mine.txt').read(), temporary.startswith(os.getcwd()))"
    )
    with WorkerPool(1) as pool:
        [result] = pool.run_note(_sandboxed(_job(tmp_path, "Sneaky", code), vault))
        assert result.error is None, result.error
        assert result.stdout == "2 -1 allowed True\n"
        # The same worker cannot run an unsandboxed note: a fresh one takes it.
        free = _job(tmp_path, "Free", f"open({str(outside)!r}, 'w').write('free')")
        assert pool.run_note(free)[0].error is None
    assert (vault / "data.csv").read_text() == "a,b\n"
    assert outside.read_text() == "free"


def test_processes_a_note_started_are_stopped_when_the_note_ends(one_worker, tmp_path):
    code_fork = "import os, time\npid = os.fork()\nif pid == 0:\n    time.sleep(10**6)"
    code_orphan = (
        "import subprocess\n"
        "shell = subprocess.run(['sh', '-c', 'sleep 1000 >/dev/null 2>&1 & echo $!; '"
        "'setsid sleep 1000 >/dev/null 2>&1 & echo $!'],"
        " capture_output=True, text=True)\n"
        "print(pid, shell.stdout.strip())"
    )
    [first, second] = one_worker.run_note(_job(tmp_path, "Daemons", code_fork, code_orphan))
    assert first.error is None and second.error is None, (first.error, second.error)
    pids = [int(p) for p in second.stdout.split()]
    assert len(pids) == 3
    assert not any(is_running(pid) for pid in pids)
    assert one_worker.restarts == 0


def test_a_block_stopped_for_its_time_limit_takes_its_child_processes_with_it(tmp_path):
    code = (
        "import subprocess, time\nchild = subprocess.Popen(['sleep', '1000'])\n"
        "detached = subprocess.run(['sh', '-c', 'setsid sleep 1000 >/dev/null 2>&1 & echo $!'],"
        " capture_output=True, text=True).stdout\n"
        "open('pids', 'w').write(f'{child.pid} {detached}')\ntime.sleep(1000)"
    )
    job = _job(tmp_path, "Hanging", code, timeout=2)
    with WorkerPool(1) as pool:
        [result] = pool.run_note(job)
    assert "timed out" in result.error
    pids = [int(p) for p in (tmp_path / "scratch-Hanging" / "pids").read_text().split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 5
    while any(is_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(is_running(pid) for pid in pids)


def test_without_the_sandbox_a_subprocess_changing_the_vault_is_blamed_on_its_block(tmp_path):
    notes = {
        "data.csv": "a,b\n",
        "old.txt": "old\n",
        "Quiet.md": "# Quiet\n\n```python exec\nprint('nothing to see')\n```\n",
        "Shell.md": "# Shell\n\nIntro.\n\n```python exec\nimport subprocess\n"
        "subprocess.run(['sh', '-c', 'echo x >> data.csv; echo y > new.txt; rm old.txt'],"
        " cwd=NOTE_DIR, check=True)\n```\n",
    }
    # One worker: run in parallel, Quiet would share the blame (see the next test).
    unsandboxed = {
        "plugins": [{"vault": {"exec_sandbox": False, "exec_workers": 1}}],
        "exclude_docs": "old.txt",  # so that MkDocs does not try to copy it after removal
    }
    build = build_vault(tmp_path, notes, extra=unsandboxed)
    prefix = "mkdocs_vault: vault/Shell.md:6: the vault changed while this block ran: "
    suffix = (
        " (not through Python's open(): a subprocess or C code?) "
        "(write to the working directory (scratch) instead)"
    )
    assert build.warnings == [
        f"{prefix}{name} was {kind}{suffix}"
        for name, kind in [("data.csv", "changed"), ("new.txt", "created"), ("old.txt", "removed")]
    ]
    (tmp_path / "vault" / "old.txt").write_text("old\n")
    (tmp_path / "vault" / "new.txt").unlink()
    again = run_build(tmp_path / "mkdocs.yml")  # cached: nothing runs, nothing is blamed
    assert again.warnings == []


def test_a_vault_change_during_parallel_blocks_is_blamed_on_each_block_then_running():
    from mkdocs_vault.execute.vault_watch import Change, Run, blame

    shell = Run("vault/Shell.md", 6, started_ns=1_000_000_000, ended_ns=2_000_000_000)
    quiet = Run("vault/Quiet.md", 4, started_ns=1_500_000_000, ended_ns=1_600_000_000)
    later = Run("vault/Later.md", 4, started_ns=3_000_000_000, ended_ns=4_000_000_000)
    change = Change("data.csv", "changed", when_ns=1_550_000_000)
    assert blame(change, [shell, quiet, later]) == [shell, quiet]
    assert blame(Change("data.csv", "changed", 2_900_000_000), [shell, quiet, later]) == []


def test_without_the_sandbox_a_change_no_block_can_be_dated_to_is_reported_on_the_file(tmp_path):
    from helpers import write_config, write_vault

    # `touch -d` backdates the new file to 2001: inside no block's run.
    code = (
        "import subprocess\nsubprocess.run(['touch', '-d', '2001-01-01', 'old.txt'], cwd=NOTE_DIR)"
    )
    write_vault(
        tmp_path / "notes", {"Backdated.md": f"# Backdated\n\n```python exec\n{code}\n```\n"}
    )
    extra = {"docs_dir": "notes/vault", "plugins": [{"vault": {"exec_sandbox": False}}]}
    build = run_build(write_config(tmp_path, extra=extra))
    assert build.warnings == [
        "mkdocs_vault: notes/vault/old.txt:1: changed while snippets ran, at a time no block "
        "was running (write to the working directory (scratch) instead)"
    ]
