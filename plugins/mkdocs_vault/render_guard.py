"""A page that takes too long to render is shown as plain text, and the build goes on.

Markdown parsers read some constructs in time quadratic in their number: Python-Markdown
took over 20 s for 16,000 `[` in a paragraph, and markdown-it-py, which parses notes now,
is still slow on 200,000 of them; runs of `<a `, `[^` or `<![CDATA[` are alike (measured per
construct, see `tests/hostile/cases.py`), and nesting past what the parser keeps
(`obsidian_markdown.MAX_NESTING`) or the stack allows is refused. Guarding
each construct would chase every extension's regexes; a budget of CPU time per page
covers them all, including ones not found yet.

The budget is CPU time of this process, user and system (`ITIMER_PROF`), not wall time:
a page that waits for its snippets' results spends none, so slow snippets never trip it
(they have their own time limit). System time counts because quadratic parsing is
often string copies the kernel pays for (page faults of huge temporaries): a
line of a million `%` spent 76 s mostly in the kernel under a user-time-only timer.
Python delivers the timer's signal between bytecodes and inside
a long regex match alike, so a runaway match is stopped where it is. The exception is a
`BaseException`, so that no `except Exception` in an extension can swallow it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from .html_escape import escape_text

Report = Callable[[str, str], None]  # why the page was not rendered, and what to do
_SLOW_HINT = (
    "look for very long runs of [, < or [^: reading them takes time that grows with the "
    "square of their length"
)
_DEEP_HINT = "nest lists and quotes less deeply"


class RenderStopped(BaseException):
    """Raised in the rendering thread when the page's CPU budget is spent."""


def _stop(_signum, _frame) -> None:
    raise RenderStopped


def guard_convert(md, seconds: float, report: Report) -> None:
    """Make `md.convert` give up after `seconds` of CPU time (or on a too-deep nesting),
    returning the source as escaped text and calling `report` with the reason and a hint."""
    convert = md.convert

    def guarded(source: str) -> str:
        timed = seconds > 0 and threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGPROF, _stop) if timed else None
        if timed:
            signal.setitimer(signal.ITIMER_PROF, seconds)
        try:
            return convert(source)
        except RenderStopped:
            reason = f"rendering took more than {seconds:g} s of CPU time and was stopped"
            report(reason, _SLOW_HINT)
        except RecursionError:
            report("its Markdown is nested too deeply to render", _DEEP_HINT)
        finally:
            if timed:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.signal(signal.SIGPROF, previous)
        return as_plain_text(source)

    md.convert = guarded


def as_plain_text(source: str) -> str:
    """The note's source, escaped, in a block that says why it is shown this way."""
    return shown_as_written(
        source, "This note could not be rendered; its source is shown as written.", "failure"
    )


def shown_as_written(source: str, why: str, kind: str) -> str:
    """Markdown source, escaped, in an admonition of `kind` titled `why`: the one form of
    "shown as written" (a page this guard gave up on; a note's part past a limit of
    `limits.py`), so readers and the stylesheet (`.vault-unrendered`) see one thing."""
    return (
        f'<div class="admonition {kind} vault-unrendered"><p class="admonition-title">'
        f"{escape_text(why)}</p><pre><code>{escape_text(source)}</code></pre></div>"
    )
