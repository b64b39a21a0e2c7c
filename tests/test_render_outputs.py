"""Figures in Obsidian: `python -m mkdocs_vault render` writes the blocks' figures into the
vault's outputs folder; a build shows its own fresh figure where a note embeds one, never
twice, and fails under --strict when the file in the vault is stale or missing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time

import pytest
from helpers import run_build, tree_digest, write_config, write_vault
from mkdocs.exceptions import Abort
from mkdocs_vault.__main__ import main
from mkdocs_vault.execute.options import BlockOptions
from mkdocs_vault.execute.outputs import (
    MANIFEST,
    OutputTable,
    block_prefixes,
    figure_name,
    read_manifest,
    safe_name,
    write_outputs,
)
from mkdocs_vault.execute.runner import Block
from mkdocs_vault.execute.session import PlannedBlock, PlannedNote
from mkdocs_vault.index import VaultIndex
from test_serve import Server, _wait_for

# -- naming -------------------------------------------------------------------------------


def _planned(src_uri: str, outputs: list[str | None]) -> PlannedNote:
    note = VaultIndex().add_note(src_uri, "# x\n")
    blocks = [
        PlannedBlock(
            f"x = {n}", 10 * n + 2, Block(f"x = {n}", 10 * n + 2, BlockOptions(True, output=out))
        )
        for n, out in enumerate(outputs, start=1)
    ]
    return PlannedNote(note, blocks)


def test_a_block_is_named_after_its_output_option_or_its_note_and_position():
    planned = _planned("concepts/Softmax.md", [None, "softmax-temperatures", None])
    assert block_prefixes(planned) == ["Softmax-1", "softmax-temperatures", "Softmax-3"]


@pytest.mark.parametrize(
    ("prefix", "number", "extension", "expected"),
    [
        ("Softmax-1", 1, "svg", "Softmax-1.svg"),
        ("Softmax-1", 2, "svg", "Softmax-1-2.svg"),
        ("heat", 3, "png", "heat-3.png"),
    ],
)
def test_a_second_figure_of_a_block_adds_its_number(prefix, number, extension, expected):
    assert figure_name(prefix, number, extension) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Attention is All You Need! (2017)-1", "Attention is All You Need! (2017)-1"),
        ("a/b#c|d^e[f]", "a-b-c-d-e-f"),
        ("../up", "up"),
        ("###", "output"),
    ],
)
def test_names_lose_the_characters_a_wikilink_or_a_path_cannot_carry(text, expected):
    assert safe_name(text) == expected


@pytest.mark.parametrize(
    ("file_name", "found"),
    [
        ("Softmax-1.svg", ("Softmax-1", 1)),
        ("softmax-1.SVG", ("Softmax-1", 1)),  # Obsidian ignores case
        ("Softmax-1-2.svg", ("Softmax-1", 2)),
        ("curves-12.png", ("curves", 12)),
        ("Softmax-1-1.svg", None),  # the first figure has no number
        ("Softmax-2.svg", None),  # no such block
        ("Softmax-1.md", None),
    ],
)
def test_a_file_name_leads_back_to_its_block_and_figure(file_name, found):
    table = OutputTable.of([_planned("Softmax.md", [None]), _planned("Plots.md", ["curves"])])
    hit = table.lookup(file_name)
    assert (None if hit is None else (hit[0].prefix, hit[1])) == found


def test_two_blocks_with_the_same_output_name_are_reported_with_both_places():
    table = OutputTable.of([_planned("A.md", ["same"]), _planned("B.md", ["same"])])
    [(path, line, message, hint)] = table.problems
    assert (path, line) == ("B.md", 12)
    assert "'same' is also used by the block at A.md:12" in message
    assert "#| output" in hint


# -- writing the folder -------------------------------------------------------------------


def test_unchanged_files_are_not_rewritten_and_keep_their_mtime(tmp_path):
    folder = tmp_path / "_outputs"
    first = write_outputs(folder, {"a.svg": b"<svg>a</svg>", "b.svg": b"<svg>b</svg>"})
    assert first.written == ["a.svg", "b.svg"]
    old = time.time() - 3600
    for name in ("a.svg", "b.svg"):
        os.utime(folder / name, (old, old))
    second = write_outputs(folder, {"a.svg": b"<svg>a</svg>", "b.svg": b"<svg>B</svg>"})
    assert (second.written, second.unchanged) == (["b.svg"], ["a.svg"])
    assert (folder / "a.svg").stat().st_mtime == old
    assert (folder / "b.svg").read_bytes() == b"<svg>B</svg>"
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "a.svg", "b.svg"]  # no temp
    assert read_manifest(folder)["b.svg"] == hashlib.sha256(b"<svg>B</svg>").hexdigest()


def test_files_no_block_makes_any_more_are_removed_but_only_those_render_wrote(tmp_path):
    folder = tmp_path / "_outputs"
    write_outputs(folder, {"a.svg": b"a", "gone.svg": b"g", "kept.svg": b"k"})
    (folder / "mine.png").write_bytes(b"a writer's own file")
    summary = write_outputs(folder, {"a.svg": b"a"}, keep=lambda name: name == "kept.svg")
    assert summary.removed == ["gone.svg"]
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "a.svg", "kept.svg", "mine.png"]
    assert set(read_manifest(folder)) == {"a.svg", "kept.svg"}


def test_a_file_render_did_not_write_is_never_overwritten(tmp_path):
    folder = tmp_path / "_outputs"
    folder.mkdir()
    (folder / "plot.svg").write_bytes(b"drawn by hand")
    summary = write_outputs(folder, {"plot.svg": b"computed"})
    assert summary.refused == ["plot.svg"] and summary.written == []
    assert (folder / "plot.svg").read_bytes() == b"drawn by hand"


def test_nothing_to_write_creates_no_folder(tmp_path):
    summary = write_outputs(tmp_path / "_outputs", {})
    assert str(summary) == "0 written, 0 unchanged, 0 removed"
    assert not (tmp_path / "_outputs").exists()


# -- the command and the build ------------------------------------------------------------

CURVE = """# Curve

