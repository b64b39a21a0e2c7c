"""Publishing: the site works from a sub-path (a GitHub Pages project site), `mkdocs
gh-deploy` pushes it to a gh-pages branch, and the Pages workflow builds it strictly."""

import functools
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from browser import PageProblems, chromium
from helpers import copy_project, run_build

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
SUB = "/attention-computed/"  # like https://<user>.github.io/attention-computed/
UNDECODED_IMAGES = (
    "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
)


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site under SUB only, as GitHub Pages serves a project site."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(SUB):
            return str(Path(self.directory) / "missing" / "nothing-outside-the-sub-path")
        return super().translate_path("/" + path[len(SUB) :])

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve_under_sub_path(directory: Path):
    handler = functools.partial(_SubPathHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_site_works_from_a_sub_path(tmp_path, monkeypatch):
    config = copy_project(tmp_path)
    with serve_under_sub_path(tmp_path / "site") as base:
        monkeypatch.setenv("SITE_URL", base)
        build = run_build(config, strict=True)
        assert build.warnings == []
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems = PageProblems(page)
            page.goto(base, wait_until="networkidle")
            assert page.title().startswith("Attention, computed")
            link = page.locator("article a.vault-link[href*='Softmax']").first
            link.click()
            # (navigation.tracking may add the hash of a heading in view)
            page.wait_for_url(lambda url: url.startswith(base + "concepts/Softmax/"))
            # Instant navigation changes the URL before it swaps the content in.
            page.wait_for_function(
                "document.querySelector('article h1')?.innerText.startsWith('Softmax')"
            )
            page.wait_for_load_state("networkidle")
            figure = page.locator("figure.vault-figure img").first
            figure.scroll_into_view_if_needed()
            assert page.evaluate(UNDECODED_IMAGES) == []
            assert page.locator("article .arithmatex .katex").count() > 0
            # Search loads its index from the sub-path too, and its results stay under it.
            page.locator("input.md-search__input").click()
            page.keyboard.type("SDPA")
            result = page.locator(".md-search-result__item a").first
            result.wait_for(state="visible", timeout=10_000)
            assert result.get_attribute("href").startswith(base + "concepts/")
            # A page opened directly (not through instant navigation) finds its assets too.
            page.goto(base + "concepts/Positional%20encoding/", wait_until="networkidle")
            assert page.evaluate(UNDECODED_IMAGES) == []
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "sub-path-page.png"))
            assert problems.items == []


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def test_gh_deploy_pushes_the_built_site_to_a_gh_pages_branch(tmp_path):
    remote = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    git("init", "-q", "-b", "main", cwd=project)
    git("add", ".", cwd=project)
    git("commit", "-q", "-m", "course", cwd=project)
    git("remote", "add", "pages", str(remote), cwd=project)
    env = {**os.environ, "SITE_URL": "https://example.github.io/attention-computed/"}
    env.update({k: "test" for k in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME")})
    env.update({k: "t@example.invalid" for k in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")})
    deploy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "gh-deploy",
            "--strict",
            "--force",
            "--no-history",
            "--remote-name",
            "pages",
            "--message",
            "Deploy {sha}",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert deploy.returncode == 0, deploy.stderr[-3000:]
    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split("\n"))
    assert {"index.html", ".nojekyll", "sitemap.xml", "search/search_index.json"} <= files
    assert "assets/mkdocs_vault/katex/katex.min.js" in files
    assert any(f.startswith("assets/vault-exec/") for f in files)  # the computed figures
    message = git("log", "-1", "--format=%s", "gh-pages", cwd=remote).strip()
    assert message.startswith("Deploy ")  # {sha}: the source commit the site was built from
    assert git("rev-parse", "HEAD", cwd=project).startswith(message.removeprefix("Deploy "))
    sitemap = git("show", "gh-pages:sitemap.xml", cwd=remote)
    assert "https://example.github.io/attention-computed/concepts/Softmax/" in sitemap
    # The deploy built into site/ of the project; the vault and the branch there are untouched.
    assert git("status", "--porcelain", "--", "vault", cwd=project) == ""
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=project).strip() == "main"


def test_the_pages_workflow_builds_strictly_and_deploys_with_the_official_actions():
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/setup-python"} <= set(
        uses
    )
    # `./dev build` installs exactly as for development (the project, then the course's
    # model package with --no-deps) and runs a strict build: the two cannot drift apart.
    assert "./dev build" in runs
    dev = (REPO / "dev").read_text(encoding="utf-8")
    assert 'exec "$VENV/bin/mkdocs" build --strict' in dev and "--no-deps" in dev
    build_step = next(s for s in steps if "./dev build" in s.get("run", ""))
    assert "SITE_URL" in build_step["env"]
    permissions = workflow["jobs"]["deploy"].get("permissions") or workflow.get("permissions")
    assert permissions["pages"] == "write" and permissions["id-token"] == "write"
