"""Build real MkDocs sites from small vaults, in-process, and read what they produced."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from mkdocs_vault.build_api import build_site

MARKDOWN_EXTENSIONS = [
    {"toc": {"permalink": True}},
    "tables",
    "attr_list",
    "md_in_html",
    "pymdownx.superfences",
    {"pymdownx.arithmatex": {"generic": True}},
]
SLUGIFY_TAG = "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}"


@dataclass
class Build:
    """A finished build: where it is and what it logged."""

    root: Path
    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    config: object = None

    @property
    def warnings(self) -> list[str]:
        """Every WARNING (or worse) message, as MkDocs would print it."""
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]

    def page_path(self, src_uri: str) -> Path:
        """The built HTML file of a note (directory URLs)."""
        stem = src_uri[: -len(".md")]
        if Path(stem).name == "index":
            return self.site / Path(stem).parent / "index.html"
        return self.site / stem / "index.html"

    def html(self, src_uri: str) -> str:
        """The article HTML of a built note."""
        soup = BeautifulSoup(self.page_path(src_uri).read_text(encoding="utf-8"), "html.parser")
        article = soup.find("article") or soup.find("div", {"role": "main"}) or soup.body
        return str(article)

    def soup(self, src_uri: str) -> BeautifulSoup:
        """The article of a built note, parsed."""
        return BeautifulSoup(self.html(src_uri), "html.parser")


def write_vault(root: Path, notes: dict[str, str | bytes]) -> Path:
    """Write `{path: content}` under `root/vault` (text is dedented)."""
    vault = root / "vault"
    for name, content in notes.items():
        path = vault / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    vault.mkdir(parents=True, exist_ok=True)
    return vault


def write_config(root: Path, theme: str = "mkdocs", plugins=("vault",), extra: dict | None = None) -> Path:
    """An mkdocs.yml next to `root/vault` using the pymdownx Unicode slugify."""
    config = {
        "site_name": "Test vault",
        "docs_dir": "vault",
        "site_dir": "site",
        "theme": {"name": theme},
        "plugins": list(plugins),
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    if extra:
        config.update(extra)
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    text = text.replace("- toc:\n    permalink: true\n", f"- toc:\n    permalink: true\n    slugify: {SLUGIFY_TAG}\n")
    path = root / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def run_build(config_file: Path, strict: bool = False) -> Build:
    """Build in this process (`build_api.build_site`), from the config's folder, collecting
    every log record."""
    cwd = os.getcwd()
    try:
        os.chdir(config_file.parent)
        result = build_site(config_file, strict=strict)
    finally:
        os.chdir(cwd)
    return Build(config_file.parent, config_file.parent / "site", result.records, result.config)


def build_vault(root: Path, notes: dict[str, str | bytes], **config) -> Build:
    """Write a vault and build it."""
    write_vault(root, notes)
    return run_build(write_config(root, **config))


REPO = Path(__file__).resolve().parents[1]


def copy_project(root: Path) -> Path:
    """Our site (mkdocs.yml, vault/, snippets/) copied under `root`, so builds write nothing here.

    Returns the copied mkdocs.yml.
    """
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "vault", root / "vault")
    shutil.copytree(REPO / "snippets", root / "snippets")
    return root / "mkdocs.yml"


def tree_digest(folder: Path) -> str:
    """Hash of every file's path and bytes under `folder`: proves a build wrote nothing there."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()
