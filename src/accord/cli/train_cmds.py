"""``accord train``: a training session on the dashboard's server (people take seats, the engine plays the rest)."""

from __future__ import annotations

import json

import typer

from accord.cli.common import console, err_console, fail
from accord.cli.serve_cmds import _check_free, _is_loopback
from accord.scenario import ScenarioError


def train(
    case: str = typer.Argument(..., help="A built-in case name or a scenario file."),
    seats: str = typer.Option(..., "--seats", help="Actor ids people play, comma-separated (e.g. ARM,AZE,FRA)."),
    format: str | None = typer.Option(None, "--format", help="The format (default: the case's first)."),
    from_: float = typer.Option(1997.0, "--from", help="The year people take over (history is imposed before it)."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the inputs and of every random draw."),
    db: str = typer.Option("training.sqlite", "--db", help="SQLite file; reopening it continues its session."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    as_json: bool = typer.Option(False, "--json", help="Also print the URLs as one JSON line."),
) -> None:
    """Start (or, with a --db that holds one, continue) a training session and serve its pages.

    Prints one facilitator URL and one URL per seat, each with its own secret token; the
    database keeps only the tokens' hashes, so a continued session is reached with the URLs
    printed when it started."""
    import uvicorn

    from accord.api import load
    from accord.training.service import Trainer
    from accord.training.session import SessionSpec, TrainingError
    from accord.training.store import TrainingStore
    from accord.web.app import create_app, load_catalog
    from accord.web.guard import allowed_hosts

    try:
        store = TrainingStore(db)
        trainer = Trainer(store)
    except (OSError, ScenarioError, TrainingError) as e:
        fail(str(e))
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    if trainer.live:
        sid = next(reversed(trainer.live))
        s = trainer.live[sid].session
        console.print(
            f"continuing training session {sid} from {db} (year {s.year:g}, {len(s.moves)} moves); "
            "the URLs printed when it started still work",
            markup=False,
            highlight=False,
        )
        asked = (case, tuple(a.strip() for a in seats.split(",") if a.strip()), format, from_, seed)
        kept = (s.spec.case, s.spec.seats, s.spec.format, s.spec.start, s.spec.seed)
        if asked != kept:
            err_console.print(
                f"note: {db} holds a session of {s.spec.case} with seats {','.join(s.spec.seats)} from "
                f"{s.spec.start:g}, seed {s.spec.seed}; it continues as it was (give another --db for a new one)",
                markup=False,
            )
        urls: dict[str, str] = {}
    else:
        try:
            scenario = load(case)
            spec = SessionSpec(case, tuple(a.strip() for a in seats.split(",") if a.strip()), format, from_, seed)
            sid, tokens = trainer.start(scenario, spec)
        except ScenarioError as e:
            fail(str(e))
        except TrainingError as e:
            fail(str(e))
        urls = {who: f"{base}/t/{tok}" for who, tok in tokens.items()}
        console.print(f"training session {sid} ({case}, from {from_:g}, seed {seed}) in {db}", markup=False)
        for who, url in urls.items():
            console.print(f"  {who:12s} {url}", markup=False, highlight=False)
    if as_json:
        typer.echo(json.dumps({"session": sid, "db": db, "urls": urls}, sort_keys=True))
    if not _is_loopback(host):
        err_console.print(f"warning: listening on {host}; anyone with a seat URL can play it.", markup=False)
    _check_free(host, port)
    try:
        catalog = load_catalog()
    except ScenarioError as e:
        fail(str(e))
    app = create_app(catalog, allowed_hosts=allowed_hosts(host, []), training=trainer)
    # no access log: the URLs carry the seats' tokens
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=3,  # open event streams must not hold a Ctrl+C up
    )
