"""One build's executions: plan early, run in parallel, hand results to the renderer.

Following the pattern of Material's social plugin: jobs are submitted as soon as the
vault is scanned (`plan`), run on warm workers while MkDocs renders other pages, and are
collected where a page needs them (`result_for`). Cached notes never reach a worker.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from ..index import Note, VaultIndex
from .cache import NoteLookup, ResultCache, environment_fingerprint
from .options import BlockOptions, OptionError, block_options
from .pool import WorkerPool
from .runner import Block, BlockResult, NoteJob
from .sandbox import abi_version
from .scratch import ScratchRun
from .vault_watch import Run, blame, changes, fingerprint

log = get_plugin_logger(__name__)

PROGRESS_EVERY_SECONDS = 5.0  # a long run says how far it got at most this often
DEFAULT_MEMORY_MB = 2048  # numpy + matplotlib need ~200 MB of address space; bombs need more


@dataclass
class PlannedBlock:
    """An executable block as the scanner found it, with its parsed options."""

    code: str  # as written in the note (options lines included)
    line: int  # the note line of its first code line (`#|` options count): which block it is
    block: Block
    option_error: str | None = None
    cache_problem: str | None = None  # why its cache entry was refused (reported on render)


@dataclass
class PlannedNote:
    """A note's executable blocks and, once known, their results."""

    note: Note
    blocks: list[PlannedBlock]
    future: Future | None = None
    results: list[BlockResult | None] | None = None  # None: not executed, not cached
    cached: bool = False


def is_exec_marker(inputs: dict) -> bool:
    """Superfences' parsed info-string options: does this block opt in to execution?"""
    value = inputs.get("exec")
    return value is not None and str(value).strip("\"'").lower() in {
        "exec",
        "on",
        "true",
        "1",
        "yes",
        "",
    }


