"""Obsidian's `==highlight==` as `<mark>`.

Obsidian parses `==text==` with the rules GFM uses for `~~strikethrough~~`: a run of `=`
opens or closes by the same flanking rules as emphasis, and every delimiter is exactly
two `=`. So this rule is markdown-it's own strikethrough rule (the original mode, not its
`strikethrough_single_tilde` GitHub mode) with `=` as the marker and `mark` as the tag:
`a == b` stays text (a run between spaces neither opens nor closes), `==x==` inside a
code span stays code (the backticks rule consumed it first), `==**b**==` nests, and an
odd run such as `===x===` is split the way `~~~x~~~` is (one literal `=` kept outside
the pair: `=<mark>x</mark>=`).

Why two phases, like every delimiter rule in markdown-it: `tokenize` only records each
`==` as a text token plus an entry of the delimiter list; `balance_pairs` (which runs
before our post-process) matches openers with closers across the whole inline, and
`post_process` turns the matched pairs into `mark_open`/`mark_close`. Registered before
"emphasis" in both rulers, as strikethrough is, so that `*` and `=` runs interleave as
they do for `~`. The cost is linear in the inline text; a paragraph without `=` never
enters the rule (`=` is one of markdown-it's terminator characters, so the text rule
stops only where an `=` is).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Delimiter, StateInline

MARKER = "="


def highlights_plugin(md: MarkdownIt) -> None:
    """Render `==text==` as `<mark>text</mark>` (see module doc)."""
    md.inline.ruler.before("emphasis", "obsidian_highlight", _tokenize)
    md.inline.ruler2.before("emphasis", "obsidian_highlight", _post_process)


def _tokenize(state: StateInline, silent: bool) -> bool:
    """Push each `==` of a run as a text token and note it in the delimiter list."""
    start = state.pos
    if silent or state.src[start] != MARKER:
        return False

    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False

    if length % 2:  # an odd run keeps one literal `=` in front of its pairs
        token = state.push("text", "", 0)
        token.content = MARKER
        length -= 1

    for _ in range(0, length, 2):
        token = state.push("text", "", 0)
        token.content = MARKER * 2
        state.delimiters.append(
            Delimiter(
                marker=ord(MARKER),
                length=0,  # no "rule of 3": that rule is for `*` and `_` only
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )

    state.pos += scanned.length
    return True


def _pair_up(state: StateInline, delimiters: list[Delimiter]) -> None:
    """Turn the `==` text tokens that balance_pairs matched into mark open/close."""
    lone_markers: list[int] = []
    for delimiter in delimiters:
        if delimiter.marker != ord(MARKER) or delimiter.end == -1:
            continue
        closer = delimiters[delimiter.end]

        token = state.tokens[delimiter.token]
        token.type, token.tag, token.nesting = "mark_open", "mark", 1
        token.markup, token.content = MARKER * 2, ""

        token = state.tokens[closer.token]
        token.type, token.tag, token.nesting = "mark_close", "mark", -1
        token.markup, token.content = MARKER * 2, ""

        before = state.tokens[closer.token - 1]
        if before.type == "text" and before.content == MARKER:
            lone_markers.append(closer.token - 1)

    # An odd closing run `===` was pushed as `=` + `==`: its lone `=` now stands before
    # the `</mark>`, and belongs after it (and after any other mark that closes there).
    while lone_markers:
        i = lone_markers.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        j -= 1
        if i != j:
            state.tokens[i], state.tokens[j] = state.tokens[j], state.tokens[i]


def _post_process(state: StateInline) -> None:
    """The top-level delimiters, then those of every link text (kept apart by markdown-it)."""
    _pair_up(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair_up(state, meta["delimiters"])
