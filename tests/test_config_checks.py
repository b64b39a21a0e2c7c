"""Settings a build cannot run with fail where they come in, with what to write instead."""

from __future__ import annotations

import logging

import pytest
from helpers import run_build, write_config, write_vault
from mkdocs.exceptions import Abort


def _build_with(tmp_path, **options):
    write_vault(tmp_path, {"Home.md": "# Home\n"})
    return run_build(write_config(tmp_path, plugins=[{"vault": options}]))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"cache_dir": "vault/.cache"}, "cache_dir 'vault/.cache' is inside docs_dir"),
        ({"cache_dir": "vault"}, "cache_dir 'vault' is inside docs_dir"),
        ({"cache_dir": "."}, "cache_dir '.' holds docs_dir"),
        ({"exec_workers": -1}, "exec_workers: -1 is out of range"),
        ({"exec_workers": 100_000}, "exec_workers: 100000 is out of range"),
        ({"exec_timeout": 0}, "exec_timeout: 0 is out of range"),
        ({"exec_memory_mb": -5}, "exec_memory_mb: -5 is out of range"),
        ({"render_timeout": -1}, "render_timeout: -1 is out of range"),
        ({"max_embed_depth": -1}, "max_embed_depth: -1 is out of range"),
        ({"max_vault_entries": 0}, "max_vault_entries: 0 is out of range"),
        ({"outputs_dir": "../elsewhere"}, "outputs_dir '../elsewhere' is not a folder inside the vault"),
        ({"outputs_dir": "/"}, "outputs_dir '/' is not a folder inside the vault"),
        ({"graph_page": "graph"}, "graph_page 'graph' is not a page"),
        ({"tags_index": "tags.html"}, "tags_index 'tags.html' is not a page"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_a_setting_the_build_cannot_run_with_fails_with_what_to_write(
    tmp_path, caplog, options, message
):
    # The plugin raises `PluginError`; MkDocs logs it as an error and aborts the build.
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        _build_with(tmp_path, **options)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(message in error for error in errors), errors
    assert any("write" in error or "put it" in error for error in errors)
    assert not (tmp_path / "site").exists()


def test_every_problem_of_a_config_is_named_at_once(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        _build_with(tmp_path, exec_workers=-1, graph_page="graph")
    error = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "exec_workers" in error and "graph_page" in error


@pytest.mark.parametrize(
    "options",
    [{}, {"cache_dir": "../outside-cache"}, {"exec_workers": 0, "render_timeout": 0}, {"tags_index": ""}],
    ids=["defaults", "cache-beside", "zeros-mean-defaults", "no-tags-index"],
)
def test_settings_that_make_sense_build(tmp_path, options):
    build = _build_with(tmp_path, **options)
    assert (build.site / "Home" / "index.html").exists()
