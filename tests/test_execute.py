"""Executable notes, the engine (issue 3 in progress): options, running blocks, the worker pool."""

import os
import sys

import pytest
from mkdocs_vault.execute.options import BlockOptions, OptionError, block_options
from mkdocs_vault.execute.pool import WorkerPool
from mkdocs_vault.execute.runner import Block, NoteJob, matrix_html, run_block, start_note


@pytest.mark.parametrize(
    ("info", "code", "expected"),
    [
        ("python", "x = 1", BlockOptions()),
        ("python exec", "x = 1", BlockOptions(execute=True)),
        ('python exec="on"', "x = 1", BlockOptions(execute=True)),
        ('python exec="off"', "x = 1", BlockOptions(execute=False)),
        ('python exec source="hide"', "", BlockOptions(execute=True, source="hide")),
        ("python exec", "#| source: hide\n#| caption: Softmax curves\nx = 1",
         BlockOptions(execute=True, source="hide", caption="Softmax curves")),
        ('python exec timeout=2.5 format=png label=fig-1 output="curves"', "",
         BlockOptions(execute=True, timeout=2.5, format="png", label="fig-1", output="curves")),
        ("python exec colour=red", "", BlockOptions(execute=True, unknown=("colour",))),
    ],
)
def test_block_options_from_info_string_and_comment_lines(info, code, expected):
    assert block_options(info, code)[0] == expected


def test_comment_option_lines_are_removed_and_counted():
    _, code, taken = block_options("python exec", "#| source: hide\n#| timeout: 3\nprint(1)\n#| not an option")
    assert (code, taken) == ("print(1)\n#| not an option", 2)


@pytest.mark.parametrize(
    ("info", "message"),
    [
        ("python exec source=maybe", "source must be"),
        ("python exec timeout=soon", "timeout must be a number"),
        ("python exec timeout=-1", "timeout must be positive"),
        ("python exec format=gif", "format must be"),
        ('python exec caption="unclosed', "cannot read the info string"),
    ],
)
def test_bad_options_are_errors_that_say_why(info, message):
    with pytest.raises(OptionError, match=message):
        block_options(info, "")


@pytest.fixture
def job(tmp_path):
    return NoteJob("vault/Note.md", str(tmp_path / "notes"), str(tmp_path / "scratch"), ())


@pytest.fixture
def namespace(job, monkeypatch):
    monkeypatch.chdir(os.getcwd())  # start_note changes directory; restore it afterwards
    return start_note(job)


def test_blocks_share_a_namespace_and_the_last_expression_is_rendered(namespace, job):
    first = run_block(namespace, Block("x = 40\nprint('side effect')", 10), job)
    second = run_block(namespace, Block("x + 2", 14), job)
    assert first.stdout == "side effect\n" and first.rich is None
    assert (second.rich_kind, second.rich) == ("text", "42")


def test_traceback_names_the_note_and_its_own_line(namespace, job):
    result = run_block(namespace, Block("a = 1\n\nb = a / 0", 30), job)
    assert result.error_line == 32
    assert 'File "vault/Note.md", line 32' in result.error
    assert result.error.rstrip().endswith("ZeroDivisionError: division by zero")


def test_syntax_error_points_at_the_note_line(namespace, job):
    result = run_block(namespace, Block("x = (1,\ny = 2", 7), job)
    assert result.error_line in (7, 8) and "SyntaxError" in result.error


def test_sys_exit_is_the_blocks_error_not_the_workers(namespace, job):
    result = run_block(namespace, Block("import sys\nsys.exit(3)", 1), job)
    assert "SystemExit: 3" in result.error


def test_open_figures_are_captured_as_svg_and_closed(namespace, job):
    code = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.figure()\nplt.bar([1], [2])"
    result = run_block(namespace, Block(code, 1), job)
    assert [f.format for f in result.figures] == ["svg", "svg"]
    assert result.figures[0].data.lstrip().startswith(b"<?xml")
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []


def test_working_directory_is_the_scratch_folder_and_note_dir_is_given(namespace, job):
    result = run_block(namespace, Block("import os\nprint(os.getcwd())\nprint(NOTE_DIR)", 1), job)
    assert result.stdout.split("\n")[:2] == [job.scratch_dir, job.note_dir]


def test_random_numbers_are_seeded_per_note(job, monkeypatch):
    monkeypatch.chdir(os.getcwd())
    draws = []
    for _ in range(2):
        namespace = start_note(job)
        draws.append(run_block(namespace, Block("import numpy, random\n(numpy.random.rand(), random.random())", 1), job).rich)
    assert draws[0] == draws[1]


def test_numpy_matrix_becomes_an_escaped_labelled_table():
    import numpy

    table = matrix_html(numpy.array([[0.5, 0.25], [1, 2]]), rows=["<it>", "cat"], columns=["a", "b"])
    assert "<th>&lt;it&gt;</th>" in table and "<td>0.250</td>" in table and 'data-shape="2×2"' in table


