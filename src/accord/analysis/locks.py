"""An exclusive lock on an output folder: one writer at a time, named when a second one is refused.

The lock is a file (``sweep.lock`` in a sweep's folder) locked with ``flock`` (POSIX) or
``msvcrt.locking`` (Windows; not tested there). The operating system releases the lock when its holder exits
for whatever reason, ``kill -9`` included, so a lock left by a dead process is never in the
way: the file stays behind and the next writer simply locks it again (a *stale* lock, taken
over). The holder writes who it is into the file (process id, host, command, start time) so
that a refused writer can say whom it waits for.

On release the holder deletes the file while still holding the lock. A writer that opened the
file just before may then lock an unlinked file; it notices (the path no longer names the file
it locked) and starts again, so two writers never both believe they hold the lock.

A library (``filelock``) would lock too, but it truncates the file on every attempt, so a
refused writer could not name the holder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import socket
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from accord.analysis.storage import StorageError

if sys.platform == "win32":  # pragma: no cover - not run on the project's Linux CI
    import msvcrt

    def _try_lock(fd: int) -> bool:
        # Windows locks are mandatory: lock a byte far past the holder's note so it stays readable
        os.lseek(fd, 1 << 30, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class LockHeld(RuntimeError):
    """Another process holds the lock; ``holder`` is what it wrote about itself (may be empty)."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"{path}: locked by {describe_holder(holder)}")


def describe_holder(holder: dict[str, Any]) -> str:
    """``process 1234 on host, since 2026-01-01T10:00:00Z (accord sweep …)``, from what is known."""
    if not holder.get("pid"):
        return "another process (it has not yet written who it is)"
    text = f"process {holder['pid']}"
    if holder.get("host"):
        text += f" on {holder['host']}"
    if holder.get("since"):
        text += f", since {holder['since']}"
    if holder.get("command"):
        text += f" ({holder['command']})"
    return text


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 64 * 1024)
        data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _this_command() -> str:
    """How this process was started, shortly: ``accord sweep example --runs 100 …``."""
    argv = sys.argv or [""]
    program = Path(argv[0]).name
    if program == "__main__.py":  # python -m accord
        program = Path(argv[0]).parent.name
    elif program in ("", "-c"):
        program = "python -c"
    return " ".join([program, shlex.join(argv[1:])]).strip()


class FolderLock:
    """``with FolderLock(path):`` holds the lock file ``path`` exclusively (its folder must exist).

    Raises :class:`LockHeld` when another process holds it, :class:`StorageError` when the file
    cannot be created or written (a read-only folder, a full disk). ``stale`` is what the
    previous, dead holder had written about itself, if it left the file behind; ``unsupported``
    says why, on a file system that cannot lock files, the lock is only a note."""

    def __init__(self, path: Path, command: str | None = None) -> None:
        self.path = Path(path)
        self.command = command if command is not None else _this_command()
        self.stale: dict[str, Any] = {}
        #: why the file could not be locked, where its file system cannot lock files: then the
        #: holder still writes who it is, but nothing stops a second writer
        self.unsupported: str | None = None
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path}: already held by this FolderLock")
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as e:
                raise StorageError.from_os_error(e, self.path) from None
            try:
                locked = _try_lock(fd)
            except OSError as e:  # a file system that cannot lock (some network or FUSE mounts)
                self.unsupported, locked = e.strerror or str(e), True
            if not locked:
                holder = _read_holder(fd)
                os.close(fd)
                raise LockHeld(self.path, holder)
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the holder released and deleted it between our open and our lock: again
        self.stale = _read_holder(fd)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "command": self.command,
        }
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, (json.dumps(me) + "\n").encode("utf-8"))
            os.fsync(fd)
        except OSError as e:
            self._fd = fd
            self.release()
            raise StorageError.from_os_error(e, self.path) from None
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # deleted while still held, so that no writer can lock the file we are about to drop
        with contextlib.suppress(OSError):
            if _same_file(fd, self.path):
                os.unlink(self.path)
        os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
