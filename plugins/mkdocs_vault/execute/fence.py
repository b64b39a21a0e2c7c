"""The superfences custom fence for ```` ```python exec ````: source, then outputs.

A fence without the marker fails the validator, so superfences highlights it as
ordinary Python. With the marker, the formatter asks the session for the block's
result (waiting if a worker is still on it) and renders code, printed text, figures,
the last expression, or the error with the note's own line.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from ..ids import safe_id
from .cache import write_atomically
from .session import ExecutionSession, is_exec_marker

log = get_plugin_logger(__name__)


def validator(language, inputs, options, attrs, md) -> bool:
    """Claim the fence only when it opts in (`exec` or `exec="on"`)."""
    if not is_exec_marker(inputs):
        return False
    options.update({key: value for key, value in inputs.items() if key != "exec"})
    return True


def make_formatter(
    session: Callable[[], ExecutionSession | None],
    context: Callable[[], tuple],
    add_asset: Callable[[str, Path], str],
    report: Callable[[str, int, str, str], None],
    asset_dir: Path,
    hides: Callable[..., bool] | None = None,
    trust: Callable[[str], str] | None = None,
):
    """The formatter superfences calls; the callables give it the live build state.

    `context()` returns the origin note being rendered; `add_asset(name, path)` registers
    a generated file with MkDocs and returns its URL relative to the page;
    `hides(note, planned, number, format)` says the note embeds that figure itself
    (`outputs.py`), so the block leaves it out rather than show it twice;
    `trust(html)` shields the HTML of a block marked `#| html: trusted` from the page's
    sanitizing (`sanitize.py`): every other block's HTML is sanitized with the page.
    """

    def formatter(src, language, class_name, options, md, **kwargs) -> str:
        current = session()
        note = context()
        source_html = _highlight(src, md, kwargs)
        # Which block this is: the note line the page's parser gives the fence (`token_tree`).
        line = getattr(md, "vault_fence_line", None)
        found = None
        if current is not None and note is not None:
            found = current.result_for(note, src, line)
        if found is not None and found[0].cache_problem:
            report(
                note.display_path,
                found[0].block.first_line,
                f"cached result ignored: {found[0].cache_problem}",
                "nothing in it was run; the block runs again and its entry is replaced",
            )
        if found is None or found[1] is None:
            return source_html + _note_box(
                "Not executed: execution is turned off and there is no cached output."
            )
        planned, result = found
        block = planned.block
        parts = [] if block.options.source == "hide" else [source_html]
        if planned.option_error:
            report(
                note.display_path,
                block.first_line - 1,
                f"bad block option: {planned.option_error}",
                "fix the #| line",
            )
        if result.stdout:
            parts.append(_pre("vault-stdout", result.stdout))
        if result.stderr:
            parts.append(_pre("vault-stderr", result.stderr))
        for number, figure in enumerate(result.figures, start=1):
            if hides is not None and hides(note, planned, number, figure.format):
                continue
            url = publish_figure(figure, block.options.output, asset_dir, add_asset)
            caption = block.options.caption or ""
            alt = html.escape(caption or f"Figure {number} of the code above", quote=True)
            figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
            image = f'<img src="{html.escape(url, quote=True)}" alt="{alt}">'
            parts.append(f'<figure class="vault-figure">{image}{figcaption}</figure>')
        if result.rich is not None:
            if result.rich_kind == "html":
                rich = result.rich
                if trust is not None and block.options.trusted_html:
                    rich = trust(rich)
                parts.append(f'<div class="vault-output vault-rich">{rich}</div>')
            else:
                parts.append(_pre("vault-repr", result.rich))
        if result.vault_writes:  # a build never modifies a note: say plainly who did
            report(
                note.display_path,
                block.first_line,
                f"snippet wrote into the vault: {', '.join(result.vault_writes)}",
                "write to the working directory (scratch) instead",
            )
        if result.error:
            line = result.error_line or block.first_line
            summary = result.error.strip().splitlines()[-1]
            if not result.skipped:
                report(
                    note.display_path,
                    line,
                    f"snippet failed: {summary}",
                    result.error_hint or "see the traceback on the page",
                )
            parts.append(
                '<div class="admonition failure vault-error"><p class="admonition-title">'
                f"{html.escape(note.display_path)}:{line}: {html.escape(summary)}</p>"
                f"<pre><code>{html.escape(result.error)}</code></pre>{_hint_html(result)}</div>"
            )
        # A label is an id of the page: made safe as every id is (`ids.py`), and links to it
        # resolve to the same safe id (`Note.labels`).
        label = f' id="{safe_id(block.options.label)}"' if block.options.label else ""
        return f'<div class="vault-exec"{label}>{"".join(parts)}</div>'

    return formatter


def _hint_html(result) -> str:
    hint = result.error_hint
    return f"<p>{html.escape(hint)}</p>" if hint else ""


def publish_figure(
    figure, prefix: str | None, asset_dir: Path, add_asset: Callable[[str, Path], str]
) -> str:
    """Store a figure under a content-hash name in the cache; its URL on the current page.

    Also used by embeds of generated outputs (`outputs.py`), so both show the same file.
    """
    digest = hashlib.sha256(figure.data).hexdigest()[:20]
    name = f"{prefix or 'figure'}-{digest}.{figure.format}"
    path = asset_dir / name
    if not path.exists():
        asset_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(path, figure.data)  # a unique temp name: concurrent builds are safe
    return add_asset(name, path)


def _highlight(src: str, md, kwargs) -> str:
    fences = md.preprocessors["fenced_code_block"]
    return fences.highlight(
        src=src,
        language="python",
        options={},
        md=md,
        classes=kwargs.get("classes") or [],
        id_value=kwargs.get("id_value") or "",
        attrs=kwargs.get("attrs") or {},
    )


def _pre(kind: str, text: str) -> str:
    return f'<pre class="vault-output {kind}"><code>{html.escape(text)}</code></pre>'


def _note_box(text: str) -> str:
    return f'<div class="admonition note vault-not-executed"><p>{html.escape(text)}</p></div>'
