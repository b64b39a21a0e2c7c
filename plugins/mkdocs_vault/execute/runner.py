"""Run one note's blocks, in order, in one namespace, and capture what they produce.

This module is what a worker process executes; it has no knowledge of MkDocs and can be
called in-process by tests. Code is compiled under the note's path with its real line
numbers, so a traceback reads `File "vault/Softmax.md", line 42` — the note's own line.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import os
import random
import sys
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

from ..html_escape import escape_text
from .options import BlockOptions

SNIPPETS_PACKAGE = "snippets"
NOT_RUN = "not run: an earlier block of this note failed"


@dataclass(frozen=True)
class Block:
    """One executable block: its code and the note line its first code line is on."""

    code: str
    first_line: int
    options: BlockOptions = field(default_factory=BlockOptions)


@dataclass(frozen=True)
class NoteJob:
    """Everything a worker needs to run a note's blocks."""

    note_path: str  # as shown in diagnostics, e.g. vault/concepts/Softmax.md
    note_dir: str  # absolute folder of the note: NOTE_DIR for the blocks
    scratch_dir: str  # absolute per-note working directory outside the vault
    blocks: tuple[Block, ...]
    seed: int = 0
    start: int = 0  # first block to run; the ones before it are cached
    state: bytes | None = None  # the namespace after block `start - 1` (see `snapshot`)
    import_path: str = ""  # the folder that holds the vault's `snippets` package
    vault_dir: str = ""  # the vault's root: a block that writes there is reported
    memory_mb: int = 0  # address-space limit of the worker while it runs this note (0: none)
    # With Landlock, the only folders the worker may write in (see `sandbox`); () = no sandbox.
    writable_dirs: tuple[str, ...] = ()


@dataclass
class Figure:
    """A figure the block left open, already encoded."""

    format: str
    data: bytes


@dataclass
class BlockResult:
    """What one block produced. `error` is a traceback text when it failed."""

    stdout: str = ""
    stderr: str = ""
    figures: list[Figure] = field(default_factory=list)
    rich_kind: str | None = None  # "html" or "text"
    rich: str | None = None
    error: str | None = None
    error_line: int | None = None
    error_hint: str = ""  # what to do about `error`, when we know better than "read it"
    modules: dict[str, str] = field(default_factory=dict)  # snippets file → sha256
    seconds: float = 0.0
    # Vault files the block created, changed or deleted (relative paths); a plain default
    # so that results cached before this field existed still read.
    vault_writes: tuple[str, ...] = ()
    # When it ran (wall clock, ns): a vault change the audit hook missed is dated against it.
    started_ns: int = 0
    ended_ns: int = 0
    # The note's state after this block (`snapshot`); travels to the cache, stored apart.
    state: bytes | None = field(default=None, repr=False, compare=False)

    @classmethod
    def not_run(cls) -> BlockResult:
        """The result of a block skipped because an earlier block of its note failed."""
        return cls(error=NOT_RUN)

    @property
    def skipped(self) -> bool:
        """True for a block that never ran (see `not_run`)."""
        return self.error == NOT_RUN


def note_seed(note_path: str) -> int:
    """A stable seed per note, so random output is reproducible build after build."""
    return int.from_bytes(hashlib.sha256(note_path.encode()).digest()[:4], "big")


def forget_snippets() -> None:
    """Drop imported `snippets` modules so an edited module is imported afresh."""
    for name in list(sys.modules):
        if name == SNIPPETS_PACKAGE or name.startswith(SNIPPETS_PACKAGE + "."):
            del sys.modules[name]


def start_note(job: NoteJob) -> dict:
    """Fresh namespace, working directory, seeds and matplotlib state for a note."""
    forget_snippets()
    os.makedirs(job.scratch_dir, exist_ok=True)
    os.chdir(job.scratch_dir)
    seed = job.seed or note_seed(job.note_path)
    random.seed(seed)
    try:
        import numpy

        numpy.random.seed(seed % (2**32))
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    try:
        import matplotlib
        import matplotlib.pyplot as plt

        plt.close("all")
        matplotlib.rcdefaults()
        matplotlib.rcParams["svg.hashsalt"] = str(seed)  # stable ids: same figure, same bytes
    except ImportError:  # pragma: no cover
        pass
    return {"__name__": "__note__", "NOTE_DIR": Path(job.note_dir)}


