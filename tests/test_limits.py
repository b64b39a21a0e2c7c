"""Bounded walking and size (issue 16): the vault's walk, per-note limits, theme keys.

The hostile cases (`hostile/cases_bounds.py`) check each through a real `mkdocs build`;
these check the pieces at their smallest.
"""

from __future__ import annotations

import os

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.theme import Theme
from mkdocs_vault import limits, walk
from mkdocs_vault.backlinks import Mention, backlinks_html
from mkdocs_vault.scan import scan_note
from mkdocs_vault.theme_keys import ThemeKeys


# -- walking the vault ------------------------------------------------------------------
def _walk(vault, max_entries=walk.MAX_VAULT_ENTRIES):
    report = walk.WalkReport(max_entries)
    listed = {
        os.path.relpath(os.path.join(folder, name), vault)
        for folder, names in walk.bounded_walk(str(vault), report)
        for name in names
    }
    problems = [(os.path.relpath(path, vault), message) for path, message, _ in report.problems]
    return listed, problems


def test_symlink_loops_are_reported_once_each_and_not_followed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "N.md").write_text("n")
    os.symlink(".", tmp_path / "sub" / "a")
    os.symlink(".", tmp_path / "sub" / "b")
    os.symlink("..", tmp_path / "sub" / "up")
    listed, problems = _walk(tmp_path)
    assert listed == {"sub/N.md"}
    assert problems == [
        ("sub/a", walk.LOOP_MESSAGE),
        ("sub/b", walk.LOOP_MESSAGE),
        ("sub/up", walk.LOOP_MESSAGE),
    ]


def test_a_symlink_leading_nowhere_is_reported_and_left_out(tmp_path):
    os.symlink("missing.md", tmp_path / "Broken.md")
    os.symlink("Self.md", tmp_path / "Self.md")
    (tmp_path / "N.md").write_text("n")
    listed, problems = _walk(tmp_path)
    assert listed == {"N.md"}
    assert problems == [("Broken.md", walk.BROKEN_MESSAGE), ("Self.md", walk.BROKEN_MESSAGE)]


def test_a_file_reached_through_a_symlink_inside_the_vault_is_listed_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "N.md").write_text("n")
    os.symlink("real", tmp_path / "alias")  # sorts before `real`: still listed at its path
    os.symlink("real/N.md", tmp_path / "Same.md")
    listed, problems = _walk(tmp_path)
    assert listed == {"real/N.md"} and problems == []


def test_a_symlinked_folder_outside_the_vault_is_reported_and_a_file_left_to_confine(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "secret.md").write_text("s")
    os.symlink(tmp_path / "outside", vault / "out")
    os.symlink(tmp_path / "secret.md", vault / "Linked.md")
    listed, problems = _walk(vault)
    assert listed == {"Linked.md"}  # confine.py reports and drops it in on_files
    assert problems == [("out", "symlink leads outside the vault; left out")]


def test_folders_past_the_depth_limit_are_left_out_at_their_first_level(tmp_path):
    deep = tmp_path.joinpath(*["d"] * (walk.MAX_FOLDER_DEPTH + 3))
    deep.mkdir(parents=True)
    (deep / "N.md").write_text("n")
    (tmp_path / "d" / "Top.md").write_text("t")
    listed, problems = _walk(tmp_path)
    assert listed == {"d/Top.md"}
    assert [path.count("/") + 1 for path, _ in problems] == [walk.MAX_FOLDER_DEPTH + 1]


def test_the_walk_stops_after_its_entry_limit(tmp_path):
    for i in range(20):
        (tmp_path / f"f{i:02}.md").write_text("x")
    listed, problems = _walk(tmp_path, max_entries=5)
    assert len(listed) == 5 and listed < {f"f{i:02}.md" for i in range(20)}
    assert problems == [(".", "the vault has more than 5 files and folders; the rest is left out")]


def test_the_vault_walk_lists_what_mkdocs_lists_when_there_are_no_links(tmp_path):
    from mkdocs.structure.files import get_files

    docs = tmp_path / "docs"
    for name in ("index.md", "a/README.md", "a/index.md", "a/b/x.png", ".hidden/y.md", "z.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("x")
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(docs), "site_dir": str(tmp_path / "s")})
    assert config.validate() == ([], [])
    theirs = [(f.src_uri, f.inclusion) for f in get_files(config)]
    ours = [(f.src_uri, f.inclusion) for f in walk.vault_files(config, walk.WalkReport())]
    assert ours == theirs


def test_only_the_config_taken_over_gets_the_bounded_walk(tmp_path):
    import mkdocs.commands.build as build

    (tmp_path / "loop").symlink_to(".")
    (tmp_path / "N.md").write_text("n")
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path), "site_dir": "/tmp/unused"})
    config.validate()
    report = walk.take_over(config)
    assert [f.src_uri for f in build.get_files(config)] == ["N.md"] and report.used
    # The next call for the same config (no take_over) is MkDocs' own walk again.
    assert "loop/N.md" in [f.src_uri for f in build.get_files(config)]


