"""The plugin is a thin adapter over features that do not depend on each other."""

from __future__ import annotations

import ast
from pathlib import Path

import mkdocs_vault.features as features
import mkdocs_vault.plugin as plugin_module
import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from mkdocs_vault.features.base import Feature

FEATURES_DIR = Path(features.__file__).parent
NOTES = {
    "Home.md": "---\ncssclasses: [wide]\ntags: [start]\n---\n# Home\n\nSee [[Other#Part]] #idea\n",
    "Other.md": "# Other\n\n## Part\n\nText.\n",
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            names.add(("." * node.level) + (node.module or ""))
    return names


def test_every_feature_is_a_feature_and_listed_once():
    assert all(issubclass(feature, Feature) for feature in features.FEATURES)
    assert len(set(features.FEATURES)) == len(features.FEATURES)
    modules = {p.stem for p in FEATURES_DIR.glob("*.py")} - {"__init__", "base"}
    assert modules == {feature.__module__.rsplit(".", 1)[1] for feature in features.FEATURES}


@pytest.mark.parametrize("module", sorted(p.name for p in FEATURES_DIR.glob("*.py") if p.stem not in ("__init__", "base")))
def test_no_feature_imports_another(module):
    imported = _imported_modules(FEATURES_DIR / module)
    siblings = {name for name in imported if name.startswith(".") and not name.startswith("..")}
    assert siblings <= {".base"}, f"{module} imports {siblings - {'.base'}}"


@pytest.mark.parametrize("removed", features.FEATURES, ids=lambda f: f.__name__)
def test_the_site_builds_without_any_one_feature(tmp_path, monkeypatch, removed):
    kept = tuple(f for f in features.FEATURES if f is not removed)
    monkeypatch.setattr(plugin_module, "FEATURES", kept)
    build = build_vault(tmp_path, NOTES, theme="material")
    assert build.warnings == [], build.warnings
    page = BeautifulSoup((build.site / "Home" / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = page.find("a", class_="vault-link")
    assert link is not None and link["href"].endswith("#part")  # the core still resolves links
    assert ("wide" in page.find("article")["class"]) == (removed.__name__ != "CssClasses")
