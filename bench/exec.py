#!/usr/bin/env python3
"""Executable-notes build benchmark for the ``vault`` MkDocs plugin.

Run from the repository root::

    python bench/exec.py                          # 20 notes x 3 blocks, one repeat
    python bench/exec.py --notes 5 --blocks 2     # smoke test
    python bench/exec.py --repeat 3 --keep bench/out-exec

It generates a seeded vault whose notes hold ```` ```python exec ```` blocks drawing small
matplotlib figures, and times, each in a fresh child interpreter:

(a) the block bodies run back to back in one warm interpreter (the lower bound),
(b) ``mkdocs build`` with the plugin and an empty cache (cold),
(c) the same build again with nothing changed (warm cache),
(d) the same build with ``MKDOCS_VAULT_EXECUTE=0`` and an empty cache (no snippet work),
(d') ``MKDOCS_VAULT_EXECUTE=0`` with the cache hot (cached outputs are still shown),
(e) the same vault written for markdown-exec, built with its MkDocs plugin.

See ``bench/README-exec.md`` for what each row means.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from machine import load_average, machine_line, versions_line

PYTHON = sys.executable

# --------------------------------------------------------------------------
# Synthetic vault
# --------------------------------------------------------------------------

_WORDS = (
    "attention query key value softmax temperature token head layer score weight matrix "
    "vector gradient scale mask causal context embedding position norm residual entropy "
    "distribution sample logit probability sequence alignment sharp flat uniform peak"
).split()
_TOPICS = ["Softmax", "Attention", "Temperature", "Scores", "Heads", "Masks", "Entropy",
           "Logits", "Queries", "Keys", "Values", "Scaling"]
_CMAPS = ["viridis", "magma", "Blues", "cividis", "plasma", "Greens", "inferno", "Purples"]
_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]


def _sentence(r: random.Random, lo: int = 8, hi: int = 16) -> str:
    words = [r.choice(_WORDS) for _ in range(r.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def _paragraph(r: random.Random) -> str:
    return " ".join(_sentence(r) for _ in range(r.randint(2, 4)))


def _softmax_block(r: random.Random, seed: int) -> tuple[str, str]:
    k = r.randint(5, 12)
    temps = sorted(r.sample([0.25, 0.5, 1.0, 2.0, 4.0, 8.0], r.randint(2, 4)))
    spread = r.uniform(0.8, 2.5)
    code = f"""\
import numpy as np
import matplotlib.pyplot as plt

rng = np.random.default_rng({seed})
scores = rng.normal(0.0, {spread:.2f}, size={k})
fig, ax = plt.subplots(figsize=(4.0, 2.6))
for t in {temps!r}:
    z = scores / t
    p = np.exp(z - z.max())
    ax.plot(np.arange({k}), p / p.sum(), marker="o", label=f"T = {{t:g}}")
ax.set_xlabel("token")
ax.set_ylabel("probability")
ax.legend(fontsize=7)
title = ax.set_title("softmax of {k} scores at {len(temps)} temperatures")
"""
    return "softmax", code


def _heatmap_block(r: random.Random, seed: int) -> tuple[str, str]:
    n = r.randint(6, 12)
    d = r.choice([8, 16, 32])
    cmap = r.choice(_CMAPS)
    causal = r.random() < 0.5
    causal_line = "scores = np.where(np.tril(np.ones_like(scores)) > 0, scores, -np.inf)\n"
    mask = causal_line if causal else ""
    code = f"""\
import numpy as np
import matplotlib.pyplot as plt

rng = np.random.default_rng({seed})
q = rng.normal(size=({n}, {d}))
k = rng.normal(size=({n}, {d}))
scores = q @ k.T / np.sqrt({d})
{mask}weights = np.exp(scores - scores.max(axis=1, keepdims=True))
weights /= weights.sum(axis=1, keepdims=True)
fig, ax = plt.subplots(figsize=(3.4, 3.0))
image = ax.imshow(weights, cmap="{cmap}", vmin=0.0)
fig.colorbar(image, ax=ax, shrink=0.8)
ax.set_xlabel("key")
ax.set_ylabel("query")
title = ax.set_title("{'causal ' if causal else ''}attention, n={n}, d={d}")
"""
    return "heatmap", code


def _bar_block(r: random.Random, seed: int) -> tuple[str, str]:
    m = r.randint(4, 9)
    labels = r.sample(_WORDS, m)
    color = r.choice(_COLORS)
    alpha = r.choice([0.3, 0.5, 1.0, 2.0])
    code = f"""\
