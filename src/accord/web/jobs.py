"""Runs in a background thread, one at a time, with progress the page polls."""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.analysis.progress import Progress

State = Literal["queued", "running", "done", "failed", "cancelled"]


@dataclass
class Job:
    """One run: its state, progress (``done`` of ``total`` units) and result or error."""

    id: str
    kind: str
    state: State = "queued"
    done: int = 0
    total: int = 1
    message: str = "queued"
    error: str | None = None
    result: Any = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "error": self.error,
        }


class JobRunner:
    """A single worker thread (the machine is small; runs queue rather than compete)."""

    def __init__(self, keep: int = 100):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-run")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def submit(self, kind: str, work: Callable[[Job, Progress], Any], on_done: Callable[[Job], None]) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], kind=kind)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.pop(next(iter(self._jobs)))

        def progress(done: int, total: int, message: str) -> None:
            job.done, job.total, job.message = done, max(total, 1), message

        def run() -> None:
            if job.cancel.is_set():
                job.state, job.message = "cancelled", "cancelled"
                return
            job.state, job.message = "running", "running"
            try:
                job.result = work(job, progress)
            except InterruptedError:
                job.state, job.message = "cancelled", "cancelled"
                return
            except Exception as e:  # shown on the page; the server keeps running
                job.state = "failed"
                job.error = f"{type(e).__name__}: {e}"
                job.message = "failed"
                traceback.print_exc()
                return
            job.done = job.total
            job.state, job.message = "done", "done"
            on_done(job)

        self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        for job in list(self._jobs.values()):
            job.cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
