"""SIGTERM and SIGINT stop the snippet workers before they stop the build.

By default SIGTERM ends Python at once: no `finally`, no `atexit`, so the pool never shuts
down; the fork server, the workers and whatever a block started run on, and the block's
time limit, kept by the MkDocs process, died with it. SIGINT unwinds, but waits for the
running blocks first. While a pool is open, both signals therefore kill every worker's
process tree (and the fork server) first, then do what they did before: the previous
handler runs, or the default action is taken again (SIGTERM still terminates the build).

Handlers can be set only from the main thread; a pool started elsewhere (tests, a
library) is killed by the next signal caught while another pool holds the handlers, or
by its `atexit` shutdown.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_lock = threading.Lock()
_stoppers: dict[int, tuple[Callable[[], None], ...]] = {}  # id(owner) → what to call
_previous: dict[int, object] = {}  # signal → the handler ours replaced


def on_stop(owner: object, *stop: Callable[[], None]) -> None:
    """Call `stop` (in order) when SIGTERM or SIGINT arrives, until `forget(owner)`."""
    with _lock:
        _stoppers[id(owner)] = stop
        if _previous or threading.current_thread() is not threading.main_thread():
            return
        for number in _STOP_SIGNALS:
            try:
                _previous[number] = signal.signal(number, _handle)
            except (ValueError, OSError):  # pragma: no cover - not the main interpreter
                _previous.pop(number, None)


def forget(owner: object) -> None:
    """Stop calling `owner`'s callbacks; the last one gone restores the old handlers."""
    with _lock:
        _stoppers.pop(id(owner), None)
        if _stoppers or not _previous:
            return
        if threading.current_thread() is not threading.main_thread():
            return  # restored by the main thread's next `forget`, or left: harmless
        for number, handler in list(_previous.items()):
            if signal.getsignal(number) is _handle:
                signal.signal(number, handler)
        _previous.clear()


def _handle(number: int, frame) -> None:
    for stop in [call for calls in list(_stoppers.values()) for call in calls]:
        try:
            stop()
        except Exception:  # noqa: S112 - the signal's own action must still happen
            continue
    previous = _previous.get(number, signal.SIG_DFL)
    if callable(previous):
        previous(number, frame)  # SIGINT: Python's handler raises KeyboardInterrupt
        return
    if previous == signal.SIG_IGN:
        return
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)  # the default action: terminate, as without us
