"""Audio, video and PDF embeds reach the page as Obsidian shows them; a note's HTML cannot
borrow them; raw `<img src>` and `[x](<What?.md>)` find their files as in Obsidian.

Before: `![[clip.mp3]]`, `![[movie.mp4]]` and `![[doc.pdf]]` built `<audio>`, `<video>` and
`<iframe>`, which the page sanitizer deleted without a word.
"""

from __future__ import annotations

import io
import math
import struct
import wave

import pytest
from bs4 import BeautifulSoup
from helpers import build_vault
from mkdocs_vault import render
from mkdocs_vault.grammar import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS
from mkdocs_vault.media import media_kind, media_options
from mkdocs_vault.raw_html import rewrite_sources
from mkdocs_vault.sanitize import clean_own_embed, removed_parts, sanitize_html

ATTACHMENTS = {
    "att/clip.mp3": b"ID3",
    "att/movie.mp4": b"\0\0\0\x18ftypmp42",
    "att/doc.pdf": b"%PDF-1.4\n",
    "att/x.png": b"\x89PNG\r\n\x1a\n",
    'att/q"onerror=alert(1).ogg': b"OggS",
}

MEDIA = """\
![[clip.mp3]]

![[clip.mp3#t=5]]

![[clip.mp3#t=1:30,2:00|Interview]]

![[movie.mp4]]

![[movie.mp4#t=10]]

![[doc.pdf]]

![[doc.pdf#page=3]]

![[doc.pdf#height=400]]

![[doc.pdf#page=2#height=300]]

Inline ![[clip.mp3]] in a sentence.

![[q"onerror=alert(1).ogg]]
"""

GOLDEN = [
    '<audio class="vault-embed vault-embed-audio" controls="" preload="metadata" src="../../att/clip.mp3" title="clip.mp3"><a class="vault-link" href="../../att/clip.mp3">clip.mp3</a></audio>',
    '<audio class="vault-embed vault-embed-audio" controls="" preload="metadata" src="../../att/clip.mp3#t=5" title="clip.mp3"><a class="vault-link" href="../../att/clip.mp3">clip.mp3</a></audio>',
    '<audio class="vault-embed vault-embed-audio" controls="" preload="metadata" src="../../att/clip.mp3#t=1:30,2:00" title="Interview"><a class="vault-link" href="../../att/clip.mp3">Interview</a></audio>',
    '<video class="vault-embed vault-embed-video" controls="" preload="metadata" src="../../att/movie.mp4" title="movie.mp4"><a class="vault-link" href="../../att/movie.mp4">movie.mp4</a></video>',
    '<video class="vault-embed vault-embed-video" controls="" preload="metadata" src="../../att/movie.mp4#t=10" title="movie.mp4"><a class="vault-link" href="../../att/movie.mp4">movie.mp4</a></video>',
    '<iframe class="vault-embed vault-embed-pdf" src="../../att/doc.pdf" title="doc.pdf"></iframe>',
    '<iframe class="vault-embed vault-embed-pdf" src="../../att/doc.pdf#page=3" title="doc.pdf"></iframe>',
    '<iframe class="vault-embed vault-embed-pdf" src="../../att/doc.pdf" style="height: 400px" title="doc.pdf"></iframe>',
    '<iframe class="vault-embed vault-embed-pdf" src="../../att/doc.pdf#page=2" style="height: 300px" title="doc.pdf"></iframe>',
    'Inline <audio class="vault-embed vault-embed-audio" controls="" preload="metadata" src="../../att/clip.mp3" title="clip.mp3"><a class="vault-link" href="../../att/clip.mp3">clip.mp3</a></audio> in a sentence.',
    '<audio class="vault-embed vault-embed-audio" controls="" preload="metadata" src="../../att/q%22onerror%3Dalert%281%29.ogg" title=\'q"onerror=alert(1).ogg\'><a class="vault-link" href="../../att/q%22onerror%3Dalert%281%29.ogg">q"onerror=alert(1).ogg</a></audio>',
]

