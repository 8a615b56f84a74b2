"""``accord serve``: the local dashboard."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from accord.cli.common import console, err_console, fail
from accord.scenario import ScenarioError


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
) -> None:
    """Run the local web dashboard: pick a case, edit actors, run replays and sweeps, download results."""
    import uvicorn

    from accord.web.app import LOCAL_HOSTS, create_app, load_catalog

    try:
        catalog = load_catalog(scenario or [])
    except ScenarioError as e:
        fail(str(e))
    allowed = list(LOCAL_HOSTS)
    if not _is_loopback(host):
        err_console.print(
            f"warning: listening on {host}, reachable from other machines; the dashboard has no login.",
            markup=False,
        )
        allowed = ["*"]
    _check_free(host, port)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"accord dashboard on http://{shown}:{port}/  (Ctrl+C to stop)", markup=False, highlight=False)
    uvicorn.run(create_app(catalog, allowed_hosts=allowed), host=host, port=port, log_level="warning")
