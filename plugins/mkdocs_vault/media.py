"""Audio, video and PDF embeds (`![[clip.mp3#t=5]]`, `![[doc.pdf#page=3]]`) as Obsidian shows them.

Obsidian plays `![[clip.mp3]]` and `![[movie.mp4]]` in place and opens `![[doc.pdf]]` in
its PDF viewer (its "Accepted file formats" and "Embed files" help pages). A browser does
the same with `<audio>`, `<video>` and an `<iframe>` holding the PDF, and reads the same
fragments Obsidian does: `#t=start[,end]` (Media Fragments) on a media URL,
`#page=N` on a PDF URL; `#height=N` sizes the PDF viewer in pixels.

The page sanitizer drops `<iframe>` from a note's own HTML (an unknown author must not
frame what they like), so these elements are not left to it: the renderer builds them
here, escaped by construction, passes them through `sanitize.clean_own_embed` (a narrow
policy: only these elements, only our attributes, only relative URLs) and keeps the result
out of the page's sanitizing as trusted HTML. Whatever that policy takes out of our own
output is reported at the embed's line, so nothing the plugin emits is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .grammar import AUDIO_EXTENSIONS, MEDIA_NUMBER_RE, MEDIA_TIME_RE, VIDEO_EXTENSIONS
from .html_escape import attributes_html
from .resolve import Problem

AUDIO, VIDEO, PDF = "audio", "video", "pdf"

# What each kind reads after `#` (Obsidian's own fragments).
_KNOWN = {AUDIO: ("t",), VIDEO: ("t",), PDF: ("page", "height")}
_NAMED = {AUDIO: "an audio", VIDEO: "a video", PDF: "a PDF"}


def media_kind(extension: str) -> str | None:
    """`audio`, `video` or `pdf` for an attachment Obsidian embeds as a player or viewer."""
    if extension in AUDIO_EXTENSIONS:
        return AUDIO
    if extension in VIDEO_EXTENSIONS:
        return VIDEO
    return PDF if extension == "pdf" else None


@dataclass(frozen=True)
class MediaOptions:
    """What the fragments of an embed ask for."""

    time: str | None = None  # `t=` value, kept as written (the browser reads it)
    page: int | None = None
    height: int | None = None


def media_options(kind: str, parts: tuple[str, ...]) -> tuple[MediaOptions, list[Problem]]:
    """Read `#t=…`, `#page=N`, `#height=N` (also joined with `&`) for an embed of `kind`.

    An unknown or malformed fragment is reported, not guessed at: the embed still shows,
    from its start.
    """
    values: dict[str, str] = {}
    problems: list[Problem] = []
    known = _KNOWN[kind]
    for part in parts:
        for item in part.split("&"):
            item = item.strip()
            if not item:
                continue
            key, equals, value = item.partition("=")
            key, value = key.strip().lower(), value.strip()
            if key not in known or not equals:
                wanted = " or ".join(f"#{name}=…" for name in known)
                problems.append(
                    Problem(
                        f"'#{item}' means nothing to {_NAMED[kind]} embed; ignored",
                        f"write {wanted}",
                    )
                )
                continue
            pattern = MEDIA_TIME_RE if key == "t" else MEDIA_NUMBER_RE
            if not pattern.fullmatch(value):
                example = "#t=90 or #t=1:30,2:00" if key == "t" else f"#{key}=3"
                message = f"malformed '#{item}' in {_NAMED[kind]} embed; ignored"
                problems.append(Problem(message, f"write {example}"))
                continue
            values[key] = value
    options = MediaOptions(
        time=values.get("t"),
        page=int(values["page"]) if "page" in values else None,
        height=int(values["height"]) if "height" in values else None,
    )
    return options, problems


def media_html(kind: str, url: str, title: str, options: MediaOptions) -> Markup:
    """The player or viewer for `url` (already relative to the page), escaped by construction.

    Audio and video carry a link to the file as fallback content, for a browser that
    cannot play its format (Obsidian's note: support depends on the device's codecs).
    """
    if kind == PDF:
        src = url + (f"#page={options.page}" if options.page is not None else "")
        style = f"height: {options.height}px" if options.height is not None else None
        attributes = {"class": "vault-embed vault-embed-pdf", "src": src, "title": title}
        if style:
            attributes["style"] = style
        return Markup("<iframe{}></iframe>").format(attributes_html(attributes.items()))
    src = url + (f"#t={options.time}" if options.time is not None else "")
    attributes = {
        "class": f"vault-embed vault-embed-{kind}",
        "controls": None,
        "preload": "metadata",
        "src": src,
        "title": title,
    }
    fallback = Markup('<a class="vault-link" href="{}">{}</a>').format(url, title)
    opening = Markup("<{}{}>").format(Markup(kind), attributes_html(attributes.items()))
    return opening + fallback + Markup("</{}>").format(Markup(kind))
