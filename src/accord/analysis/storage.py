"""Atomic files: a reader never sees a half-written result, a crash never leaves one behind.

Every file is written to a temporary name in the same folder, flushed and ``fsync``-ed, then
moved over its final name with ``os.replace`` (atomic on POSIX and Windows), and the folder
itself is ``fsync``-ed so that the rename survives a power cut. Temporary names start with
``.tmp-`` so that a later run can recognise and remove the leftovers of a killed one.

Permissions are those ``open(path, "w")`` would give: a new file gets ``0o666`` less the
process's umask (``-rw-r--r--`` under the usual umask 022), a replaced file keeps its mode
(``tempfile.mkstemp`` alone would make every result owner-only).
"""

from __future__ import annotations

import contextlib
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
    """Open a temporary file next to ``path``; on success it replaces ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX + path.name + ".", dir=path.parent)
    try:
        with contextlib.suppress(AttributeError):  # os.fchmod: POSIX only
            os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
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


def write_parquet_atomic(path: Path, table: pa.Table) -> None:
    """One Parquet file, written atomically."""
    import pyarrow.parquet as pq

    with atomic_file(path) as f:
        pq.write_table(table, f, compression="zstd")


def remove_leftovers(folder: Path) -> int:
    """Delete temporary files a killed writer left in ``folder``; returns how many."""
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