def run_block(namespace: dict, block: Block, job: NoteJob) -> BlockResult:
    """Execute one block in `namespace`; never raises for the block's own errors."""
    result = BlockResult(started_ns=time.time_ns())
    stdout, stderr = CappedText(), CappedText()
    started = time.perf_counter()
    try:
        body, last = _compile(block, job.note_path)
    except SyntaxError as error:
        result.error = "".join(traceback.format_exception_only(type(error), error))
        result.error_line = error.lineno
        result.seconds = time.perf_counter() - started
        return result
    data_files = namespace.setdefault("__vault_data_files__", {})
    owner = os.getpid()
    written: set[str] = set()
    with (
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
        _recording_reads(job.note_dir, data_files),
        _watching_vault_writes(job.vault_dir, written, job.writable_dirs),
    ):
        try:
            exec(body, namespace)  # noqa: S102 - running the note's code is the point
            value = eval(last, namespace) if last is not None else None  # noqa: S307
            if value is not None:
                result.rich_kind, result.rich = rich_output(value)
        except BaseException as error:  # SystemExit and KeyboardInterrupt belong to the block too
            result.error, result.error_line = _format_error(error, job.note_path)
            result.error_hint = _sandbox_hint(error, job)
        finally:
            if os.getpid() != owner:
                # A child the block forked got here too: it must neither report a result
                # on the worker's pipe (two answers to one job) nor run the next block.
                os._exit(0)
    result.stdout, result.stderr = stdout.getvalue(), stderr.getvalue()
    result.vault_writes = tuple(sorted(written))
    result.figures = capture_figures(block.options.format)
    retire_plot_objects(namespace)
    result.modules = {**snippets_modules(), **data_files}
    result.seconds = time.perf_counter() - started
    result.ended_ns = time.time_ns()
    return result


MAX_OUTPUT_CHARS = 2**20  # per stream and block: a page, the cache and the pipe stay small


class CappedText(io.TextIOBase):
    """A text sink that keeps the first `limit` characters and counts the rest.

    A block that prints 100 MB would otherwise carry it through the pipe, into the cache
    and onto the page; a marker at the end says how much was dropped.
    """

    def __init__(self, limit: int = MAX_OUTPUT_CHARS) -> None:
        super().__init__()
        self.limit = limit
        self._parts: list[str] = []
        self._kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.limit - self._kept
        if room > 0:
            self._parts.append(text[:room])
            self._kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        text = "".join(self._parts)
        if self.dropped:
            text += f"\n… output truncated ({self.dropped} more characters not shown)\n"
        return text


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "os.rename": 2, "shutil.rmtree": 1}
_watch: dict = {"root": None, "found": None}  # what the audit hook records into, per block


def _audit(event: str, args: tuple) -> None:
    """Record paths under the watched vault that a block opens for writing, removes or
    renames. An audit hook sees every such call the block makes (Python or `os`), in this
    process only, so a write is blamed on the block that made it, not on a neighbour that
    ran at the same time in another worker."""
    root, found = _watch["root"], _watch["found"]
    if found is None:
        return
    try:
        if event == "open":
            path, mode, flags = args
            writes = any(c in mode for c in "wax+") if mode else bool(flags & _WRITE_FLAGS)
            paths = (path,) if writes and not isinstance(path, int) else ()
        else:
            paths = args[: _PATH_EVENTS.get(event, 0)]
        for path in paths:
            real = os.path.realpath(os.fsdecode(os.fspath(path)))
            if real.startswith(root):
                found.add(os.path.relpath(real, root[:-1]))
    except Exception:  # noqa: S110 - a hook that raises would fail the block's own call
        pass


_hooked: list[bool] = []