```python exec
#| caption: A line
import matplotlib.pyplot as plt
plt.plot([0, 1], [0, {slope}])
plt.figure()
plt.plot([0, 1], [1, 0])
```

![[Curve-1.svg]]

```python exec
#| output: parabola
plt.plot([0, 1, 2], [0, 1, 4])
```

The parabola, small: ![[parabola.svg|120]]
"""


def _notes_digest(vault) -> dict[str, str]:
    return {
        str(p.relative_to(vault)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(vault.rglob("*.md"))
    }


@pytest.fixture
def project(tmp_path):
    write_vault(tmp_path, {"Curve.md": CURVE.format(slope=2)})
    return write_config(tmp_path)


def _render(config, capsys) -> tuple[int, str]:
    code = main(["render", "-f", str(config)])
    return code, capsys.readouterr().out


def test_render_writes_every_figure_and_never_touches_a_note(project, capsys):
    vault = project.parent / "vault"
    notes = _notes_digest(vault)
    code, out = _render(project, capsys)
    assert code == 0
    assert "render: 3 written, 0 unchanged, 0 removed" in out
    names = sorted(p.name for p in (vault / "_outputs").iterdir())
    assert names == [MANIFEST, "Curve-1-2.svg", "Curve-1.svg", "parabola.svg"]
    assert (vault / "_outputs" / "Curve-1.svg").read_bytes().lstrip().startswith(b"<?xml")
    code, out = _render(project, capsys)
    assert code == 0 and "render: 0 written, 3 unchanged, 0 removed" in out
    assert _notes_digest(vault) == notes


def test_render_removes_the_files_of_a_block_that_is_gone(project, capsys):
    vault = project.parent / "vault"
    _render(project, capsys)
    note = vault / "Curve.md"
    note.write_text(note.read_text().replace("#| output: parabola", "#| output: curve"))
    code, out = _render(project, capsys)
    assert code == 0 and "1 written, 2 unchanged, 1 removed" in out
    assert not (vault / "_outputs" / "parabola.svg").exists()
    assert (vault / "_outputs" / "curve.svg").is_file()


def test_render_fails_on_a_failing_block_with_its_line_and_keeps_its_files(project, capsys):
    vault = project.parent / "vault"
    _render(project, capsys)
    note = vault / "Curve.md"
    note.write_text(CURVE.format(slope="1 / 0"))
    code, out = _render(project, capsys)
    assert code == 1
    assert "vault/Curve.md:6: snippet failed: ZeroDivisionError" in out
    assert "0 removed" in out and (vault / "_outputs" / "Curve-1.svg").is_file()


def test_the_site_shows_the_fresh_figure_where_the_note_embeds_it_and_only_there(project, capsys):
    _render(project, capsys)
    vault = project.parent / "vault"
    before = tree_digest(vault)
    build = run_build(project, strict=True)
    assert build.warnings == []
    assert tree_digest(vault) == before  # the build wrote nothing into the vault
    soup = build.soup("Curve.md")
    block_figures = soup.select(".vault-exec figure.vault-figure img")
    embedded = {img["data-output"]: img for img in soup.select("img.vault-output-embed")}
    assert sorted(embedded) == ["Curve-1.svg", "parabola.svg"]
    assert len(block_figures) == 1  # Curve-1-2.svg: made by the block, embedded nowhere
    shown = {build.site / "Curve" / img["src"] for img in block_figures}
    for name, img in embedded.items():
        site_file = (build.site / "Curve" / img["src"]).resolve()
        assert site_file.read_bytes() == (vault / "_outputs" / name).read_bytes()
        assert site_file not in {p.resolve() for p in shown}
    assert embedded["parabola.svg"]["width"] == "120"
    # Alone on its line, the embed is the block's figure with its caption.
    assert soup.select_one("figure.vault-output-figure figcaption").get_text() == "A line"
    assert not (build.site / "_outputs").exists()  # the folder is not published as files


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda path: path.write_bytes(path.read_bytes() + b"<!-- old -->"), "is stale"),
        (lambda path: path.unlink(), "is missing from _outputs/"),
    ],
)
def test_a_strict_build_fails_on_an_embedded_output_that_is_stale_or_missing(
    project, capsys, damage, message
):
    _render(project, capsys)
    damage(project.parent / "vault" / "_outputs" / "parabola.svg")
    with pytest.raises(Abort):
        run_build(project, strict=True)
    build = run_build(project)
    [warning] = build.warnings
    assert warning.startswith("mkdocs_vault: vault/Curve.md:18: embed 'parabola.svg'")
    assert message in warning
    assert warning.endswith("(run `python -m mkdocs_vault render`)")
    # The page still shows this build's figure.
    assert build.soup("Curve.md").select_one("img[data-output='parabola.svg']") is not None


def test_an_embed_of_a_figure_the_block_does_not_make_is_reported(project, capsys):
    _render(project, capsys)
    note = project.parent / "vault" / "Curve.md"
    note.write_text(note.read_text() + "\n![[parabola-2.svg]]\n")
    build = run_build(project)
    assert build.warnings == [
        "mkdocs_vault: vault/Curve.md:20: embed 'parabola-2.svg': the block at "
        "vault/Curve.md:15 makes 1 figure(s) (fix the embed, then run "
        "`python -m mkdocs_vault render`)"
    ]
    # Marked as every broken embed is (`render.broken`, as the conformance page shows it).
    page = (build.site / "Curve" / "index.html").read_text(encoding="utf-8")
    assert (
        '<span class="vault-link vault-link-broken vault-embed-broken" title="embed '
        "'parabola-2.svg': the block at vault/Curve.md:15 makes 1 figure(s)\">"
        "parabola-2.svg</span>"
    ) in page


def test_with_execution_off_an_embed_shows_the_file_as_it_is(project, capsys, monkeypatch):
    _render(project, capsys)
    stale = project.parent / "vault" / "_outputs" / "parabola.svg"
    stale.write_bytes(stale.read_bytes().replace(b"</svg>", b"<!-- old --></svg>"))
    monkeypatch.setenv("MKDOCS_VAULT_EXECUTE", "0")
    build = run_build(project, strict=True)
    assert build.warnings == []
    img = build.soup("Curve.md").select_one("img[alt='parabola.svg']")
    assert img["src"].endswith("_outputs/parabola.svg")
    assert (build.site / "Curve" / img["src"]).resolve().read_bytes() == stale.read_bytes()


def test_render_refuses_to_run_when_execution_is_off(project, capsys, monkeypatch):
    monkeypatch.setenv("MKDOCS_VAULT_EXECUTE", "0")
    code, out = _render(project, capsys)
    assert code == 2 and "execution is off" in out
    assert not (project.parent / "vault" / "_outputs").exists()


# -- serve ------------------------------------------------------------------------------


def test_rendering_while_serving_rebuilds_once_and_then_stays_quiet(tmp_path):
    write_vault(tmp_path, {"Curve.md": CURVE.format(slope=2)})
    config = write_config(tmp_path)
    server = Server(config, tmp_path / "serve.log")
    try:
        _wait_for(lambda: "parabola" in server.page(), what="first build")
        _wait_for(lambda: "snippets: executed" in server.log, what="first build's summary")
        assert "is missing from _outputs/" in server.log
        assert server.builds() == 1
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        rendered = subprocess.run(
            [sys.executable, "-m", "mkdocs_vault", "render", "-f", str(config)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert rendered.returncode == 0, rendered.stdout + rendered.stderr
        assert "3 written" in rendered.stdout
        _wait_for(lambda: server.builds() == 2, what="the rebuild after render")
        _wait_for(lambda: server.log.count("snippets: executed") == 2, what="its summary")
        time.sleep(4)  # a reload loop would show up as more builds in this quiet time
        assert server.builds() == 2
        assert server.log.count("is missing from _outputs/") == 2  # Curve-1 and parabola, once
        assert server.process.poll() is None
    finally:
        server.stop()
