"""Namespace snapshots are pickles: only ones this user's builds made are ever loaded.

A snapshot (`runner.snapshot`) must stay a pickle: functions and classes a note defined
travel by value, which no data format can carry. Unpickling runs code, so a worker may
load a snapshot only when it carries an HMAC made with a key that lives *outside* the
cache folder (`$XDG_STATE_HOME/mkdocs-vault/snapshot.key`, 0600, created atomically): a
cache restored from elsewhere (another branch's CI run, a copied project) or crafted by
hand has no valid seal, and the block simply runs from an earlier point.

The key is read by the MkDocs process only; the seal is checked there, before the
snapshot is handed to a worker. When no key can be made (a read-only home), nothing is
sealed and every snapshot is a miss: resuming is an optimisation, never needed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger(__name__)

_MAGIC = b"mkdocs-vault-snapshot-2\n"
_KEY_BYTES = 32
_DIGEST = hashlib.sha256().digest_size


def key_path() -> Path:
    """Where this user's snapshot key lives: never inside a project's cache folder."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "mkdocs-vault" / "snapshot.key"


def load_key(path: Path | None = None) -> bytes | None:
    """This user's key, created on first use; None when it cannot be made or trusted.

    Created as a temp file with mode 0600 and linked into place, so two builds starting
    together agree on one key (`link` fails for the second, which reads the first's).
    A key file that others could read or write, or that another user owns, is refused.
    """
    path = path or key_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            _create(path)
        info = os.stat(path, follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            log.debug(f"snippets: {path} is not a file of this user; snapshots not used")
            return None
        if info.st_mode & 0o077:
            log.debug(f"snippets: {path} is readable by others; snapshots not used")
            return None
        key = path.read_bytes()
    except OSError as error:
        log.debug(f"snippets: no snapshot key ({error}); notes resume from their first block")
        return None
    return key if len(key) == _KEY_BYTES else None


def _create(path: Path) -> None:
    temp = path.with_name(f".tmp-{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(_KEY_BYTES))
        try:
            os.link(temp, path)
        except FileExistsError:  # another build made it first: use theirs
            pass
    finally:
        temp.unlink(missing_ok=True)


def seal(key: bytes, label: str, snapshot: bytes) -> bytes:
    """The snapshot with a header and an HMAC over `label` (the cache key) and its bytes,
    so a genuine snapshot cannot be moved to another block either."""
    return _MAGIC + _mac(key, label, snapshot) + snapshot


def unseal(key: bytes, label: str, sealed: bytes) -> bytes | None:
    """The snapshot, if `sealed` is what `seal(key, label, …)` made; else None."""
    if not sealed.startswith(_MAGIC):
        return None
    body = sealed[len(_MAGIC) :]
    mac, snapshot = body[:_DIGEST], body[_DIGEST:]
    if len(mac) != _DIGEST or not hmac.compare_digest(mac, _mac(key, label, snapshot)):
        return None
    return snapshot


def _mac(key: bytes, label: str, snapshot: bytes) -> bytes:
    digest = hmac.new(key, label.encode() + b"\0", hashlib.sha256)
    digest.update(snapshot)
    return digest.digest()
