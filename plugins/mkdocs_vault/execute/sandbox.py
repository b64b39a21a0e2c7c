"""Landlock: where the kernel offers it, a worker may write only under its scratch folder.

The audit hook in `runner` sees the writes Python makes; it cannot see a write made by C
code, `ctypes` or a subprocess, and it reports a change after it happened. Landlock
(Linux 5.13+) is the kernel's own unprivileged sandbox: once a worker restricts itself,
every process it starts is bound by the same rules, and a write anywhere else fails with
`PermissionError` on the line that attempted it, so nothing outside is changed at all.

Only writing is restricted (creating, changing, truncating, removing, renaming,
linking); reading and executing stay open, since notes read data files, `snippets/` and
site-packages. Besides the writable folders, `/dev/null` may be written (libraries
silence output there) and `/dev/shm` (shared memory: `multiprocessing` locks and pools).

The syscalls are called through `ctypes`: they are three numbers and two small structs,
the same on every architecture since Linux 5.13, and the standard library has no wrapper.
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Sequence

_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Access rights (include/uapi/linux/landlock.h), and the ABI that introduced them.
_WRITE_FILE = 1 << 1
_REMOVE_DIR = 1 << 4
_REMOVE_FILE = 1 << 5
_MAKE_CHAR = 1 << 6
_MAKE_DIR = 1 << 7
_MAKE_REG = 1 << 8
_MAKE_SOCK = 1 << 9
_MAKE_FIFO = 1 << 10
_MAKE_BLOCK = 1 << 11
_MAKE_SYM = 1 << 12
_REFER = 1 << 13  # ABI 2: moving or linking a file into another folder
_TRUNCATE = 1 << 14  # ABI 3

_WRITES_V1 = (
    _WRITE_FILE
    | _REMOVE_DIR
    | _REMOVE_FILE
    | _MAKE_CHAR
    | _MAKE_DIR
    | _MAKE_REG
    | _MAKE_SOCK
    | _MAKE_FIFO
    | _MAKE_BLOCK
    | _MAKE_SYM
)
_FILE_RIGHTS = _WRITE_FILE | _TRUNCATE  # the write rights a rule on a single file may hold
ALWAYS_WRITABLE = ("/dev/null", "/dev/shm")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel's header: 12 bytes
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _syscall(number: int, *args) -> int:
    result = _libc.syscall(number, *args)
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def abi_version() -> tuple[int, str]:
    """The kernel's Landlock ABI version (0 when there is none) and, if 0, why not."""
    try:
        return _syscall(_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION), ""
    except OSError as error:
        reasons = {
            errno.ENOSYS: "the kernel was built without Landlock",
            errno.EOPNOTSUPP: "Landlock is turned off at boot (lsm= does not list it)",
        }
        return 0, reasons.get(error.errno, f"Landlock refused: {error.strerror}")
    except AttributeError:  # pragma: no cover - a libc without syscall(): not Linux
        return 0, "not a Linux kernel"


def handled_writes(abi: int) -> int:
    """Every write right this ABI can restrict."""
    rights = _WRITES_V1
    if abi >= 2:
        rights |= _REFER
    if abi >= 3:
        rights |= _TRUNCATE
    return rights


def restrict_writes(writable: Sequence[str]) -> int:
    """Allow this process (and every process it starts) to write only beneath `writable`
    and the `ALWAYS_WRITABLE` paths. Irreversible. Returns the ABI version applied.

    Raises OSError when the kernel refuses; call `abi_version` first to know whether to try.
    """
    abi, reason = abi_version()
    if abi < 1:
        raise OSError(errno.ENOSYS, reason)
    handled = handled_writes(abi)
    attr = _RulesetAttr(handled)
    ruleset = _syscall(_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    try:
        for path in (*writable, *ALWAYS_WRITABLE):
            _allow(ruleset, path, handled)
        _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # required for an unprivileged process
        _syscall(_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)
    return abi


def _allow(ruleset: int, path: str, handled: int) -> None:
    """Grant every handled write right beneath a folder (only file rights on a file)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return  # e.g. no /dev/shm in this container: nothing to allow
    try:
        rights = handled if os.path.isdir(path) else handled & _FILE_RIGHTS
        rule = _PathBeneathAttr(rights, fd)
        _syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0)
    finally:
        os.close(fd)


def allows(path: str, writable: Sequence[str]) -> bool:
    """Whether the rules `restrict_writes(writable)` sets let `path` be written."""
    real = os.path.realpath(path)
    for root in (*writable, *ALWAYS_WRITABLE):
        root = os.path.realpath(root)
        if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False
