"""Task list items as Obsidian reads them: `- [ ] open`, `- [x] done`, `- [?] custom`.

GFM (spec section "Task list items (extension)") knows `[ ]` and `[x]`; Obsidian takes
ANY single character between the brackets as the item's status, checks the box for
every status but a space ("You can use any character inside the brackets to mark it as
complete", Obsidian help: Basic formatting syntax) and keeps the character on the item
as `data-task` so that themes and CSS snippets style `[?]`, `[!]`, `[/]`, `[-]`, … In
reading view Obsidian writes `<li class="task-list-item" data-task="">` for `[ ]` (an
empty value: themes select `li.task-list-item[data-task=""]`), `data-task="x"` and the
class `is-checked` (what themes strike through) for a checked one. We write the same.

Why a core rule after "inline" rather than an inline rule: whether a list item is a task
depends on the block structure (the marker must open the FIRST paragraph of a list item)
and on what the inline parser made of its start: only a plain `text` child counts, so
`` `[ ]` `` (a code span), `[x](url)` (a link) and `\\[x]` (an escape) stay what they
are. It runs before "text_join", so an escaped bracket is still its own token then.

The marker `[c]` is taken out of the first text child and an `input` token put in front;
the whitespace after it stays, as in the spec's HTML (`<input …> foo`). The rule walks
the block tokens once, keeping a stack of the open lists (the enclosing list of an item
is its top), so the cost is linear in the note and nothing changes in a note without
lists.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .grammar import TASK_MARKER_RE

# GFM's whitespace inside the brackets means "open"; the same set may follow `]`.
# (A newline cannot appear inside one text token: line ends are break tokens.)
_OPEN_STATUSES = frozenset(" \t\v\f")
# What may follow a marker that ends its text token: nothing, or a line break.
_BREAKS = frozenset({"softbreak", "hardbreak"})
_LIST_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
_LIST_CLOSE = frozenset({"bullet_list_close", "ordered_list_close"})


def tasks_plugin(md: MarkdownIt) -> None:
    """Turn list items that open with `[c]` into Obsidian task items (see module doc)."""
    md.core.ruler.after("inline", "obsidian_tasks", _tasks_rule)


def _tasks_rule(state: StateCore) -> None:
    tokens = state.tokens
    lists: list[Token] = []  # the lists open at this point, innermost last
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in _LIST_OPEN:
            lists.append(token)
        elif kind in _LIST_CLOSE:
            lists.pop()
        elif (
            kind == "inline"
            and index >= 2
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
        ):
            status = _take_marker(token)
            if status is not None:
                _mark_item(tokens[index - 2], lists[-1], status)


def _take_marker(inline: Token) -> str | None:
    """The status character of a task paragraph, with its marker moved into an `input`.

    None (and nothing changed) when the paragraph does not open with a task marker.
    """
    children = inline.children
    if not children or children[0].type != "text":
        return None
    first = children[0]
    match = TASK_MARKER_RE.match(first.content)
    if match is None:
        return None
    rest = first.content[match.end() :]
    if not rest and len(children) > 1 and children[1].type not in _BREAKS:
        return None  # `[x]**y**`: something other than whitespace follows the bracket
    status = match.group(1)
    if rest:
        first.content = rest
    else:
        del children[0]  # `[x]` alone on its line: nothing of that text is left
    if inline.content.startswith(match.group(0)):
        inline.content = inline.content[match.end() :]
    checkbox = Token("task_checkbox", "input", 0)
    checkbox.attrs = {"type": "checkbox", "class": "task-list-item-checkbox", "disabled": ""}
    if status not in _OPEN_STATUSES:
        checkbox.attrs["checked"] = ""
    checkbox.markup = match.group(0)
    checkbox.meta = {"task": status}
    children.insert(0, checkbox)
    return status


def _mark_item(item: Token, list_open: Token, status: str) -> None:
    """Classes and `data-task` on the list item and its list, as Obsidian writes them."""
    item.attrJoin("class", "task-list-item")
    if status in _OPEN_STATUSES:
        item.attrSet("data-task", "")
    else:
        item.attrJoin("class", "is-checked")
        item.attrSet("data-task", status)
    if "contains-task-list" not in str(list_open.attrGet("class") or "").split():
        list_open.attrJoin("class", "contains-task-list")
