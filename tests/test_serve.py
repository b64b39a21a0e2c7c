"""`mkdocs serve` as a writer uses it: edit a note, the page follows, nothing loops."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import write_config, write_vault

NOTE = """# Curve

```python exec
#| caption: A line
import matplotlib.pyplot as plt
slope = {slope}
plt.plot([0, 1], [0, slope])
print("slope is", slope)
```

```python exec
slope * {factor}
```
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except OSError:
        return 0, b""


def _wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Server:
    """A `mkdocs serve` child process whose log is read from a file."""

    def __init__(self, config: Path, log_path: Path) -> None:
        self.port = _free_port()
        self.log_path = log_path
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-f", str(config),
                 "-a", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=config.parent,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def builds(self) -> int:
        return self.log.count("Building documentation")

    def page(self, path: str = "Curve/") -> str:
        status, body = _get(f"http://127.0.0.1:{self.port}/{path}")
        return body.decode("utf-8") if status == 200 else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(tmp_path):
    write_vault(tmp_path, {"Curve.md": NOTE.format(slope=2, factor=2)})
    running = Server(write_config(tmp_path), tmp_path / "serve.log")
    yield running
    running.stop()


def test_editing_a_note_while_serving_rebuilds_once_and_reruns_only_the_changed_blocks(
    server, tmp_path
):
    page = _wait_for(lambda: "slope is 2" in server.page() and server.page(), what="first build")
    first_figure = re.search(r'<img src="([^"]+\.svg)"', page).group(1)
    assert "snippets: executed 2 blocks, 0 from cache" in server.log

    note = tmp_path / "vault" / "Curve.md"
    note.write_text(NOTE.format(slope=3, factor=2), encoding="utf-8")
    page = _wait_for(lambda: "slope is 3" in server.page() and server.page(), what="the edit")
    assert "<code>6</code>" in page
    new_figure = re.search(r'<img src="([^"]+\.svg)"', page).group(1)
    assert new_figure != first_figure
    assert _get(f"http://127.0.0.1:{server.port}/Curve/{new_figure}")[0] == 200
    _wait_for(lambda: server.log.count("executed 2 blocks, 0 from cache") == 2, what="summary")

    note.write_text(NOTE.format(slope=3, factor=10), encoding="utf-8")  # the second block only
    _wait_for(lambda: "<code>30</code>" in server.page(), what="the second edit")
    _wait_for(lambda: "executed 1 blocks, 1 from cache" in server.log, what="summary")
    time.sleep(3)  # a reload loop would show up as more builds in this quiet time
    assert server.builds() == 3
    assert server.process.poll() is None
    assert sorted(p.name for p in (tmp_path / "vault").rglob("*")) == ["Curve.md"]


def test_a_raising_snippet_while_serving_is_reported_and_the_fix_recovers(server, tmp_path):
    _wait_for(lambda: "slope is 2" in server.page(), what="first build")
    note = tmp_path / "vault" / "Curve.md"
    note.write_text(NOTE.format(slope="1 / 0", factor=2), encoding="utf-8")
    page = _wait_for(lambda: "ZeroDivisionError" in server.page() and server.page(),
                     what="the error on the page")
    assert "vault/Curve.md:6" in page
    assert "vault/Curve.md:6: snippet failed: ZeroDivisionError" in server.log
    note.write_text(NOTE.format(slope=5, factor=2), encoding="utf-8")
    page = _wait_for(lambda: "slope is 5" in server.page() and server.page(), what="the fix")
    assert "ZeroDivisionError" not in page
    assert server.process.poll() is None


def test_serve_survives_a_session_of_faulty_edits_and_never_loops(server, tmp_path):
    """Valid, broken, raising and fixed edits, a delete and re-create, then 50 rapid saves:
    after each step the server answers, shows the last edit, and builds a bounded number of
    times (issue 6, item 5)."""
    note = tmp_path / "vault" / "Curve.md"
    _wait_for(lambda: "slope is 2" in server.page(), what="first build")

    def settle(builds_before: int, most: int) -> None:
        time.sleep(2)  # quiet time: a reload loop would keep building here
        assert server.process.poll() is None
        assert server.builds() - builds_before <= most
        assert server.page() != ""  # still answering, with the note's page

    steps = [
        (NOTE.format(slope=4, factor=2) + "\nSee [[Nowhere at all]].\n", "Nowhere at all"),
        (NOTE.format(slope="undefined_name", factor=2), "NameError"),
        (NOTE.format(slope=6, factor=2), "slope is 6"),
    ]
    for text, expected in steps:
        before = server.builds()
        note.write_text(text, encoding="utf-8")
        _wait_for(lambda expected=expected: expected in server.page(), what=expected)
        settle(before, most=2)
    assert "vault/Curve.md:15: " in server.log  # the broken link, reported at its line

    before = server.builds()
    note.unlink()
    _wait_for(lambda: server.page() == "", what="the deleted page to go")
    note.write_text(NOTE.format(slope=7, factor=2), encoding="utf-8")
    _wait_for(lambda: "slope is 7" in server.page(), what="the re-created page")
    settle(before, most=4)

    before = server.builds()
    for number in range(50):
        note.write_text(NOTE.format(slope=100 + number, factor=2), encoding="utf-8")
        time.sleep(0.02)
    _wait_for(lambda: "slope is 149" in server.page(), timeout=120, what="the last of 50 saves")
    settle(before, most=25)
    assert "Traceback" not in server.log
