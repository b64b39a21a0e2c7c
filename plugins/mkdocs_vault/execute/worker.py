"""The worker process: forked warm from the fork server, then runs note jobs from a pipe.

Results stream back block by block, so the parent knows which block was running when
a time limit expired or the process died. They travel as JSON (`records`), never as
pickles: the parent must not run anything a note's code put into its answer.

A note may start threads; Python cannot stop one. A worker that still has a thread
running after a note's last block says so in its `done` message, and the pool replaces
it, killing the thread with the process, so nothing a note started outlives the note.
"""

from __future__ import annotations

import os
import sys
import threading


def main(connection, lifeline=None) -> None:
    """Serve jobs until `None` arrives or the parent is gone.

    Messages (`records`): {"kind": "ready", "pid"}, then per job one {"kind": "block",
    "index", "result", "state"} per block (followed by a frame holding the state's bytes
    when "state" is true) and {"kind": "done", "threads"}.

    A job runs its blocks from `job.start` on, after restoring `job.state`; each block
    that succeeds sends the note's state after it, so a later edit can resume there.
    """
    from . import warm  # noqa: F401 - already imported by the fork server: free here
    from .processes import stop_descendants

    global _own_threads
    if lifeline is not None:
        watcher = threading.Thread(target=_watch, args=(lifeline,), name="vault-lifeline")
        watcher.daemon = True
        watcher.start()
        _own_threads = 1
    try:
        serve(connection)
    except (BrokenPipeError, EOFError, OSError):  # the build went away mid-note
        pass
    finally:
        stop_descendants()  # nothing a note started outlives this worker
    if running_threads() > _own_threads:
        os._exit(0)  # a note's thread would hold the exit (`threading._shutdown`) forever


_own_threads = 0  # threads of the worker itself: the lifeline watcher


def _watch(lifeline) -> None:
    """Wait for EOF on the lifeline (the build died without stopping this worker), then
    kill everything below this worker and exit: a block must not run on unattended with
    no time limit, nor its children with it."""
    from .processes import kill_tree

    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    kill_tree(os.getpid(), include_root=False)
    os._exit(1)


def serve(connection) -> None:
    """The job loop of `main`."""
    from .processes import adopt_descendants, stop_descendants
    from .records import encode_message, result_to_data
    from .runner import BlockResult, resume_note, run_block, snapshot

    def send_block(index: int, result: BlockResult) -> None:
        state, result.state = result.state, None
        message = encode_message(
            "block", index=index, result=result_to_data(result), state=state is not None
        )
        connection.send_bytes(message)
        if state is not None:
            connection.send_bytes(state)

    # Output written straight to file descriptor 1 (C code, os.write) goes nowhere rather
    # than into MkDocs' terminal; Python-level prints are captured per block.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    adopt_descendants()  # see `processes`
    connection.send_bytes(encode_message("ready", pid=os.getpid()))
    sandboxed = False
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):  # the parent went away: nothing left to do
            return
        if job is None:
            return
        if job.import_path and job.import_path not in sys.path:
            sys.path.insert(0, job.import_path)  # where the vault's `snippets/` lives
        limit_memory(job.memory_mb)
        if job.writable_dirs and not sandboxed:  # the pool never mixes sandboxes in one worker
            refusal = enter_sandbox(job.writable_dirs)
            if refusal:
                for index in range(job.start, len(job.blocks)):
                    send_block(index, BlockResult(error=refusal))
                connection.send_bytes(encode_message("done", threads=0))
                continue
            sandboxed = True
        use_scratch_for_temporary_files(job.scratch_dir)
        namespace = resume_note(job)
        failed = False
        for index in range(job.start, len(job.blocks)):
            if failed:
                result = BlockResult.not_run()
            else:
                result = run_block(namespace, job.blocks[index], job)
                failed = result.error is not None
                if not failed and not _holds_files(job.scratch_dir):
                    # A state restores the namespace, not files the blocks so far left in
                    # the working directory: with any there, resuming would differ.
                    result.state = snapshot(namespace)
            reap_children()
            send_block(index, result)
        threads = running_threads() - _own_threads  # first: a thread could start processes
        stop_descendants()  # nothing a note started outlives it
        connection.send_bytes(encode_message("done", threads=threads))


def running_threads() -> int:
    """Python threads still running besides this one (the worker itself starts none)."""
    import _thread
    import threading

    counted = getattr(_thread, "_count", None)  # every thread `_thread` started
    return counted() if counted is not None else threading.active_count() - 1


def _holds_files(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except OSError:
        return False


def use_scratch_for_temporary_files(scratch_dir: str) -> None:
    """Temporary files go to the note's scratch folder: the one place a sandboxed worker
    may write, and it keeps a note's leftovers out of the machine's /tmp. (Set here, in
    the worker, not in `runner`, whose functions tests also call in their own process.)"""
    import tempfile

    tempfile.tempdir = scratch_dir
    os.environ["TMPDIR"] = scratch_dir


def enter_sandbox(writable: tuple[str, ...]) -> str:
    """Restrict this worker's writes to `writable` (Landlock); an error text if refused.

    The folders are created first: a rule can only name a folder that exists.
    """
    from .sandbox import restrict_writes

    try:
        for folder in writable:
            os.makedirs(folder, exist_ok=True)
        restrict_writes(writable)
    except OSError as error:
        return (
            f"the snippet sandbox could not be applied: {error}\n"
            "(set `exec_sandbox: false` in mkdocs.yml to run snippets without it)"
        )
    return ""


def limit_memory(megabytes: int) -> None:
    """Cap the worker's address space, so a memory bomb ends in a `MemoryError` on its
    block instead of the machine swapping (or the kernel killing something else).

    Only the soft limit is set: the next job may use another limit. It guards against
    accidents, not against a snippet that raises it on purpose (see the trust model).
    """
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = megabytes * 2**20 if megabytes > 0 else resource.RLIM_INFINITY
    if hard != resource.RLIM_INFINITY and (wanted == resource.RLIM_INFINITY or wanted > hard):
        wanted = hard
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def reap_children() -> None:
    """Collect processes a block forked and that have exited, so none stays a zombie."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
