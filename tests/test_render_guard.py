"""A page past its CPU budget is shown as plain text and reported; waiting costs nothing."""

import time

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs_vault.render_guard import guard_convert


class _Stall(Extension):
    """A preprocessor that spends `seconds` either sleeping or busy."""

    def __init__(self, seconds: float, busy: bool) -> None:
        super().__init__()
        self.seconds, self.busy = seconds, busy

    def extendMarkdown(self, md) -> None:  # noqa: N802
        stall = self

        class Stalling(Preprocessor):
            def run(self, lines):
                end = time.monotonic() + stall.seconds
                while time.monotonic() < end:
                    if not stall.busy:
                        time.sleep(0.05)  # like a page waiting for its snippets' results
                return lines

        md.preprocessors.register(Stalling(md), "stall", 100)


def _render(extension, budget: float):
    reports = []
    md = markdown.Markdown(extensions=[extension])
    guard_convert(md, budget, lambda reason, hint: reports.append((reason, hint)))
    return md.convert("# <Title> & *more*"), reports


def test_a_page_that_burns_its_cpu_budget_is_shown_as_escaped_source_and_reported():
    html, reports = _render(_Stall(5, busy=True), budget=0.3)
    assert "vault-unrendered" in html and "# &lt;Title&gt; &amp; *more*" in html
    assert reports == [
        (
            "rendering took more than 0.3 s of CPU time and was stopped",
            "look for very long runs of [, < or [^: reading them takes time that grows "
            "with the square of their length",
        )
    ]


def test_a_page_waiting_longer_than_its_budget_is_rendered_normally():
    html, reports = _render(_Stall(1.0, busy=False), budget=0.3)
    assert reports == [] and "<h1>" in html


def test_a_page_nested_too_deeply_is_reported_instead_of_crashing_the_build():
    deep = "".join("  " * depth + "- x\n" for depth in range(600))
    reports = []
    md = markdown.Markdown()
    guard_convert(md, 0, lambda reason, hint: reports.append(reason))
    assert "vault-unrendered" in md.convert(deep)
    assert reports == ["its Markdown is nested too deeply to render"]


def test_the_budget_timer_is_disarmed_after_each_page():
    import signal

    _render(_Stall(0, busy=True), budget=5)
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)


class _KernelStall(Extension):
    """A preprocessor that spends up to `seconds` in the kernel (copying /dev/zero)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def extendMarkdown(self, md) -> None:  # noqa: N802
        stall = self

        class Copying(Preprocessor):
            def run(self, lines):
                buffer = bytearray(32 * 1024 * 1024)
                end = time.monotonic() + stall.seconds
                with open("/dev/zero", "rb", buffering=0) as zero:
                    while time.monotonic() < end:
                        zero.readinto(buffer)  # system time; almost no user time
                return lines

        md.preprocessors.register(Copying(md), "stall", 100)


def test_system_time_counts_against_the_budget():
    start = time.monotonic()
    html, reports = _render(_KernelStall(6), budget=0.3)
    assert "vault-unrendered" in html and len(reports) == 1
    assert time.monotonic() - start < 3
