"""Atomic files: a reader never sees a half-written result, a crash never leaves one behind.

Every file is written to a temporary name in the same folder, flushed and ``fsync``-ed, then
moved over its final name with ``os.replace`` (atomic on POSIX and Windows), and the folder
itself is ``fsync``-ed so that the rename survives a power cut. Temporary names start with
``.tmp-`` so that a later run can recognise and remove the leftovers of a killed one.

Permissions are those ``open(path, "w")`` would give: a new file gets ``0o666`` less the
process's umask (``-rw-r--r--`` under the usual umask 022), a replaced file keeps its mode
(``tempfile.mkstemp`` alone would make every result owner-only).

A write the storage refuses (a full disk, a read-only or unwritable folder, a file where a
folder should be) raises :class:`StorageError`, an ``OSError`` whose message names the path,
the reason and what to do; the temporary file is removed, and the file it was to replace is
left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas and Arrow load where a table is written, not when the CLI starts
    import pandas as pd
    import pyarrow as pa

TMP_PREFIX = ".tmp-"

#: what each refusal means and what to do about it
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the device", "free some space or write to another disk"),
    errno.EDQUOT: ("disk quota exceeded", "free some space, raise the quota or write to another disk"),
    errno.EFBIG: ("file too large for this file system", "write to another file system"),
    errno.EROFS: ("the file system is read-only", "write to a writable folder (or remount it read-write)"),
    errno.EACCES: ("permission denied", "make the folder writable for this user, or write to another folder"),
    errno.EPERM: ("operation not permitted", "make the folder writable for this user, or write to another folder"),
    errno.ENOTDIR: ("a file stands where a folder is expected", "move that file away, or write to another folder"),
    errno.EEXIST: ("a file stands where a folder is expected", "move that file away, or write to another folder"),
    errno.EISDIR: ("a folder stands where a file is expected", "move that folder away, or write elsewhere"),
    errno.EIO: ("input/output error on the device", "check the disk, then try again"),
}
#: errors that can only mean the storage refused a write, whatever call met them
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


class StorageError(OSError):
    """Writing ``path`` failed for a reason outside the program: a full disk, a read-only or
    unwritable folder, a file where a folder is expected. ``str()`` names the path, the reason
    and what to do; ``errno`` is the operating system's code."""

    def __init__(self, path: Path, code: int | None, reason: str, advice: str) -> None:
        super().__init__(code, reason, str(path))
        self.path = Path(path)
        self.reason = reason
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.path}: cannot write: {self.reason}; {self.advice}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.errno, self.reason, self.advice))

    @classmethod
    def from_os_error(cls, e: OSError, path: Path) -> StorageError:
        """The error ``e`` met while writing ``path``, named by the path the system named (a
        folder above it, say), or by ``path`` itself (never by a temporary name)."""
        if isinstance(e, StorageError):
            return e
        reason, advice = _REASONS.get(e.errno or -1, (e.strerror or str(e), "check the folder, then try again"))
        where = Path(path)
        if e.filename and not Path(os.fsdecode(e.filename)).name.startswith(TMP_PREFIX):
            where = Path(os.fsdecode(e.filename))
        return cls(where, e.errno, reason, advice)


def _fsync_dir(folder: Path) -> None:
    # not every platform lets one open a directory (Windows); the rename is still atomic there
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def current_umask() -> int:
    """The process's umask, read without changing it where the platform allows (Linux), since
    setting it to read it back would race with other threads creating files (the dashboard)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)  # replacing a file keeps its mode, as open() does
    except OSError:
        return 0o666 & ~current_umask()


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file next to ``path``; on success it replaces ``path`` atomically.

    Raises :class:`StorageError` when the storage refuses the write (any error of creating the
    folder or the temporary file, or of moving it into place; an error of the caller's writes
    when it can only mean that, e.g. a full disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX + path.name + ".", dir=path.parent)
    except OSError as e:
        raise StorageError.from_os_error(e, path) from None
    try:
        with contextlib.suppress(AttributeError):  # os.fchmod: POSIX only
            os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError) and (e.errno in _WRITE_ERRNOS or e.filename == tmp):
            raise StorageError.from_os_error(e, path) from None
        raise
    _fsync_dir(path.parent)


def write_bytes_atomic(path: Path, data: bytes | memoryview) -> None:
    with atomic_file(path) as f:
        f.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    """A UTF-8 text file (a report, an event log, a scenario), written atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, obj: Any) -> None:
    write_bytes_atomic(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


def frame_to_table(frame: pd.DataFrame) -> pa.Table:
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def write_parquet_atomic(path: Path, table: pa.Table) -> str:
    """One Parquet file, written atomically; returns the SHA-256 of its bytes (hex).

    The file is built in memory first (its compressed size), so the digest is that of the
    bytes written, without reading them back."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    data = sink.getvalue()
    write_bytes_atomic(path, memoryview(data))
    return hashlib.sha256(memoryview(data)).hexdigest()


def remove_leftovers(folder: Path) -> int:
    """Delete temporary files a killed writer left in ``folder``; returns how many (files it
    cannot delete, in a read-only folder say, are left: they are never read)."""
    n = 0
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(TMP_PREFIX):
                with contextlib.suppress(OSError):
                    p.unlink()
                    n += 1
    return n


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex (to record which data or table a result came from)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