def _sandbox_hint(error: BaseException, job: NoteJob) -> str:
    """For a write the sandbox refused: where the block may write instead."""
    if not job.writable_dirs or not isinstance(error, PermissionError) or not error.filename:
        return ""
    from .sandbox import allows

    if allows(os.fsdecode(error.filename), job.writable_dirs):
        return ""  # refused for another reason (file modes): the sandbox is not the cause
    return (
        "snippets may write only in their working directory (the build's Landlock sandbox "
        "refused this path); write to a relative path, or set `exec_sandbox: false` "
        "for a vault you trust"
    )


@contextlib.contextmanager
def _watching_vault_writes(vault_dir: str, found: set[str], writable: tuple[str, ...] = ()):
    """Collect into `found` the vault files the code run inside writes (see `_audit`).

    Under the sandbox such a write fails before it happens (the block reports the
    `PermissionError`), so there is nothing to watch unless a writable folder lies in the
    vault itself.
    """
    vault_real = os.path.realpath(vault_dir) + os.sep if vault_dir else ""
    if writable and not any(
        (os.path.realpath(w) + os.sep).startswith(vault_real) for w in writable
    ):
        vault_dir = ""
    if not vault_dir:
        yield
        return
    if not _hooked:  # an audit hook cannot be removed: one per process, switched per block
        sys.addaudithook(_audit)
        _hooked.append(True)
    _watch.update(root=os.path.realpath(vault_dir) + os.sep, found=found)
    try:
        yield
    finally:
        _watch.update(root=None, found=None)


@contextlib.contextmanager
def _recording_reads(note_dir: str, found: dict[str, str]):
    """Record files the block opens for reading beside the note (NOTE_DIR), with hashes.

    They join the cache key like imported modules: edit the CSV, the block runs again.
    """
    import builtins

    original = builtins.open
    root = os.path.realpath(note_dir) + os.sep

    def recording_open(file, mode="r", *args, **kwargs):
        handle = original(file, mode, *args, **kwargs)
        if isinstance(file, (str, os.PathLike)) and not any(c in mode for c in "wax+"):
            path = os.path.realpath(os.fspath(file))
            if path.startswith(root) and path not in found:
                with original(path, "rb") as raw:
                    found[path] = hashlib.sha256(raw.read()).hexdigest()
        return handle

    builtins.open = recording_open
    try:
        yield
    finally:
        builtins.open = original


def _compile(block: Block, filename: str):
    # Blank lines in front put every line, syntax errors included, at its note line.
    tree = ast.parse("\n" * (block.first_line - 1) + block.code, filename=filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = compile(ast.Expression(tree.body.pop().value), filename, "eval")
    return compile(tree, filename, "exec"), last


def _format_error(error: BaseException, filename: str) -> tuple[str, int | None]:
    """The traceback from the note's first frame on, and the deepest note line."""
    frames = traceback.extract_tb(error.__traceback__)
    line = None
    for index, frame in enumerate(frames):
        if frame.filename == filename:
            frames = frames[index:]
            break
    for frame in frames:
        if frame.filename == filename:
            line = frame.lineno
    text = "Traceback (most recent call last):\n"
    text += "".join(traceback.format_list(frames))
    text += "".join(traceback.format_exception_only(type(error), error))
    return text, line


def capture_figures(figure_format: str = "svg") -> list[Figure]:
    """Encode every open matplotlib figure, then close them all."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    figures = []
    for number in plt.get_fignums():
        buffer = io.BytesIO()
        # No date in the SVG metadata: the same figure gives the same bytes (and file name).
        metadata = {"Date": None} if figure_format == "svg" else None
        plt.figure(number).savefig(
            buffer, format=figure_format, bbox_inches="tight", metadata=metadata
        )
        figures.append(Figure(figure_format, buffer.getvalue()))
    plt.close("all")
    return figures


def snippets_modules() -> dict[str, str]:
    """Files of the `snippets` modules imported so far in this note, with their hashes."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name != SNIPPETS_PACKAGE and not name.startswith(SNIPPETS_PACKAGE + "."):
            continue
        path = getattr(module, "__file__", None)
        if path and os.path.isfile(path):
            with open(path, "rb") as handle:
                found[path] = hashlib.sha256(handle.read()).hexdigest()
    return found


def _is_plot_object(value: object) -> bool:
    """Figures, axes, artists, colour bars, and lists or arrays of them (`plt.subplots`)."""
    if sys.modules.get("matplotlib") is None:
        return False
    from matplotlib.artist import Artist
    from matplotlib.colorbar import Colorbar

    if isinstance(value, (Artist, Colorbar)):
        return True
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray) and value.dtype == object:
        value = value.ravel().tolist()
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(item, (Artist, Colorbar)) for item in value)
    return False


