"""The Obsidian link grammar, once, as named and commented patterns.

Every other module parses wikilinks through this one, so the scanner (which
records line numbers) and the Markdown extension (which renders) can never
disagree about what a link is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Where fenced code is, as the page's CommonMark parse finds it (kept importable from here).
from .blocks import NoteBlocks, fenced_code_blocks  # noqa: F401

# `[[target]]`, `[[target|text]]`, `![[target]]`. The target may not contain
# `]]` or a newline; Obsidian ends a link at the first `]]`. A backslash before
# the opening brackets escapes the link. `\|` (needed inside tables) counts as
# the alias separator, exactly as Obsidian treats it.
WIKILINK_PATTERN = (
    r"(?<!\\)"  # not escaped with a backslash
    r"(?P<embed>!?)"  # `!` makes it an embed
    r"\[\[(?P<body>[^\[\]\n]*?)\]\]"  # target and optional |text; no brackets or newlines inside
)
# The same without the look-behind and the optional `!`, matched where the note parser
# stands on `[[` (`obsidian_markdown._vault_link` reads the `!` and escapes itself).
WIKILINK_FAST_PATTERN = r"\[\[(?P<body>[^\[\]\n]*?)\]\]"
WIKILINK_RE = re.compile(WIKILINK_PATTERN)
WIKILINK_FAST_RE = re.compile(WIKILINK_FAST_PATTERN)

# `%%comment%%` on one line or across lines of the same paragraph.
INLINE_COMMENT_RE = re.compile(r"%%(?P<text>.*?)%%", re.DOTALL)

# `^block-id` at the very end of a paragraph or list item, after a space.
# Obsidian allows Latin letters, digits and dashes.
BLOCK_ID_TAIL_RE = re.compile(r"(?:(?<=\s)|^)\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")
# The same matched where the note parser stands on a `^` (it checks the space before
# itself): the id must end the block's text (`\Z`), which is what the parser hands it.
BLOCK_ID_TAIL_AT_RE = re.compile(r"\^(?P<id>[A-Za-z0-9-]+)[ \t]*\Z")

# A `^block-id` line of its own (it names the block right before it).
BLOCK_ID_LINE_RE = re.compile(r"^[ \t]*\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")

# Obsidian's tags: `#` then letters (any script), digits, `_`, `-` and `/` (nesting), with
# at least one character that is not a digit (`#1984` is no tag, `is_tag`). The `#` starts
# a tag only at the start or after white space (`page#anchor`, `&#123;` and URLs hold
# none): the readers check the character before a match themselves, as a look-behind
# here would keep the regex engine from jumping from `#` to `#` (15 times slower).
TAG_CHARS_RE = re.compile(r"^[\w/-]+$")
TAG_RE = re.compile(r"#(?P<tag>[\w/-]+)")
# `{: #id .class }` of attr_list (MkDocs sites, Material's tag listings): its `#id` is an
# id, not a tag.
ATTR_LIST_RE = re.compile(r"\{[^{}\n]*\}")

# An image size after the pipe: `300` or `300x200`.
SIZE_RE = re.compile(r"^(?P<width>\d+)(?:x(?P<height>\d+))?$")

# Code fence opener/closer (``` or ~~~, at least three).
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")

# A fence opener as pymdownx.superfences reads it (its `RE_NESTED_FENCE_START`). The page
# finds fences by CommonMark's rules (`blocks.py`) and hands each one to superfences as
# `markup + info`; a header this does not match is shown as plain code, not by superfences
# (so not highlighted, and never a `python exec` block).
SUPERFENCE_OPENER_RE = re.compile(
    r"^(?P<prefix>[> \t]*)"  # quote markers and indentation, any depth
    r"(?P<fence>`{3,}|~{3,})"
    r"(?P<info>"
    r"(?:[ \t]*\.?[\w#.+-]+(?=[ \t]|$))?"  # a language: `python`, `.c++`
    r"(?:"
    r"[ \t]*\{[^\n]*\}"  # `{.class #id key="value"}`
    # `key` or `key="value"` options. Which keys a fence accepts depends on its validator
    # (the highlighter's, or a custom fence's such as `exec`), so any key is taken on trust.
    # A value ends at its first closing quote followed by a space or the end. (Superfences'
    # lazy `.*?` may also end at a later one, which makes its regex exponential on a line
    # of many `a="x"`; the rare header only that reading accepts is text here.)
    r"|(?:[ \t]*[A-Za-z][A-Za-z0-9_]*"
    r"(?:=(?:\"(?:[^\"\n]|\"(?![ \t]|$))*\"|'(?:[^'\n]|'(?![ \t]|$))*'))?"
    r"(?=[ \t]|$))+"
    r")?)"
    r"[ \t]*$"  # anything else after the fence (```` ```x``` ````, `~~~ a b!`) makes it text
)

# Inline code span: a run of backticks and the next run of the same length; `code` is
# what is between them. The pattern is also part of larger alternations (`backlinks`),
# so its group names are `ticks` and `code` wherever it is used.
CODE_SPAN_PATTERN = r"(?<!`)(?P<ticks>`+)(?!`)(?P<code>.+?)(?<!`)(?P=ticks)(?!`)"
CODE_SPAN_RE = re.compile(CODE_SPAN_PATTERN, re.DOTALL)
# The same, scanned together with backslash escapes: `\`` is a literal backtick that opens
# nothing (as Python-Markdown reads it), while `\\` before a backtick is an escaped backslash.
_ESCAPE_OR_CODE_SPAN_RE = re.compile(r"\\.|" + CODE_SPAN_RE.pattern, re.DOTALL)

# Obsidian compares a link's heading with a note's headings after reading each of these
# characters as a space and collapsing spaces (its `stripHeading`; help: "Normalizes
# headings for link matching by stripping out special characters"), so `[[N#What A b c]]`
# reaches `## What? A: b/c` and `[[N#hasTag]]` reaches ``### `hasTag()` ``.
HEADING_MATCH_PUNCTUATION_RE = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\]")
# What Obsidian removes from a heading when it writes a link to it (`stripHeadingForLink`):
# the characters that would end or split the link.
HEADING_LINK_UNSAFE_RE = re.compile(r"[:#|^\\\r\n]|%%|\[\[|\]\]")

# -- Block markers ---------------------------------------------------------------------
# A list item's marker: a bullet (`-`, `*`, `+`) or an ordered number (`1.`, `1)`).
LIST_MARKER_PATTERN = r"(?:[-*+]|\d+[.)])"
# A line that starts a list item: its marker after any indentation, then a space.
LIST_ITEM_RE = re.compile(rf"^[ \t]*{LIST_MARKER_PATTERN}[ \t]+")
# The `>` markers that quote a line (`> `, `>> `, `> > `), each with its optional space;
# the prefix is them after any indentation.
QUOTE_MARKERS_PATTERN = r"(?:>[ \t]?)+"
QUOTE_PREFIX_RE = re.compile(rf"[ \t]*{QUOTE_MARKERS_PATTERN}")

# The header line of a callout, after the `> ` is removed: `[!type|metadata]±  Title`.
# Obsidian reads the type up to `]` or `|`, case-insensitively; the metadata after
# `|` is kept for CSS (`data-callout-metadata`), as Obsidian does.
CALLOUT_HEADER_RE = re.compile(
    r"^[ \t]*\[!(?P<type>[^\]|\s]+)(?:\|(?P<meta>[^\]]*))?\]"  # [!type] or [!type|meta]
    r"(?P<fold>[+-]?)"  # - starts closed, + starts open
    # The optional title, up to its last character that is no space (`.*?` before
    # `[ \t]*$` would be quadratic in a run of spaces inside the title).
    r"(?:[ \t]+(?P<title>(?:[ \t]*[^ \t])*))?[ \t]*$"
)

# A GFM task box, `[c]` at the start of a list item's first text: exactly one character
# between the brackets, then whitespace or the end of that text.
# (A newline cannot appear inside one text token: line ends are break tokens.)
TASK_MARKER_RE = re.compile(r"\[([^\n])\](?=[ \t\v\f]|$)")

# -- Inside a line -----------------------------------------------------------------------
# An HTML entity in text, by Python-Markdown's rule (its serializer keeps these and
# escapes every other `&`).
HTML_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);", re.IGNORECASE)

# The fragments Obsidian reads on a media embed: a Media Fragments time after `#t=`,
# seconds (`90`, `1.5`) or a clock (`1:30`, `0:01:30.5`), an optional `npt:` prefix and an
# optional end after a comma (`t=10,20`, `t=,20`); a page or height number after
# `#page=`/`#height=`.
_CLOCK = r"(?:\d+(?:\.\d+)?|\d+:[0-5]?\d(?::[0-5]?\d)?(?:\.\d+)?)"
MEDIA_TIME_RE = re.compile(rf"(?:npt:)?(?:{_CLOCK}(?:,{_CLOCK})?|,{_CLOCK})")
MEDIA_NUMBER_RE = re.compile(r"[1-9]\d{0,5}")

# A Quarto-style option line at the top of an executable block: `#| key: value` (or
# `#| key=value`), valid Python that Obsidian shows as a comment.
EXEC_OPTION_COMMENT_RE = re.compile(
    r"^#\|\s*(?P<key>[A-Za-z_][\w-]*)\s*[:=]\s*(?P<value>.*?)\s*$"
)

IMAGE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif", "ico", "tif", "tiff"}
)
AUDIO_EXTENSIONS = frozenset({"mp3", "wav", "m4a", "ogg", "3gp", "flac", "webm_audio"})
VIDEO_EXTENSIONS = frozenset({"mp4", "webm", "ogv", "mov", "mkv"})
NOTE_EXTENSION = "md"


@dataclass(frozen=True)
class LinkTarget:
    """A parsed `[[...]]` body.

    `path` is what names the file (may be empty for `[[#Heading]]`), `headings`
    the `#A#B` path, `block` the `^id`, and `text` what follows the pipe.
    """

    path: str
    headings: tuple[str, ...] = ()
    block: str | None = None
    text: str | None = None

    @property
    def subpath_label(self) -> str:
        """The `#...` part as Obsidian displays it (`A > B`, `^id`)."""
        parts = list(self.headings)
        if self.block is not None:
            parts.append("^" + self.block)
        return " > ".join(parts)


def split_alias(body: str) -> tuple[str, str | None]:
    """Split `target|text` at the first pipe; `\\|` (table-escaped) counts as a pipe."""
    body = body.replace("\\|", "|")
    if "|" in body:
        target, text = body.split("|", 1)
        return target, text
    return body, None


def parse_target(body: str) -> LinkTarget:
    """Parse the inside of `[[...]]` into its parts.

    Whitespace around every part is insignificant in Obsidian (`[[ Note ]]`).
    """
    target, text = split_alias(body)
    path, _, sub = target.partition("#")
    headings: list[str] = []
    block: str | None = None
    if _:
        for part in sub.split("#"):
            part = part.strip()
            if not part:
                continue
            if part.startswith("^"):
                block = part[1:].strip()
            else:
                headings.append(part)
    return LinkTarget(
        path=path.strip(),
        headings=tuple(headings),
        block=block,
        text=text.strip() if text is not None else None,
    )


def display_text(target: LinkTarget) -> str:
    """The text Obsidian shows for a link without an explicit alias."""
    if target.text:
        return target.text
    label = target.subpath_label
    if target.path and label:
        return f"{target.path} > {label}"
    return target.path or label


def parse_size(text: str | None) -> tuple[int | None, int | None]:
    """`300` → (300, None); `300x200` → (300, 200); anything else → (None, None)."""
    if not text:
        return None, None
    match = SIZE_RE.match(text.strip())
    if not match:
        return None, None
    height = match.group("height")
    return int(match.group("width")), int(height) if height else None


def image_alt_and_size(text: str | None, alt: str) -> tuple[str, int | None, int | None]:
    """The alt text and size of an image embed from what follows its pipe.

    `![[a.png|300]]` and `![[a.png|300x200]]` size the image and keep `alt`;
    `![[a.png|caption|300]]` sets both; any other text (`![[a.png|caption]]`) is the alt.
    """
    if text and "|" in text:
        alt, text = text.rsplit("|", 1)
    width, height = parse_size(text)
    if width is None and text:
        alt = text
    return alt, width, height


def extension_of(path: str) -> str:
    """Lower-case extension without the dot, '' if none."""
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return ""
    return name.rsplit(".", 1)[-1].lower()


def is_tag(name: str) -> bool:
    """Obsidian's rule for a tag name (without `#`): tag characters, one of them no digit."""
    return bool(TAG_CHARS_RE.match(name)) and not name.replace("/", "").isdigit()