class ExecutionSession:
    """Owns the pool (across builds), the cache, and one build's planned notes."""

    def __init__(
        self,
        cache_dir: Path,
        workers: int,
        timeout: float,
        snippets_parent: str,
        pool: WorkerPool | None = None,
        memory_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        self.cache = ResultCache(cache_dir / "results")
        self.memory_mb = memory_mb  # the workers' address-space limit while they run a note
        self.sandbox = True  # confine workers' writes to the scratch folder where possible
        self._sandbox_logged: bool | None = None
        self.scratch = ScratchRun(cache_dir / "scratch")  # this process's own (`scratch`)
        self.workers = workers
        self.timeout = timeout
        self.snippets_parent = snippets_parent
        self.environment = environment_fingerprint()
        # A pool started early (MkDocs' on_startup) is borrowed and left running for the
        # next build; otherwise the session starts its own on first need and stops it.
        self.pool: WorkerPool | None = pool
        self._owns_pool = pool is None
        self._threads: ThreadPoolExecutor | None = None
        self.notes: dict[str, PlannedNote] = {}
        self.executed_blocks = 0
        self.cached_blocks = 0
        self.waiting_blocks = 0
        self._last_progress = time.monotonic()
        self.settings = (cache_dir, workers, timeout, snippets_parent)
        self._count_lock = threading.Lock()
        # Unsandboxed builds only: the vault before the first block ran, and every block run.
        self._vault_root: str | None = None
        self._vault_shown = ""  # how warnings name the vault folder (`vault/`), from a note
        self._vault_before: dict | None = None
        self._runs: list[tuple[Run, tuple[str, ...]]] = []

    # -- lifecycle ----------------------------------------------------------------------
    def _ensure_pool(self) -> WorkerPool:
        self.scratch.open()  # before any worker may write there
        if self.pool is None:
            self.pool = WorkerPool(self.workers)
        if not self.pool.started:
            self.pool.start()
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=self.pool.size)
        return self.pool

    def shutdown(self) -> None:
        """Stop the workers (MkDocs' `on_shutdown`)."""
        if self._threads is not None:
            self._threads.shutdown(cancel_futures=True)
            self._threads = None
        if self.pool is not None and self._owns_pool:
            self.pool.shutdown()
            self.pool = None
        self.scratch.close()

    @property
    def scratch_root(self) -> Path:
        """This build's scratch folder: one per MkDocs process (see `scratch`); created
        and locked only when a block is to run (`_ensure_pool`)."""
        return self.scratch.root

    # -- planning -----------------------------------------------------------------------
    def plan(self, index: VaultIndex, run: bool = True) -> None:
        """Find every note's executable blocks; submit the uncached notes to the workers.

        With `run=False` (execution turned off) cached results are still shown and
        nothing is executed.
        """
        self.notes = {}
        self.executed_blocks = 0
        self.waiting_blocks = 0
        self._vault_before, self._runs = None, []
        self._last_progress = time.monotonic()
        swept = self.cache.sweep_temporary()  # left by a build killed while writing
        if swept:
            log.debug(f"snippets: removed {swept} stale temporary cache files")
        cached = 0
        writable: tuple[str, ...] | None = None  # decided once, at the first executable note
        for note in index.notes.values():
            if not note.published:
                continue
            planned = self._planned(note)
            if planned is None:
                continue
            self.notes[note.src_uri] = planned
            if writable is None:
                writable = self._writable_dirs()
            job = self._job(planned, writable)
            found = self.cache.lookup_note(job.blocks, job.note_path, self.environment)
            for index, problem in found.problems.items():
                planned.blocks[index].cache_problem = problem
            if found.complete:
                planned.results, planned.cached = found.cached, True
                cached += len(found.cached)
                continue
            if not run:  # show what the cache has; the other blocks say they did not run
                planned.results = [*found.cached, *[None] * (len(found.keys) - found.start)]
                cached += found.start
                continue
            cached += found.start
            job = dataclasses.replace(job, start=found.start, state=found.state)
            self.waiting_blocks += len(job.blocks) - job.start
            if self._vault_before is None and not job.writable_dirs and job.vault_dir:
                self._vault_root = job.vault_dir  # see `vault_changes`
                self._vault_shown = note.display_path[: -len(note.src_uri)]
                self._vault_before = fingerprint(job.vault_dir)
            pool = self._ensure_pool()
            assert self._threads is not None
            planned.future = self._threads.submit(self._run, pool, job, found)
        self.cached_blocks = cached
        if self.notes:
            log.info(f"snippets: {self.waiting_blocks} blocks to execute, {cached} cached")

    def summary(self) -> str:
        """One line for the end of a build."""
        return f"snippets: executed {self.executed_blocks} blocks, {self.cached_blocks} from cache"

    def _planned(self, note: Note) -> PlannedNote | None:
        blocks = []
        for code_block in note.scan.code_blocks:
            try:
                options, code, taken = block_options(code_block.info, code_block.code)
                error = None
            except OptionError as problem:
                options, code, taken, error = (
                    BlockOptions(execute=True),
                    code_block.code,
                    0,
                    str(problem),
                )
            if not options.execute:
                continue
            block = Block(code, code_block.first_line + taken, options)
            blocks.append(PlannedBlock(code_block.code, code_block.first_line, block, error))
        return PlannedNote(note, blocks) if blocks else None

    def _job(self, planned: PlannedNote, writable_dirs: tuple[str, ...]) -> NoteJob:
        note = planned.note
        digest = hashlib.sha256(note.src_uri.encode()).hexdigest()[:16]
        note_dir = str(note.abs_path.parent) if note.abs_path else os.getcwd()
        vault_dir = ""
        if note.abs_path is not None:  # the folder `src_uri` is relative to
            vault_dir = str(note.abs_path.parents[len(Path(note.src_uri).parts) - 1])
        return NoteJob(
            note.display_path,
            note_dir,
            str(self.scratch_root / digest),
            tuple(p.block for p in planned.blocks),
            import_path=self.snippets_parent,
            vault_dir=vault_dir,
            memory_mb=self.memory_mb,
            writable_dirs=writable_dirs,
        )

    def _writable_dirs(self) -> tuple[str, ...]:
        """Where sandboxed workers may write: the scratch folders. () when there is no
        sandbox (turned off, or no Landlock in this kernel: said once, at info level)."""
        available, reason = abi_version() if self.sandbox else (0, "exec_sandbox is off")
        if self._sandbox_logged != bool(available):
            self._sandbox_logged = bool(available)
            if available:
                log.info(
                    f"snippets: sandboxed with Landlock (ABI {available}): blocks may write "
                    f"only under {self.scratch_root}"
                )
            else:
                log.info(
                    f"snippets: not sandboxed ({reason}); writes into the vault are "
                    "detected and reported, not prevented"
                )
        return (str(self.scratch_root.resolve()),) if available else ()

    def _run(self, pool: WorkerPool, job: NoteJob, found: NoteLookup) -> list[BlockResult]:
        """Run a note from `job.start` on; cache each block that succeeded."""
        ran = pool.run_note(job, self.timeout)
        with self._count_lock:
            for block, result in zip(job.blocks[job.start :], ran):
                if result.started_ns:
                    run = Run(job.note_path, block.first_line, result.started_ns, result.ended_ns)
                    self._runs.append((run, result.vault_writes))
        for key, result in zip(found.keys[job.start :], ran):
            if result.error is not None:
                break  # the blocks after a failure did not run
            self.cache.put(key, result)
        self._count(sum(1 for r in ran if not r.skipped))
        return [*found.cached, *ran]

    def _count(self, executed: int) -> None:
        """Add to the executed count; log progress now and then during long runs."""
        with self._count_lock:
            self.executed_blocks += executed
            now = time.monotonic()
            if now - self._last_progress < PROGRESS_EVERY_SECONDS:
                return
            self._last_progress = now
            done, total = self.executed_blocks, self.waiting_blocks
        log.info(f"snippets: executed {done}/{total} blocks, {self.cached_blocks} cached")

    def vault_changes(self) -> list[tuple[str, int, str, str]]:
        """Vault files that changed while blocks ran and that the audit hook did not
        report: (path, line, message, hint) per blamed block (see `vault_watch`).

        Waits for every note still running. Only unsandboxed builds look: under the
        sandbox a worker cannot change the vault at all.
        """
        if self._vault_before is None or self._vault_root is None:
            return []
        for planned in self.notes.values():
            if planned.future is not None:
                planned.future.result()
        after = fingerprint(self._vault_root)
        reported = {path for _run, writes in self._runs for path in writes}
        runs = [run for run, _writes in self._runs]
        found = []
        hint = "write to the working directory (scratch) instead"
        for change in changes(self._vault_before, after):
            if change.path in reported:
                continue
            what = f"{change.path} was {change.kind}"
            culprits = blame(change, runs)
            for run in culprits:
                others = [f"{o.note_path}:{o.line}" for o in culprits if o is not run]
                alongside = f"; so did {', '.join(others)}, at the same time" if others else ""
                message = (
                    f"the vault changed while this block ran: {what} "
                    f"(not through Python's open(): a subprocess or C code?{alongside})"
                )
                found.append((run.note_path, run.line, message, hint))
            if not culprits:
                message = "changed while snippets ran, at a time no block was running"
                found.append((f"{self._vault_shown}{change.path}", 1, message, hint))
        self._vault_before = None  # reported once
        return found

    # -- collecting ---------------------------------------------------------------------
    def result_for(
        self, note: Note, code: str, line: int | None = None
    ) -> tuple[PlannedBlock, BlockResult | None] | None:
        """The planned block of `note` whose source is `code` and whose first line is
        `line`, and its result (waits; None when it was neither run nor cached:
        execution is off).

        A block is the note plus its line: a note may hold the same source twice, and
        is rendered on its own page and inside every page that embeds it, in any order,
        so neither the text nor how often it was seen can tell its blocks apart. The
        source must match too, so a fence never shows another block's output. Should
        the line be unknown or off (a Markdown extension of the site adding lines), the
        block with that source nearest to it is taken.
        """
        planned = self.notes.get(note.src_uri)
        if planned is None:
            return None
        wanted = code.strip("\n")
        matches = [p for p in planned.blocks if p.code.strip("\n") == wanted]
        if not matches:
            return None
        chosen = matches[0]
        if line is not None:
            chosen = min(matches, key=lambda p: abs(p.line - line))
            if chosen.line != line:
                where = f"{note.display_path}:{line}"
                log.debug(f"snippets: {where}: no block starts here; took line {chosen.line}")
        if planned.results is None and planned.future is not None:
            planned.results = planned.future.result()
        result = None if planned.results is None else planned.results[planned.blocks.index(chosen)]
        return chosen, result
