"""Hostile cases, round two (issue 16): bounded walking and per-note limits: symlink loops, huge counts, theme keys in front matter."""

from __future__ import annotations

from hostile.cases import Case

BOUNDS_CASES: tuple[Case, ...] = ()
