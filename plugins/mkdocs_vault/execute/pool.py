"""Warm worker processes with a lifecycle: start, run notes, recover, shut down.

Workers are forked from a multiprocessing fork server that imported numpy and
matplotlib once (`warm.py`), so each worker starts in milliseconds with nothing left to
import, and a replacement after a timeout or crash is as cheap. A block that runs past
its time limit gets its worker killed and replaced; a worker that dies (segfault,
`os._exit`) is replaced too, and the block it was running is reported. Notes run in
parallel, one per worker. Workers answer in JSON (`records`): nothing a note's code
returns is unpickled here, in the unsandboxed MkDocs process.

A build stopped by SIGTERM (`timeout`, a CI cancel, `docker stop`) or SIGINT would die
with its block's time limit and leave the fork server, the workers and whatever the
block started running; while a pool is open, both signals first kill every worker's
process tree and the fork server (see `signals`), then take their usual course.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from . import signals
from . import worker as worker_module
from .processes import kill_tree
from .records import RecordError, decode_message, result_from_data
from .runner import BlockResult, NoteJob

DEFAULT_TIMEOUT = 60.0
_START_TIMEOUT = 120.0
MAX_MESSAGE_BYTES = 2**30  # a frame larger than this is no result of ours
_WARM_MODULE = "mkdocs_vault.execute.warm"


class _Stopped(RuntimeError):
    """The pool was killed by a signal (`WorkerPool.kill_now`): no worker is replaced."""


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    ready: bool = False
    # The writable folders its sandbox was entered with (None: not yet entered). A sandbox
    # cannot be widened, so a job with other folders goes to a fresh worker.
    sandbox: tuple[str, ...] | None = None
    lifeline: Connection | None = None  # see `_spawn`

    def close(self) -> None:
        """Close our ends of its pipes (once the process is gone)."""
        self.connection.close()
        if self.lifeline is not None:
            self.lifeline.close()


def _context():
    """The fork-server context, with our warm-up module preloaded (not MkDocs' __main__)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_WARM_MODULE])
    return context


_live_pools = 0
_live_pools_lock = threading.Lock()


def _pool_opened() -> None:
    global _live_pools
    with _live_pools_lock:
        _live_pools += 1


def _pool_closed() -> None:
    """When the last pool closes, stop the fork server too.

    Otherwise it outlives the build as an orphan until MkDocs exits, and the CPU time of
    the workers it reaped is never accounted to the MkDocs process.
    """
    global _live_pools
    with _live_pools_lock:
        _live_pools -= 1
        if _live_pools > 0:
            return
        from multiprocessing import forkserver

        stop = getattr(forkserver._forkserver, "_stop", None)  # CPython 3.8+; private
        if stop is not None:
            stop()


def _kill_forkserver() -> None:
    """Kill the fork server at once (a signal handler's last step; see `signals`)."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid:
        try:
            kill_tree(pid)
        except OSError:  # pragma: no cover - no /proc
            pass


def _kill_worker_tree(process: BaseProcess) -> None:
    """Kill a worker with every process its block started (see `processes`), so a block
    stopped for its time limit leaves no child running on its own."""
    if process.pid is None:
        return
    try:
        kill_tree(process.pid)
    except OSError:  # pragma: no cover - no /proc: the worker's process group, at least
        try:
            os.killpg(process.pid, 9)
        except (ProcessLookupError, PermissionError):
            process.kill()


class WorkerPool:
    """`size` warm workers; `run_notes` executes jobs in parallel and returns results."""

    def __init__(self, size: int | None = None) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._context = _context()
        self._started = False
        self._spawner: threading.Thread | None = None
        self._start_error: str | None = None
        self._killed = False  # by a signal (`kill_now`): replace no worker any more
        self.restarts = 0

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def started(self) -> bool:
        """True between `start` and `shutdown`."""
        return self._started

    def start(self) -> None:
        """Start the workers without waiting: the fork server imports numpy and matplotlib
        while MkDocs goes on rendering; the first job waits for the first worker."""
        atexit.register(self.shutdown)  # in case MkDocs never reaches on_shutdown
        self._started = True
        _pool_opened()
        signals.on_stop(self, self.kill_now, _kill_forkserver)

        def spawn_all() -> None:
            try:
                for _ in range(self.size):
                    self._idle.put(self._spawn())
            except Exception as error:  # reported on the blocks that wait for a worker
                self._start_error = f"{type(error).__name__}: {error}"

        self._spawner = threading.Thread(target=spawn_all, name="vault-worker-start", daemon=True)
        self._spawner.start()

    def shutdown(self) -> None:
        """Ask workers to exit, then make sure they did."""
        if self._spawner is not None:
            self._spawner.join()  # every worker it starts is in `_all` once it returns
            self._spawner = None
        with self._lock:
            workers, self._all = self._all, []
            started, self._started = self._started, False
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                _kill_worker_tree(worker.process)
                worker.process.join()
            worker.close()
        if started:
            signals.forget(self)
            _pool_closed()

    def kill_now(self) -> None:
        """Kill every worker with all it started, without waiting for anything: the build
        is being stopped by a signal (`signals`); `shutdown` still collects them later."""
        self._killed = True
        for worker in list(self._all):
            if worker.process.exitcode is None:  # never a pid already collected (reused)
                _kill_worker_tree(worker.process)

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    def _spawn(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        # Never written: the worker's end reads EOF when this process is gone, however it
        # died (SIGKILL, the OOM killer), and the worker then kills all it started.
        lifeline_theirs, lifeline = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=worker_module.main,
            args=(theirs, lifeline_theirs),
            name="vault-snippet-worker",
            daemon=True,
        )
        process.start()
        theirs.close()  # so that our end sees EOF when the worker dies
        lifeline_theirs.close()
        worker = _Worker(process, ours, lifeline=lifeline)
        with self._lock:
            self._all.append(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.connection.poll(_START_TIMEOUT):
            raise RuntimeError("a snippet worker did not start within 120 s")
        try:
            message = decode_message(worker.connection.recv_bytes(MAX_MESSAGE_BYTES))
        except RecordError as error:  # pragma: no cover - protocol guard
            raise RuntimeError(f"unexpected first message from a worker: {error}") from None
        if message["kind"] != "ready":  # pragma: no cover - protocol guard
            raise RuntimeError(f"unexpected first message from a worker: {message['kind']}")
        worker.ready = True

    def _replace(self, worker: _Worker, failed: bool = True) -> _Worker:
        _kill_worker_tree(worker.process)
        worker.process.join()
        worker.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        if failed:
            self.restarts += 1
        if self._killed:
            raise _Stopped("the build is being stopped")
        return self._spawn()  # awaited when it gets its next job

    # -- running ------------------------------------------------------------------------
    def run_note(self, job: NoteJob, default_timeout: float = DEFAULT_TIMEOUT) -> list[BlockResult]:
        """Run a note's blocks from `job.start` on, on an idle worker; one result per
        block run, in order."""
        blocks = job.blocks[job.start :]
        try:
            worker = self._take_idle()
        except RuntimeError as error:
            return [BlockResult(error=str(error))] + [BlockResult.not_run() for _ in blocks[1:]]
        results: list[BlockResult] = []
        held: _Worker | None = worker
        try:
            if worker.sandbox is not None and worker.sandbox != job.writable_dirs:
                worker = self._replace(worker, failed=False)
            try:
                self._await_ready(worker)
            except (RuntimeError, EOFError, OSError) as error:
                worker = self._replace(worker)
                failure = BlockResult(error=f"the snippet worker did not start: {error}")
                return [failure] + [BlockResult.not_run() for _ in blocks[1:]]
            worker.connection.send(job)
            since = time.time_ns()  # a block that never answers ran from here to its failure
            if job.writable_dirs:
                worker.sandbox = job.writable_dirs
            while len(results) < len(blocks):
                block = blocks[len(results)]
                limit = block.options.timeout or default_timeout
                failure = self._receive(worker, limit, results)
                if failure is not None:
                    worker = self._replace(worker)  # its processes are gone once this returns
                    results.append(
                        BlockResult(error=failure, started_ns=since, ended_ns=time.time_ns())
                    )
                    results += [BlockResult.not_run() for _ in blocks[len(results) :]]
                    return results
                since = results[-1].ended_ns or time.time_ns()
            if not self._finished_cleanly(worker, default_timeout):
                worker = self._replace(worker, failed=False)  # its threads die with it
        except _Stopped as stopped:  # killed by a signal: no worker goes back to the pool
            held = None
            results.append(BlockResult(error=str(stopped)))
            return results + [BlockResult.not_run() for _ in blocks[len(results) :]]
        finally:
            if held is not None:
                self._idle.put(worker)
        return results

    def _take_idle(self) -> _Worker:
        """The next idle worker; an error when none can ever come (they failed to start)."""
        while True:
            try:
                return self._idle.get(timeout=0.2)
            except queue.Empty:
                if self._killed:  # notes still queued when a signal stopped the build
                    raise RuntimeError("the build is being stopped") from None
                with self._lock:
                    hopeless = self._start_error is not None and not self._all
                if hopeless:
                    message = f"no snippet worker could start: {self._start_error}"
                    raise RuntimeError(message) from None

    def _receive(self, worker: _Worker, limit: float, results: list[BlockResult]) -> str | None:
        """Wait for the next block's result; a failure message if it never comes."""
        try:
            if not worker.connection.poll(limit):
                return f"timed out after {limit:g} s (the block was stopped)"
            message = decode_message(worker.connection.recv_bytes(MAX_MESSAGE_BYTES))
            if message["kind"] != "block":
                raise RecordError(f"a {message['kind']!r} message where a result was due")
            result = result_from_data(message.get("result"))
            if message.get("state") is True:
                result.state = worker.connection.recv_bytes(MAX_MESSAGE_BYTES)
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            return f"the worker process died while running this block (exit code {code})"
        except RecordError as error:
            return f"the worker sent something that is not a block result ({error})"
        results.append(result)
        return None

    def _finished_cleanly(self, worker: _Worker, limit: float) -> bool:
        """Read the note's `done` message: False when the worker must not serve again
        (a thread the note started is still running in it, or it did not answer)."""
        try:
            if not worker.connection.poll(limit):
                return False
            message = decode_message(worker.connection.recv_bytes(MAX_MESSAGE_BYTES))
        except (EOFError, OSError, RecordError):
            return False
        threads = message.get("threads")
        return message["kind"] == "done" and threads == 0

    def run_notes(self, jobs: list[NoteJob]) -> dict[str, list[BlockResult]]:
        """Run many notes in parallel (one per worker); results keyed by note path."""
        with ThreadPoolExecutor(max_workers=self.size) as executor:
            futures = {job.note_path: executor.submit(self.run_note, job) for job in jobs}
            return {path: future.result() for path, future in futures.items()}
