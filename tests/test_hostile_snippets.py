"""Hostile snippets (issue 6): a block that loops, sleeps, exhausts memory, exits, crashes,
forks, floods its output, writes into the vault or leaves global state behind is reported
on its own note line; the rest of the build completes and the next build is unaffected."""

import os

import pytest
from helpers import build_vault, run_build
from mkdocs_vault.execute.options import BlockOptions
from mkdocs_vault.execute.pool import WorkerPool
from mkdocs_vault.execute.runner import MAX_OUTPUT_CHARS, Block, NoteJob

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


def _vault() -> dict[str, str]:
    notes = {
        name: f"# {name[:-3]}\n\n```python exec\n{code}```\n"
        for name, (code, _, _) in HOSTILE.items()
    }
    return {**notes, **CALM}


def _expected_failures() -> dict[str, str]:
    return {f"vault/{name}:{line}": message for name, (_, line, message) in HOSTILE.items()}


def _check(build) -> None:
    """Every hostile block reported at its line, the calm notes rendered as usual."""
    failures = {
        w.split(": ", 1)[1].split(": ", 1)[0]: w for w in build.warnings if "snippet failed" in w
    }
    expected = _expected_failures()
    assert failures.keys() == expected.keys()
    for where, message in expected.items():
        assert message in failures[where], failures[where]
    wrote = [w for w in build.warnings if "wrote into the vault" in w]
    assert wrote == [
        "mkdocs_vault: vault/Vandal.md:4: snippet wrote into the vault: data.csv "
        "(write to the working directory (scratch) instead)"
    ]
    assert len(build.warnings) == len(expected) + 1
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
    (tmp_path / "vault" / "data.csv").write_text("a,b\n1,2\n")  # as the author had it
    second = run_build(tmp_path / "mkdocs.yml")
    _check(second)
    # Nothing leaks from one build into the next: failures ran again (they are never cached);
    # the healthy notes came from the cache, Vandal's warning with them (it was stored).
    session = second.config.plugins["vault"].session
    assert session.executed_blocks == len(HOSTILE)
    assert session.cached_blocks == len([n for n in CALM if n.endswith(".md")])


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
