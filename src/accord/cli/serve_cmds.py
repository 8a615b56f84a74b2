"""``accord serve``: the local dashboard."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from accord.cli.common import console, err_console, fail
from accord.scenario import ScenarioError
from accord.web.jobs import QueueLimits
from accord.web.limits import Limits, MiB


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            fail(f"--host/--port: expected a free address to listen on, found {host}:{port} unusable ({e.strerror})")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", "-s", help="A scenario file to offer besides the built-in cases (repeatable)."),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another name browsers may use for this server, e.g. its LAN address (repeatable); "
            "loopback names and the --host address are always allowed.",
        ),
    ] = None,
    max_body_mib: float = typer.Option(1.0, "--max-body-mib", min=0.001, help="Largest request body, in MiB."),
    max_job_runs: int = typer.Option(
        Limits.max_job_runs, "--max-job-runs", min=1, help="Most replays in one run (draws × formats)."
    ),
    max_jobs: int = typer.Option(
        QueueLimits.max_jobs, "--max-jobs", min=1, help="Most runs waiting or running at once, in all workspaces."
    ),
    max_workspaces: int = typer.Option(Limits.max_workspaces, "--max-workspaces", min=1, help="Most open workspaces."),
) -> None:
    """Run the local web dashboard: pick a case, edit actors, run replays and sweeps, download results.

    The limits are described in SECURITY.md."""
    import uvicorn

    from accord.web.app import create_app, load_catalog
    from accord.web.guard import allowed_hosts

    try:
        catalog = load_catalog(scenario or [])
    except ScenarioError as e:
        fail(str(e))
    if not _is_loopback(host):
        err_console.print(
            f"warning: listening on {host}, reachable from other machines; the dashboard has no login.",
            markup=False,
        )
    hosts = allowed_hosts(host, allow_host or [])
    queue = QueueLimits(max_jobs=max_jobs, max_pending_runs=max(QueueLimits.max_pending_runs, max_jobs * max_job_runs))
    limits = Limits(
        max_body_bytes=int(max_body_mib * MiB), max_workspaces=max_workspaces, max_job_runs=max_job_runs, queue=queue
    )
    _check_free(host, port)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"accord dashboard on http://{shown}:{port}/  (Ctrl+C to stop)", markup=False, highlight=False)
    if not _is_loopback(host):
        err_console.print(
            f"answering to the Host names {', '.join(hosts)} (add others with --allow-host)", markup=False
        )
    app = create_app(catalog, allowed_hosts=hosts, limits=limits)
    # proxy headers off: X-Forwarded-* from a local process must not change the scheme the Origin check sees
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
