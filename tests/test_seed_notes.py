"""The owner's real notes (../shared/seed-notes) build and every dangling reference is reported."""

import re
import shutil
from pathlib import Path

import pytest
from helpers import run_build, tree_digest, write_config

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed-notes"
pytestmark = pytest.mark.skipif(not SEED.is_dir(), reason=f"seed notes not found at {SEED}")

# Independent oracle: the simplest possible reading of the seed files. None of their
# link targets exist in a vault made of just these five files.
_LINK = re.compile(r"(!?)\[\[([^\]|#]+)")


def _expected() -> list[tuple[str, int, str, str]]:
    expected = []
    for path in sorted(SEED.glob("0*.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _LINK.finditer(line):
                name = match.group(2).strip()
                kind = "attachment" if match.group(1) and "." in name else "note"
                expected.append((path.name, number, kind, name))
    return expected


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed")
    (root / "vault").mkdir()
    for path in SEED.glob("0*.md"):
        shutil.copy(path, root / "vault" / path.name)
    before = tree_digest(root / "vault")
    build = run_build(write_config(root))
    build.unchanged = tree_digest(root / "vault") == before
    return build


def test_seed_vault_builds_and_reports_every_missing_note_and_image(seed_build):
    expected = _expected()
    assert len(expected) == 51  # 8 + 2 + 2 distinct note names, 39 pasted images/photos
    for file, line, kind, name in expected:
        needle = f"vault/{file}:{line}: {kind} '{name}' not found"
        assert any(needle in w for w in seed_build.warnings), needle
    assert len(seed_build.warnings) == len(expected)


def test_seed_notes_render_math_tab_lists_and_cyrillic(seed_build):
    pages = [seed_build.html(f"{p.stem}.md") for p in sorted(SEED.glob("0*.md"))]
    everything = "\n".join(pages)
    assert everything.count('class="arithmatex"') > 20
    assert re.search(r"[А-Яа-я]{4,}", everything)
    # a tab-indented list becomes a nested list, not a code block
    assert re.search(r"<li>[^<]*(<[^>]+>[^<]*)*<ul>", pages[1])
    assert seed_build.unchanged
