"""Processes a note starts never outlive it: found through /proc, stopped, collected.

A block may fork, start a shell with `cmd &`, or launch a daemon that detaches itself
(`setsid`). Two mechanisms between them leave none running:

- inside the worker (`adopt_descendants`, `stop_descendants`): the worker is a *child
  subreaper*, so an orphaned descendant is re-parented to it rather than to init, and
  when a note's last block ends every remaining child is killed, generation by
  generation, until none is left;
- from the pool (`kill_tree`), when a block runs past its time limit: the worker and all
  its descendants are frozen with SIGSTOP (a stopped process cannot fork any more) until
  the tree stops growing, then killed together. Killing only the worker would hand its
  children to init, where nobody could tell them apart any more.
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_CHILD_SUBREAPER = 36
_MAX_ROUNDS = 1000  # a fork bomb's depth, at most: each round handles one generation


def adopt_descendants() -> None:
    """Lead a process group and become the subreaper of every process a block starts."""
    os.setpgid(0, 0)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        pass


def stop_descendants() -> None:
    """Kill every process this one started that is still running, and collect them.

    Killing a child re-parents its own children here (the subreaper), so the loop goes
    on until no child is left.
    """
    for _ in range(_MAX_ROUNDS):
        children = own_children()
        if not children:
            return
        for pid in children:
            _signal(pid, signal.SIGKILL)
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def own_children() -> list[int]:
    """This process's children (every thread's list: a thread may fork too)."""
    pids: set[int] = set()
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as listing:
                pids.update(int(pid) for pid in listing.read().split())
    except OSError:  # pragma: no cover - a kernel without CONFIG_PROC_CHILDREN
        return sorted(_children_map().get(os.getpid(), ()))
    return sorted(pids)


def kill_tree(root: int, include_root: bool = True) -> None:
    """Freeze `root` and all its descendants until no new one appears, then kill them all.

    The caller still collects `root` (its own child) with `wait`/`join`. A process
    clearing up below itself passes `include_root=False` (it must not freeze itself).
    """
    stopped: set[int] = set()
    for _ in range(_MAX_ROUNDS):
        tree = ({root} if include_root else set()) | descendants(root)
        fresh = tree - stopped
        if not fresh:
            break
        for pid in fresh:
            _signal(pid, signal.SIGSTOP)
        stopped |= fresh
    for pid in stopped:
        _signal(pid, signal.SIGKILL)


def descendants(root: int) -> set[int]:
    """Every process below `root` in the process tree, from one scan of /proc."""
    children = _children_map()
    found: set[int] = set()
    waiting = [root]
    while waiting:
        for child in children.get(waiting.pop(), ()):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


def _children_map() -> dict[int, list[int]]:
    """Parent pid → child pids, for every process /proc shows."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(entry))
    return children


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass
