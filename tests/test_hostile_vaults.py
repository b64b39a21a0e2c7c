"""Hostile vaults (issue 6): every case of `tests/hostile/cases.py` builds in bounded time,
reports exactly its expected `file:line` diagnostics, leaks nothing from outside the vault
into the site and leaves the vault's files unchanged.

Each case is built by a child `mkdocs build` (see `hostile/runner.py` for why); the cases
run two at a time in a module fixture, since each child is mostly waiting on its own
interpreter start, and each case is then asserted on its own.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from hostile.cases import CASES, SECRET_MARKER, Case, payload
from hostile.corpus import ALL_CASES
from hostile.runner import Outcome, run_case
from hostile.snippet_cases import LINGER
from mkdocs_vault.confine import escaping_symlink
from mkdocs_vault.diagnostics import Diagnostic
from mkdocs_vault.scan import MAX_FRONT_MATTER_VALUES, parse_front_matter


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    """Every selected case built once; the biggest first so the slow ones overlap the rest."""
    selected = {
        item.callspec.params["case"].name
        for item in request.session.items
        if "case" in getattr(getattr(item, "callspec", None), "params", {})
    }
    chosen = [case for case in ALL_CASES if case.name in selected]
    ordered = sorted(chosen, key=lambda case: -case.timeout)
    roots = {case.name: tmp_path_factory.mktemp(case.name[:40]) for case in ordered}
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda case: run_case(case, roots[case.name]), ordered)
        return {outcome.case.name: outcome for outcome in results}



def test_corpus_has_at_least_forty_distinct_cases():
    names = [case.name for case in ALL_CASES]
    assert len(CASES) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_hostile_case_builds_in_time_reports_its_lines_and_leaks_nothing(case, outcomes):
    outcome = outcomes[case.name]
    assert outcome.handled, "\n".join(outcome.problems)
    for location, _fragment in case.expect:
        assert location.startswith("vault/") and ":" in location  # every diagnostic has file:line


# -- the checker itself can fail: each promise, broken on purpose, is caught -------------
def _problems_of(case: Case, root: Path) -> list[str]:
    return run_case(case, root).problems


def test_checker_reports_a_warning_that_was_not_expected(tmp_path):
    case = Case("probe", {"Home.md": "# Home\n\n[[Nowhere]]\n"}, ())
    assert any("unexpected warning: vault/Home.md:3" in p for p in _problems_of(case, tmp_path))


def test_checker_reports_an_expected_warning_that_is_missing(tmp_path):
    case = Case("probe", {"Home.md": "# Home\n"}, (("vault/Home.md:3", "not found"),))
    assert _problems_of(case, tmp_path) == ["no warning at vault/Home.md:3 containing 'not found'"]


def test_checker_finds_the_secret_marker_in_the_site(tmp_path):
    case = Case("probe", {"Home.md": f"# Home\n\n{SECRET_MARKER}\n"}, ())
    assert any("outside content reached the site" in p for p in _problems_of(case, tmp_path))


def test_checker_notices_a_process_left_running(tmp_path):
    import subprocess

    straggler = subprocess.Popen(["sleep", LINGER], cwd=tmp_path)
    try:
        problems = _problems_of(Case("probe", {"Home.md": "# Home\n"}, ()), tmp_path)
    finally:
        straggler.kill()
        straggler.wait()
    assert problems == [f"processes left running after the build: [{straggler.pid}]"]


@pytest.mark.browser
def test_checker_notices_a_payload_that_runs_in_the_browser(tmp_path):
    case = Case(
        "probe",
        {"Home.md": f"# Home\n\n{payload('body')}\n"},
        options={"trust_html": True},
        browser=True,
    )
    problems = _problems_of(case, tmp_path)
    assert problems == ["a vault's script ran in the browser: [\"Home/index.html: payload 'body' ran\"]"]


def test_checker_stops_a_build_at_its_time_limit(tmp_path):
    case = replace(CASES[0], timeout=0.05)
    assert any("did not finish within" in p for p in _problems_of(case, tmp_path))


def test_checker_notices_a_changed_vault(tmp_path, monkeypatch):
    import hostile.runner as runner

    real = runner.tree_digest
    calls = []
    monkeypatch.setattr(
        runner, "tree_digest", lambda folder: calls.append(1) or f"{real(folder)}{len(calls)}"
    )
    case = Case("probe", {"Home.md": "# Home\n"}, ())
    assert "the build changed the vault" in _problems_of(case, tmp_path)


# -- the fixes, at their smallest -------------------------------------------------------
def test_symlink_leading_outside_the_vault_is_found_at_its_outermost_link(tmp_path):
    vault = tmp_path / "vault"
    (vault / "inner").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.md").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "outside", vault / "out")
    os.symlink(vault / "inner", vault / "alias")
    assert escaping_symlink(vault / "out" / "x.md", vault) == vault / "out"
    assert escaping_symlink(vault / "alias" / "y.md", vault) is None  # stays inside
    assert escaping_symlink(tmp_path / "theme.css", vault) is None  # not a vault file


@pytest.mark.parametrize(
    ("yaml_text", "refused"),
    [
        ("a: &a [1, 2, 3]\nb: [*a, *a, *a]", False),
        (
            "a: &a ["
            + ",".join(["0"] * 100)
            + "]\nb: &b ["
            + ",".join(["*a"] * 100)
            + "]\nc: [*b, *b]",
            True,
        ),
        ("tags: [" + ",".join(["t"] * (MAX_FRONT_MATTER_VALUES - 10)) + "]", False),
    ],
    ids=["small-aliases", "alias-bomb", "long-but-real-list"],
)
def test_front_matter_that_expands_past_the_limit_is_refused(yaml_text, refused):
    meta, error = parse_front_matter(yaml_text)
    assert (error is not None) == refused
    assert (meta == {}) == refused


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("bad\x00name", "bad\\x00name"),
        ("\x1b[2Jclear", "\\x1b[2Jclear"),
        ("\u202eevil", "\\u202eevil"),
        ("Café 🧠 انتباه", "Café 🧠 انتباه"),
    ],
)
def test_diagnostic_shows_control_and_bidi_characters_escaped(name, shown):
    assert str(Diagnostic("vault/A.md", 3, f"note '{name}' not found")) == (
        f"vault/A.md:3: note '{shown}' not found"
    )
