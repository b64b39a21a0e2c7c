"""What every benchmark prints first: the machine and the versions it measured.

Shared by the scripts in bench/ (they run as `python bench/<script>.py`, so this folder
is on `sys.path`).
"""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version


def installed_version(dist: str) -> str:
    """The installed version of a distribution, or "not installed"."""
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def machine_line() -> str:
    """`machine : <platform> | <arch> | N CPUs (M usable) | Python X (implementation)`."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return (
        f"machine : {platform.platform()} | {platform.machine() or '?'} | "
        f"{os.cpu_count()} CPUs ({usable} usable) | Python {platform.python_version()} "
        f"({platform.python_implementation()})"
    )


def versions_line(names: list[str]) -> str:
    """`versions: a 1.0 | b 2.0 | ...` for the given distributions."""
    return "versions: " + " | ".join(f"{name} {installed_version(name)}" for name in names)


def load_average() -> str:
    """The 1/5/15-minute load average as `a/b/c` ("n/a" where the system has none):
    other processes skew every timing, so each script prints it before it runs."""
    try:
        return "/".join(f"{x:.2f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"
