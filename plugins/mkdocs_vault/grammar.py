"""The Obsidian link grammar, once, as named and commented patterns.

Every other module parses wikilinks through this one, so the scanner (which
records line numbers) and the Markdown extension (which renders) can never
disagree about what a link is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `[[target]]`, `[[target|text]]`, `![[target]]`. The target may not contain
# `]]` or a newline; Obsidian ends a link at the first `]]`. A backslash before
# the opening brackets escapes the link. `\|` (needed inside tables) counts as
# the alias separator, exactly as Obsidian treats it.
WIKILINK_PATTERN = (
    r"(?<!\\)"  # not escaped with a backslash
    r"(?P<embed>!?)"  # `!` makes it an embed
    r"\[\[(?P<body>[^\[\]\n]*?)\]\]"  # target and optional |text; no brackets or newlines inside
)
# The same without the look-behind and the optional `!`, so the regex engine can jump
# straight to each `[[` (Python-Markdown searches every text node with it); the inline
# processor checks the character before the match itself.
WIKILINK_FAST_PATTERN = r"\[\[(?P<body>[^\[\]\n]*?)\]\]"
WIKILINK_RE = re.compile(WIKILINK_PATTERN)

# `%%comment%%` on one line or across lines of the same paragraph.
INLINE_COMMENT_RE = re.compile(r"%%(?P<text>.*?)%%", re.DOTALL)

# `^block-id` at the very end of a paragraph or list item, after a space.
# Obsidian allows Latin letters, digits and dashes.
BLOCK_ID_TAIL_RE = re.compile(r"(?:(?<=\s)|^)\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")
# Literal-first form for the inline processor, which checks the preceding space itself.
BLOCK_ID_TAIL_FAST_PATTERN = r"\^(?P<id>[A-Za-z0-9-]+)[ \t]*$"

# A `^block-id` line of its own (it names the block right before it).
BLOCK_ID_LINE_RE = re.compile(r"^[ \t]*\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")

# An image size after the pipe: `300` or `300x200`.
SIZE_RE = re.compile(r"^(?P<width>\d+)(?:x(?P<height>\d+))?$")

# ATX heading as Obsidian (and CommonMark) reads it: a space after the hashes
# is required, so `#tag` at the start of a line stays a tag.
ATX_HEADING_RE = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")

# Code fence opener/closer (``` or ~~~, at least three).
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")

# Inline code span: a run of backticks and the next run of the same length.
CODE_SPAN_RE = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)
# The same, scanned together with backslash escapes: `\`` is a literal backtick that opens
# nothing (as Python-Markdown reads it), while `\\` before a backtick is an escaped backslash.
_ESCAPE_OR_CODE_SPAN_RE = re.compile(r"\\.|" + CODE_SPAN_RE.pattern, re.DOTALL)

# Characters a heading subpath may not carry in Obsidian.
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


def extension_of(path: str) -> str:
    """Lower-case extension without the dot, '' if none."""
    name = path.rsplit("/", 1)[-1]
    if "." not in name:
        return ""
    return name.rsplit(".", 1)[-1].lower()


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
