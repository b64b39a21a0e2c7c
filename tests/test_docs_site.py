"""The docs build strictly as their own site, and the README's links and example hold.

The README is the front door and `docs/` holds the rest, read on GitHub and as a MkDocs site
(`mkdocs-docs.yml`). A page moved or renamed, a heading reworded or a page forgotten in the
nav leaves a dead link nothing else would notice, so the site is built the way `mkdocs
build --strict` builds it, in a child process, with MkDocs' validation set to warn on each of
those; and the README's own links must name files of the repository.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import run_build
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
DOCS_CONFIG = ROOT / "mkdocs-docs.yml"
DOCS = ROOT / "docs"
README = ROOT / "README.md"


def _mkdocs_build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of `config` into `site`, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    site = tmp_path_factory.mktemp("docs") / "site"
    return _mkdocs_build(DOCS_CONFIG, site), site


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.md"))


def test_the_docs_site_builds_strict_with_no_warning(docs_site):
    done, site = docs_site
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    assert (site / "index.html").is_file()


def test_every_page_of_docs_is_built(docs_site):
    _, site = docs_site
    for page in _pages(DOCS):
        stem = page.relative_to(DOCS).with_suffix("")
        folder = stem.parent if stem.name == "index" else stem
        built = site / folder / "index.html"
        assert built.is_file(), f"{page.relative_to(ROOT)} has no page in the site"


def test_the_docs_site_loads_nothing_from_another_origin(docs_site):
    _, site = docs_site
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["script", "link", "img", "iframe", "source"]):
            if tag.name == "link" and "stylesheet" not in (tag.get("rel") or []):
                continue  # a hyperlink, not something the page loads
            url = tag.get("src") or tag.get("href") or ""
            assert not urlsplit(url).scheme and not url.startswith("//"), (page, url)


def test_the_bench_reference_is_included_from_bench_not_copied(docs_site):
    _, site = docs_site
    for page, source in (("benchmarks", "README.md"), ("bench-exec", "README-exec.md")):
        html = (site / "contributing" / page / "index.html").read_text(encoding="utf-8")
        first_heading = (ROOT / "bench" / source).read_text(encoding="utf-8").splitlines()[0]
        assert first_heading.lstrip("# ") in html


def test_a_strict_docs_build_fails_on_a_broken_link_a_missing_anchor_and_a_page_off_the_nav(
    tmp_path,
):
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copytree(ROOT / "bench", tmp_path / "bench", ignore=shutil.ignore_patterns("*.py"))
    shutil.copy(DOCS_CONFIG, tmp_path / DOCS_CONFIG.name)
    index = tmp_path / "docs" / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8")
        + "\n[gone](user/no-such-page.md) and [no anchor](user/limits.md#no-such-heading)\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "user" / "stray.md").write_text("# Stray\n", encoding="utf-8")
    done = _mkdocs_build(tmp_path / DOCS_CONFIG.name, tmp_path / "site")
    assert done.returncode != 0
    assert "no-such-page.md" in done.stderr
    assert "#no-such-heading" in done.stderr
    assert "user/stray.md" in done.stderr


def _hook():
    spec = importlib.util.spec_from_file_location("docs_gfm_tables", DOCS / "_gfm_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("| `[[Note\\|text]]` | x |", "| `[[Note|text]]` | x |"),
        ("| ``a`\\|`b`` | x |", "| ``a`|`b`` | x |"),
        ("| a \\| b | x |", "| a \\| b | x |"),  # outside code Python-Markdown unescapes it
        ("`[[Note\\|text]]` in a paragraph", "`[[Note\\|text]]` in a paragraph"),
        ("```\n| `a\\|b` |\n```", "```\n| `a\\|b` |\n```"),
        ("````\n```\n| `a\\|b` |\n````\n| `a\\|b` |", "````\n```\n| `a\\|b` |\n````\n| `a|b` |"),
    ],
)
def test_a_pipe_escaped_in_a_table_cells_code_reads_as_on_github(markdown, expected):
    assert _hook().on_page_markdown(markdown) == expected


def _readme_links() -> list[str]:
    tokens = MarkdownIt("commonmark").parse(README.read_text(encoding="utf-8"))
    links = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                links.append(child.attrGet("href"))
            elif child.type == "image":
                links.append(child.attrGet("src"))
    return links


def test_every_relative_link_of_the_readme_names_a_file_of_the_repository():
    relative = [link for link in _readme_links() if not urlsplit(link).scheme]
    assert any(link.startswith("docs/") for link in relative), "the README links into docs/"
    for link in relative:
        path = unquote(urlsplit(link).path)
        if path:  # a bare `#anchor` is the README itself
            assert (ROOT / path).exists(), f"README.md links to {link!r}: no such file"


def test_every_page_of_docs_is_reachable_from_the_readme_or_the_docs_home():
    linked = {ROOT / unquote(urlsplit(link).path) for link in _readme_links()}
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    linked |= {DOCS / unquote(m) for m in re.findall(r"\]\(([^)#\s]+\.md)", home)}
    missing = [p.relative_to(ROOT) for p in _pages(DOCS) if p not in linked]
    assert not missing, f"neither README.md nor docs/index.md links to {missing}"


def test_the_readme_shows_the_command_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    fences = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    commands = [line.split("#")[0].strip() for fence in fences for line in fence.splitlines()]
    assert ci in commands, f".ci/run runs {ci!r}; the README's quick start must show it"


def test_the_readmes_example_configuration_builds_a_vault_strictly(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README shows an mkdocs.yml"
    config = yaml.safe_load(blocks[0])
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "index.md").write_text("# Home\n\nSee [[Other note#Part]].\n", encoding="utf-8")
    (vault / "Other note.md").write_text("# Other\n\n## Part\n\n$x^2$\n", encoding="utf-8")
    config["docs_dir"] = "vault"
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build = run_build(tmp_path / "mkdocs.yml", strict=True)
    assert build.warnings == []
    assert 'href="Other%20note/#part"' in build.html("index.md")


def _named_files(text: str) -> set[str]:
    return set(re.findall(r"`([\w./-]+\.py)`", text))


def test_every_python_file_the_docs_name_exists():
    """The architecture names modules: moving one without the docs leaves them wrong."""
    package = ROOT / "plugins" / "mkdocs_vault"
    known = {p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/**/*.py")}
    known |= {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    names = {Path(p).name for p in known}
    for page in _pages(DOCS):
        for named in _named_files(page.read_text(encoding="utf-8")):
            found = named in known if "/" in named else named in names
            assert found, f"{page.relative_to(ROOT)} names {named!r}, which is not in the repository"