RAW_HTML = """\
<img src="att/x.png" width="100">

<p align="center"><img src="x.png" alt="by name"></p>

<audio controls src="https://example.org/a.ogg"></audio>

<video src="att/movie.mp4" onerror="alert(1)" controls></video>

<iframe src="https://evil.example/"></iframe>

<iframe class="vault-embed vault-embed-pdf" src="att/doc.pdf"></iframe>

<img src="missing.png">

```html
<img src="att/x.png">
```

[x](<folder/What?.md>) and [y](<What?.md>)
"""

BAD_FRAGMENTS = """\
# Bad fragments

![[clip.mp3#t=soon]]

![[doc.pdf#zoom=2]]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    notes = {
        "folder/Media.md": MEDIA,
        "folder/Raw.md": RAW_HTML,
        "folder/What?.md": "# What\n",
        "Bad.md": BAD_FRAGMENTS,
        "Host.md": "# Host\n\n![[Media]]\n",
        **ATTACHMENTS,
    }
    return build_vault(tmp_path_factory.mktemp("media"), notes)


def _paragraphs(build, src_uri: str) -> list[str]:
    return [p.decode_contents() for p in build.soup(src_uri).find_all("p")]


def test_each_embed_form_renders_its_player_or_viewer(site):
    assert _paragraphs(site, "folder/Media.md") == GOLDEN


def test_a_transcluded_note_plays_its_media_from_the_host_page(site):
    embedded = site.soup("Host.md").find("div", class_="vault-embed-note")
    sources = [element["src"] for element in embedded.find_all(["audio", "video", "iframe"])]
    assert sources[0] == "../att/clip.mp3" and "../att/doc.pdf#page=3" in sources


def test_a_malformed_fragment_is_reported_at_its_line_and_the_embed_still_shows(site):
    assert "vault/Bad.md:3: malformed '#t=soon' in an audio embed; ignored (write #t=90 or #t=1:30,2:00)" in " ".join(site.warnings)
    assert any("vault/Bad.md:5: '#zoom=2' means nothing to a PDF embed" in w for w in site.warnings)
    soup = site.soup("Bad.md")
    assert soup.find("audio")["src"] == "../att/clip.mp3"
    assert soup.find("iframe")["src"] == "../att/doc.pdf"


def test_a_notes_html_keeps_media_but_not_frames_or_handlers(site):
    soup = site.soup("folder/Raw.md")
    assert soup.find("audio")["src"] == "https://example.org/a.ogg"
    video = soup.find("video")
    assert "onerror" not in video.attrs and video["src"] == "../../att/movie.mp4"
    assert soup.find_all("iframe") == []  # neither a foreign page nor one dressed as ours


def test_a_notes_img_finds_its_file_like_obsidian(site):
    images = site.soup("folder/Raw.md").find_all("img")
    assert [image.get("src") for image in images] == ["../../att/x.png", "../../att/x.png", "missing.png"]
    assert images[0]["width"] == "100" and images[1]["alt"] == "by name"
    assert any("vault/folder/Raw.md:13: attachment 'missing.png' not found" in w for w in site.warnings)
    # Code shows the HTML as written.
    assert '<img src="att/x.png">' in site.soup("folder/Raw.md").find("code").get_text()


def test_a_markdown_link_with_a_question_mark_in_its_name_finds_the_note(site):
    links = site.soup("folder/Raw.md").find_all("a", string=["x", "y"])
    assert [a["href"] for a in links] == ["../What%3F/", "../What%3F/"]
    assert (site.site / "folder" / "What?" / "index.html").is_file()


def test_media_survives_with_trust_html_on(tmp_path):
    build = build_vault(
        tmp_path,
        {"Note.md": "![[clip.mp3#t=2]]\n\n![[doc.pdf]]\n", **ATTACHMENTS},
        extra={"plugins": [{"vault": {"trust_html": True}}]},
    )
    soup = build.soup("Note.md")
    assert soup.find("audio")["src"] == "../att/clip.mp3#t=2" and soup.find("iframe") is not None


def test_our_output_stripped_by_the_sanitizer_is_a_warning_not_a_silent_loss(tmp_path, monkeypatch):
    real = render.media_html

    def with_handler(*args):
        return str(real(*args)).replace("<audio ", '<audio onplay="track()" ', 1)

    monkeypatch.setattr(render, "media_html", with_handler)
    build = build_vault(tmp_path, {"Note.md": "Intro\n\n![[clip.mp3]]\n", **ATTACHMENTS})
    assert any(
        "vault/Note.md:3: the sanitizer removed 'onplay' of <audio> from the audio embed of 'clip.mp3'"
        in w
        for w in build.warnings
    ), build.warnings
    assert build.soup("Note.md").find("audio").get("onplay") is None


@pytest.mark.parametrize(
    ("extension", "kind"),
    [*((e, "audio") for e in ["flac", "m4a", "mp3", "ogg", "wav", "3gp"])]
    + [*((e, "video") for e in ["mkv", "mov", "mp4", "ogv", "webm"])]
    + [("pdf", "pdf"), ("png", None), ("md", None)],
)
def test_obsidians_accepted_media_formats_embed_as_players(extension, kind):
    assert media_kind(extension) == kind
    assert (extension in AUDIO_EXTENSIONS | VIDEO_EXTENSIONS) == (kind in {"audio", "video"})


@pytest.mark.parametrize(
    ("html", "removed"),
    [
        ('<audio src="a.mp3" controls></audio>', []),
        ('<audio src="https://evil.example/a.mp3"></audio>', ["'src' of <audio>"]),
        ('<iframe src="javascript:alert(1)" title="x"></iframe>', ["'src' of <iframe>"]),
        ('<video src="v.mp4" onerror="alert(1)"></video>', ["'onerror' of <video>"]),
        ('<audio src="a.mp3"><script>alert(1)</script></audio>', ["<script>"]),
        ('<iframe srcdoc="<b>x</b>" src="d.pdf"></iframe>', ["'srcdoc' of <iframe>"]),
    ],
)
def test_the_own_embed_policy_names_what_it_removes(html, removed):
    cleaned, found = clean_own_embed(html)
    assert found == removed
    assert removed_parts(html, cleaned) == removed


@pytest.mark.parametrize(
    ("html", "rewritten"),
    [
        ('<img src="x.png" width="100">', '<img src="/site/x.png" width="100">'),
        ("<p>\n  a <IMG SRC=x.png ALT='q\"t' hidden/> b</p>", '<p>\n  a <img src="/site/x.png" alt="q&#34;t" hidden /> b</p>'),
        ('<video controls src="v.mp4"><source src="v.webm"></video>', '<video controls src="/site/v.mp4"><source src="/site/v.webm"></video>'),
        ('<img src="a&amp;b.png">', '<img src="/site/a&amp;b.png">'),
        ('<img src="https://example.org/x.png"> <img src="">', '<img src="https://example.org/x.png"> <img src="">'),
        ('<a href="x.png">link</a> <iframe src="x.png"></iframe>', '<a href="x.png">link</a> <iframe src="x.png"></iframe>'),
    ],
)
def test_a_raw_html_source_is_rewritten_in_place_and_nothing_else(html, rewritten):
    def url_for(src):
        return None if "://" in src else f"/site/{src}"

    assert rewrite_sources(html, url_for) == rewritten


@pytest.mark.parametrize(
    ("kind", "parts", "expected", "problems"),
    [
        ("audio", ("t=90",), {"time": "90"}, 0),
        ("audio", ("t=npt:1:30.5,2:00",), {"time": "npt:1:30.5,2:00"}, 0),
        ("video", ("t=,20",), {"time": ",20"}, 0),
        ("pdf", ("page=3&height=400",), {"page": 3, "height": 400}, 0),
        ("pdf", ("page=0",), {}, 1),
        ("pdf", ("t=5",), {}, 1),
        ("audio", ("page=2", "t=x"), {}, 2),
    ],
)
def test_fragments_are_read_as_obsidian_writes_them(kind, parts, expected, problems):
    options, found = media_options(kind, parts)
    assert {k: v for k, v in vars(options).items() if v is not None} == expected
    assert len(found) == problems


def test_the_page_sanitizer_keeps_hosted_media_and_drops_handlers():
    html = '<video src="v.mp4" onerror="alert(1)" controls></video><iframe src="https://evil/"></iframe>'
    assert sanitize_html(html) == '<video src="v.mp4" controls=""></video>'


# -- in a browser: the audio plays and the PDF opens in chromium's viewer -----------------


def tone_wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A valid mono 16-bit WAV of a 440 Hz tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(frames)
            )
        )
    return buffer.getvalue()


def two_page_pdf() -> bytes:
    """A minimal valid PDF (two blank pages), cross-reference table and all."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PLAY = """async (selector) => {
  const audio = document.querySelector(selector);
  await new Promise(done => audio.readyState >= 1 ? done() : audio.addEventListener('loadedmetadata', done));
  const start = audio.currentTime;
  await audio.play();
  await new Promise(done => setTimeout(done, 300));
  return {start, paused: audio.paused, time: audio.currentTime, duration: audio.duration,
          error: audio.error && audio.error.code};
}"""


def test_browser_plays_an_audio_embed_and_opens_a_pdf_embed(tmp_path):
    from browser import PageProblems, chromium, serve

    build = build_vault(
        tmp_path,
        {
            "folder/Listen.md": "# Listen\n\n![[tone.wav]]\n\n![[tone.wav#t=1]]\n\n![[doc.pdf#page=2]]\n",
            "att/tone.wav": tone_wav(),
            "att/doc.pdf": two_page_pdf(),
        },
    )
    assert build.warnings == []
    with serve(build.site) as url, chromium() as browser:
        page = browser.new_page()
        problems = PageProblems(page)
        pdf_types = []
        page.on(
            "response",
            lambda r: r.url.endswith("/att/doc.pdf") and pdf_types.append(r.headers.get("content-type")),
        )
        page.goto(f"{url}/folder/Listen/")
        played = page.evaluate(PLAY, "audio.vault-embed-audio")
        assert played["error"] is None and played["duration"] == pytest.approx(2.0, abs=0.01)
        assert played["start"] == 0 and not played["paused"] and played["time"] > 0
        # `#t=1` reaches the browser: the second player starts one second in.
        later = page.evaluate(PLAY, "p:nth-of-type(2) audio")
        assert later["start"] == pytest.approx(1.0, abs=0.01)
        assert not later["paused"] and later["time"] > 1
        page.wait_for_function(
            "() => document.querySelector('iframe.vault-embed-pdf').getBoundingClientRect().height > 300"
        )
        # Chromium's PDF viewer took the frame: its extension frame loads the document.
        page.wait_for_timeout(1000)
        frames = [frame.url for frame in page.frames]
        assert f"{url}/att/doc.pdf#page=2" in frames
        assert any(frame.startswith("chrome-extension://") for frame in frames), frames
        assert "application/pdf" in pdf_types
        # The plain theme's CDN stylesheets fail on this closed machine; nothing of ours does.
        assert [item for item in problems.items if url in item] == []
        page.close()


def test_no_executable_markup_from_a_hostile_media_name(site):
    soup = BeautifulSoup(site.html("folder/Media.md"), "html.parser")
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element


PLUGIN_OUTPUT = """\
# Everything the plugin builds

