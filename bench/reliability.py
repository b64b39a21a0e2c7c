#!/usr/bin/env python3
"""Hostile-vault reliability run for the ``vault`` MkDocs plugin (issues 6 and 16).

Run from the repository root::

    python bench/reliability.py                    # every case of tests/hostile/corpus.py
    python bench/reliability.py --skip big-note    # without the 50 MB note (a few seconds less)
    python bench/reliability.py --only yaml-bomb,embed-cycle --keep bench/out-reliability

It builds every case of the hostile corpus (the same ``Case`` tables, hostile vaults and
hostile snippets, and the same runner that ``tests/test_hostile_vaults.py`` asserts on) in
a fresh ``mkdocs build`` child with the case's time limit, and prints how many cases were
handled as expected (finished in time, exactly the expected ``file:line`` warnings,
nothing from outside the vault in the site, the vault unchanged, no process left
running, no payload run when chromium opens the site), the longest build and its case,
whether every vault hashed the same before and after its build, whether any vault's script
ran in the browser, and whether snippets ran under the Landlock sandbox. Exits 0
always: it reports, the tests judge.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile.corpus import ALL_CASES  # noqa: E402 (the tests folder is put on the path above)
from hostile.runner import command, run_case  # noqa: E402
from machine import load_average, machine_line, versions_line  # noqa: E402
from mkdocs_vault.execute.sandbox import abi_version  # noqa: E402


def print_machine() -> None:
    print(machine_line())
    print(versions_line(["mkdocs", "pymdown-extensions", "Markdown", "PyYAML", "mkdocs-vault"]))
    print(f"command : {shlex.join(getattr(sys, 'orig_argv', [sys.executable, *sys.argv]))}")
    print(f"per case: {shlex.join(command(Path('<case>/mkdocs.yml')))} (in a child, timed out)")
    print(f"load    : {load_average()} before the run (1/5/15-min load average)")
    abi, reason = abi_version()
    sandbox = f"Landlock ABI {abi}" if abi else f"none ({reason}): writes detected, not refused"
    print(f"sandbox : {sandbox}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated case names to run")
    parser.add_argument("--skip", default="", help="comma-separated case names to leave out")
    parser.add_argument("--keep", type=Path, help="keep each case's vault and site here")
    args = parser.parse_args(argv)
    only = {name for name in args.only.split(",") if name}
    skip = {name for name in args.skip.split(",") if name}
    cases = [c for c in ALL_CASES if (not only or c.name in only) and c.name not in skip]

    print_machine()
    print()
    work = args.keep or Path(tempfile.mkdtemp(prefix="vault-reliability-"))
    outcomes = []
    started = time.perf_counter()
    for case in cases:
        root = work / case.name[:60]
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        outcome = run_case(case, root)
        outcomes.append(outcome)
        status = "ok " if outcome.handled else "BAD"
        print(
            f"{status} {case.name:<34} {outcome.seconds:6.2f} s  {len(outcome.warnings):3} warnings"
        )
        for problem in outcome.problems:
            print(f"      {problem[:300]}")
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)

    total = time.perf_counter() - started
    handled = sum(outcome.handled for outcome in outcomes)
    print()
    snippets = sum(outcome.case.execute for outcome in outcomes)
    kinds = f"{len(outcomes) - snippets} vaults, {snippets} snippets"
    print(f"hostile cases tried  : {len(outcomes)} ({kinds})")
    print(f"handled as expected  : {handled}/{len(outcomes)}")
    if outcomes:
        slowest = max(outcomes, key=lambda outcome: outcome.seconds)
        limit = f"limit {slowest.case.timeout:.0f} s"
        print(f"longest build        : {slowest.seconds:.2f} s ({slowest.case.name}, {limit})")
        finished = sum(outcome.returncode is not None for outcome in outcomes)
        print(f"builds finished      : {finished}/{len(outcomes)} within their time limit")
        leaked = [outcome.case.name for outcome in outcomes if outcome.leaked]
        print(f"secret in a site     : {'no' if not leaked else 'yes: ' + ', '.join(leaked)}")
        changed = [outcome.case.name for outcome in outcomes if not outcome.vault_unchanged]
        unchanged = "yes" if not changed else "no: " + ", ".join(changed)
        print(f"vaults unchanged     : {unchanged} (sha256 of every file)")
        lingering = sum(len(outcome.left_running) for outcome in outcomes)
        print(f"processes left behind: {lingering}")
        in_browser = [outcome for outcome in outcomes if outcome.case.browser]
        ran = [outcome.case.name for outcome in in_browser if outcome.payload_ran]
        scripts = "none" if not ran else "yes: " + ", ".join(ran)
        print(f"payloads run         : {scripts} ({len(in_browser)} cases opened in chromium)")
    print(f"wall time            : {total:.1f} s")
    if args.keep is not None:
        print(f"kept                 : {args.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
