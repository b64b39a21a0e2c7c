#!/usr/bin/env python3
"""Link-resolution build benchmark for the ``vault`` MkDocs plugin.

Run from the repository root::

    python bench/links.py                       # N = 1000 and 5000
    python bench/links.py --sizes 50            # smoke test, a few seconds
    python bench/links.py --sizes 1000 --repeat 3 --keep bench/out

For every N a seeded synthetic Obsidian vault is generated twice: once with
Obsidian ``[[wikilinks]]`` and once as the *same logical vault* written with
ordinary relative Markdown links (the baseline). Each configuration is then
built by ``mkdocs`` in a fresh child interpreter; the parent records the
child's wall time and the child reports its own peak RSS. Finally the built
HTML is read back to count how many of the generated links landed on the page
(and heading) that Obsidian would open.

``generate_vault(root, n, seed, flavour)`` is importable by other scripts
(``flavour`` is ``"wikilink"`` or ``"markdown"``); it returns the ``Vault``
model, whose ``links`` list says what every generated link must point at.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import posixpath
import random
import re
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

from machine import installed_version

# --------------------------------------------------------------------------
# Synthetic vault
# --------------------------------------------------------------------------

FLAVOURS = ("wikilink", "markdown")
ATTACHMENTS = "attachments"
N_IMAGES = 5

_TOP = ["Projects", "Areas", "Resources", "Archive"]
_LEVEL2 = ["Alpha Team", "Reading List", "Field Notes", "Meeting Notes", "Daily Logs",
           "Research", "Ideas", "People", "Recipes", "Travel", "Café Journal", "Old Drafts"]
_LEVEL3 = ["2023", "2024", "Q1 Review", "Sketches", "Misc", "Inbox"]

_ADJ = ["Amber", "Quiet", "Rapid", "Hidden", "Golden", "Silent", "Bright", "Lunar", "Crimson",
        "Hollow", "Northern", "Velvet", "Iron", "Paper", "Glass", "Wild", "Frozen", "Distant",
        "Ancient", "Modern", "Little", "Great", "Early", "Late", "Open", "Closed", "Broken",
        "Gentle", "Bold", "Naïve", "Café", "Über", "Rusty", "Tiny", "Vast", "Sharp", "Soft",
        "Deep", "High", "Low"]
_NOUN = ["River", "Lattice", "Garden", "Engine", "Harbor", "Forest", "Signal", "Theorem",
         "Archive", "Bridge", "Compass", "Lantern", "Meadow", "Orbit", "Pattern", "Quarry",
         "Ridge", "Spiral", "Tower", "Valley", "Window", "Notebook", "Kernel", "Vector",
         "Matrix", "Attention", "Gradient", "Tensor", "Canvas", "Cipher", "Résumé", "Spectrum",
         "Beacon", "Circuit", "Delta", "Ember", "Fjord", "Glacier", "Horizon", "Island"]
_GREEK = ["Alpha", "Beta", "Gamma", "Epsilon", "Zeta", "Theta", "Kappa", "Lambda", "Sigma",
          "Omega"]
_TAGS = ["project", "idea", "draft", "reference", "area/research", "status/done",
         "status/wip", "person", "meeting"]
_HEADINGS = ["Overview", "Background", "Details", "Next steps", "Open questions", "Summary",
             "Внимание", "Café crème", "Примеры кода", "Schritt für Schritt", "Références",
             "日本語の見出し", "What's next?", "Data & methods", "Notes on 2024 results"]
_WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed",
          "do", "eiusmod", "tempor", "incididunt", "labore", "dolore", "magna", "aliqua", "enim",
          "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi",
          "aliquip", "commodo", "consequat", "duis", "aute", "irure", "reprehenderit",
          "voluptate", "velit", "esse", "cillum", "fugiat", "nulla", "pariatur", "naïve",
          "façade", "über", "déjà", "vu", "attention", "gradient", "tensor", "query", "key",
          "value", "softmax"]
_PIPE_TEXT = ["see here", "this note", "related work", "the details", "background reading",
              "as discussed", "more"]
_LINK_SENTENCES = ["See {}.", "This builds on {}.", "Compare with {} before deciding.",
                   "{} has the details.", "As noted in {}, the result holds.",
                   "Cross-check {} and the figures.", "Also relevant: {}."]
# form -> weight (alias falls back to "name" when the target has no alias)
_FORMS = {"name": 30, "lower": 15, "pipe": 15, "heading": 20, "alias": 10, "md-ext": 10}
FORM_ORDER = ["name", "lower", "pipe", "heading", "alias", "md-ext", "image"]


@dataclass
class Note:
    idx: int
    folder: str  # POSIX path relative to the vault root, "" for the root
    name: str
    aliases: list[str]
    tags: list[str]
    headings: list[str]
    blocks: list = field(default_factory=list)  # list of blocks; a block is a list of str/Link
    code_literal: str = ""  # a wikilink-looking string inside the note's fenced code block

    @property
    def src(self) -> str:
        return posixpath.join(self.folder, self.name + ".md")

    @property
    def stem_path(self) -> str:
        return posixpath.join(self.folder, self.name)


@dataclass
class Link:
    source: int
    form: str  # one of FORM_ORDER
    target: int | None = None  # note index (None for images)
    heading: str | None = None
    text: str | None = None  # "|text" of a piped link, or the alias used
    via_path: bool = False  # written as [[folder/Name]] because the basename is ambiguous
    image: str | None = None  # "img-K.png"


@dataclass
class Vault:
    n: int
    seed: int
    notes: list[Note]
    links: list[Link]  # page links and image embeds, in document order per note
    images: list[str]


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 1x1 RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


def build_model(n: int, seed: int) -> Vault:
    """The logical vault: deterministic for (n, seed), independent of the flavour."""
    rng = random.Random(seed)
    folders = [""]
    for top in _TOP:  # 4 + 8 + 8 = 20 folders, 3 levels deep
        folders.append(top)
        for l2 in rng.sample(_LEVEL2, 2):
            folders.append(f"{top}/{l2}")
            folders.append(f"{top}/{l2}/{rng.choice(_LEVEL3)}")

    by_lower: dict[str, list[str]] = {}  # lower-cased basename -> folders holding it
    aliases_used: set[str] = set()
    notes: list[Note] = []
    for i in range(n):
        folder = rng.choice(folders)
        name = None
        if i >= 10 and rng.random() < 0.04:  # duplicate basename in another folder
            # Never at the vault root: [[Name]] for a root note whose basename also exists
            # in a folder is ambiguous (tools break the tie differently), so every copy of
            # a shared basename lives in a folder and is linked as [[folder/Name]].
            cand = notes[rng.randrange(len(notes))].name
            homes = by_lower[cand.lower()]
            if len(homes) < 3 and "" not in homes:
                free = [f for f in folders if f and f not in homes]
                folder = rng.choice(free)
                name = cand
        if name is None:
            base = f"{rng.choice(_ADJ)} {rng.choice(_NOUN)}"
            name, k = base, 2
            while name.lower() in by_lower:
                name, k = f"{base} {k}", k + 1
        by_lower.setdefault(name.lower(), []).append(folder)
        aliases = []
        for _ in range(rng.choices([0, 1, 2], [5, 3, 2])[0]):
            while True:
                alias = f"{rng.choice(_GREEK)} {rng.randrange(1000):03d}"
                if alias.lower() not in aliases_used:
                    break
            aliases_used.add(alias.lower())
            aliases.append(alias)
        notes.append(Note(i, folder, name, aliases, rng.sample(_TAGS, rng.randint(1, 3)),
                          rng.sample(_HEADINGS, rng.randint(3, 4))))

    def sentence(lo: int = 6, hi: int = 14) -> str:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(lo, hi))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    links: list[Link] = []
    forms, weights = list(_FORMS), list(_FORMS.values())
    for note in notes:
        # paragraphs: an intro plus one or two per heading
        paras: list[list] = [[sentence(), sentence()]]
        para_heading = [None]
        for h in note.headings:
            for _ in range(rng.randint(1, 2)):
                paras.append([sentence()])
                para_heading.append(h)
        page_links: list[tuple[int, Link]] = []
        # distinct targets per note, so each expected link is identifiable in the output
        for t in rng.sample(range(n - 1), min(rng.randint(8, 12), n - 1)):
            t = t + 1 if t >= note.idx else t
            target = notes[t]
            form = rng.choices(forms, weights)[0]
            if form == "alias" and not target.aliases:
                form = "name"
            link = Link(note.idx, form, target=t,
                        via_path=len(by_lower[target.name.lower()]) > 1 and form != "alias")
            if form == "heading":
                link.heading = rng.choice(target.headings)
            elif form == "pipe":
                link.text = rng.choice(_PIPE_TEXT)
            elif form == "alias":
                link.text = rng.choice(target.aliases)
            page_links.append((rng.randrange(len(paras)), link))
        for p, link in page_links:
            tmpl = rng.choice(_LINK_SENTENCES)
            pre, post = tmpl.split("{}")
            extra = " " + sentence(4, 8) if rng.random() < 0.5 else ""
            paras[p].extend(x for x in (pre.strip(), link, (post.strip() + extra).strip()) if x)
        images = [Link(note.idx, "image", image=f"img-{rng.randrange(N_IMAGES)}.png")
                  for _ in range(rng.randint(1, 2))]
        image_after = {rng.randrange(len(paras)): img for img in images}
        code_after = min(2, len(paras) - 1)
        some = notes[rng.randrange(n)]
        note.code_literal = f"[[{some.name}]]"
        blocks: list = []
        last_heading = None
        for p, para in enumerate(paras):
            if para_heading[p] != last_heading:
                blocks.append(f"## {para_heading[p]}")
                last_heading = para_heading[p]
            blocks.append(para)
            if p in image_after:
                blocks.append([image_after[p]])
            if p == code_after:
                blocks.append("\n".join([
                    "```python",
                    "def lookup(table, key):",
                    f"    # in Obsidian this stays literal: {note.code_literal}",
                    "    return table[[key]]",
                    "```"]))
        blocks.append(f"Note ID: N{note.idx:05d}.")
        note.blocks = blocks
        for block in blocks:  # document order
            if isinstance(block, list):
                links.extend(x for x in block if isinstance(x, Link))
    images = [f"img-{k}.png" for k in range(N_IMAGES)]
    return Vault(n, seed, notes, links, images)


def _slugify(text: str) -> str:
    """The toc slug of a heading, as configured in every benchmark config."""
    from pymdownx.slugs import slugify
    return slugify(case="lower")(text, "-")


def _render_link(vault: Vault, link: Link, flavour: str) -> str:
    src = vault.notes[link.source]
    if link.form == "image":
        if flavour == "wikilink":
            return f"![[{link.image}]]"
        rel = posixpath.relpath(f"{ATTACHMENTS}/{link.image}", src.folder or ".")
        return f"![{link.image[:-4]}]({quote(rel)})"
    tgt = vault.notes[link.target]
    base = tgt.stem_path if link.via_path else tgt.name
    if flavour == "wikilink":
        if link.form == "name":
            return f"[[{base}]]"
        if link.form == "lower":
            return f"[[{base.lower()}]]"
        if link.form == "pipe":
            return f"[[{base}|{link.text}]]"
        if link.form == "heading":
            return f"[[{base}#{link.heading}]]"
        if link.form == "alias":
            return f"[[{link.text}]]"
        if link.form == "md-ext":
            return f"[[{base}.md]]"
        raise ValueError(link.form)
    href = quote(posixpath.relpath(tgt.src, src.folder or "."))
    text = {"name": base, "lower": base.lower(), "pipe": link.text, "alias": link.text,
            "md-ext": base + ".md", "heading": f"{base} › {link.heading}"}[link.form]
    if link.form == "heading":
        href += "#" + _slugify(link.heading)
    return f"[{text}]({href})"


def _render_note(vault: Vault, note: Note, flavour: str) -> str:
    out = ["---"]
    if note.aliases:
        out.append("aliases:")
        out.extend(f"  - {a}" for a in note.aliases)
    out.append("tags:")
    out.extend(f"  - {t}" for t in note.tags)
    out.append("---")
    out.append("")
    for block in note.blocks:
        if isinstance(block, str):
            out.append(block)
        else:
            out.append(" ".join(_render_link(vault, x, flavour) if isinstance(x, Link) else x
                                for x in block).replace(" .", ".").replace(" ,", ","))
        out.append("")
    return "\n".join(out)


def generate_vault(root, n: int, seed: int = 1, flavour: str = "wikilink") -> Vault:
    """Write the synthetic vault of ``n`` notes into ``root`` (created if needed).

    ``flavour="wikilink"`` writes Obsidian links (``[[Name]]``, ``[[name]]``,
    ``[[Name|text]]``, ``[[Name#Heading]]``, ``[[folder/Name]]`` for ambiguous
    basenames, ``[[Alias]]``, ``[[Name.md]]``, ``![[img-K.png]]``);
    ``flavour="markdown"`` writes the same vault with relative ``.md`` links
    whose fragments are the toc slugs. Returns the ``Vault`` model.
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}")
    vault = build_model(n, seed)
    root = os.fspath(root)
    os.makedirs(os.path.join(root, ATTACHMENTS), exist_ok=True)
    rng = random.Random(seed + 7)
    for img in vault.images:
        with open(os.path.join(root, ATTACHMENTS, img), "wb") as fh:
            fh.write(_png((rng.randrange(256), rng.randrange(256), rng.randrange(256))))
    with open(os.path.join(root, "index.md"), "w", encoding="utf-8") as fh:
        fh.write(f"# Synthetic vault\n\n{n} generated notes (seed {seed}, {flavour} links).\n")
    made = set()
    for note in vault.notes:
        d = os.path.join(root, *note.folder.split("/")) if note.folder else root
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(os.path.join(d, note.name + ".md"), "w", encoding="utf-8") as fh:
            fh.write(_render_note(vault, note, flavour))
    return vault


# --------------------------------------------------------------------------
# Reading the built site back
# --------------------------------------------------------------------------

class _Stop(Exception):
    pass


class _ContentParser(HTMLParser):
    """Collects links, images, headings and code text inside the page's content region
    (``role="main"`` in the mkdocs theme, ``md-content__inner`` in material)."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})
    HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.hrefs: list[str] = []
        self.imgs: list[str] = []
        self.headings: list[tuple[str | None, str]] = []
        self.code: list[str] = []
        self.text: list[str] = []
        self._heading = None
        self._code = 0

    def _start(self, tag, attrs, void):
        a = dict(attrs)
        if self.depth == 0:
            if a.get("role") == "main" or "md-content__inner" in (a.get("class") or "").split():
                self.depth = 1
            return
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"])
        elif tag == "img":
            self.imgs.append(a.get("src") or "")
        if void or tag in self.VOID:
            return
        self.depth += 1
        if tag in self.HEADINGS:
            self._heading = (a.get("id"), [])
        elif tag in ("pre", "code"):
            self._code += 1

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, True)

    def handle_endtag(self, tag):
        if self.depth == 0 or tag in self.VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            raise _Stop
        if tag in self.HEADINGS and self._heading is not None:
            self.headings.append((self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None
        elif tag in ("pre", "code") and self._code:
            self._code -= 1

    def handle_data(self, data):
        if self.depth == 0:
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading[1].append(data)
        if self._code:
            self.code.append(data)


_MARKERS = ('role="main"', "md-content__inner")
_NOTE_ID = re.compile(r"Note ID: N(\d+)\.")


def _parse_page(html: str) -> _ContentParser | None:
    start = -1
    for marker in _MARKERS:
        start = html.find(marker)
        if start >= 0:
            break
    if start < 0:
        return None
    p = _ContentParser()
    try:
        p.feed(html[html.rfind("<", 0, start):])
        p.close()
    except _Stop:
        pass
    return p


def _resolve(site: str, page: str, href: str):
    """(site-relative file, fragment, exists) for a relative href on ``page``; None if external."""
    sp = urlsplit(href)
    if sp.scheme or sp.netloc:
        return None
    path, frag = unquote(sp.path), unquote(sp.fragment)
    if not path:
        target = page
    elif path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/") or ".")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if target == ".":
        target = ""
    if path.endswith("/") or target == "" or os.path.isdir(os.path.join(site, target)):
        target = posixpath.join(target, "index.html")
    return target, frag, os.path.isfile(os.path.join(site, target))


def evaluate_site(site: str, vault: Vault) -> dict:
    """Count how many generated links the built site resolves the way Obsidian would."""
    pages: dict[int, tuple[str, _ContentParser]] = {}
    file_note: dict[str, int] = {}
    for dirpath, _dirnames, filenames in os.walk(site):
        for fn in filenames:
            if not fn.endswith(".html"):
                continue
            full = os.path.join(dirpath, fn)
            with open(full, encoding="utf-8", errors="replace") as fh:
                parsed = _parse_page(fh.read())
            if parsed is None:
                continue
            m = _NOTE_ID.search("".join(parsed.text))
            if m:
                rel = os.path.relpath(full, site).replace(os.sep, "/")
                pages[int(m.group(1))] = (rel, parsed)
                file_note[rel] = int(m.group(1))
    heading_ids = {i: {text: hid for hid, text in p.headings} for i, (_, p) in pages.items()}

    per_source: dict[int, list[Link]] = {}
    for link in vault.links:
        per_source.setdefault(link.source, []).append(link)
    generated = Counter(link.form for link in vault.links)
    generated["via-path"] = sum(1 for link in vault.links if link.via_path)
    correct: Counter = Counter()
    to_page = broken = code_kept = 0
    for note in vault.notes:
        expected = per_source.get(note.idx, [])
        if note.idx not in pages:
            continue
        rel, parsed = pages[note.idx]
        if note.code_literal in "".join(parsed.code):
            code_kept += 1
        actual = []
        for href in parsed.hrefs:
            r = _resolve(site, rel, href)
            if r is None:
                actual.append(("external", href))
                continue
            target, frag, exists = r
            if exists:
                to_page += target.endswith(".html")
            else:
                broken += 1
            actual.append(("page", file_note.get(target, target), frag))
        want = []
        want_links = [x for x in expected if x.form != "image"]
        for link in want_links:
            frag = ""
            if link.heading is not None:
                frag = heading_ids.get(link.target, {}).get(link.heading) or _slugify(link.heading)
            want.append(("page", link.target, frag))
        for i, _, size in difflib.SequenceMatcher(None, want, actual, autojunk=False) \
                .get_matching_blocks():
            for k in range(size):
                link = want_links[i + k]
                correct[link.form] += 1
                correct["via-path"] += link.via_path
        img_links = [x for x in expected if x.form == "image"]
        got = []
        for src in parsed.imgs:
            r = _resolve(site, rel, src)
            got.append(posixpath.basename(r[0]) if r and r[2] else None)
        for _, _, size in difflib.SequenceMatcher(
                None, [x.image for x in img_links], got, autojunk=False).get_matching_blocks():
            correct["image"] += size
    n_links = sum(v for k, v in generated.items() if k not in ("image", "via-path"))
    return {
        "pages_found": len(pages),
        "links": n_links,
        "correct": sum(v for k, v in correct.items() if k not in ("image", "via-path")),
        "to_page": to_page,
        "broken": broken,
        "images": generated["image"],
        "images_ok": correct["image"],
        "code_kept": code_kept,
        "generated": dict(generated),
        "correct_by_form": dict(correct),
    }


# --------------------------------------------------------------------------
# Builds
# --------------------------------------------------------------------------

RUNNER = r"""
import json, logging, resource, sys, time
t0 = time.perf_counter()
class _Count(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.n = 0
        self.samples = []
    def emit(self, record):
        self.n += 1
        if len(self.samples) < 5:
            self.samples.append(record.getMessage()[:300])
counter = _Count()
logging.getLogger().addHandler(counter)
logging.getLogger().setLevel(logging.WARNING)
from mkdocs.commands.build import build
from mkdocs.config import load_config
cfg = load_config(config_file=sys.argv[1])
cfg.plugins.on_startup(command="build", dirty=False)
try:
    build(cfg, dirty=False)
finally:
    cfg.plugins.on_shutdown()
t1 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
rss = usage.ru_maxrss
print("@@BENCH@@" + json.dumps({"in_process_s": t1 - t0, "maxrss": rss,
                                "cpu_s": usage.ru_utime + usage.ru_stime,
                                "darwin": sys.platform == "darwin",
                                "warnings": counter.n, "samples": counter.samples}))
"""

PROBE = r"""
import sys
from importlib.metadata import entry_points
eps = [e for e in entry_points(group="mkdocs.plugins") if e.name == sys.argv[1]]
if not eps:
    print("NOTFOUND"); sys.exit(0)
ep = eps[0]
try:
    ep.load()
except BaseException as exc:
    msg = str(exc).splitlines()[0][:200] if str(exc) else ""
    print("BROKEN " + type(exc).__name__ + (": " + msg if msg else ""))
    sys.exit(0)
dist = getattr(ep, "dist", None)
print("OK " + (f"{dist.name} {dist.version}" if dist else ep.value))
"""

SLUGIFY = {
    # the configuration every benchmark config uses
    "pymdownx": "!!python/object/apply:pymdownx.slugs.slugify\n        kwds: {case: lower}",
    # only for (c*): obsidian-bridge calls slugify(text, separator=...), which
    # pymdownx's slugify does not accept, so (c) cannot build at all
    "unicode": "!!python/name:markdown.extensions.toc.slugify_unicode",
}
MARKDOWN_EXTENSIONS = """\
markdown_extensions:
  - toc:
      slugify: {slugify}
  - tables
  - attr_list
  - pymdownx.superfences
"""


@dataclass
class Config:
    key: str
    label: str
    flavour: str
    theme: str
    one_entry_nav: bool
    plugin: str | None
    reference: str | None  # key of the baseline its ratios are computed against
    slugify: str = "pymdownx"
    folder_nav: bool = False  # the docs' large-vault configuration


CONFIGS = [
    Config("a", "(a) baseline", "markdown", "mkdocs", True, None, None),
    Config("b", "(b) vault", "wikilink", "mkdocs", True, "vault", "a"),
    Config("c", "(c) obsidian-bridge", "wikilink", "mkdocs", True, "obsidian-bridge", "a"),
    Config("c*", "(c*) obsidian-bridge, toc slugify_unicode", "wikilink", "mkdocs", True,
           "obsidian-bridge", "a", slugify="unicode"),
    Config("d", "(d) roamlinks", "wikilink", "mkdocs", True, "roamlinks", "a"),
    Config("a'", "(a') baseline material", "markdown", "material", True, None, None),
    # The docs' large-vault configuration (docs/user/large-vaults.md): material +
    # navigation.prune/indexes, and the plugin's folder_nav (a nav of folders with index
    # pages instead of every note).
    Config("e", "(e) vault large-vault config", "wikilink", "material", False, "vault", "a'",
           folder_nav=True),
    # (e) without folder_nav: the full auto nav of every note, pruned by material.
    Config("f", "(f) vault material+prune, full nav", "wikilink", "material", False, "vault",
           "a'"),
    # opt-in control (--configs ...,e0): the full nav without the plugin, on the
    # plain-Markdown vault, to tell the cost of the full nav from the cost of the plugin
    Config("e0", "(e0) baseline material+prune, full nav", "markdown", "material", False, None,
           "a'"),
]
DEFAULT_CONFIGS = ["a", "b", "c", "c*", "d", "a'", "e", "f"]


def write_config(path: str, docs_dir: str, site_dir: str, cfg: Config) -> None:
    lines = ["site_name: vault link benchmark",
             f"docs_dir: {json.dumps(docs_dir)}",
             f"site_dir: {json.dumps(site_dir)}",
             "theme:", f"  name: {cfg.theme}"]
    if cfg.theme == "material":
        lines += ["  features:", "    - navigation.prune", "    - navigation.indexes"]
    if cfg.one_entry_nav:
        lines += ["nav:", "  - index.md"]
    if cfg.plugin is None:
        lines += ["plugins: []"]
    elif cfg.folder_nav:
        lines += ["plugins:", f"  - {cfg.plugin}:", "      folder_nav: true"]
    else:
        lines += ["plugins:", f"  - {cfg.plugin}"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n"
                 + MARKDOWN_EXTENSIONS.format(slugify=SLUGIFY[cfg.slugify]))


def probe_plugin(python: str, name: str) -> tuple[bool, str]:
    out = subprocess.run([python, "-c", PROBE, name], check=False, capture_output=True, text=True,
                         timeout=120).stdout.strip()
    if out.startswith("OK "):
        return True, out[3:]
    if out == "NOTFOUND":
        return False, "not installed"
    return False, "not importable: " + (out[len("BROKEN "):] if out else "probe failed")


def run_build(python: str, yml: str, timeout: float) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([python, "-c", RUNNER, yml], check=False,
                              capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timeout after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("@@BENCH@@")), None)
    if proc.returncode != 0 or line is None:
        tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()][-1:] or ["?"]
        return {"ok": False, "error": f"build failed (rc={proc.returncode}): {tail[0][:160]}"}
    info = json.loads(line[len("@@BENCH@@"):])
    mb = info["maxrss"] / (1024 * 1024 if info["darwin"] else 1024)
    return {"ok": True, "wall": wall, "peak_mb": mb, "in_process_s": info["in_process_s"],
            "cpu": info["cpu_s"],
            "warnings": info["warnings"], "samples": info["samples"]}


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def _table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for j, r in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  ".join(cells).rstrip())
        if j == 0:
            out.append("  ".join(("-" * w if r[i] else "") for i, w in enumerate(widths))
                       .rstrip())
    return "\n".join(out)


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100.0 * a / b:.0f}%)" if b else "0/0"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], metavar="N",
                    help="vault sizes in notes (default: 1000 5000)")
    ap.add_argument("--repeat", type=int, default=1, help="paired repeats per size (default 1)")
    ap.add_argument("--keep", metavar="DIR", help="keep generated vaults and sites in DIR")
    ap.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    ap.add_argument("--configs", default=",".join(DEFAULT_CONFIGS),
                    help="comma-separated subset of " + ",".join(c.key for c in CONFIGS)
                    + " (default: " + ",".join(DEFAULT_CONFIGS) + ")")
    ap.add_argument("--timeout", type=float, default=3600.0,
                    help="seconds before one build is abandoned (default 3600)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print sample warnings")
    args = ap.parse_args(argv)
    wanted = {k.strip() for k in args.configs.split(",") if k.strip()}
    configs = [c for c in CONFIGS if c.key in wanted]
    python = sys.executable
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)

    print("vault link-resolution benchmark")
    print(f"machine : {platform.platform()} | {platform.machine() or '?'} | "
          f"{os.cpu_count()} CPUs | Python {platform.python_version()} | "
          f"mkdocs {installed_version('mkdocs')}")
    print(f"packages: mkdocs-material {installed_version('mkdocs-material')}, "
          f"pymdown-extensions {installed_version('pymdown-extensions')}, "
          f"Markdown {installed_version('Markdown')}")
    print(f"command : {shlex.join(getattr(sys, 'orig_argv', [python] + sys.argv))}")

    status: dict[str, tuple[bool, str]] = {}
    for plugin in sorted({c.plugin for c in configs if c.plugin}):
        status[plugin] = probe_plugin(python, plugin)
    for plugin, (_ok, msg) in status.items():
        print(f"plugin  : {plugin}: {msg}")

    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="vault-bench-")
    print(f"workdir : {work}{'' if args.keep else ' (removed at exit; --keep DIR to keep)'}")
    print(f"seed {args.seed}, repeat {args.repeat} (medians; ratios are medians of paired ratios)")
    baseline_failed = False
    try:
        for n in args.sizes:
            base = os.path.join(work, f"n{n}")
            t0 = time.perf_counter()
            vault = None
            docs = {}
            for flavour in FLAVOURS:
                if not any(c.flavour == flavour for c in configs):
                    continue
                docs[flavour] = os.path.join(base, f"vault-{flavour}")
                shutil.rmtree(docs[flavour], ignore_errors=True)
                vault = generate_vault(docs[flavour], n, args.seed, flavour)
            gen_s = time.perf_counter() - t0
            if vault is None:
                continue
            n_links = sum(1 for x in vault.links if x.form != "image")
            names = Counter(x.name.lower() for x in vault.notes)
            n_dup = sum(1 for x in vault.notes if names[x.name.lower()] > 1)
            print()
            print(f"== N = {n} notes: {n_links} links + {len(vault.links) - n_links} image "
                  f"embeds, {n_dup} notes share a basename; generated in {gen_s:.1f} s ==")

            runs: dict[str, list[dict]] = {c.key: [] for c in configs}
            skipped: dict[str, str] = {}
            stats: dict[str, dict] = {}
            for c in configs:
                if c.plugin and not status[c.plugin][0]:
                    skipped[c.key] = "skipped: " + status[c.plugin][1]
            for rep in range(args.repeat):
                # Alternate the order (ABBA...) so a drift over the run (page cache,
                # writeback, thermal) does not always fall on the same configuration.
                order = configs if rep % 2 == 0 else list(reversed(configs))
                for c in order:
                    if c.key in skipped:
                        continue
                    cdir = os.path.join(base, "cfg-" + c.key.replace("'", "2")
                                        .replace("*", "x"))
                    os.makedirs(cdir, exist_ok=True)
                    yml, site = os.path.join(cdir, "mkdocs.yml"), os.path.join(cdir, "site")
                    write_config(yml, docs[c.flavour], site, c)
                    shutil.rmtree(site, ignore_errors=True)
                    # Flush the previous build's writes outside the timing, so writeback
                    # of one configuration's site does not slow down the next one.
                    os.sync()
                    res = run_build(python, yml, args.timeout)
                    runs[c.key].append(res)
                    if res["ok"] and c.key not in stats:
                        stats[c.key] = evaluate_site(site, vault)
                    if not res["ok"] and c.plugin is None:
                        baseline_failed = True
                    print(f"   [{rep + 1}/{args.repeat}] {c.label:<42} "
                          + (f"{res['wall']:.2f} s" if res["ok"] else res["error"]),
                          file=sys.stderr, flush=True)

            # CPU seconds (user + system of the child) are printed beside wall time: on a
            # small shared machine wall time carries I/O and scheduling noise that has
            # nothing to do with the plugin, CPU time much less of it.
            rows = [["config", "wall s", "cpu s", "peak MB", "time x", "cpu x", "mem x", "vs", ""]]
            for c in configs:
                if c.key in skipped:
                    rows.append([c.label, "-", "-", "-", "-", "-", "-", "", skipped[c.key]])
                    continue
                ok = [r for r in runs[c.key] if r["ok"]]
                if len(ok) < len(runs[c.key]):
                    err = next(r["error"] for r in runs[c.key] if not r["ok"])
                    rows.append([c.label, "-", "-", "-", "-", "-", "-", "", err])
                    continue
                ref = c.reference or c.key
                pairs = [(r, b) for r, b in zip(runs[c.key], runs.get(ref, [])) if b["ok"]]
                tx = (f"{statistics.median(r['wall'] / b['wall'] for r, b in pairs):.2f}"
                      if pairs else "n/a")
                cx = (f"{statistics.median(r['cpu'] / b['cpu'] for r, b in pairs):.2f}"
                      if pairs else "n/a")
                mx = (f"{statistics.median(r['peak_mb'] / b['peak_mb'] for r, b in pairs):.2f}"
                      if pairs else "n/a")
                rows.append([c.label,
                             f"{statistics.median(r['wall'] for r in ok):.2f}",
                             f"{statistics.median(r['cpu'] for r in ok):.2f}",
                             f"{statistics.median(r['peak_mb'] for r in ok):.0f}",
                             tx, cx, mx, f"({ref})", ""])
            print(_table(rows, {1, 2, 3, 4, 5, 6}))

            print()
            print("links (content of note pages vs what the generator wrote; "
                  "correct = Obsidian's target page and heading):")
            rows = [["config", "correct", "to a page", "broken", "images", "code kept", "warnings"]]
            forms = []
            for c in configs:
                if c.key not in stats:
                    continue
                s = stats[c.key]
                warn = runs[c.key][0]["warnings"]
                rows.append([c.label, _pct(s["correct"], s["links"]), str(s["to_page"]),
                             str(s["broken"]), _pct(s["images_ok"], s["images"]),
                             f"{s['code_kept']}/{n}", str(warn)])
                gen, cor = s["generated"], s["correct_by_form"]
                forms.append(f"  {c.label}: " + ", ".join(
                    f"{f} {cor.get(f, 0)}/{gen.get(f, 0)}"
                    for f in FORM_ORDER[:-1] + ["via-path"] if gen.get(f)))
                if args.verbose and runs[c.key][0]["samples"]:
                    forms.extend(f"      warning: {w}" for w in runs[c.key][0]["samples"])
            if len(rows) > 1:
                print(_table(rows, {1, 2, 3, 4, 5, 6}))
                print("correct by form (via-path = links written [[folder/Name...]] "
                      "because the basename is ambiguous):")
                print("\n".join(forms))
            else:
                print("  (no successful build)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if baseline_failed else 0


if __name__ == "__main__":
    sys.exit(main())
