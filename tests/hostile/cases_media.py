"""Hostile cases (issue 11): players and PDF viewers the plugin builds, and a note's own media HTML.

Our `<audio>`, `<video>` and `<iframe>` are kept out of the page's sanitizing, so what a
note controls in them (the file's name, the `#t=` / `#page=` fragment, the alias) must not
open a way around it; and a note's own HTML must not pass for ours.
"""

from __future__ import annotations

from hostile.cases import PAYLOAD_GLOBAL, Case

# Fires as soon as the page loads the player (preload="metadata"), if it ever got through.
_QUOTE_NAME = f'a" onloadstart="window.{PAYLOAD_GLOBAL}=1" x=".mp3'
_FRAGMENT_BREAKOUT = f'clip.mp3#t=1" onloadstart="window.{PAYLOAD_GLOBAL}=1'
_ALIAS_BREAKOUT = f'doc.pdf|x" onload="window.{PAYLOAD_GLOBAL}=1'

MEDIA_CASES: tuple[Case, ...] = (
    Case(
        "media-name-breaks-out-of-src",
        {"Home.md": f"# Home\n\n![[{_QUOTE_NAME}]]\n", _QUOTE_NAME: b"ID3"},
        (),
        # The name is shown as the fallback link's text, quotes and all, so no string
        # search can tell it stayed text: the browser does (the handler would fire on load).
        browser=True,
    ),
    Case(
        "media-fragment-breaks-out-of-src",
        {"Home.md": f"# Home\n\n![[{_FRAGMENT_BREAKOUT}]]\n", "clip.mp3": b"ID3"},
        (("vault/Home.md:3", "malformed '#t=1\" onloadstart="),),
        forbid=('" onloadstart="',),
        browser=True,
    ),
    Case(
        "pdf-alias-breaks-out-of-title",
        {"Home.md": f"# Home\n\n![[{_ALIAS_BREAKOUT}]]\n", "doc.pdf": b"%PDF-1.4\n"},
        (),
        forbid=('" onload="',),
        browser=True,
    ),
    Case(
        "note-iframe-dressed-as-our-pdf-viewer",
        {
            "Home.md": '# Home\n\n<iframe class="vault-embed vault-embed-pdf" src="doc.pdf"></iframe>\n'
            '<iframe src="https://evil.example/"></iframe>\n',
            "doc.pdf": b"%PDF-1.4\n",
        },
        (),
        forbid=("<iframe",),
    ),
    Case(
        "note-video-with-handler",
        {
            "Home.md": f'# Home\n\n<video src="clip.webm" onerror="window.{PAYLOAD_GLOBAL}=1"'
            f' onloadstart="window.{PAYLOAD_GLOBAL}=2" controls></video>\n',
            "clip.webm": b"\x1aE\xdf\xa3",
        },
        (),
        forbid=("onerror=", "onloadstart="),
        browser=True,
    ),
    Case(
        "note-img-source-leaves-the-vault",
        {"Home.md": '# Home\n\n<img src="../secret.txt" alt="x">\n'},
        (("vault/Home.md:3", "'../secret.txt' leaves the vault"),),
    ),
)
