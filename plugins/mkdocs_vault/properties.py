"""Obsidian list properties (`tags`, `cssclasses`) as they appear in front matter.

Before properties were typed, Obsidian accepted a list property either as a YAML list or
as one string of names separated by commas or spaces; vaults still hold both forms.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[,\s]+")


def list_items(value: object) -> list[object] | None:
    """The items of a list property, or None when the value is neither a list nor a string
    (a number, a mapping): the caller reports that with the note's line."""
    if isinstance(value, str):
        return [item for item in _SEPARATORS.split(value) if item]
    if isinstance(value, list):
        return [item for item in value if item is not None and item != ""]
    return None