See [[Other]], [[Other#Part|a part]], [[Other#^blk]], [[Missing]] and #some/tag.

![[x.png|120]] ![[x.png#right]]

![[clip.mp3#t=2]] ![[movie.mp4]] ![[doc.pdf#page=2#height=300]]

> [!tip]- Folded tip
> with [[Other]] inside

A paragraph with a block id ^mine

![[Other#Part]]

![[Other#^blk]]
"""

OTHER = """\
# Other

## Part

Text of the part with ![[clip.mp3]].

A block. ^blk
"""


def test_the_page_sanitizer_removes_nothing_the_plugin_builds(tmp_path):
    """With no raw HTML in the notes, sanitizing must not change a single element or
    attribute of the page: what `trust_html: true` publishes is what the sanitized build does."""
    notes = {"Home.md": PLUGIN_OUTPUT, "Other.md": OTHER, **ATTACHMENTS}
    sanitized = build_vault(tmp_path / "sanitized", notes)
    trusted = build_vault(
        tmp_path / "trusted", notes, extra={"plugins": [{"vault": {"trust_html": True}}]}
    )
    built = trusted.html("Home.md")
    assert all(tag in built for tag in ("<audio", "<video", "<iframe", "<details", "vault-embed-note"))
    assert removed_parts(built, sanitized.html("Home.md")) == []
    assert removed_parts(trusted.html("Other.md"), sanitized.html("Other.md")) == []
