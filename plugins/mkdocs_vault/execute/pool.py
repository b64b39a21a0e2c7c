"""Warm worker processes with a lifecycle: start, run notes, recover, shut down.

Each worker imports numpy and matplotlib once (≈1 s) and then serves note jobs. A
block that runs past its time limit gets its worker killed and replaced; a worker that
dies (segfault, `os._exit`) is replaced too, and the block it was running is reported.
Notes run in parallel, one per worker.
"""

from __future__ import annotations

import atexit
import os
import queue
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

from .runner import BlockResult, NoteJob

DEFAULT_TIMEOUT = 60.0
_START_TIMEOUT = 120.0


@dataclass
class _Worker:
    process: subprocess.Popen
    connection: Connection
    ready: bool = False


class WorkerPool:
    """`size` warm workers; `run_notes` executes jobs in parallel and returns results."""

    def __init__(self, size: int | None = None, snippets_parent: str = "") -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.snippets_parent = snippets_parent
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self.restarts = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Start every worker without waiting: they import numpy and matplotlib while
        MkDocs goes on rendering; each is awaited the first time it gets a job."""
        atexit.register(self.shutdown)  # in case MkDocs never reaches on_shutdown
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def shutdown(self) -> None:
        """Ask workers to exit, then make sure they did."""
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            try:
                worker.connection.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.connection.close()

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    def _spawn(self) -> _Worker:
        # A plain interpreter on a socket pair rather than multiprocessing: no re-import of
        # the parent's __main__ (mkdocs' CLI), and the worker's stdout stays out of the
        # protocol, so a snippet writing to fd 1 cannot corrupt it.
        ours, theirs = socket.socketpair()
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs_vault.execute.worker",
                str(theirs.fileno()),
                self.snippets_parent,
            ],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        with self._lock:
            self._all.append(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if worker.ready:
            return
        if not worker.connection.poll(_START_TIMEOUT):
            raise RuntimeError("a snippet worker did not start within 120 s")
        message = worker.connection.recv()
        if message[0] != "ready":  # pragma: no cover - protocol guard
            raise RuntimeError(f"unexpected first message from a worker: {message!r}")
        worker.ready = True

    def _replace(self, worker: _Worker) -> _Worker:
        worker.process.kill()
        worker.process.wait()
        worker.connection.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        self.restarts += 1
        return self._spawn()  # awaited when it gets its next job

    # -- running ------------------------------------------------------------------------
    def run_note(self, job: NoteJob, default_timeout: float = DEFAULT_TIMEOUT) -> list[BlockResult]:
        """Run a note's blocks from `job.start` on, on an idle worker; one result per
        block run, in order."""
        worker = self._idle.get()
        results: list[BlockResult] = []
        blocks = job.blocks[job.start :]
        try:
            self._await_ready(worker)
            worker.connection.send(job)
            while len(results) < len(blocks):
                block = blocks[len(results)]
                limit = block.options.timeout or default_timeout
                failure = self._receive(worker, limit, results)
                if failure is not None:
                    results.append(BlockResult(error=failure))
                    results += [BlockResult.not_run() for _ in blocks[len(results) :]]
                    worker = self._replace(worker)
                    return results
            if worker.connection.poll(default_timeout):
                worker.connection.recv()  # ("done",)
        finally:
            self._idle.put(worker)
        return results

    def _receive(self, worker: _Worker, limit: float, results: list[BlockResult]) -> str | None:
        """Wait for the next block's result; a failure message if it never comes."""
        try:
            if not worker.connection.poll(limit):
                return f"timed out after {limit:g} s (the block was stopped)"
            message = worker.connection.recv()
        except (EOFError, OSError):
            try:
                code = worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            return f"the worker process died while running this block (exit code {code})"
        results.append(message[2])
        return None

    def run_notes(self, jobs: list[NoteJob]) -> dict[str, list[BlockResult]]:
        """Run many notes in parallel (one per worker); results keyed by note path."""
        with ThreadPoolExecutor(max_workers=self.size) as executor:
            futures = {job.note_path: executor.submit(self.run_note, job) for job in jobs}
            return {path: future.result() for path, future in futures.items()}