import numpy as np
import matplotlib.pyplot as plt

rng = np.random.default_rng({seed})
labels = {labels!r}
probs = rng.dirichlet(np.full(len(labels), {alpha}))
fig, ax = plt.subplots(figsize=(4.2, 2.4))
ax.bar(labels, probs, color="{color}")
ax.tick_params(axis="x", labelrotation=45, labelsize=7)
ax.set_ylabel("weight")
entropy = float(-(probs * np.log(probs + 1e-12)).sum())
title = ax.set_title(f"attention over {m} tokens, H = {{entropy:.2f}} nats")
"""
    return "bar", code


_KINDS = [_softmax_block, _heatmap_block, _bar_block]


@dataclass
class Note:
    name: str  # file stem
    title: str
    intro: str
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (heading, prose, code)


def build_model(n_notes: int, n_blocks: int, seed: int) -> list[Note]:
    r = random.Random(seed)
    notes = []
    for i in range(n_notes):
        title = f"{r.choice(_TOPICS)} study {i + 1:02d}"
        note = Note(f"note-{i + 1:02d}", title, _paragraph(r))
        for j in range(n_blocks):
            kind, code = _KINDS[(i + j) % len(_KINDS)](r, r.randrange(1, 2**31))
            note.sections.append((f"Figure {j + 1}: {kind}", _paragraph(r), code))
        notes.append(note)
    return notes


_SVG_TRAILER = """\
from io import StringIO
svg = StringIO()
plt.gcf().savefig(svg, format="svg", bbox_inches="tight")
plt.close("all")
print(svg.getvalue())
"""


def write_vault(root: Path, notes: list[Note], flavour: str) -> int:
    """Write `mkdocs.yml` and `docs/`; `flavour` is "vault" or "mdexec". Returns #blocks."""
    docs = root / "docs"
    shutil.rmtree(root, ignore_errors=True)
    docs.mkdir(parents=True)
    if flavour == "vault":
        plugins = "plugins:\n  - vault:\n      exec_workers: 2\n"
    else:
        plugins = "plugins:\n  - markdown-exec\n"
    (root / "mkdocs.yml").write_text(
        f"site_name: Exec bench ({flavour})\n"
        "theme:\n  name: mkdocs\n"
        "nav:\n  - index.md\n"
        f"{plugins}"
        "markdown_extensions:\n  - toc\n  - pymdownx.superfences\n",
        encoding="utf-8",
    )
    index = ["# Exec bench", "", "Generated notes:", ""]
    index += [f"- [{note.title}]({note.name}.md)" for note in notes]
    (docs / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    blocks = 0
    for note in notes:
        lines = [f"# {note.title}", "", note.intro, ""]
        for heading, prose, code in note.sections:
            if flavour == "vault":
                fence, body = "```python exec", code
            else:
                fence = f'```python exec="on" html="true" source="above" session="{note.name}"'
                body = code + _SVG_TRAILER
            lines += [f"## {heading}", "", prose, "", fence, body.rstrip("\n"), "```", ""]
            blocks += 1
        (docs / f"{note.name}.md").write_text("\n".join(lines), encoding="utf-8")
    return blocks


# --------------------------------------------------------------------------
# Children
# --------------------------------------------------------------------------

# (a): warm imports outside the timing, then exactly the per-note / per-block work a
# worker does (fresh namespace, seeds, rcdefaults, exec, SVG of every open figure).
_LOWER_BOUND = r"""
import json, sys, time
t0 = time.perf_counter()
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import io, random
imports = time.perf_counter() - t0
notes = json.load(open(sys.argv[1], encoding="utf-8"))
figures = 0
wall0, cpu0 = time.perf_counter(), time.process_time()
for n, (path, blocks) in enumerate(notes):
    random.seed(n)
    np.random.seed(n)
    plt.close("all")
    matplotlib.rcdefaults()
    namespace = {"__name__": "__note__"}
    for code in blocks:
        exec(compile(code, path, "exec"), namespace)
        for number in plt.get_fignums():
            buffer = io.BytesIO()
            plt.figure(number).savefig(buffer, format="svg", bbox_inches="tight")
            figures += 1
        plt.close("all")
wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
print(json.dumps({"wall": wall, "cpu": cpu, "imports": imports, "figures": figures}))
"""

# Verification only (never timed): an in-process build that reports what it executed.
_VERIFY_BUILD = r"""
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1])
config.plugins.on_startup(command="build", dirty=False)
try:
    build(config)
    session = config.plugins["vault"].session
    print("EXECUTED", -1 if session is None else session.executed_blocks)
finally:
    config.plugins.on_shutdown()
"""


@dataclass
class Run:
    wall: float
    cpu: float | None
    ok: bool
    detail: str = ""
    extra: dict = field(default_factory=dict)


def child_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("MKDOCS_VAULT_EXECUTE", None)
    env.update(overrides)
    return env


def run_child(argv: list[str], cwd: Path, env: dict, timeout: float) -> tuple[Run, str]:
    """Wall time of the whole child and its CPU (user+sys, reaped descendants included)."""
    if hasattr(os, "sync"):
        os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(time.perf_counter() - start, None, False, f"timed out after {timeout:g} s"), ""
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-6:]
        return Run(wall, cpu, False, f"exit {proc.returncode}: " + " | ".join(tail)), proc.stdout
    return Run(wall, cpu, True), proc.stdout


