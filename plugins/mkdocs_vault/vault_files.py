"""The scan and index step: every file of the vault read once per build, every note known.

Before any page renders, each note is scanned (front matter, headings, links, blocks:
`scan.py`) and indexed (`index.py`), so a link can be resolved to any note. Each note is
read from disk once: the text is handed to MkDocs later (`source`), and under `mkdocs
serve` a file unchanged since the last build keeps its scan. Notes with `publish: false`,
files that are not UTF-8 and files a symlink brings in from outside the vault are left
out of the site (the latter two with a warning).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .confine import OUTSIDE_HINT, OUTSIDE_MESSAGE, escaping_symlink
from .index import VaultIndex
from .scan import ScanResult, scan_note

if TYPE_CHECKING:
    from mkdocs.structure.files import File, Files

    from .anchors import AnchorMaker
    from .diagnostics import Diagnostics


class VaultFiles:
    """Scans kept across builds (by file stat) and this build's note texts."""

    def __init__(self) -> None:
        self._scans: dict[Path, tuple[tuple[int, int], ScanResult]] = {}
        self._sources: dict[str, str] = {}

    def index(
        self,
        files: Files,
        docs_dir: Path,
        base_dir: Path,
        anchor_maker: AnchorMaker,
        diagnostics: Diagnostics,
    ) -> VaultIndex:
        """Scan and index every file; drop from `files` what is not published."""
        self._sources.clear()
        index = VaultIndex(anchor_maker)
        report = diagnostics.report
        unpublished = []
        for file in files:
            if file.abs_src_path is not None and self._refused(file, docs_dir, base_dir, report):
                unpublished.append(file)  # left out before the index can link to it
                continue
            if not file.is_documentation_page():
                index.add_attachment(file.src_uri)
                continue
            if file.abs_src_path is None:
                note = index.add_note(file.src_uri, file.content_string, None, file.src_uri)
            else:
                path = Path(file.abs_src_path)
                display = os.path.relpath(file.abs_src_path, base_dir).replace(os.sep, "/")
                scan = self._scan(path, file.src_uri)
                if scan.encoding_error:
                    report(display, 1, scan.encoding_error, "save it as UTF-8")
                    unpublished.append(file)
                    continue
                note = index.add_note(file.src_uri, "", path, display, scan)
            for line, message, hint in note.scan.problems:
                report(note.display_path, line, message, hint)
            if note.scan.meta_error:
                report(note.display_path, 1, note.scan.meta_error, "fix the YAML")
            if not note.published:
                unpublished.append(file)
        for file in unpublished:
            files.remove(file)
        return index

    def source(self, src_uri: str) -> str | None:
        """The text `index` read for a note (once; then it is dropped), or None."""
        return self._sources.pop(src_uri, None)

    def _refused(self, file: File, docs_dir: Path, base_dir: Path, report) -> bool:
        """Report and refuse a file that a symlink brings in from outside the vault."""
        link = escaping_symlink(Path(file.abs_src_path), docs_dir)
        if link is None:
            return False
        display = os.path.relpath(link, base_dir).replace(os.sep, "/")
        report(display, 1, OUTSIDE_MESSAGE, OUTSIDE_HINT)
        return True

    def _scan(self, path: Path, src_uri: str) -> ScanResult:
        """Scan a note, reusing the last scan while the file is unchanged (serve rebuilds)."""
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._scans.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
            self._sources[src_uri] = text
        except UnicodeDecodeError as error:
            # MkDocs would stop the whole build on it: the note is reported and left out.
            scan = ScanResult(encoding_error=f"not UTF-8 text (byte {error.start}); left out")
            self._scans[path] = (key, scan)
            return scan
        scan = scan_note(text)
        self._scans[path] = (key, scan)
        return scan
