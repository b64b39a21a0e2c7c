#!/usr/bin/env python3
"""How much of the GitHub Flavored Markdown spec a note renders as the spec says (issue 11).

Run from the repository root::

    python bench/spec.py                      # the per-section table, ours vs plain MkDocs
    python bench/spec.py --failed             # and the numbers of the examples that fail
    python bench/spec.py --show 283,525       # one example: Markdown, spec, ours, plain
    python bench/spec.py --keep bench/out-spec  # keep both vaults and sites

Every example of the sections that apply to a vault (`tests/gfm_spec.py`: `SECTIONS`) is
a note of one vault, built once with our `vault` plugin and once by plain MkDocs, both with
the `markdown_extensions` of the repo's mkdocs.yml; each page is compared with the spec's
HTML by structure (tags, text, link and image targets; not ids, classes, Pygments' spans,
permalinks or the plugin's wrappers). Exits 0 always: it reports, `tests/test_gfm_spec.py`
judges.
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

import gfm_spec  # noqa: E402 (the tests folder is put on the path above)
from machine import load_average, machine_line, versions_line  # noqa: E402


def _percent(passed: int, total: int) -> str:
    return f"{passed:>3} ({100 * passed / total:5.1f}%)" if total else f"{passed:>3}"


def table(examples, ours: gfm_spec.Tally, plain: gfm_spec.Tally) -> str:
    """The per-section table: examples, passed by our build, passed by plain MkDocs."""
    counts = gfm_spec.counts(examples)
    width = max(len(section) for section in gfm_spec.SECTIONS)
    rows = [f"{'section':<{width}}  examples  {'ours':<13}  plain MkDocs"]
    rows.append(f"{'-' * width}  --------  {'-' * 13}  {'-' * 13}")
    for section in gfm_spec.SECTIONS:
        total = counts[section]
        rows.append(
            f"{section:<{width}}  {total:>8}  {_percent(ours.passed[section], total):<13}"
            f"  {_percent(plain.passed[section], total)}"
        )
    rows.append(f"{'-' * width}  --------  {'-' * 13}  {'-' * 13}")
    total = len(examples)
    rows.append(
        f"{'total':<{width}}  {total:>8}  {_percent(ours.total, total):<13}"
        f"  {_percent(plain.total, total)}"
    )
    return "\n".join(rows)


def target_line(examples, ours: gfm_spec.Tally) -> str:
    """Whether our build meets issue 11's target, and where it falls short."""
    misses = gfm_spec.target_shortfall(examples, ours)
    conflicts = ", ".join(map(str, sorted(gfm_spec.EXTENSION_CONFLICTS)))
    line = (
        f"target  : {gfm_spec.TARGET_TOTAL:.0%} in total and every section at least "
        f"{gfm_spec.TARGET_SECTION:.0%}, examples {conflicts} aside (the autolink extension "
        f"contradicts them): {'met' if not misses else 'not met'}"
    )
    if misses:
        line += f" ({'; '.join(misses)})"
    return line


def show(example, ours: str, plain: str) -> str:
    """One example in full: what went in, what the spec says, what each build made."""
    verdict = {
        "ours": gfm_spec.same_structure(example.html, ours),
        "plain": gfm_spec.same_structure(example.html, plain),
    }
    return "\n".join(
        [
            f"example {example.number} ({example.section}, spec.txt line {example.line}): "
            f"ours {'passes' if verdict['ours'] else 'fails'}, "
            f"plain MkDocs {'passes' if verdict['plain'] else 'fails'}",
            f"  markdown : {example.markdown!r}",
            f"  spec     : {gfm_spec.structure(example.html)!r}",
            f"  ours     : {gfm_spec.structure(ours)!r}",
            f"  plain    : {gfm_spec.structure(plain)!r}",
            f"  ours HTML: {ours.strip()!r}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failed", action="store_true", help="list failing examples per section")
    parser.add_argument("--show", default="", help="example numbers to print in full (1,2,…)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)

    print("GFM spec conformance of a note's body")
    print(machine_line())
    print(versions_line(["mkdocs", "Markdown", "pymdown-extensions", "mkdocs-vault"]))
    print(f"command : {shlex.join(getattr(sys, 'orig_argv', [sys.executable, *sys.argv]))}")
    print(f"load    : {load_average()} before the run (1/5/15-min load average)")

    every = gfm_spec.parse_spec()
    in_sections = [e for e in every if e.section in gfm_spec.SECTIONS]
    examples = gfm_spec.selected(every)
    left_out = [e.number for e in in_sections if e not in examples]
    print(
        f"spec    : {gfm_spec.SPEC.relative_to(ROOT)}, GFM {gfm_spec.spec_version()}: "
        f"{len(examples)} examples of {len(gfm_spec.SECTIONS)} sections measured "
        f"({len(every)} in the spec; left out as raw HTML: {', '.join(map(str, left_out))})"
    )
    print(f"config  : markdown_extensions of {(ROOT / 'mkdocs.yml').relative_to(ROOT)}, "
          "one note per example, use_directory_urls: false")

    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="gfm-spec-"))
    try:
        rendered = {}
        for name, plugin in (("ours", True), ("plain", False)):
            start = time.perf_counter()
            rendered[name] = gfm_spec.render_examples(examples, plugin=plugin, workdir=work / name)
            label = "vault plugin" if plugin else "plain MkDocs"
            seconds = time.perf_counter() - start
            print(f"build   : {label}: {len(examples)} notes in {seconds:.1f} s")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ours = gfm_spec.tally(examples, rendered["ours"])
    plain = gfm_spec.tally(examples, rendered["plain"])
    print()
    print(table(examples, ours, plain))
    print()
    print(target_line(examples, ours))
    if args.failed:
        print()
        for section in gfm_spec.SECTIONS:
            if ours.failed[section] or plain.failed[section]:
                print(f"{section}: ours fails {ours.failed[section]}; "
                      f"plain fails {plain.failed[section]}")
    wanted = {int(n) for n in args.show.split(",") if n.strip()}
    for example in examples:
        if example.number in wanted:
            print()
            number = example.number
            print(show(example, rendered["ours"][number], rendered["plain"][number]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