class ClosedFigure:
    """Stands in for a figure (or its axes, artists) once its block has ended.

    A figure is captured and closed when the block that drew it ends, so drawing on it
    later would change nothing on the page. Replacing the names that held it makes that
    a clear error instead, and keeps the note's state small enough to snapshot.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise RuntimeError(
            f"`{self._name}` belonged to a figure that an earlier block drew; it was saved and "
            "closed when that block ended. Create the figure in the block that draws it."
        )

    def __getitem__(self, key):
        return self.__getattr__("item")

    def __iter__(self):
        return self.__getattr__("iter")

    def __repr__(self) -> str:
        return f"<closed figure: {self._name}>"


def retire_plot_objects(namespace: dict) -> None:
    """Replace top-level names bound to captured (closed) figures with `ClosedFigure`."""
    for name, value in list(namespace.items()):
        if not name.startswith("__") and _is_plot_object(value):
            namespace[name] = ClosedFigure(name)


def rich_output(value: object) -> tuple[str, str] | tuple[None, None]:
    """The last expression of a block as HTML (arrays, `_repr_html_`) or escaped text.

    Matplotlib objects are skipped: the figure itself is the output, and their repr
    carries a memory address that would change every build.
    """
    if _is_plot_object(value):
        return None, None
    try:
        import numpy

        if isinstance(value, numpy.ndarray) and value.ndim in (1, 2):
            return "html", matrix_html(value)
    except ImportError:  # pragma: no cover
        pass
    for method in ("_repr_html_", "_repr_svg_"):
        render = getattr(value, method, None)
        if callable(render):
            try:
                produced = render()
            except Exception:  # a broken repr must not fail the block
                continue
            if isinstance(produced, str):
                return "html", produced
    return "text", repr(value)


def matrix_html(
    matrix,
    rows: list[str] | None = None,
    columns: list[str] | None = None,
    digits: int = 3,
    heatmap: bool = False,
) -> str:
    """A labelled, escaped HTML table of a 1-D or 2-D array.

    With `heatmap`, every cell carries its value scaled to 0..1 (`--w`), which the
    stylesheet turns into a background shade: an attention matrix reads at a glance.
    """
    import numpy

    array = numpy.atleast_2d(numpy.asarray(matrix))
    head = ""
    if columns is not None:
        cells = "".join(f"<th>{escape_text(str(c))}</th>" for c in columns)
        corner = "<th></th>" if rows is not None else ""
        head = f"<thead><tr>{corner}{cells}</tr></thead>"
    shade = _shades(array) if heatmap else None
    body = []
    for index, row in enumerate(array):
        label = f"<th>{escape_text(str(rows[index]))}</th>" if rows is not None else ""
        cells = "".join(
            f"<td{_shade_style(shade, index, column)}>{_number(value, digits)}</td>"
            for column, value in enumerate(row)
        )
        body.append(f"<tr>{label}{cells}</tr>")
    shape = "×".join(str(n) for n in numpy.shape(matrix))
    rows_html = "".join(body)
    kind = "vault-matrix vault-heatmap" if heatmap else "vault-matrix"
    opening = f'<table class="{kind}" data-shape="{shape}">'
    return f"{opening}{head}<tbody>{rows_html}</tbody></table>"


def _shades(array):
    """Values scaled to 0..1 over the finite entries (all 0 when they are equal)."""
    import numpy

    values = numpy.asarray(array, dtype=float)
    finite = values[numpy.isfinite(values)]
    if finite.size == 0 or finite.max() == finite.min():
        return numpy.zeros_like(values)
    scaled = (values - finite.min()) / (finite.max() - finite.min())
    return numpy.nan_to_num(scaled, nan=0.0, posinf=1.0, neginf=0.0)


def _shade_style(shade, row: int, column: int) -> str:
    return "" if shade is None else f' style="--w:{float(shade[row, column]):.3f}"'


def _number(value, digits: int) -> str:
    """Floats with `digits` decimal places (attention weights read best that way)."""
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    if isinstance(value, float) or kind == "f":
        return f"{float(value):.{digits}f}"
    return escape_text(str(value))


# -- resuming a note in the middle --------------------------------------------------------
# Blocks share a namespace, so running block k alone needs the state the blocks before it
# left. After each block the worker pickles that state (cloudpickle: functions and classes
# the note defined travel by value); the cache keeps it beside the block's result, and an
# edit to block k restores the state after block k-1 instead of re-running 0..k-1.

_NAMESPACE_SKIP = ("__builtins__",)
MAX_SNAPSHOT_BYTES = 64 * 2**20  # a bigger state is cheaper to recompute than to store


def _namespace_pickler(file, namespace: dict, pickled: dict):
    """cloudpickle, except that functions defined by the note keep the note's namespace.

    cloudpickle gives a function pickled by value a private copy of the globals it uses; a
    note's function must instead see the namespace that later blocks keep changing, as in
    an uninterrupted run. `pickled` is the copy of `namespace` being dumped; pickle's memo
    turns each function's reference to it into a reference to the restored dict.
    """
    import cloudpickle

    class NamespacePickler(cloudpickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, types.FunctionType) and obj.__globals__ is namespace:
                return _make_function, (
                    obj.__code__,
                    pickled,
                    obj.__name__,
                    obj.__defaults__,
                    obj.__closure__,
                    obj.__kwdefaults__,
                    obj.__qualname__,
                    obj.__dict__,
                    getattr(obj, "__annotations__", None),
                )
            return super().reducer_override(obj)

    return NamespacePickler(file, protocol=5)


def _make_function(code, namespace, name, defaults, closure, kwdefaults, qualname, attrs, notes):
    function = types.FunctionType(code, namespace, name, defaults, closure)
    function.__kwdefaults__ = kwdefaults
    function.__qualname__ = qualname
    function.__dict__.update(attrs)
    if notes:
        function.__annotations__ = notes
    return function


def snapshot(namespace: dict) -> bytes | None:
    """The note's state after a block: namespace, random generators, matplotlib rcParams.

    None when something in the namespace cannot be pickled (an open file, a generator);
    the note then resumes from an earlier snapshot or from its first block.
    """
    state: dict = {
        "namespace": {k: v for k, v in namespace.items() if k not in _NAMESPACE_SKIP},
        "random": random.getstate(),
    }
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        state["numpy"] = numpy.random.get_state()
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        with warnings_ignored():
            state["rc"] = dict(matplotlib.rcParams)
    buffer = io.BytesIO()
    try:
        _namespace_pickler(buffer, namespace, state["namespace"]).dump(state)
    except Exception:  # whatever the object, an unpicklable state only costs a re-run
        return None
    if buffer.tell() > MAX_SNAPSHOT_BYTES:
        return None
    return buffer.getvalue()


def resume_note(job: NoteJob) -> dict:
    """Like `start_note`, then the state a snapshot recorded (before block `job.start`)."""
    import pickle

    namespace = start_note(job)
    if job.state is None:
        return namespace
    # Only a state whose seal the MkDocs process verified gets here (`seal`, `cache`).
    state = pickle.loads(job.state)  # noqa: S301
    namespace = state["namespace"]  # the dict the note's functions were restored into
    random.setstate(state["random"])
    if "numpy" in state:
        import numpy

        numpy.random.set_state(state["numpy"])
    if "rc" in state:
        import matplotlib

        with warnings_ignored():
            matplotlib.rcParams.update(state["rc"])
    return namespace


@contextlib.contextmanager
def warnings_ignored():
    """rcParams holds deprecated keys whose setters warn; restoring them is not news."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
