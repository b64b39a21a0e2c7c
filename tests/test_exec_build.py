"""Executable notes in a real build: outputs on the page, cache, errors, opt-out."""

import pytest
from helpers import build_vault, run_build, write_config, write_vault
from mkdocs.exceptions import Abort

DEMO = """# Demo

```python exec
#| caption: A parabola
import numpy as np
import matplotlib.pyplot as plt
x = np.linspace(0, 1, 5)
print("sum", x.sum())
plt.plot(x, x ** 2)
```

```python exec
x.reshape(1, 5)
```

```python
print("plain code, never run")
```
"""


def _executed(build) -> int:
    return build.config.plugins["vault"].session.executed_blocks


def test_outputs_figures_and_matrices_appear_after_their_block(tmp_path):
    build = build_vault(tmp_path, {"Demo.md": DEMO})
    assert build.warnings == []
    soup = build.soup("Demo.md")
    assert soup.select_one(".vault-stdout").get_text() == "sum 2.5\n"
    figure = soup.select_one("figure.vault-figure")
    assert figure.img["alt"] == "A parabola" and figure.figcaption.get_text() == "A parabola"
    assert (build.site / "Demo" / figure.img["src"]).resolve().is_file()
    assert soup.select_one("table.vault-matrix")["data-shape"] == "1×5"
    assert len(soup.select(".vault-exec")) == 2  # the unmarked block is plain code
    assert "Line2D" not in soup.get_text()


def test_a_second_build_with_nothing_changed_executes_nothing(tmp_path):
    first = build_vault(tmp_path, {"Demo.md": DEMO})
    assert _executed(first) == 2
    second = run_build(tmp_path / "mkdocs.yml")
    assert _executed(second) == 0
    assert second.soup("Demo.md").select_one(".vault-stdout").get_text() == "sum 2.5\n"


def _write_helper(root, source: str) -> None:
    """`snippets/helper.py` next to mkdocs.yml, with `source` as its text."""
    (root / "snippets").mkdir(exist_ok=True)
    (root / "snippets" / "__init__.py").write_text("", encoding="utf-8")
    (root / "snippets" / "helper.py").write_text(source, encoding="utf-8")


def test_editing_a_snippets_module_reruns_the_notes_that_imported_it(tmp_path):
    write_vault(tmp_path, {
        "Uses.md": "```python exec\nfrom snippets.helper import VALUE\nVALUE\n```\n",
        "Other.md": "```python exec\n40 + 2\n```\n",
    })
    _write_helper(tmp_path, "VALUE = 1\n")
    config = write_config(tmp_path)
    assert _executed(run_build(config)) == 2
    _write_helper(tmp_path, "VALUE = 2\n")
    build = run_build(config)
    assert _executed(build) == 1
    assert build.soup("Uses.md").select_one(".vault-repr").get_text() == "2"


def test_a_raising_block_is_a_warning_at_its_note_line_and_fails_strict(tmp_path):
    notes = {"Bad.md": "# Bad\n\n```python exec\nvalues = [1, 2]\nvalues[5]\n```\n"}
    build = build_vault(tmp_path, notes)
    assert build.warnings == [
        "mkdocs_vault: vault/Bad.md:5: snippet failed: IndexError: list index out of range "
        "(see the traceback on the page)"
    ]
    assert 'File "vault/Bad.md", line 5' in build.soup("Bad.md").select_one(".vault-error").get_text()
    with pytest.raises(Abort):
        run_build(tmp_path / "mkdocs.yml", strict=True)


def test_with_execution_off_blocks_show_cached_output_or_say_they_did_not_run(tmp_path, monkeypatch):
    monkeypatch.setenv("MKDOCS_VAULT_EXECUTE", "0")
    build = build_vault(tmp_path, {"Demo.md": DEMO})
    assert build.warnings == []
    soup = build.soup("Demo.md")
    assert len(soup.select(".vault-not-executed")) == 2 and "sum 2.5" not in soup.get_text()
    assert _executed(build) == 0
    monkeypatch.setenv("MKDOCS_VAULT_EXECUTE", "1")
    run_build(tmp_path / "mkdocs.yml")  # fills the cache
    monkeypatch.setenv("MKDOCS_VAULT_EXECUTE", "0")
    build = run_build(tmp_path / "mkdocs.yml")
    assert _executed(build) == 0
    assert build.soup("Demo.md").select_one(".vault-stdout").get_text() == "sum 2.5\n"


def test_scratch_files_never_land_in_the_vault(tmp_path):
    notes = {"Writer.md": "```python exec\nopen('stray.txt', 'w').write('x')\nimport matplotlib.pyplot as plt\nplt.plot([1]); plt.savefig('stray.png')\n```\n"}
    build = build_vault(tmp_path, notes)
    assert not list((tmp_path / "vault").rglob("stray*"))
    assert list((tmp_path / ".cache").rglob("stray.txt"))
    assert build.warnings == []


def test_check_command_prints_problems_and_fails_and_clear_cache_empties_it(tmp_path, monkeypatch, capsys):
    from mkdocs_vault.__main__ import main

    write_vault(tmp_path, {"Bad.md": "[[Nowhere]]\n\n```python exec\n1/0\n```\n", "Good.md": "```python exec\n2\n```\n"})
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "vault/Bad.md:1: note 'Nowhere' not found" in out
    assert "vault/Bad.md:4: snippet failed: ZeroDivisionError" in out
    assert not (tmp_path / "site").exists()  # check builds into a temporary folder
    assert (tmp_path / ".cache" / "mkdocs_vault").is_dir()
    assert main(["clear-cache"]) == 0
    assert not (tmp_path / ".cache" / "mkdocs_vault").exists()
    (tmp_path / "vault" / "Bad.md").unlink()
    assert main(["check"]) == 0


