"""A real browser against the built site: Debian chromium driven by Playwright."""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Flags that keep chromium from reaching for the network on this closed machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files as a real host serves them, byte ranges included: a browser seeks
    media (`#t=` fragments, scrubbing) only where the server answers `Range`."""

    def log_message(self, *args) -> None:  # keep pytest output readable
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        match = _RANGE_RE.fullmatch(self.headers.get("Range", "").strip())
        if match is None or not os.path.isfile(path) or match.group(0) == "bytes=-":
            return super().send_head()
        with open(path, "rb") as file:
            data = file.read()
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), len(data) - 1) if last else len(data) - 1
        else:  # `bytes=-N`: the last N bytes
            start, end = max(len(data) - int(last), 0), len(data) - 1
        if start > end:
            self.send_error(416, "Requested Range Not Satisfiable")
            return None
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(data[start : end + 1])


@contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    """A headless Debian chromium; the test is skipped only when it is not installed."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (./dev test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageProblems:
    """Console errors, page errors and failed requests seen by a page."""

    def __init__(self, page) -> None:
        self.items: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.items.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.items.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.items.append(f"failed: {r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.items.append(f"HTTP {r.status}: {r.url}"),
        )
