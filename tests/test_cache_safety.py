"""The execution cache and the worker pipe carry data, never code (issue 16, item 2).

Entries are JSON with a format, a version, their key and a checksum: anything else is a
miss with a reason, and nothing in it runs. Namespace snapshots (pickles) are loaded only
with this user's seal. A worker answers in JSON, so a block cannot hand the MkDocs
process an object that acts when it is unpickled; a thread a note leaves running dies
with its worker.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import threading
import time
from pathlib import Path

import pytest
from mkdocs_vault.execute import seal
from mkdocs_vault.execute.cache import ResultCache, _data_digest, block_keys
from mkdocs_vault.execute.pool import WorkerPool
from mkdocs_vault.execute.records import RecordError, result_from_data, result_to_data
from mkdocs_vault.execute.runner import Block, BlockResult, Figure, NoteJob

KEY = b"k" * 32


def _result(**fields) -> BlockResult:
    base = dict(
        stdout="out é \udcff",  # a lone surrogate (undecodable output) survives too
        stderr="stderr-text",
        figures=[Figure("png", b"\x89PNG\0\xff")],
        rich_kind="html",
        rich="<b>x</b>",
        error=None,
        error_line=None,
        modules={},
        seconds=0.25,
        vault_writes=("a.md",),
        started_ns=1,
        ended_ns=2,
    )
    return BlockResult(**{**base, **fields})


# -- records ----------------------------------------------------------------------------
def test_a_result_survives_its_json_form_field_for_field():
    result = _result()
    again = result_from_data(json.loads(json.dumps(result_to_data(result))))
    assert again == result


class _Acting(str):
    def __reduce__(self):
        return (os.system, ("true",))


@pytest.mark.parametrize(
    "change",
    [
        {"stdout": _Acting("looks like text")},  # a subclass with behaviour of its own
        {"stdout": 3},
        {"figures": [{"format": "svg", "data": "not base64!"}]},
        {"figures": [{"format": "svg", "data": "", "extra": 1}]},
        {"vault_writes": "a.md"},
        {"unexpected": "field"},
    ],
)
def test_anything_but_a_result_of_exactly_our_shape_is_refused(change):
    data = {**result_to_data(_result()), **change}
    with pytest.raises(RecordError):
        result_from_data(data)


# -- cache entries ----------------------------------------------------------------------
def _entry(cache: ResultCache, key: str) -> Path:
    return cache._path(key)


def test_entries_are_json_with_format_version_key_and_checksum(tmp_path):
    cache = ResultCache(tmp_path, key=None)
    cache.put("ab12", _result())
    document = json.loads(_entry(cache, "ab12").read_text())
    assert (document["format"], document["version"], document["key"]) == (
        "mkdocs-vault-exec-cache",
        2,
        "ab12",
    )
    assert len(document["sha256"]) == 64
    assert cache.read("ab12") == (_result(), None)


def _rewrite(path: Path, **changes) -> None:
    document = json.loads(path.read_text())
    document.update(changes)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda p: p.write_bytes(pickle.dumps(_result())), "not in this cache's format"),
        (lambda p: p.write_bytes(p.read_bytes()[:-9]), "not in this cache's format"),
        (lambda p: p.write_text("[1, 2]"), "not in this cache's format"),
        (lambda p: _rewrite(p, version=1), "format version 1"),
        (lambda p: _rewrite(p, key="cd34"), "belongs to another block"),
        (lambda p: p.write_bytes(p.read_bytes().replace(b"stderr-text", b"forged-text")), "checksum"),
        (lambda p: _rewrite(p, result={"stdout": 1}, sha256=_data_digest({"stdout": 1})), "malformed"),
    ],
    ids=["pickle", "truncated", "foreign-json", "old-version", "moved", "edited", "reshaped"],
)
def test_a_bad_foreign_or_outdated_entry_is_a_miss_that_says_why(tmp_path, damage, reason):
    cache = ResultCache(tmp_path, key=None)
    cache.put("ab12", _result())
    damage(_entry(cache, "ab12"))
    result, problem = cache.read("ab12")
    assert result is None
    assert reason in problem


def test_the_problem_reaches_the_lookup_on_the_block_it_belongs_to(tmp_path):
    cache = ResultCache(tmp_path, key=None)
    blocks = (Block("a = 1", 4), Block("b = 2", 8))
    keys = block_keys(blocks, "vault/N.md", "env")
    cache.put(keys[0], _result())
    cache.put(keys[1], _result())
    _entry(cache, keys[1]).write_bytes(b"\x80\x04garbage")
    found = cache.lookup_note(blocks, "vault/N.md", "env")
    assert (found.start, list(found.problems)) == (0, [1])


def test_a_pickle_at_the_old_entry_path_is_never_loaded(tmp_path):
    cache = ResultCache(tmp_path, key=None)
    marker = tmp_path / "ran"
    path = _entry(cache, "ab12")
    path.parent.mkdir(parents=True)
    path.with_suffix(".pickle").write_bytes(
        pickle.dumps(_Payload(f"open({str(marker)!r}, 'w').write('x')"))
    )
    assert cache.read("ab12") == (None, None)  # no entry: a plain miss
    assert not marker.exists()


class _Payload:
    def __init__(self, code: str) -> None:
        self.code = code

    def __reduce__(self):
        return exec, (self.code,)


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_module_path_that_is_no_regular_file_is_a_miss_not_a_hang(tmp_path, special):
    if special == "fifo":
        special = str(tmp_path / "fifo")
        os.mkfifo(special)
    cache = ResultCache(tmp_path / "cache", key=None)
    cache.put("ab12", _result(modules={special: "0" * 64}))
    started = time.monotonic()
    assert cache.get("ab12") is None
    assert time.monotonic() - started < 2


# -- sealed snapshots -------------------------------------------------------------------
def test_a_snapshot_is_kept_and_read_back_only_under_its_seal(tmp_path):
    cache = ResultCache(tmp_path, key=KEY)
    cache.put("ab12", _result(state=b"namespace"))
    assert cache.get_state("ab12") == b"namespace"
    state_file = _entry(cache, "ab12").with_suffix(".state")
    assert state_file.read_bytes().endswith(b"namespace")
    assert ResultCache(tmp_path, key=b"o" * 32).get_state("ab12") is None  # another user
    assert ResultCache(tmp_path, key=None).get_state("ab12") is None  # no key: no resume
    state_file.write_bytes(pickle.dumps({"crafted": True}))
    assert cache.get_state("ab12") is None


def test_a_genuine_snapshot_moved_to_another_block_is_refused(tmp_path):
    cache = ResultCache(tmp_path, key=KEY)
    cache.put("ab12", _result(state=b"namespace"))
    cache.put("cd34", _result())
    moved = _entry(cache, "cd34").with_suffix(".state")
    moved.write_bytes(_entry(cache, "ab12").with_suffix(".state").read_bytes())
    assert cache.get_state("cd34") is None


def test_without_a_key_no_snapshot_is_written(tmp_path):
    cache = ResultCache(tmp_path, key=None)
    cache.put("ab12", _result(state=b"namespace"))
    assert not _entry(cache, "ab12").with_suffix(".state").exists()


def test_the_key_is_made_once_private_and_outside_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = seal.key_path()
    assert path.is_relative_to(tmp_path / "state")
    keys = []
    threads = [threading.Thread(target=lambda: keys.append(seal.load_key())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys[0]) == 32  # eight builds at once: one key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(path.parent.glob(".tmp-*"))
    path.chmod(0o644)
    assert seal.load_key() is None  # readable by others: not trusted


# -- the worker pipe --------------------------------------------------------------------
def _job(tmp_path: Path, name: str, *codes: str) -> NoteJob:
    blocks = tuple(Block(code, 1 + 10 * i) for i, code in enumerate(codes))
    return NoteJob(f"vault/{name}.md", str(tmp_path), str(tmp_path / f"scratch-{name}"), blocks)


@pytest.fixture(scope="module")
def one_worker():
    with WorkerPool(1) as pool:
        yield pool


def test_a_result_that_would_act_when_unpickled_arrives_as_plain_text(one_worker, tmp_path):
    marker = tmp_path / "ran"
    code = (
        "class Sneaky(str):\n"
        "    def __reduce__(self):\n"
        f"        return exec, (\"open({str(marker)!r}, 'w').write('x')\",)\n"
        "class Shown:\n"
        "    def _repr_html_(self):\n"
        "        return Sneaky('<b>shown</b>')\n"
        "Shown()"
    )
    [result] = one_worker.run_note(_job(tmp_path, "Sneaky", code))
    assert result.error is None, result.error
    assert type(result.rich) is str and result.rich == "<b>shown</b>"
    assert not marker.exists()


def test_a_thread_left_running_by_a_note_dies_with_its_worker(one_worker, tmp_path):
    code = (
        "import os, threading, time\n"
        "threading.Thread(target=time.sleep, args=(10**6,)).start()\n"
        "print(os.getpid())"
    )
    [result] = one_worker.run_note(_job(tmp_path, "Threads", code))
    pid = int(result.stdout)
    [after] = one_worker.run_note(_job(tmp_path, "After", "import os\nprint(os.getpid())"))
    assert int(after.stdout) != pid  # a fresh worker took the next note
    deadline = time.monotonic() + 5
    while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{pid}")
    assert one_worker.restarts == 0  # not counted as a failure


def test_a_note_without_threads_keeps_its_worker(one_worker, tmp_path):
    pids = [
        int(one_worker.run_note(_job(tmp_path, f"N{i}", "import os\nprint(os.getpid())"))[0].stdout)
        for i in range(2)
    ]
    assert pids[0] == pids[1]


def test_no_snapshot_once_the_working_directory_holds_files(one_worker, tmp_path):
    results = one_worker.run_note(
        _job(tmp_path, "Files", "x = 1", "open('made.txt', 'w').write('x')", "y = 2")
    )
    assert [r.state is not None for r in results] == [True, False, False]
