"""Build one hostile case in a child `mkdocs build` with a time limit, and judge the result.

Why a child process rather than an in-process build with a watchdog: a hung build in
this process could not be stopped (Python cannot kill a thread), and a crash would take
the test runner with it. A child is killed at its limit, its exit code tells a crash
from a warning, and it builds exactly as a user's `mkdocs build` does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from helpers import tree_digest, write_config, write_vault

from hostile.cases import FORBIDDEN_IN_SITE, SECRET_MARKER, Case
from hostile.snippet_cases import LINGER

_WARNING_RE = re.compile(r"^WARNING\s+-\s+(?:mkdocs_vault:\s+)?(?P<message>.*)$")


@dataclass
class Outcome:
    """What building one case did."""

    case: Case
    case_root: Path
    seconds: float
    returncode: int | None  # None: killed at the time limit
    warnings: list[str] = field(default_factory=list)
    stderr: str = ""
    leaked: list[str] = field(default_factory=list)  # site files holding a forbidden string
    left_running: list[int] = field(default_factory=list)  # processes a snippet left behind
    payload_ran: list[str] = field(default_factory=list)  # where chromium ran a vault's script
    vault_unchanged: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def handled(self) -> bool:
        """The build finished in time, said exactly what was expected, leaked and changed nothing."""
        return not self.problems


def prepare(case: Case, root: Path) -> Path:
    """Write the case's vault under `root/vault`, the secret next to it, and an mkdocs.yml."""
    (root / "secret.md").write_text(f"# Secret\n\n{SECRET_MARKER}\n", encoding="utf-8")
    (root / "secret.txt").write_text(f"{SECRET_MARKER}\n", encoding="utf-8")
    vault = write_vault(root, {})
    for name, content in case.notes.items():
        path = vault / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    if case.make is not None:
        case.make(vault)
    vault_entry = {"vault": case.options} if case.options else "vault"
    return write_config(
        root, theme=case.theme, plugins=(vault_entry, *case.plugins), extra=case.config or None
    )


def command(config: Path) -> list[str]:
    """The build each case runs: the real CLI, non-strict so every warning is listed."""
    return [sys.executable, "-m", "mkdocs", "build", "-f", str(config)]


def run_case(case: Case, root: Path) -> Outcome:
    """Build `case` under `root` (an empty folder) and check every reliability promise."""
    config = prepare(case, root)
    vault = root / "vault"
    before = tree_digest(vault)
    execute = "1" if case.execute else "0"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MKDOCS_VAULT_EXECUTE": execute}
    start = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            command(config),
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=case.timeout,
            check=False,
        )
        returncode, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired as expired:
        returncode = None
        stderr = expired.stderr.decode(errors="replace") if expired.stderr else ""
    seconds = time.perf_counter() - start
    outcome = Outcome(case, root, seconds, returncode, stderr=stderr)
    outcome.warnings = [
        m.group("message") for line in stderr.splitlines() if (m := _WARNING_RE.match(line))
    ]
    outcome.leaked = _leaks(root / "site")
    outcome.vault_unchanged = tree_digest(vault) == before
    outcome.left_running = lingering_processes(root)
    if case.browser and returncode == 0:
        from hostile.browser_check import payloads_run

        outcome.payload_ran = payloads_run(root / "site", case.search)
    outcome.problems = _problems(outcome)
    return outcome


def is_running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be collected by init is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return False


def lingering_processes(root: Path) -> list[int]:
    """Live processes whose command line carries `LINGER` (what hostile snippets start)
    and whose working folder is under `root` (this case's, not a neighbour's still building)."""
    found = []
    marker = LINGER.encode()
    inside = str(root.resolve()) + os.sep
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if marker not in cmdline.read():
                    continue
            cwd = os.readlink(f"/proc/{entry}/cwd") + os.sep
        except OSError:
            continue  # gone meanwhile
        if cwd.startswith(inside) and is_running(int(entry)):
            found.append(int(entry))
    return found


def _leaks(site: Path) -> list[str]:
    found = []
    if not site.is_dir():
        return found
    for path in site.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(marker.encode() in data for marker in FORBIDDEN_IN_SITE):
                found.append(str(path.relative_to(site)))
        elif path.is_symlink():
            found.append(f"{path.relative_to(site)} (a symlink)")
    return found


def _problems(outcome: Outcome) -> list[str]:
    problems = []
    if outcome.returncode is None:
        problems.append(f"build did not finish within {outcome.case.timeout:.0f} s")
    elif outcome.returncode != 0:
        tail = "\n".join(outcome.stderr.splitlines()[-5:])
        problems.append(f"build failed with exit code {outcome.returncode}: {tail}")
    unmatched = list(outcome.warnings)
    for location, fragment in outcome.case.expect:
        hit = next((w for w in unmatched if w.startswith(location) and fragment in w), None)
        if hit is None:
            problems.append(f"no warning at {location} containing {fragment!r}")
        else:
            unmatched.remove(hit)
    tolerated = outcome.case.tolerate
    problems.extend(
        f"unexpected warning: {w}" for w in unmatched if not (tolerated and tolerated in w)
    )
    site = outcome.case_root / "site"
    for marker in outcome.case.forbid:
        injected = [
            str(p.relative_to(site))
            for p in site.rglob("*.html")
            if marker in p.read_text(encoding="utf-8", errors="replace")
        ]
        if injected:
            problems.append(f"{marker!r} reached the HTML of {injected}")
    if outcome.leaked:
        problems.append(f"outside content reached the site: {outcome.leaked}")
    if not outcome.vault_unchanged and not outcome.case.changes_vault:
        problems.append("the build changed the vault")
    if outcome.payload_ran:
        problems.append(f"a vault's script ran in the browser: {outcome.payload_ran}")
    if outcome.left_running:
        problems.append(f"processes left running after the build: {outcome.left_running}")
    return problems


def clean(root: Path) -> None:
    """Remove a case's folder (symlinks are removed, never followed)."""
    shutil.rmtree(root, ignore_errors=True)
