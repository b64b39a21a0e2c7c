"""Hostile cases, round two (issue 16): ids and attachments: heading ids, ids that shadow the theme's or ours, active attachments."""

from __future__ import annotations

from hostile.cases import Case

IDS_CASES: tuple[Case, ...] = ()
