"""Each `python exec` fence shows its own block's output, wherever the note is rendered.

Two blocks with the same source are different blocks: here each one counts how often it
ran in the note's namespace, so the first prints 1 and the second 2. A page that shows
the note (its own page, a page embedding all of it or one section, built before or
after it, a second build of the same plugin as `mkdocs serve` does) must show 1 under
the first and 2 under the second, never one block's output under the other.
"""

import os

import pytest
from helpers import Build, run_build, write_config, write_vault
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs_vault.execute.session import ExecutionSession
from mkdocs_vault.limits import MAX_HEADINGS

COUNT = 'n = globals().get("n", 0) + 1\nprint(n)'

# Front matter and a blank line after it, which MkDocs drops from the page's text: the
# blocks' lines on the page are not their lines in the note.
COUNTER = f"""---
title: Counter
---

# Counter

## First

```python exec
{COUNT}
```

## Second

```python exec
{COUNT}
```
"""

# Named so that MkDocs builds one embedder before the note and one after it.
EMBEDDER = """# {name}

![[Counter]]

![[Counter#Second]]

![[Counter#First]]
"""

NOTES = {
    "Alpha.md": EMBEDDER.format(name="Alpha"),
    "Counter.md": COUNTER,
    "Zulu.md": EMBEDDER.format(name="Zulu"),
}


def _outputs(build, src_uri: str) -> list[str]:
    """The printed output under each exec block of a page, in page order."""
    soup = build.soup(src_uri)
    return [
        (block.select_one(".vault-stdout") or block).get_text().strip()
        for block in soup.select(".vault-exec")
    ]


def _embeds(build, src_uri: str) -> list[list[str]]:
    """The printed outputs inside each transclusion of a page, one list per embed."""
    soup = build.soup(src_uri)
    return [
        [output.get_text().strip() for output in embed.select(".vault-stdout")]
        for embed in soup.select(".vault-embed-note")
    ]


def _assert_every_page_shows_its_own_blocks(build) -> None:
    assert build.warnings == []
    assert _outputs(build, "Counter.md") == ["1", "2"]
    for embedder in ("Alpha.md", "Zulu.md"):  # built before the note, and after it
        assert _embeds(build, embedder) == [["1", "2"], ["2"], ["1"]], embedder


def test_identical_blocks_show_their_own_outputs_on_the_note_and_where_it_is_embedded(tmp_path):
    write_vault(tmp_path, NOTES)
    _assert_every_page_shows_its_own_blocks(run_build(write_config(tmp_path)))


def test_identical_blocks_keep_their_outputs_when_they_come_from_the_cache(tmp_path):
    write_vault(tmp_path, NOTES)
    config = write_config(tmp_path)
    run_build(config)
    build = run_build(config)
    assert build.config.plugins["vault"].session.executed_blocks == 0
    _assert_every_page_shows_its_own_blocks(build)


def test_identical_blocks_in_lists_and_quotes_show_their_own_outputs(tmp_path):
    """The fence's line inside a container is the line the scanner recorded."""
    nested = (
        "# Nested\n\n"
        "- item\n\n"
        "  ```python exec\n"
        '  n = globals().get("n", 0) + 1\n'
        "  print(n)\n"
        "  ```\n\n"
        "> ```python exec\n"
        '> n = globals().get("n", 0) + 1\n'
        "> print(n)\n"
        "> ```\n\n"
        f"```python exec\n{COUNT}\n```\n"
    )
    write_vault(tmp_path, {"Nested.md": nested, "Home.md": "![[Nested]]\n"})
    build = run_build(write_config(tmp_path))
    assert build.warnings == []
    assert _outputs(build, "Nested.md") == ["1", "2", "3"]
    assert _embeds(build, "Home.md") == [["1", "2", "3"]]