def clear_site(root: Path) -> None:
    shutil.rmtree(root / "site", ignore_errors=True)


def clear_cache(root: Path) -> None:
    subprocess.run([PYTHON, "-m", "mkdocs_vault", "clear-cache", "-f", "mkdocs.yml"],
                   cwd=root, env=child_env(), check=True, capture_output=True)
    if (root / ".cache" / "mkdocs_vault").exists():
        raise SystemExit("clear-cache left the cache folder in place")


def mkdocs_build(root: Path, env: dict, timeout: float) -> Run:
    run, _ = run_child([PYTHON, "-m", "mkdocs", "build", "-q", "-f", "mkdocs.yml"],
                       root, env, timeout)
    return run


def site_text(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in sorted((root / "site").rglob("*.html")))


def cache_entries(root: Path) -> dict[str, int]:
    results = root / ".cache" / "mkdocs_vault" / "results"
    if not results.exists():
        return {}
    return {str(p): p.stat().st_mtime_ns for p in results.rglob("*.pickle")}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def print_machine() -> None:
    names = ["mkdocs", "numpy", "matplotlib", "markdown-exec", "pymdown-extensions",
             "Markdown", "mkdocs-vault"]
    print(machine_line())
    print(versions_line(names))
    print(f"command : {shlex.join(getattr(sys, 'orig_argv', [PYTHON] + sys.argv))}")
    print(f"load    : {load_average()} before the run (1/5/15-min load average; other "
          "processes on the machine skew every row)")


def fmt(values: list[float | None]) -> str:
    good = [v for v in values if v is not None]
    if not good:
        return "-"
    return f"{statistics.median(good):.2f}"