def test_a_heatmap_matrix_shades_each_cell_by_its_value_between_the_extremes():
    import numpy
    from mkdocs_vault.show import matrix

    table = matrix(numpy.array([[0.0, 0.5], [1.0, -numpy.inf]]), rows="ab", columns="xy", heatmap=True)._repr_html_()
    assert 'class="vault-matrix vault-heatmap"' in table
    assert [cell.split('"')[1] for cell in table.split('<td style=')[1:]] == ["--w:0.000", "--w:0.500", "--w:1.000", "--w:0.000"]


def test_snippets_modules_used_by_a_block_are_recorded(tmp_path, job, monkeypatch):
    package = tmp_path / "lib" / "snippets"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "maths.py").write_text("def double(x):\n    return 2 * x\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    monkeypatch.chdir(os.getcwd())
    namespace = start_note(job)
    result = run_block(namespace, Block("from snippets.maths import double\ndouble(21)", 1), job)
    assert result.rich == "42"
    assert str(package / "maths.py") in result.modules
    sys.modules.pop("snippets.maths", None)
    sys.modules.pop("snippets", None)


@pytest.fixture(scope="module")
def pool():
    with WorkerPool(2) as workers:
        yield workers


def _note(tmp_path, name, *codes, timeout=None):
    options = BlockOptions(execute=True, timeout=timeout)
    blocks = tuple(Block(code, 10 * (i + 1), options) for i, code in enumerate(codes))
    return NoteJob(f"vault/{name}.md", str(tmp_path), str(tmp_path / f"scratch-{name}"), blocks)


def test_pool_runs_blocks_in_a_separate_process(pool, tmp_path):
    results = pool.run_note(_note(tmp_path, "A", "import os\nos.getpid()"))
    assert results[0].error is None and int(results[0].rich) != os.getpid()


def test_a_block_past_its_time_limit_is_stopped_and_the_pool_recovers(pool, tmp_path):
    results = pool.run_note(_note(tmp_path, "Slow", "import time\ntime.sleep(60)", "print('after')", timeout=1))
    assert results[0].error == "timed out after 1 s (the block was stopped)"
    assert results[1].error.startswith("not run")
    assert pool.run_note(_note(tmp_path, "Next", "print('alive')"))[0].stdout == "alive\n"


def test_a_crashing_worker_is_replaced_and_the_block_reported(pool, tmp_path):
    results = pool.run_note(_note(tmp_path, "Crash", "import os\nos._exit(7)"))
    assert "worker process died" in results[0].error and "exit code 7" in results[0].error
    assert pool.run_note(_note(tmp_path, "Next", "1 + 1"))[0].rich == "2"


def test_notes_run_in_parallel_one_per_worker(pool, tmp_path):
    # Each block holds its worker for a moment, so the two threads overlap for sure.
    jobs = [_note(tmp_path, f"P{i}", "import os, time\ntime.sleep(0.3)\nos.getpid()") for i in range(4)]
    results = pool.run_notes(jobs)
    assert len({r[0].rich for r in results.values()}) == 2


def test_a_note_resumed_from_a_state_matches_a_full_run(pool, tmp_path):
    """Functions see later rebindings of globals, generators continue, rcParams persist."""
    import dataclasses

    codes = (
        "import random\nimport numpy as np\nimport matplotlib as mpl\n"
        "scale = 2\ndef scaled(x):\n    return scale * x\n"
        "class Box:\n    def __init__(self, v):\n        self.v = scaled(v)\n"
        "rng = np.random.default_rng(1)\nfirst = rng.normal()\nmpl.rcParams['lines.linewidth'] = 7",
        "scale = 10",
        "import matplotlib as mpl\n"
        "(Box(1).v, round(rng.normal(), 6), round(float(np.random.rand()), 6),"
        " random.random(), mpl.rcParams['lines.linewidth'])",
    )
    whole = pool.run_note(_note(tmp_path, "Resume", *codes))
    assert all(r.state is not None for r in whole)
    resumed_job = dataclasses.replace(_note(tmp_path, "Resume", *codes), start=2, state=whole[1].state)
    resumed = pool.run_note(resumed_job)
    assert len(resumed) == 1
    assert resumed[0].rich == whole[2].rich
    assert resumed[0].rich.startswith("(10, ") and resumed[0].rich.endswith(", 7.0)")


def test_a_state_that_cannot_be_pickled_is_skipped_not_fatal(pool, tmp_path):
    results = pool.run_note(_note(tmp_path, "Gen", "g = (i for i in range(3))", "next(g)"))
    assert [r.state for r in results] == [None, None]
    assert results[1].rich == "0"


# -- cache -------------------------------------------------------------------------------

from mkdocs_vault.execute.cache import ResultCache, block_keys  # noqa: E402
from mkdocs_vault.execute.runner import BlockResult  # noqa: E402


def _blocks(*codes):
    return tuple(Block(code, 1 + 5 * i) for i, code in enumerate(codes))


def test_block_keys_chain_earlier_blocks_and_the_environment():
    base = block_keys(_blocks("a = 1", "b = 2"), "vault/N.md", "py3.11")
    assert len(set(base)) == 2
    assert block_keys(_blocks("a = 1", "b = 3"), "vault/N.md", "py3.11")[0] == base[0]
    assert block_keys(_blocks("a = 1", "b = 3"), "vault/N.md", "py3.11")[1] != base[1]
    assert block_keys(_blocks("a = 2", "b = 2"), "vault/N.md", "py3.11")[1] != base[1]
    assert block_keys(_blocks("a = 1", "b = 2"), "vault/N.md", "py3.12") != base
    assert block_keys(_blocks("a = 1", "b = 2"), "vault/M.md", "py3.11") != base


def test_cache_round_trip_and_a_full_note_hit(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    blocks = _blocks("x = 1", "x")
    found = cache.lookup_note(blocks, "vault/N.md", "env")
    assert (found.complete, found.start, found.cached) == (False, 0, [])
    for key, text in zip(found.keys, ["", "1"]):
        cache.put(key, BlockResult(rich_kind="text", rich=text))
    found = cache.lookup_note(blocks, "vault/N.md", "env")
    assert found.complete
    assert [r.rich for r in found.cached] == ["", "1"]
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_an_edited_block_resumes_after_the_last_cached_block_with_a_stored_state(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    before = _blocks("a = 1", "b = 2", "c = 3", "d = 4")
    keys = cache.lookup_note(before, "vault/N.md", "env").keys
    for number, key in enumerate(keys):
        state = None if number == 1 else f"state-{number}".encode()  # block 1's did not pickle
        cache.put(key, BlockResult(rich=str(number), state=state))

    third_edited = _blocks("a = 1", "b = 2", "c = 30", "d = 4")
    found = cache.lookup_note(third_edited, "vault/N.md", "env")
    assert (found.start, found.state) == (1, b"state-0")  # 0 is reusable, 1 has no state
    assert [r.rich for r in found.cached] == ["0"]

    appended = _blocks("a = 1", "b = 2", "c = 3", "d = 4", "e = 5")
    found = cache.lookup_note(appended, "vault/N.md", "env")
    assert (found.start, found.state) == (4, b"state-3")
    assert all(r.state is None for r in found.cached)  # results are stored without states


def test_a_changed_snippets_module_invalidates_exactly_the_results_that_used_it(tmp_path):
    module = tmp_path / "helpers.py"
    module.write_text("A = 1\n", encoding="utf-8")
    from mkdocs_vault.execute.cache import file_digest

    cache = ResultCache(tmp_path / "cache")
    cache.put("k-uses", BlockResult(modules={str(module): file_digest(str(module))}))
    cache.put("k-plain", BlockResult())
    assert cache.get("k-uses") is not None
    module.write_text("A = 2\n", encoding="utf-8")
    assert cache.get("k-uses") is None
    assert cache.get("k-plain") is not None


def test_a_truncated_entry_is_a_miss_not_a_crash(tmp_path):
    cache = ResultCache(tmp_path / "cache")
    cache.put("deadbeef", BlockResult(stdout="ok"))
    path = next((tmp_path / "cache").rglob("deadbeef.json"))
    path.write_bytes(path.read_bytes()[:10])
    assert cache.get("deadbeef") is None
    cache.clear()
    assert not (tmp_path / "cache").exists()


def test_the_same_figure_gives_the_same_svg_bytes(job, monkeypatch):
    monkeypatch.chdir(os.getcwd())
    code = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([3, 1, 2])"
    outputs = []
    for _ in range(2):
        namespace = start_note(job)
        outputs.append(run_block(namespace, Block(code, 1), job).figures[0].data)
    assert outputs[0] == outputs[1]


def test_png_figures_when_asked(namespace, job):
    code = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])"
    result = run_block(namespace, Block(code, 1, BlockOptions(execute=True, format="png")), job)
    assert result.figures[0].data.startswith(b"\x89PNG")


def test_names_holding_a_drawn_figure_are_retired_with_a_clear_error(job, namespace):
    drew = run_block(namespace, Block("import matplotlib.pyplot as plt\nfig, axes = plt.subplots(1, 2)\nline, = axes[0].plot([1, 2])\ncmap = plt.get_cmap('viridis')", 1), job)
    assert len(drew.figures) == 1
    assert {name for name in ("fig", "axes", "line") if repr(namespace[name]).startswith("<closed figure")} == {"fig", "axes", "line"}
    assert namespace["cmap"].name == "viridis"  # not tied to a figure: kept
    later = run_block(namespace, Block("axes[0].set_title('late')", 5), job)
    assert "`axes` belonged to a figure that an earlier block drew" in later.error
    assert later.error_line == 5


def test_workers_that_cannot_start_are_reported_on_the_blocks_not_waited_for(tmp_path, monkeypatch):
    broken = WorkerPool(1)
    monkeypatch.setattr(broken, "_spawn", lambda: (_ for _ in ()).throw(OSError("no fork for you")))
    broken.start()
    results = broken.run_note(_note(tmp_path, "Orphan", "1", "2"))
    broken.shutdown()
    assert results[0].error == "no snippet worker could start: OSError: no fork for you"
    assert results[1].skipped