def test_a_rebuild_of_the_same_plugin_shows_each_block_its_own_output(tmp_path):
    """As under `mkdocs serve`: the config is read again for each build, the plugin (and
    its session and workers) stays, and the note changes between builds."""
    write_vault(tmp_path, NOTES)
    config_file = str(write_config(tmp_path))
    edited = (
        COUNTER.replace("# Counter\n", "# Counter\n\nMoved down.\n")
        + f"\n```python exec\n{COUNT}\n```\n"
    )
    cwd = os.getcwd()
    os.chdir(tmp_path)
    config = load_config(config_file)
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        mkdocs_build(config)
        first = Build(tmp_path, tmp_path / "site", config=config)
        _assert_every_page_shows_its_own_blocks(first)
        # A line above the blocks moves them; a third identical block ends section Second.
        (tmp_path / "vault" / "Counter.md").write_text(edited, encoding="utf-8")
        config = load_config(config_file)
        assert config.plugins["vault"] is first.config.plugins["vault"]
        mkdocs_build(config)
    finally:
        os.chdir(cwd)
        config.plugins.on_shutdown()
    second = Build(tmp_path, tmp_path / "site", config=config)
    assert _outputs(second, "Counter.md") == ["1", "2", "3"]
    for embedder in ("Alpha.md", "Zulu.md"):
        # (the third block is in the section Second too)
        assert _embeds(second, embedder) == [["1", "2", "3"], ["2", "3"], ["1"]], embedder


TRICKY = f"""---
title: Tricky
tags: [a]
---


%% a comment
over two lines %%

# Tricky

## Options

```python exec
#| caption: first
{COUNT}
```

- item

  ```python exec
  {COUNT.replace(chr(10), chr(10) + "  ")}
  ```

> [!note] In a callout
> ```python exec
> {COUNT.replace(chr(10), chr(10) + "> ")}
> ```

## Last

```python exec
{COUNT}
```
"""


@pytest.fixture
def lookups(monkeypatch) -> list[tuple[int | None, int | None]]:
    """Every block lookup of the build: (the line the page gave, the line of the block found)."""
    asked = []
    result_for = ExecutionSession.result_for

    def recording(self, note, code, line=None):
        found = result_for(self, note, code, line)
        asked.append((line, found[0].line if found else None))
        return found

    monkeypatch.setattr(ExecutionSession, "result_for", recording)
    return asked


@pytest.mark.parametrize(
    "text",
    [
        TRICKY,
        TRICKY.replace("---\ntitle: Tricky\ntags: [a]\n---\n", ""),  # no front matter
        TRICKY.replace("tags: [a]", "tags: [a"),  # front matter MkDocs cannot read: kept
        "\n\n\n" + TRICKY.split("# Tricky\n", 1)[1],  # blank lines first, dropped by MkDocs
    ],
    ids=["front-matter", "none", "broken-front-matter", "leading-blank-lines"],
)
def test_every_fence_is_matched_at_the_line_the_scanner_recorded(tmp_path, lookups, text):
    """Not the nearest block with the same source: the very line (the fallback for a text
    a site's extension has moved must never be what finds a block here)."""
    embeds = "![[Tricky]]\n\n![[Tricky#Last]]\n\n![[Tricky#Options]]\n"
    write_vault(tmp_path, {"Alpha.md": embeds, "Tricky.md": text, "Zulu.md": embeds})
    build = run_build(write_config(tmp_path))
    assert len(lookups) == 4 + 2 * (4 + 1 + 3)
    assert [given for given, found in lookups if given != found] == []
    assert _outputs(build, "Tricky.md") == ["1", "2", "3", "4"]
    for embedder in ("Alpha.md", "Zulu.md"):
        assert _embeds(build, embedder) == [["1", "2", "3", "4"], ["4"], ["1", "2", "3"]]


def test_a_note_cut_at_a_limit_matches_its_blocks_at_their_lines(tmp_path, lookups):
    """Past a limit the rest of the page is plain text: the page ends before the cut."""
    headings = "".join(f"# H{n}\n" for n in range(MAX_HEADINGS + 5))
    text = COUNTER + headings
    write_vault(tmp_path, {"Counter.md": text, "Home.md": "![[Counter]]\n"})
    build = run_build(write_config(tmp_path))
    assert build.config.plugins["vault"].index.notes["Counter.md"].scan.cut is not None
    assert [given for given, found in lookups if given != found] == []
    assert len(lookups) == 4
    assert _outputs(build, "Counter.md") == ["1", "2"]
    assert _embeds(build, "Home.md") == [["1", "2"]]
