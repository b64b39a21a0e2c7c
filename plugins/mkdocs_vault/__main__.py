"""Command line: `python -m mkdocs_vault check|clear-cache [-f mkdocs.yml]`.

`check` builds the site into a temporary folder with `--strict` semantics, so every
broken link and every failing snippet is printed as `file:line: problem (hint)` and the
exit status is non-zero; nothing is written next to the vault. Meant for CI and
pre-commit. `clear-cache` removes the snippet cache (results, figures, scratch).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile


def _check(config_file: str) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                problems.append(record.getMessage())

    handler = Collect()
    logging.getLogger("mkdocs").addHandler(handler)
    site = tempfile.mkdtemp(prefix="mkdocs-vault-check-")
    try:
        config = load_config(config_file=config_file, strict=True, site_dir=site)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except Abort:
            pass
        finally:
            config.plugins.on_shutdown()
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
        shutil.rmtree(site, ignore_errors=True)
    for problem in problems:
        print(problem.removeprefix("mkdocs_vault: "))
    print(f"{len(problems)} problem(s)" if problems else "no problems")
    return 1 if problems else 0


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
    parser.add_argument("command", choices=["check", "clear-cache"])
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.config_file)
    return _clear_cache(args.config_file)


if __name__ == "__main__":
    sys.exit(main())
