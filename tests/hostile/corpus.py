"""Every hostile case, in one tuple: what the tests assert and the reliability run counts."""

from __future__ import annotations

from hostile.cases import CASES, Case
from hostile.cases_bounds import BOUNDS_CASES
from hostile.cases_cache import CACHE_CASES
from hostile.cases_ids import IDS_CASES
from hostile.cases_media import MEDIA_CASES
from hostile.cases_theme import THEME_CASES
from hostile.snippet_cases import SNIPPET_CASES

# Round two (issue 16): scripts reaching a reader, a cache that runs code, unbounded input.
ROUND_TWO: tuple[Case, ...] = THEME_CASES + IDS_CASES + CACHE_CASES + BOUNDS_CASES
# Issue 11: the plugin's own players and PDF viewers, and a note's media HTML.
ALL_CASES: tuple[Case, ...] = CASES + SNIPPET_CASES + ROUND_TWO + MEDIA_CASES