def tags_in(lines: list[str], blocks: NoteBlocks) -> list[str]:
    """The `#tags` of a note's body, in order: `lines` with `%%comments%%` already removed,
    `blocks` their parse (`blocks.note_blocks`), whose code, math and raw HTML hold no tag;
    nor do code spans and attr_list `{ #id }`. Most notes have a `#` (a heading) and no
    tag: one search of the raw text answers for them."""
    text = "\n".join(lines)
    if next(_tags(text), None) is None:
        return []
    unparsed = blocks.unparsed_lines()
    if unparsed:
        text = "\n".join("" if number in unparsed else line for number, line in enumerate(lines))
    return list(_tags(ATTR_LIST_RE.sub(" ", mask_code_spans(text))))


def _tags(text: str) -> Iterator[str]:
    """Each `#tag` of `text` (code already blanked): at the start or after white space."""
    for match in TAG_RE.finditer(text):
        start = match.start()
        if (start == 0 or text[start - 1].isspace()) and is_tag(match.group("tag")):
            yield match.group("tag")


def split_lines(text: str) -> list[str]:
    """A note's lines as Python-Markdown numbers them: only `\\n`, `\\r\\n` and `\\r` end one.

    `str.splitlines` also breaks at form feeds, vertical tabs, `\\x1c`-`\\x1e`, `\\x85` and
    U+2028/U+2029, which Markdown keeps inside a line; line numbers, headings and the
    sections transclusions cut would drift from what the page shows.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()  # a final newline ends the last line, it does not start another
    return lines


def mask_code_spans(line: str) -> str:
    """Blank out inline code spans so link scanning never sees inside them.

    Same length as the input, so column positions survive. Escaped backticks open no
    span: otherwise `\\`a %% b` %%` would hide the comment's closer and, with it, every
    block after it.
    """
    return _ESCAPE_OR_CODE_SPAN_RE.sub(
        lambda m: " " * len(m.group(0)) if m.group("ticks") else m.group(0), line
    )


# pymdownx.superfences reads a fence opener with a regex whose `key="value"` options take
# time exponential in their number when the line ends in something that is not an option
# (24 options: 3 s; 40: days). Past this many, the page shows the fence as plain code
# without asking superfences (`token_tree`), and the scanner reports it (`overloaded_fences`
# of each fence the page finds).
MAX_FENCE_OPTIONS = 12
_FENCE_LINE_RE = re.compile(r"^[> \t]*(?:`{3,}|~{3,})[^\n]*", re.MULTILINE)
_QUOTED_OPTION_RE = re.compile(r"""[A-Za-z][A-Za-z0-9_]*=["']""")


def overloaded_fences(lines: list[str]) -> list[tuple[int, int]]:
    """(0-based index, option count) of every line of `lines` that could open a fence and
    has too many quoted options. Both the scanner and the page give it one fence's opener
    as the page's parser found it (`markup + info`)."""
    text = "\n".join(lines)
    found = []
    line, counted_to = 0, 0
    for match in _FENCE_LINE_RE.finditer(text):
        options = len(_QUOTED_OPTION_RE.findall(match.group()))
        if options > MAX_FENCE_OPTIONS:
            line += text.count("\n", counted_to, match.start())
            counted_to = match.start()
            found.append((line, options))
    return found
