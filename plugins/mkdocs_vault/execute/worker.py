"""The worker process: warm imports once, then run note jobs sent over a pipe.

Results stream back block by block, so the parent knows which block was running when
a time limit expired or the process died.
"""

from __future__ import annotations

import os
import sys


def main(connection, snippets_parent: str) -> None:
    """Serve jobs until `None` arrives. Messages: ("block", i, result), ("done",).

    A job runs its blocks from `job.start` on, after restoring `job.state`; each block
    that succeeds sends the note's state after it, so a later edit can resume there.
    """
    sys.dont_write_bytecode = True  # never drop __pycache__ into watched folders
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401 - the warm import is the point of a worker
    import numpy  # noqa: F401

    if snippets_parent and snippets_parent not in sys.path:
        sys.path.insert(0, snippets_parent)
    from .runner import BlockResult, resume_note, run_block, snapshot

    connection.send(("ready", os.getpid()))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):  # the parent went away: nothing left to do
            return
        if job is None:
            return
        namespace = resume_note(job)
        failed = False
        for index in range(job.start, len(job.blocks)):
            if failed:
                result = BlockResult.not_run()
            else:
                result = run_block(namespace, job.blocks[index], job)
                failed = result.error is not None
                if not failed:
                    result.state = snapshot(namespace)
            connection.send(("block", index, result))
        connection.send(("done",))


if __name__ == "__main__":  # started by pool.py: python -m mkdocs_vault.execute.worker FD DIR
    from multiprocessing.connection import Connection

    main(Connection(int(sys.argv[1])), sys.argv[2])
