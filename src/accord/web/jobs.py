"""Runs in a background thread, one at a time, with progress the page polls.

The queue is bounded (jobs waiting or running, in all and per workspace, and the replays they
add up to), so a flood of run requests is refused rather than queued for hours. A job stays
known while it waits or runs and for a grace period after it ends, so a page polling it, or a
cancel, always finds it; only ended jobs are ever forgotten.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from secrets import token_urlsafe
from typing import Any, Literal

from accord.analysis.progress import Progress

State = Literal["queued", "running", "done", "failed", "cancelled"]
ENDED: frozenset[State] = frozenset({"done", "failed", "cancelled"})


@dataclass
class Job:
    """One run: its state, progress (``done`` of ``total`` units) and result or error."""

    id: str
    kind: str
    owner: str = ""
    cost: int = 1  # replays it runs
    state: State = "queued"
    done: int = 0
    total: int = 1
    message: str = "queued"
    error: str | None = None
    result: Any = None
    ended_at: float | None = None
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


class JobRefused(Exception):
    """A run the queue has no room for (the dashboard answers 429 with this message)."""


@dataclass(frozen=True)
class QueueLimits:
    max_jobs: int = 8  # waiting or running, all workspaces
    max_jobs_per_owner: int = 2  # waiting or running, one workspace
    max_pending_runs: int = 160_000  # replays waiting or running, all jobs
    grace_s: float = 600.0  # an ended job stays pollable this long
    keep_ended: int = 200  # and at most this many ended jobs are kept


class JobRunner:
    """A single worker thread (the machine is small; runs queue rather than compete)."""

    def __init__(self, limits: QueueLimits | None = None, *, clock: Callable[[], float] = time.monotonic):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-run")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.limits = limits or QueueLimits()
        self._clock = clock

    def _active(self) -> list[Job]:
        return [j for j in self._jobs.values() if j.state not in ENDED]

    def _end(self, job: Job, state: State, message: str) -> None:
        with self._lock:
            job.state, job.message, job.ended_at = state, message, self._clock()

    def _prune(self) -> None:
        """Forget ended jobs past their grace period, then the oldest ended beyond ``keep_ended``."""
        now = self._clock()
        ended = sorted((j for j in self._jobs.values() if j.ended_at is not None), key=lambda j: j.ended_at or 0.0)
        for i, j in enumerate(ended):
            if now - (j.ended_at or now) > self.limits.grace_s or len(ended) - i > self.limits.keep_ended:
                del self._jobs[j.id]

    def _refusal(self, owner: str, cost: int) -> str | None:
        lim, active = self.limits, self._active()
        if len(active) >= lim.max_jobs:
            return f"the run queue is full ({lim.max_jobs} runs waiting or running); try again when one ends"
        mine = sum(1 for j in active if j.owner == owner)
        if mine >= lim.max_jobs_per_owner:
            return (
                f"this workspace already has {mine} runs waiting or running (at most {lim.max_jobs_per_owner}); "
                "wait for one to end or cancel it"
            )
        pending = sum(j.cost for j in active)
        if pending + cost > lim.max_pending_runs:
            return (
                f"the queue holds {pending} replays and this run adds {cost} (at most {lim.max_pending_runs} "
                "waiting or running); try again when a run ends"
            )
        return None

    def submit(
        self,
        kind: str,
        work: Callable[[Job, Progress], Any],
        on_done: Callable[[Job], None],
        *,
        owner: str = "",
        cost: int = 1,
    ) -> Job:
        """Queue ``work``; raises JobRefused when the queue has no room for it."""
        job = Job(id=token_urlsafe(12), kind=kind, owner=owner, cost=cost)
        with self._lock:
            self._prune()
            refusal = self._refusal(owner, cost)
            if refusal is not None:
                raise JobRefused(refusal)
            self._jobs[job.id] = job

        def progress(done: int, total: int, message: str) -> None:
            job.done, job.total, job.message = done, max(total, 1), message

        def run() -> None:
            with self._lock:
                if job.state in ENDED:  # cancelled while it waited
                    return
                job.state, job.message = "running", "running"
            try:
                job.result = work(job, progress)
            except InterruptedError:
                self._end(job, "cancelled", "cancelled")
                return
            except Exception as e:  # shown on the page; the server keeps running
                job.error = f"{type(e).__name__}: {e}"
                self._end(job, "failed", "failed")
                traceback.print_exc()
                return
            job.done = job.total
            try:
                on_done(job)  # results are in the workspace before the page hears "done"
            except Exception as e:
                job.error = f"{type(e).__name__} while keeping the results: {e}"
                self._end(job, "failed", "failed")
                traceback.print_exc()
                return
            self._end(job, "done", "done")

        self._pool.submit(run)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._prune()
            return self._jobs.get(job_id)

    def cancel(self, job: Job) -> None:
        """A waiting job ends now; a running sweep stops before its next chunk (a replay is too short to stop)."""
        job.cancel.set()
        with self._lock:
            if job.state == "queued":
                job.state, job.message, job.ended_at = "cancelled", "cancelled", self._clock()

    def shutdown(self) -> None:
        for job in list(self._jobs.values()):
            job.cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
