"""Hostile cases, round two (issue 16): the execution cache and worker results as data; processes that outlive a build."""

from __future__ import annotations

from hostile.cases import Case

CACHE_CASES: tuple[Case, ...] = ()