def spread(values: list[float | None]) -> str:
    good = [v for v in values if v is not None]
    if len(good) < 2:
        return ""
    return f"{min(good):.2f}-{max(good):.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=3, help="executable blocks per note")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--keep", metavar="DIR", help="write vaults and sites here and keep them")
    parser.add_argument("--timeout", type=float, default=900.0, help="per child, seconds")
    args = parser.parse_args(argv)

    print_machine()
    if args.keep:
        workdir = Path(args.keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="vault-exec-bench-"))
    ours, mdexec = workdir / "ours", workdir / "mdexec"

    notes = build_model(args.notes, args.blocks, args.seed)
    total = write_vault(ours, notes, "vault")
    mdexec_reason = None
    if importlib.util.find_spec("markdown_exec") is None:
        mdexec_reason = "markdown-exec is not installed in this interpreter"
    else:
        write_vault(mdexec, notes, "mdexec")
    bodies = workdir / "blocks.json"
    bodies.write_text(json.dumps([[f"docs/{n.name}.md", [s[2] for s in n.sections]]
                                  for n in notes]), encoding="utf-8")
    print(f"vault   : {args.notes} notes x {args.blocks} blocks = {total} blocks "
          f"(seed {args.seed}), theme mkdocs, exec_workers 2, in {workdir}"
          f"{'' if args.keep else ' (temporary)'}")
    print(f"repeats : {args.repeat}; every row is a fresh child interpreter, wall time "
          "measured by the parent")
    print()

    rows: dict[str, list[Run]] = {key: [] for key in ["a", "b", "c", "d", "d'", "e"]}
    checks: list[tuple[str, bool, str]] = []
    imports: list[float] = []
    fig_tag = '<figure class="vault-figure">'

    # Untimed warm-up, so the first timed row does not pay for a cold OS file cache:
    # import what every row imports, and build our vault once with execution off.
    warm = "import mkdocs.commands.build, pymdownx.superfences, numpy, matplotlib.pyplot"
    if mdexec_reason is None:
        warm += ", markdown_exec"
    subprocess.run([PYTHON, "-c", warm], cwd=workdir, env=child_env(), capture_output=True)
    clear_cache(ours)
    mkdocs_build(ours, child_env(MKDOCS_VAULT_EXECUTE="0"), args.timeout)

    for rep in range(args.repeat):
        # (a) lower bound
        run, out = run_child([PYTHON, "-c", _LOWER_BOUND, str(bodies)], workdir,
                             child_env(), args.timeout)
        if run.ok:
            data = json.loads(out.strip().splitlines()[-1])
            imports.append(data["imports"])
            rows["a"].append(Run(data["wall"], data["cpu"], True, extra=data))
            if rep == 0:
                checks.append(("(a) figures saved", data["figures"] == total,
                               f"{data['figures']}/{total}"))
        else:
            rows["a"].append(run)

        # (d) execution disabled, empty cache: no snippet work at all (the plain baseline)
        clear_cache(ours)
        clear_site(ours)
        run = mkdocs_build(ours, child_env(MKDOCS_VAULT_EXECUTE="0"), args.timeout)
        rows["d"].append(run)
        if rep == 0:
            html = site_text(ours) if run.ok else ""
            boxes, figures = html.count("vault-not-executed"), html.count(fig_tag)
            entries = len(cache_entries(ours))
            checks.append(("(d) execution off, empty cache",
                           run.ok and boxes == total and figures == 0 and entries == 0,
                           f"{boxes}/{total} 'not executed' boxes, {figures} figures, "
                           f"{entries} cache entries"
                           + ("" if run.ok else f"; {run.detail}")))

        # (b) cold build of ours
        clear_cache(ours)
        clear_site(ours)
        run = mkdocs_build(ours, child_env(), args.timeout)
        rows["b"].append(run)
        if rep == 0:
            html = site_text(ours) if run.ok else ""
            figures = html.count(fig_tag)
            svgs = len(list((ours / "site" / "assets" / "vault-exec").glob("*.svg")))
            entries = len(cache_entries(ours))
            errors = html.count("vault-error") + html.count("vault-not-executed")
            checks.append(("(b) cold build", run.ok and figures == total and entries == total
                           and errors == 0,
                           f"{figures}/{total} {fig_tag} in the site, {svgs} SVG files, "
                           f"{entries} cache entries written, {errors} error/not-run boxes"
                           + ("" if run.ok else f"; {run.detail}")))

        # (c) warm build: nothing changed
        before = cache_entries(ours)
        clear_site(ours)
        run = mkdocs_build(ours, child_env(), args.timeout)
        rows["c"].append(run)
        if rep == 0:
            after = cache_entries(ours)
            figures = site_text(ours).count(fig_tag) if run.ok else 0
            changed = len(set(after.items()) - set(before.items()))
            checks.append(("(c) warm build", run.ok and changed == 0 and figures == total,
                           f"{figures}/{total} figures, cache entries written or changed "
                           f"during the timed build: {changed}"
                           + ("" if run.ok else f"; {run.detail}")))

        # (d') execution disabled, cache hot: the plugin still shows cached outputs
        before = cache_entries(ours)
        clear_site(ours)
        run = mkdocs_build(ours, child_env(MKDOCS_VAULT_EXECUTE="0"), args.timeout)
        rows["d'"].append(run)
        if rep == 0:
            after = cache_entries(ours)
            html = site_text(ours) if run.ok else ""
            boxes, figures = html.count("vault-not-executed"), html.count(fig_tag)
            changed = len(set(after.items()) - set(before.items()))
            checks.append(("(d') execution off, cache hot", run.ok and changed == 0,
                           f"{figures}/{total} cached figures shown, {boxes} 'not executed' "
                           f"boxes, cache entries written or changed: {changed}"
                           + ("" if run.ok else f"; {run.detail}")))

        # (e) markdown-exec, cold
        if mdexec_reason is None:
            clear_site(mdexec)
            run = mkdocs_build(mdexec, child_env(), args.timeout)
            rows["e"].append(run)
            if not run.ok:
                mdexec_reason = f"build failed: {run.detail}"
                rows["e"] = []
            elif rep == 0:
                html = site_text(mdexec)
                svgs = html.count("<dc:title>Matplotlib")
                failed = html.count("exited with errors") + html.count("Traceback (most recent")
                checks.append(("(e) markdown-exec", svgs == total and failed == 0,
                               f"{svgs}/{total} inline matplotlib SVGs, {failed} failed blocks"))

    # Verification outside every timed run: an in-process warm build reports what it ran.
    clear_site(ours)
    verify = subprocess.run([PYTHON, "-c", _VERIFY_BUILD, "mkdocs.yml"], cwd=ours,
                            env=child_env(), capture_output=True, text=True,
                            timeout=args.timeout)
    match = re.search(r"EXECUTED (-?\d+)", verify.stdout)
    executed = int(match.group(1)) if match else None
    checks.append(("(c) re-check, untimed", executed == 0,
                   f"separate in-process warm build: session.executed_blocks = {executed}"
                   + ("" if verify.returncode == 0 else f" (exit {verify.returncode})")))

    # ---- table
    labels = {
        "a": f"(a) lower bound: {total} blocks in 1 warm interpreter",
        "b": "(b) ours, cold build (cache cleared)",
        "c": "(c) ours, warm build (cache hot)",
        "d": "(d) ours, MKDOCS_VAULT_EXECUTE=0, empty cache",
        "d'": "(d') ours, MKDOCS_VAULT_EXECUTE=0, cache hot",
        "e": "(e) markdown-exec, cold build",
    }
    width = max(len(v) for v in labels.values())
    head = f"{'row':<{width}}  {'wall s':>7}  {'CPU s':>7}"
    if args.repeat > 1:
        head += f"  {'wall min-max':>13}"
    print(head)
    print("-" * len(head))
    median: dict[str, float | None] = {}
    for key, label in labels.items():
        runs = rows[key]
        if key == "e" and mdexec_reason is not None:
            print(f"{label:<{width}}  skipped: {mdexec_reason}")
            median[key] = None
            continue
        bad = [r for r in runs if not r.ok]
        if bad:
            print(f"{label:<{width}}  FAILED: {bad[0].detail}")
            median[key] = None
            continue
        walls = [r.wall for r in runs]
        median[key] = statistics.median(walls)
        line = f"{label:<{width}}  {fmt(walls):>7}  {fmt([r.cpu for r in runs]):>7}"
        if args.repeat > 1:
            line += f"  {spread(walls):>13}"
        print(line)
    print()
    print("(a) times only the exec+savefig loop inside its child; its numpy+matplotlib import "
          f"took {fmt(imports)} s (not counted).")
    print("(b)-(e) time the whole `python -m mkdocs build -q` child; CPU is user+sys of the "
          "child and of the worker processes it reaped.")
    print()

    def ratio(name: str, top: str, bottom: str, meaning: str) -> None:
        x, y = median.get(top), median.get(bottom)
        value = f"{x / y:.2f}" if x is not None and y else "n/a"
        print(f"{name:<5} = {value:>5}   {meaning}")

    ratio("b/a", "b", "a", "cold build vs. bare execution of the same blocks")
    ratio("c/d", "c", "d", "warm (cached) build vs. build without any snippet output")
    ratio("c/d'", "c", "d'", "warm build vs. execution off serving the same cache")
    ratio("b/e", "b", "e", "our cold build vs. markdown-exec's build")
    print(f"load average after the run: {load_average()}")
    print()
    print("verification (outside the timed runs):")
    for name, ok, text in checks:
        print(f"  {'OK  ' if ok else 'FAIL'} {name}: {text}")

    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
