"""MkDocs hook of the docs site: in a table row, `\\|` inside a code span is a `|`, as in GFM.

The docs are GitHub Flavored Markdown, so that they read the same on GitHub and on this
site. GFM splits a table row at every `|` that is not escaped, code spans included, and
turns `\\|` into `|` (`[[Note\\|text]]` in a cell shows `[[Note|text]]`). Python-Markdown's
`tables` never splits inside a code span but keeps the backslash there. Dropping that
backslash before the page is parsed gives the cell GitHub shows. Fences are left alone.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _unescape_pipes(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2).replace("\\|", "|") + match.group(1)


def on_page_markdown(markdown: str, **_kwargs) -> str:
    """Every table row outside a fence, with `\\|` in its code spans made a `|`."""
    lines = markdown.split("\n")
    fence = None
    for number, line in enumerate(lines):
        opener = _FENCE.match(line)
        if opener:
            marker = opener.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                if not line[opener.end() :].strip():  # a closing fence has no info string
                    fence = None
            continue
        if fence is None and line.lstrip().startswith("|"):
            lines[number] = _CODE_SPAN.sub(_unescape_pipes, line)
    return "\n".join(lines)
