"""Hostile vault inputs, one case each, described by data.

Each `Case` is a tiny vault (`{path: text or bytes}`, or a function that writes a big
or binary one at run time, so nothing large is committed) plus what a correct build
reports: a list of `(location, fragment)` warnings, where location is `vault/X.md:LINE`,
or no warning at all. The same table drives `tests/test_hostile_vaults.py` and
`bench/reliability.py`, so the benchmark counts exactly what the tests check.

Every vault is built next to `secret.md`/`secret.txt` holding `SECRET_MARKER` (one level
above the vault), so a case that reaches outside the vault would leak the marker into the
site.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SECRET_MARKER = "HOSTILE-VAULT-SECRET-7f3a9c"
# What must never reach a site: the planted marker and the first line of /etc/passwd.
FORBIDDEN_IN_SITE = (SECRET_MARKER, "root:x:0:0")

LONG_NAME = "n" * 5000
# How a warning quotes a name that long: its start, then how much was cut.
LONG_NAME_SHOWN = f"{LONG_NAME[:120]}…(+{len(LONG_NAME) - 120} chars)"
BIG_NOTE_MB = 50
MANY_LINKS = 10_000


@dataclass(frozen=True)
class Case:
    """One hostile input and the diagnostics a correct build gives for it."""

    name: str
    notes: dict[str, str | bytes] = field(default_factory=dict)
    # (`vault/Note.md:LINE`, message fragment); empty means "no warning at all".
    expect: tuple[tuple[str, str], ...] = ()
    # Writes extra files into the vault folder (big, binary, symlinks), at run time.
    make: Callable[[Path], None] | None = None
    # Further warnings containing this fragment are expected too (one per page of a chain).
    tolerate: str | None = None
    # Strings that must appear in no built HTML file (injected markup).
    forbid: tuple[str, ...] = ()
    # Larger inputs get a longer (still bounded) time limit.
    timeout: float = 60.0
    # Run the notes' `python exec` blocks (hostile snippets, `snippet_cases.py`).
    execute: bool = False
    # Without the sandbox, a snippet's write does change the vault; it must be reported.
    changes_vault: bool = False
    # Options for the `vault` plugin in this case's mkdocs.yml.
    options: dict = field(default_factory=dict)
    # The theme, further plugins (listed after `vault`) and other mkdocs.yml keys.
    theme: str = "mkdocs"
    plugins: tuple = ()
    config: dict = field(default_factory=dict)
    # Open every page of the site in chromium (hover its links, search for `search`) and
    # check that no payload of the vault ran: see `payload()` and `hostile/browser_check.py`.
    browser: bool = False
    search: str = ""


# What a script-injection payload sets when it runs in a reader's browser.
PAYLOAD_GLOBAL = "__vaultPayloadRan"


def payload(tag: str = "1", quote: str = '"') -> str:
    """An `<img>` whose error handler records `tag` in `window.PAYLOAD_GLOBAL` if it runs."""
    return f"<img src=x onerror={quote}window.{PAYLOAD_GLOBAL}='{tag}'{quote}>"


def _home(body: str) -> dict[str, str]:
    """A vault whose only note holds `body` after a title (so the body starts on line 3)."""
    return {"Home.md": f"# Home\n\n{body}\n"}


def _broken(fragment: str) -> tuple[tuple[str, str], ...]:
    return (("vault/Home.md:3", fragment),)


def _symlink_outside(vault: Path) -> None:
    os.symlink(vault.parent / "secret.md", vault / "Linked.md")
    os.symlink(vault.parent / "secret.txt", vault / "leak.txt")


def _symlink_dir_outside(vault: Path) -> None:
    os.symlink(vault.parent, vault / "up")


def _binary_md(vault: Path) -> None:
    (vault / "Blob.md").write_bytes(bytes(range(256)) * 64)


def _big_note(vault: Path) -> None:
    line = "Attention weighs values by how well keys match a query, again and again.\n"
    with (vault / "Big.md").open("w", encoding="utf-8") as out:
        out.write("# Big\n\n")
        chunk = line * 10_000
        for _ in range(BIG_NOTE_MB * 1024 * 1024 // len(chunk) + 1):
            out.write(chunk)


def _many_links(vault: Path) -> None:
    links = " ".join(f"[[Target#H{i % 7}|link {i}]]" for i in range(MANY_LINKS))
    (vault / "Many.md").write_text(f"# Many\n\n{links}\n", encoding="utf-8")
    headings = "\n\n".join(f"## H{i}" for i in range(7))
    (vault / "Target.md").write_text(f"# Target\n\n{headings}\n", encoding="utf-8")


def _deep_chain(depth: int) -> dict[str, str]:
    notes = {f"D{i}.md": f"level {i}\n\n![[D{i + 1}]]\n" for i in range(depth)}
    notes[f"D{depth}.md"] = "bottom\n"
    return notes


YAML_BOMB = "\n".join(
    ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
        for i in range(8)
    ]
    + ["aliases: *i", "---", "# Bomb", ""]
)

CASES: tuple[Case, ...] = (
    # --- malformed wikilinks -------------------------------------------------------------
    Case("unclosed-open-brackets", _home("text [[ and more"), ()),
    Case("empty-link", _home("an empty [[]] link"), _broken("empty link")),
    Case("empty-target-with-alias", _home("see [[|x]] here"), _broken("empty link")),
    Case("bare-hash-link", _home("jump [[#]] there"), _broken("empty link")),
    Case("two-pipes", _home("[[Missing|b|c]]"), _broken("note 'Missing' not found")),
    Case(
        "unbalanced-brackets",
        _home("[[[Missing]] and [[Other]"),
        _broken("note 'Missing' not found"),
    ),
    Case("nested-brackets", _home("[[a [[Missing]] b]]"), _broken("note 'Missing' not found")),
    Case(
        "very-long-name", _home(f"[[{LONG_NAME}]]"), _broken(f"note '{LONG_NAME_SHOWN}' not found")
    ),
    Case(
        "very-long-embed",
        _home(f"![[{LONG_NAME}.png]]"),
        # The name is 5004 characters with its extension: 4884 are cut.
        _broken(f"attachment '{LONG_NAME[:120]}…(+4884 chars)' not found"),
    ),
    Case("dotdot-link", _home("[[../secret]]"), _broken("'../secret' leaves the vault")),
    Case(
        "dotdot-inside-path",
        _home("[[sub/../../secret]]"),
        _broken("'sub/../../secret' leaves the vault"),
    ),
    Case("backslash-path", _home("[[..\\secret]]"), _broken("'..\\secret' leaves the vault")),
    Case("percent-name", _home("[[100%25 sure]]"), _broken("note '100%25 sure' not found")),
    Case("hash-in-name", _home("[[C#]]"), _broken("note 'C' not found")),
    Case("caret-missing-block", _home("[[Other#^nope]]"), _broken("note 'Other' not found")),
    Case(
        "quotes-in-name",
        {**_home('[[Say "hi" it\'s]]'), 'Say "hi" it\'s.md': "# Quoted\n"},
        (),
    ),
    Case(
        "html-in-name",
        _home("[[<script>alert(1)</script>]]"),
        _broken("note '<script>alert(1)</script>' not found"),
        forbid=("<script>alert",),
    ),
    Case(
        "html-in-alias",
        {**_home("[[Other|<img src=x onerror=alert(1)>]]"), "Other.md": "x\n"},
        (),
        forbid=("<img src=x",),
    ),
    Case("emoji-name", {**_home("[[🧠 Brain]]"), "🧠 Brain.md": "# 🧠\n"}, ()),
    Case(
        "rtl-name",
        {**_home("[[انتباه]] and [[\u202eevil]]"), "انتباه.md": "# انتباه\n"},
        _broken("note '\\u202eevil' not found"),
    ),
    Case("nul-in-link", _home("[[bad\x00name]]"), _broken("note 'bad\\x00name' not found")),
    Case(
        "control-chars-in-link",
        # BEL, backspace and ESC c (reset the terminal): shown escaped in the warning.
        _home("[[bell\x07\x08\x1bc]]"),
        _broken("note 'bell\\x07\\x08\\x1bc' not found"),
    ),
    Case("nul-in-text", _home("before\x00after and \x1b[2J"), ()),
    Case(
        "ambiguous-name",
        {**_home("[[X]]"), "a/X.md": "# X in a\n", "b/X.md": "# X in b\n"},
        _broken("ambiguous link 'X' matches 2 files: a/X.md, b/X.md"),
    ),
    Case("dots-in-real-name", {**_home("[[a..b]]"), "a..b.md": "# dots\n"}, ()),
    Case("percent-in-real-name", {**_home("[[100% sure]]"), "100% sure.md": "# sure\n"}, ()),
    Case("embed-bare-hash", _home("![[#]]"), _broken("empty link")),
    Case(
        "comment-marks-in-link",
        _home("the link is on the next line\n[[%%%%]]"),
        (("vault/Home.md:4", "note '%%%%' not found"),),
    ),
    Case(
        # CommonMark: an unclosed fence is code to the end of the note.
        "unclosed-fence",
        _home("```\nnever closed [[Ghost]]\n\n[[Missing]]"),
        (),
    ),
    Case(
        # ...or of its container: the first link after the quote is on line 6.
        "unclosed-fence-in-a-quote",
        _home("> ```\n> never closed [[Ghost]]\n\n[[Missing]]"),
        (("vault/Home.md:6", "note 'Missing' not found"),),
    ),
    Case(
        # CommonMark: a longer fence of the same character closes it.
        "fence-closed-by-longer-fence",
        _home("~~~\n[[InCode]]\n~~~~\n[[Missing]]"),
        (("vault/Home.md:6", "note 'Missing' not found"),),
    ),
    Case(
        "closed-fence",
        _home("```\n[[InCode]]\n```\n[[Missing]]"),
        (("vault/Home.md:6", "note 'Missing' not found"),),
    ),
    # superfences' opener regex is exponential in quoted options (40 would take days): such
    # a fence is code that superfences never reads.
    Case(
        "fence-with-forty-options",
        _home("```py " + 'a="x" ' * 40 + "!\n```\n[[Missing]]"),
        (
            ("vault/Home.md:3", "a code fence with 40 quoted options is shown without highlighting"),
            ("vault/Home.md:5", "note 'Missing' not found"),
        ),
        timeout=30,
    ),
    # Regexes that read "text, then trailing spaces/hashes" lazily are quadratic in a run
    # inside the text; a heading and a callout title of 40 KB took 23 s to build (now 1 s).
    Case(
        "long-runs-in-headings-and-callout-titles",
        _home(
            "# a" + " " * 40_000 + "b\n\n## a" + "#" * 40_000 + "b\n\n"
            "> [!note] a" + " " * 40_000 + "b\n> body"
        ),
        (),
        timeout=15,
    ),
    # A warning quoting a name of many `[[` (a tag is any YAML string) was formatted in
    # time quadratic in them (100 KB: over 30 s; now 0.5 s).
    Case(
        "tag-of-many-brackets",
        {"Home.md": "---\ntags:\n  - \"x' " + "[[" * 50_000 + '"\n---\n# Home\n'},
        (("vault/Home.md:2", "is not a tag"),),
        timeout=20,
    ),
    # Python-Markdown read these in quadratic time (16,000 `[`: over 20 s), and markdown-it
    # still reads most of them slowly; each would take hours. The per-page CPU budget (3 s
    # here, 60 s by default) shows them as plain text.
    *(
        Case(
            f"quadratic-{name}",
            _home(unit * 200_000),
            (("vault/Home.md:1", "note not rendered: rendering took more than 3 s"),),
            options={"render_timeout": 3},
        )
        for name, unit in [
            ("link-openers", "["),
            ("footnote-openers", "[^"),
            ("inline-html", "<a "),
            ("cdata", "x <![CDATA["),
        ]
    ),
    # `\(` is an escaped `(` to CommonMark: read in linear time, rendered in full.
    Case("linear-math-openers", _home("\\(" * 200_000), (), options={"render_timeout": 3}),
    Case(
        "lists-nested-600-deep",
        _home("".join("  " * depth + "- x\n" for depth in range(600))),
        (("vault/Home.md:1", "note not rendered: its Markdown is nested too deeply"),),
    ),
    # --- headings and anchors ------------------------------------------------------------
    Case(
        "headings-with-same-slug",
        {"Home.md": "# Home\n\n## Same\n\n## Same\n\n## same!\n\n[[#Same]]\n"},
        (),
    ),
    Case(
        "missing-heading",
        {**_home("[[Other#Nowhere]]"), "Other.md": "# Other\n"},
        _broken("heading '#Nowhere' not found in 'Other.md'"),
    ),
    # --- embeds --------------------------------------------------------------------------
    Case(
        "embed-missing-file",
        _home("![[missing.png]]"),
        _broken("attachment 'missing.png' not found"),
    ),
    Case("embed-missing-note", _home("![[Missing]]"), _broken("note 'Missing' not found")),
    Case(
        "embed-directory",
        {**_home("![[folder]]"), "folder/Inside.md": "inside\n"},
        _broken("note 'folder' not found"),
    ),
    Case("embed-dotdot-note", _home("![[../secret]]"), _broken("'../secret' leaves the vault")),
    Case(
        "embed-dotdot-file",
        _home("![[../secret.txt]]"),
        _broken("'../secret.txt' leaves the vault"),
    ),
    Case("embed-absolute-path", _home("![[/etc/passwd]]"), _broken("note '/etc/passwd' not found")),
    Case("link-absolute-path", _home("[[/etc/passwd]]"), _broken("note '/etc/passwd' not found")),
    Case(
        "markdown-link-outside",
        _home("[x](../secret.md) ![y](../secret.txt)"),
        _broken("'../secret.md' leaves the vault") + _broken("'../secret.txt' leaves the vault"),
    ),
    Case(
        "symlink-to-outside-file",
        _home("[[Linked]] ![[leak.txt]]"),
        (
            ("vault/Linked.md:1", "symlink leads outside the vault"),
            ("vault/leak.txt:1", "symlink leads outside the vault"),
            ("vault/Home.md:3", "note 'Linked' not found"),
            ("vault/Home.md:3", "attachment 'leak.txt' not found"),
        ),
        make=_symlink_outside,
    ),
    Case(
        "symlink-to-outside-dir",
        _home("[[up/secret]]"),
        (
            ("vault/up:1", "symlink leads outside the vault"),
            ("vault/Home.md:3", "note 'up/secret' not found"),
        ),
        make=_symlink_dir_outside,
    ),
    Case(
        "embed-cycle",
        {"A.md": "# A\n\n![[B]]\n", "B.md": "# B\n\n![[A]]\n"},
        (
            ("vault/A.md:3", "cyclic embed: B.md# → A.md# → B.md#"),
            ("vault/B.md:3", "cyclic embed: A.md# → B.md# → A.md#"),
        ),
    ),
    Case("embed-self", _home("![[Home]]"), _broken("cyclic embed")),
    Case(
        "embed-very-deep",
        _deep_chain(60),
        (("vault/D10.md:3", "embed depth exceeds 10"),),
        tolerate="embed depth exceeds 10",
    ),
    # --- front matter --------------------------------------------------------------------
    Case(
        "non-utf8-note",
        {"Latin.md": "# Caf\xe9\n".encode("latin-1")},
        (("vault/Latin.md:1", "not UTF-8 text"),),
    ),
    Case(
        "yaml-bomb",
        {"Bomb.md": YAML_BOMB},
        (("vault/Bomb.md:1", "front matter expands to more than"),),
    ),
    Case(
        "yaml-bomb-in-tags",
        {"TB.md": YAML_BOMB.replace("aliases: *i", "tags: *i")},
        (("vault/TB.md:1", "front matter expands to more than"),),
    ),
    Case(
        "html-in-heading",
        {"H.md": "# H\n\n## <img src=x onerror=alert(1)>\n\n[[#<img src=x onerror=alert(1)>]]\n"},
        (),
        forbid=("<img src=x onerror",),
    ),
    Case(
        "python-object-tag",
        {"Tag.md": "---\nx: !!python/object/apply:os.system ['echo pwned']\n---\n# T\n"},
        (("vault/Tag.md:1", "invalid YAML front matter"),),
    ),
    Case(
        "aliases-is-a-mapping",
        {"Al.md": "---\naliases: {a: 1}\n---\n# Al\n"},
        (("vault/Al.md:2", "is not a list of names"),),
    ),
    Case(
        "tags-is-a-number",
        {"Tg.md": "---\ntags: 42\n---\n# Tg\n"},
        (("vault/Tg.md:2", "'tags: 42' is not a list of tags"),),
    ),
    Case(
        "front-matter-is-a-list",
        {"L.md": "---\n- a\n- b\n---\n# L\n"},
        (("vault/L.md:1", "not a mapping"),),
    ),
    Case("front-matter-unclosed", {"U.md": "---\naliases: [x]\n# U\n"}, ()),
    Case(
        "front-matter-binary",
        {"FB.md": b"---\ntitle: \xff\xfe\x00\x01\n---\n# FB\n"},
        (("vault/FB.md:1", "not UTF-8 text"),),
    ),
    # --- whole files ---------------------------------------------------------------------
    Case(
        "binary-file-named-md",
        {"Home.md": "# Home\n"},
        (("vault/Blob.md:1", "not UTF-8 text"),),
        make=_binary_md,
    ),
    Case("empty-note", {"Empty.md": "", "Home.md": "# Home\n\n[[Empty]] ![[Empty]]\n"}, ()),
    Case("whitespace-only-note", {"Blank.md": "\n\n   \n\t\n"}, ()),
    Case("big-note", {"Home.md": "# Home\n\n[[Big]]\n"}, (), make=_big_note, timeout=300.0),
    Case(
        "ten-thousand-links",
        {"Home.md": "# Home\n\n[[Many]]\n"},
        (),
        make=_many_links,
        timeout=120.0,
    ),
)
