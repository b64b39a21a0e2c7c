"""One way to build a site in this process and keep what it logged.

The command line (`python -m mkdocs_vault check`) and the tests build a site in-process
and read its warnings: the same steps each time (collect MkDocs' log records, load the
config, start and stop the plugins as `mkdocs build` does, tell an aborted build from a
finished one), written once here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort


@dataclass
class BuildResult:
    """A build that ran: its config, every log record, and whether MkDocs aborted it
    (`--strict` with warnings, or an error)."""

    config: MkDocsConfig
    records: list[logging.LogRecord] = field(default_factory=list)
    aborted: bool = False

    @property
    def warnings(self) -> list[str]:
        """Every WARNING (or worse) message, as MkDocs would print it."""
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build_site(
    config_file: str | Path,
    *,
    strict: bool = False,
    site_dir: str | Path | None = None,
    keep_going: bool = False,
) -> BuildResult:
    """Build the site of `config_file` (into `site_dir` when given) and return what it logged.

    `keep_going`: an aborted build is returned (`aborted=True`) instead of raising
    `Abort`, for callers that report the warnings themselves.
    """
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        options = {"site_dir": str(site_dir)} if site_dir is not None else {}
        config = load_config(config_file=str(config_file), strict=strict, **options)
        result = BuildResult(config, handler.records)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except Abort:
            result.aborted = True
            if not keep_going:
                raise
        finally:
            config.plugins.on_shutdown()  # stop snippet workers, as `mkdocs build` does
        return result
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
