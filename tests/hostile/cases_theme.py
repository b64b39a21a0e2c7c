"""Hostile cases, round two (issue 16): scripts through channels the theme prints (titles, names, meta, search, previews, tags index)."""

from __future__ import annotations

from hostile.cases import Case

THEME_CASES: tuple[Case, ...] = ()
