"""A warning is one readable line: `path:line: problem (hint)`, whatever the note wrote."""

from __future__ import annotations

import pytest
from mkdocs_vault.diagnostics import MAX_NAME_CHARS, Diagnostic

LONG = "n" * 5000


@pytest.mark.parametrize(
    ("message", "hint", "shown"),
    [
        (
            f"note '{LONG}' not found",
            "create the note or fix the name",
            f"note '{'n' * 120}…(+4880 chars)' not found (create the note or fix the name)",
        ),
        (
            f"attachment '{LONG}.png' not found",
            "",
            f"attachment '{'n' * 120}…(+4884 chars)' not found",
        ),
        (
            "note 'Softmx' not found",
            f"did you mean [[{'m' * 200}]]?",
            f"note 'Softmx' not found (did you mean [[{'m' * 120}…(+80 chars)]]?)",
        ),
        (
            f"'{'a b ' * 40}' links to 'x.md', which is not published",
            "",
            f"'{('a b ' * 40)[:120]}…(+40 chars)' links to 'x.md', which is not published",
        ),
        (f"note '{'n' * 120}' not found", "", f"note '{'n' * 120}' not found"),
        ("note 'it's' not found", "", "note 'it's' not found"),
    ],
    ids=[
        "long-note",
        "long-attachment",
        "long-suggestion",
        "long-name-with-spaces",
        "at-limit",
        "apostrophe",
    ],
)
def test_a_long_name_in_a_warning_keeps_its_start_and_says_how_much_was_cut(message, hint, shown):
    assert str(Diagnostic("vault/A.md", 3, message, hint)) == f"vault/A.md:3: {shown}"


def test_a_cut_name_counts_characters_and_still_shows_control_characters_escaped():
    name = "\x1b" * (MAX_NAME_CHARS + 5)
    escaped = "\\x1b" * MAX_NAME_CHARS
    assert str(Diagnostic("vault/A.md", 3, f"note '{name}' not found")) == (
        f"vault/A.md:3: note '{escaped}…(+5 chars)' not found"
    )