# -- per-note limits --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "kind", "line"),
    [
        ("".join(f"## H{i}\n" for i in range(limits.MAX_HEADINGS + 5)), "headings", 1002),
        (" ".join(f"#t{i}" for i in range(limits.MAX_TAGS + 1)), "tags", 3),
        ("%" * (2 * limits.MAX_COMMENT_MARKERS + 2), "%% comment markers", 3),
        (" ".join(["[[x]]"] * (limits.MAX_LINKS + 1)), "links", 3),
        (" ".join(["![[x]]"] * (limits.MAX_EMBEDS + 1)), "embeds", 3),
        ("> " * (limits.MAX_NESTING + 1) + "deep", "levels of quote nesting", 3),
        ("".join(f"p{i} ^b{i}\n\n" for i in range(limits.MAX_BLOCK_IDS + 1)), "^block ids", 20003),
    ],
    ids=["headings", "tags", "comments", "links", "embeds", "nesting", "block-ids"],
)
def test_a_note_past_a_limit_is_cut_at_the_line_that_passes_it(body, kind, line):
    scan = scan_note(f"# Note\n\n{body}\n")
    assert scan.cut == line
    assert [(p[0], kind in p[1]) for p in scan.problems] == [(line, True)]
    assert all(h.line < line for h in scan.headings)


def test_a_note_at_its_limits_is_not_cut():
    body = "".join(f"## H{i} #t{i}\n" for i in range(limits.MAX_HEADINGS - 1))
    scan = scan_note(f"# Note\n\n{body}\n```\n" + "#code " * 5000 + "\n```\n")
    assert scan.cut is None and scan.problems == [] and len(scan.headings) == limits.MAX_HEADINGS


def test_a_python_block_open_at_a_comment_marker_cut_holds_the_code_before_the_cut():
    # The page parses only the part before the cut: the fence runs to it, and the block's
    # code is what the page hands to superfences (the session finds its result by code).
    markers = "%" * (2 * limits.MAX_COMMENT_MARKERS + 2)
    scan = scan_note(f"# Note\n\n```python exec\nx = 1\n{markers}\ny = 2\n```\n")
    assert scan.cut == 5
    assert [(b.first_line, b.code) for b in scan.code_blocks] == [(4, "x = 1")]


def test_the_page_is_split_at_the_cut_counting_lines_from_the_end():
    source = "---\ntitle: x\n---\n\n\n# Note\nkept\ncut here\nrest\n"
    scan = scan_note(source)
    markdown = "# Note\nkept\ncut here\nrest\n"  # as MkDocs hands it: front matter removed
    assert limits.split_at_cut(markdown, scan.line_count, 8) == ("# Note\nkept", "cut here\nrest")


def test_the_rest_of_a_cut_note_is_escaped():
    assert "&lt;script&gt;" in limits.plain_text_html("<script>x</script>")


def test_search_lookups_are_headings_times_toc_entries():
    from mkdocs.structure.toc import get_toc

    toc = get_toc([{"level": 1, "id": "a", "name": "A", "children": [
        {"level": 2, "id": "b", "name": "B", "children": []}]}])
    assert limits.search_lookups('<h1 id="a">A</h1><h2 id="b">B</h2><h3>C</h3>', toc) == 6


# -- backlinks listed on one page -------------------------------------------------------
def test_no_more_than_the_limit_of_mentions_are_listed_and_the_rest_are_counted():
    grouped = {
        f"N{n}.md": [Mention(f"N{n}.md", "Home.md", i, None, f"context {i}") for i in range(4)]
        for n in range(3)
    }
    html = backlinks_html(grouped, lambda uri: uri, lambda uri: uri, limit=6)
    assert html.count('class="vault-backlink-context"') == 6
    assert "6 more mentions are not listed" in html


# -- front-matter keys the theme obeys --------------------------------------------------
@pytest.fixture(scope="module")
def material():
    return ThemeKeys(Theme(name="material"))


@pytest.mark.parametrize(
    ("meta", "bad"),
    [
        ({"template": "main.html", "icon": "material/star", "hide": ["toc"]}, []),
        ({"search": {"exclude": True}}, []),
        ({"hide": "toc"}, []),
        ({"search": {"boost": 2.5}}, []),
        ({"template": "does-not-exist.html"}, ["template"]),
        ({"template": "../../../etc/passwd"}, ["template"]),
        ({"template": ["main.html"]}, ["template"]),
        ({"icon": "material/does-not-exist"}, ["icon"]),
        ({"icon": "../../base"}, ["icon"]),
        ({"hide": 5}, ["hide"]),
        ({"hide": [{"toc": 1}]}, ["hide"]),
        ({"search": True}, ["search"]),
        ({"search": {"boost": "lots"}}, ["search"]),
        ({"search": {"exclude": "yes"}}, ["search"]),
    ],
)
def test_front_matter_keys_material_would_fail_on_are_found(material, meta, bad):
    assert [key for key, _message, _hint in material.problems(meta)] == bad


def test_material_keys_are_left_alone_under_another_theme():
    keys = ThemeKeys(Theme(name="mkdocs"))
    assert keys.problems({"icon": "lucide/x", "hide": 5}) == []
    assert [key for key, *_ in keys.problems({"template": "nope.html"})] == ["template"]


# -- mkdocs serve -----------------------------------------------------------------------
def test_serve_starts_and_follows_edits_in_a_vault_with_symlink_loops(tmp_path):
    from helpers import write_config, write_vault
    from test_serve import Server, _wait_for

    vault = write_vault(tmp_path, {"Home.md": "# Home\n\nfirst\n", "sub/N.md": "# N\n"})
    os.symlink(".", vault / "sub" / "a")
    os.symlink(".", vault / "sub" / "b")
    server = Server(write_config(tmp_path), tmp_path / "serve.log")
    try:
        _wait_for(lambda: "first" in server.page("Home/"), timeout=30, what="first build")
        (vault / "Home.md").write_text("# Home\n\nsecond\n", encoding="utf-8")
        _wait_for(lambda: "second" in server.page("Home/"), timeout=30, what="the edit")
    finally:
        server.stop()
