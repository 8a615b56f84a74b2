"""The dashboard's limits, in one place: each is documented in SECURITY.md with the option that raises it."""

from __future__ import annotations

from dataclasses import dataclass, field

from accord.web.jobs import QueueLimits

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = MiB  # a request body, checked before it is parsed (--max-body-mib)
    max_workspaces: int = 200  # open workspaces (--max-workspaces)
    workspace_idle_s: float = 86_400.0  # an edited workspace unused this long may make room for a new one
    max_job_runs: int = 20_000  # replays in one run: draws × formats (--max-job-runs)
    queue: QueueLimits = field(default_factory=QueueLimits)  # runs waiting or running (--max-jobs)
