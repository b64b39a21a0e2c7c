"""Command line: `python -m mkdocs_vault check|render|clear-cache [-f mkdocs.yml]`.

`check` builds the site into a temporary folder with `--strict` semantics, so every
broken link and every failing snippet is printed as `file:line: problem (hint)` and the
exit status is non-zero; nothing is written next to the vault. Meant for CI and
pre-commit. `render` runs (or takes from the cache) every `python exec` block and writes
its figures into the vault's outputs folder (`outputs_dir`), so Obsidian can show them;
only changed files are written, files no block makes any more are removed, notes are never
touched. `clear-cache` removes the snippet cache (results, figures, scratch).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path


def _check(config_file: str) -> int:
    from .build_api import build_site

    site = tempfile.mkdtemp(prefix="mkdocs-vault-check-")
    try:
        result = build_site(config_file, strict=True, site_dir=site, keep_going=True)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    problems = result.warnings
    for problem in problems:
        print(problem.removeprefix("mkdocs_vault: "))
    print(f"{len(problems)} problem(s)" if problems else "no problems")
    return 1 if problems else 0


def _render(config_file: str) -> int:
    """Write every block's figures into the outputs folder; non-zero when a block failed."""
    import gc

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from .execute.outputs import produced_files, write_outputs

    config = load_config(config_file=config_file)
    plugin = config.plugins.get("vault")
    if plugin is None or not plugin.config.enabled:
        print(f"{config_file}: the vault plugin is not enabled")
        return 2
    if not plugin._execution_enabled():
        print("execution is off (execute: false or MKDOCS_VAULT_EXECUTE=0): nothing rendered")
        return 2
    # The plugin's own scan, plan, pool and cache: the same results a build would show.
    config.plugins.on_startup(command="build", dirty=False)
    try:
        config = config.plugins.on_config(config)
        files = config.plugins.on_files(get_files(config), config=config)
        table = plugin.outputs.table if plugin.outputs is not None else None
        if table is None:
            produced, kept, problems = {}, set(), []
        else:
            produced, kept, problems = produced_files(table)
    finally:
        gc.unfreeze()  # on_files froze the index for a build's pages; there are none here
        config.plugins.on_shutdown()
    del files
    folder = Path(config.docs_dir) / plugin.config.outputs_dir.strip("/")

    def keep(name: str) -> bool:
        found = table.lookup(name) if table is not None else None
        return found is not None and found[0].prefix.casefold() in kept

    summary = write_outputs(folder, produced, keep)
    for path, line, message, hint in problems:
        print(f"{path}:{line}: {message} ({hint})")
    for name in summary.refused:
        print(f"{folder / name}: exists but render did not write it; left alone (move it away)")
    shown = os.path.relpath(folder)
    print(f"render: {summary} in {shown}/")
    return 1 if problems or summary.refused else 0


def _clear_cache(config_file: str) -> int:
    from mkdocs.config import load_config

    from .plugin import config_dir

    config = load_config(config_file=config_file)
    plugin = config.plugins.get("vault")
    cache = plugin.config.cache_dir if plugin is not None else ".cache/mkdocs_vault"
    folder = config_dir(config) / cache
    shutil.rmtree(folder, ignore_errors=True)
    print(f"removed {folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    summary = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m mkdocs_vault", description=summary)
    parser.add_argument("command", choices=["check", "render", "clear-cache"])
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.config_file)
    if args.command == "render":
        return _render(args.config_file)
    return _clear_cache(args.config_file)


if __name__ == "__main__":
    sys.exit(main())