def test_a_labelled_block_is_a_link_target(tmp_path):
    notes = {
        "Fig.md": "# Fig\n\n```python exec\n#| label: fig-curve\nprint('x')\n```\n",
        "Home.md": "See [[Fig#fig-curve]].\n",
    }
    build = build_vault(tmp_path, notes)
    assert build.warnings == []
    assert build.soup("Home.md").find("a", class_="vault-link")["href"] == "../Fig/#fig-curve"
    assert build.soup("Fig.md").find(id="fig-curve") is not None


@pytest.mark.parametrize(
    ("label", "published"),
    [("__search", "user-content-__search"), ("my figure", "my-figure")],
    ids=["shadows-the-theme", "holds-a-space"],
)
def test_a_label_the_page_cannot_carry_as_is_is_linked_under_its_safe_id(tmp_path, label, published):
    notes = {
        "Fig.md": f"# Fig\n\n```python exec\n#| label: {label}\nprint('x')\n```\n",
        "Home.md": f"See [[Fig#{label}]].\n",
    }
    build = build_vault(tmp_path, notes)
    assert build.warnings == []
    assert build.soup("Home.md").find("a", class_="vault-link")["href"] == f"../Fig/#{published}"
    assert build.soup("Fig.md").find(id=published) is not None


def test_a_data_file_beside_the_note_is_part_of_the_cache_key(tmp_path):
    notes = {"Data.md": "```python exec\nprint(open(NOTE_DIR / 'values.csv').read().strip())\n```\n"}
    write_vault(tmp_path, notes)
    (tmp_path / "vault" / "values.csv").write_text("1,2,3\n", encoding="utf-8")
    config = write_config(tmp_path)
    assert _executed(run_build(config)) == 1
    assert _executed(run_build(config)) == 0
    (tmp_path / "vault" / "values.csv").write_text("4,5,6\n", encoding="utf-8")
    build = run_build(config)
    assert _executed(build) == 1
    assert build.soup("Data.md").select_one(".vault-stdout").get_text() == "4,5,6\n"


FOUR_BLOCKS = """# Steps

```python exec
import numpy as np
base = np.arange(3)
def grow(v):
    return v * factor
```

```python exec
factor = 2
```

```python exec
factor = {factor}
```

```python exec
grow(base).tolist()
```
"""


def test_editing_one_block_reruns_that_note_from_the_edited_block_on(tmp_path):
    first = build_vault(tmp_path, {"Steps.md": FOUR_BLOCKS.format(factor=3)})
    assert _executed(first) == 4
    (tmp_path / "vault" / "Steps.md").write_text(FOUR_BLOCKS.format(factor=5), encoding="utf-8")
    second = run_build(tmp_path / "mkdocs.yml")
    assert _executed(second) == 2  # blocks 3 and 4; 1 and 2 come from the cache
    assert second.soup("Steps.md").select_one(".vault-repr").get_text() == "[0, 5, 10]"


def test_a_snippets_module_change_reruns_from_the_first_block_that_imported_it(tmp_path):
    write_vault(tmp_path, {"Late.md": (
        "```python exec\nx = 1\n```\n\n"
        "```python exec\nfrom snippets.helper import VALUE\n```\n\n"
        "```python exec\nx + VALUE\n```\n"
    )})
    _write_helper(tmp_path, "VALUE = 1\n")
    config = write_config(tmp_path)
    assert _executed(run_build(config)) == 3
    _write_helper(tmp_path, "VALUE = 10\n")
    build = run_build(config)
    assert _executed(build) == 2
    assert build.soup("Late.md").select_one(".vault-repr").get_text() == "11"


def test_a_failing_block_reruns_alone_and_the_blocks_before_it_stay_cached(tmp_path):
    note = "```python exec\na = 1\n```\n\n```python exec\nb = a / {d}\n```\n\n```python exec\nb\n```\n"
    build = build_vault(tmp_path, {"Div.md": note.format(d=0)})
    assert _executed(build) == 2 and len(build.warnings) == 1
    again = run_build(tmp_path / "mkdocs.yml")
    assert _executed(again) == 1 and len(again.warnings) == 1
    (tmp_path / "vault" / "Div.md").write_text(note.format(d=4), encoding="utf-8")
    fixed = run_build(tmp_path / "mkdocs.yml")
    assert _executed(fixed) == 2 and fixed.warnings == []
    assert fixed.soup("Div.md").select_one(".vault-repr").get_text() == "0.25"


def test_a_long_run_logs_its_progress(tmp_path, monkeypatch):
    from mkdocs_vault.execute import session

    monkeypatch.setattr(session, "PROGRESS_EVERY_SECONDS", 0.0)
    notes = {f"N{i}.md": "```python exec\n1\n```\n\n```python exec\n2\n```\n" for i in range(3)}
    build = build_vault(tmp_path, notes)
    messages = [r.getMessage() for r in build.records]
    assert "mkdocs_vault: snippets: 6 blocks to execute, 0 cached" in messages
    progress = [m for m in messages if "blocks, 0 cached" in m and "executed" in m]
    assert progress[-1] == "mkdocs_vault: snippets: executed 6/6 blocks, 0 cached"
    assert len(progress) == 3  # one line per finished note here
