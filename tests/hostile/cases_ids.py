"""Hostile cases, round two (issue 16): ids and attachments: heading ids, ids that shadow the theme's or ours, active attachments."""

from __future__ import annotations

from hostile.cases import PAYLOAD_GLOBAL, Case

# An attribute-list id that closes the `href` the table of contents prints it in and adds
# a handler that runs on its own (autofocus): no hover or click needed.
_ID_BREAKOUT = f"x\" autofocus onfocus=\"window.{PAYLOAD_GLOBAL}=1"
_HOSTILE_HEADING = f"## Heading {{id='{_ID_BREAKOUT}'}}"
_UNSAFE_ID = f"heading id '{_ID_BREAKOUT}' holds characters"

# A search worker of the author's: it answers any query with a result whose title runs a
# payload (Material inserts result titles as HTML). It runs only if the page's config
# points Material at it, which a note's `<div id="__config">` did.
_EVIL_WORKER = (
    "self.onmessage = function (event) {\n"
    "  var message = event.data;\n"
    "  if (message.type === 0) { self.postMessage({type: 1}); return; }\n"
    "  var title = \"<img src=x onerror=\\\"window."
    + PAYLOAD_GLOBAL
    + "='worker'\\\">\";\n"
    "  self.postMessage({type: 3, data: {items: [[{location: 'Home/', title: title,"
    " text: '', score: 1, terms: {}}]]}});\n"
    "};\n"
)
_FAKE_CONFIG = (
    '<div id="__config">{"base": "..", "features": [], "search": "../evil.js",'
    ' "translations": {"search.result.placeholder": "", "search.result.none": "",'
    ' "search.result.one": "", "search.result.other": "", "search.result.more.one": "",'
    ' "search.result.more.other": "", "search.result.term.missing": "",'
    ' "select.version": "", "clipboard.copy": "", "clipboard.copied": ""},'
    ' "version": null}</div>'
)

_SCRIPT_HTML = f"<!doctype html><title>x</title><script>window.{PAYLOAD_GLOBAL}='html'</script>\n"
_SCRIPT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    f"<script>window.{PAYLOAD_GLOBAL}='svg-script'</script></svg>\n"
)
_ONLOAD_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"'
    f" onload=\"window.{PAYLOAD_GLOBAL}='svg-onload'\"><rect width=\"10\" height=\"10\"/></svg>\n"
)
_XHTML = (
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>'
    f"<script>window.{PAYLOAD_GLOBAL}='xhtml'</script></body></html>\n"
)
_ACTIVE = "would run script in a reader's browser"

IDS_CASES: tuple[Case, ...] = (
    Case(
        "heading-id-with-quote",
        {"Home.md": f"# Home\n\n{_HOSTILE_HEADING}\n\ntext\n"},
        (("vault/Home.md:3", _UNSAFE_ID),),
        forbid=('" autofocus onfocus="',),
        browser=True,
    ),
    Case(
        # The link predicts `#heading`; the page's real id was the raw hostile one, and the
        # anchor correction wrote it into every page linking there.
        "anchor-correction-with-hostile-id",
        {
            "Home.md": "# Home\n\nsee [[Target#Heading]]\n",
            "Target.md": f"# Target\n\n{_HOSTILE_HEADING}\n\ntext\n",
        },
        (("vault/Target.md:3", _UNSAFE_ID),),
        forbid=('" autofocus onfocus="',),
        browser=True,
    ),
    Case(
        "config-id-shadows-material-config",
        {"Home.md": f"# Home\n\n{_FAKE_CONFIG}\n", "evil.js": _EVIL_WORKER},
        (("vault/evil.js:1", _ACTIVE),),
        forbid=('id="__config">{',),
        theme="material",
        plugins=("search",),
        browser=True,
        search="home",
    ),
    Case(
        "graph-global-shadowed-by-note-id",
        {
            "Home.md": '# Home\n\n<span id="mkdocsVaultGraph">x</span> [[Other]]\n',
            "Other.md": "# Other\n",
        },
        (),
        forbid=('id="mkdocsVaultGraph"',),
    ),
    Case(
        "html-attachment-linked",
        {"Home.md": "# Home\n\nsee [[evil.html]] and ![[evil.html]]\n", "evil.html": _SCRIPT_HTML},
        (("vault/evil.html:1", _ACTIVE),),
        browser=True,
    ),
    Case(
        # Both kinds in one build (each file is opened on its own): a <script>, an onload.
        "svg-with-script-or-onload",
        {
            "Home.md": "# Home\n\n![[evil.svg]] [[evil.svg]] ![[onload.svg]] [[onload.svg]]\n",
            "evil.svg": _SCRIPT_SVG,
            "onload.svg": _ONLOAD_SVG,
        },
        (
            ("vault/evil.svg:1", _ACTIVE),
            ("vault/onload.svg:1", _ACTIVE),
            ("vault/Home.md:3", "'evil.svg' is embedded as a link, not an image"),
            ("vault/Home.md:3", "'onload.svg' is embedded as a link, not an image"),
        ),
        browser=True,
    ),
    Case(
        "xhtml-attachment",
        {"Home.md": "# Home\n\n[[page.xhtml]]\n", "page.xhtml": _XHTML},
        (("vault/page.xhtml:1", _ACTIVE),),
        browser=True,
    ),
    Case(
        "js-attachment",
        {"Home.md": "# Home\n\n[[tool.js]]\n", "tool.js": f"window.{PAYLOAD_GLOBAL}='js';\n"},
        (("vault/tool.js:1", _ACTIVE),),
    ),
)
