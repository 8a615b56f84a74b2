"""The local dashboard: pick a case, edit actors, run a replay or a small sweep, see and download results.

Server-rendered pages (Jinja2) with one small local script; charts are the report's SVG
figures drawn by the server. Nothing is loaded from the network, and nothing in a scenario is
ever executed: scenarios are data, parsed by the safe loader and validated at every edit.
Other web sites cannot drive it (:mod:`accord.web.guard`), and every kind of work it keeps or
queues is bounded (:mod:`accord.web.limits`); SECURITY.md says why and how to raise the limits.
"""

from __future__ import annotations

import contextlib
import io
import json
import secrets
import threading
import zipfile
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import numpy as np
import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from pydantic import BaseModel, ConfigDict, Field

from accord import __version__
from accord.analysis.progress import Progress
from accord.analysis.runs import DEFAULT_CHUNK_SIZE, run_formats
from accord.mechanisms.formats import available_formats
from accord.reports.figures import to_svg
from accord.reports.report import ReportInputs, format_rows, make_figures, read_trajectory, render_html
from accord.reports.story import story
from accord.reports.summaries import actor_issue_table
from accord.scenario import Scenario, ScenarioError, builtin_cases, dump_scenario
from accord.scenario.loader import resolve, validate_data
from accord.scenario.schema import Series
from accord.scenario.yaml_io import LocatedData, parse_yaml, read_text
from accord.simulation import BatchResult, History, Replay, replay
from accord.web.editing import Edit, validate_edits
from accord.web.guard import LOOPBACK_NAMES, BodyProblems, Guard, form_field, json_body, problems_of
from accord.web.jobs import Job, JobRefused, JobRunner
from accord.web.limits import Limits
from accord.web.store import StoreFull, WorkspaceStore

if TYPE_CHECKING:
    from accord.training.service import Trainer

LOCAL_HOSTS = LOOPBACK_NAMES


# -- what runs the engine (replaceable in tests) ------------------------------------------


@dataclass(frozen=True)
class Engine:
    """The two calls the dashboard makes: by default :func:`accord.simulation.replay` and the run
    service :func:`accord.analysis.runs.run_formats` (the numbers ``accord compare`` gives)."""

    replay: Callable[..., Replay] = replay
    sweeps: Callable[..., Mapping[str, BatchResult]] = run_formats


#: what a run imposes unless the request says: a replay follows the record, a sweep compares
#: what each format would have done (accord.simulation.history)
DEFAULT_HISTORY = {"replay": "imposed", "sweep": "counterfactual"}


# -- cases and workspaces -----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    period: str
    located: LocatedData


def load_catalog(extra_files: Sequence[str] = ()) -> dict[str, Case]:
    """The built-in cases and any scenario files given to ``accord serve``; raises ScenarioError."""
    out: dict[str, Case] = {}
    for ref in [*builtin_cases(), *extra_files]:
        raw, display = resolve(ref)
        located = parse_yaml(read_text(raw, display), display)
        s = validate_data(located)
        name = s.meta.name if s.meta.name not in out else f"{s.meta.name}-{len(out)}"
        out[name] = Case(name, s.meta.title, f"{s.meta.start} – {s.meta.end}", located)
    return out


@dataclass
class Workspace:
    """One user's copy of a case: accepted edits, the valid scenario, and the latest results."""

    id: str
    case: Case
    scenario: Scenario
    edits: dict[tuple[str, str, str | None], Edit] = field(default_factory=dict)
    replay: Replay | None = None
    replay_format: str | None = None
    replay_seed: int = 0
    batches: dict[str, BatchResult] = field(default_factory=dict)
    sweep_seed: int = 0
    sweep_draws: int = 0
    sweep_history: str = DEFAULT_HISTORY["sweep"]
    results_version: int = 0
    edits_version: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # what was drawn from the current edits and results, so a download or reload does not redraw it
    rendered: dict[str, tuple[tuple[int, int], Any]] = field(default_factory=dict)
    render_lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def touched(self) -> bool:
        """Edited or run: work a user would lose if the workspace were evicted."""
        return bool(self.edits) or self.results_version > 0 or self.edits_version > 0

    def report_inputs(self) -> ReportInputs:
        return ReportInputs(
            scenario=self.scenario,
            origin=f"{self.case.located.name}, dashboard, {len(self.edits)} edits",
            seed=self.sweep_seed if self.batches else self.replay_seed,
            draws=self.sweep_draws,
            replay=self.replay,
            replay_format=self.replay_format,
            batches=dict(self.batches),
            history=self.sweep_history,
            chunk_size=DEFAULT_CHUNK_SIZE,
        )


# -- request bodies -------------------------------------------------------------------------


class EditBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actor: str = Field(max_length=64)
    field: Literal["position", "salience", "capability"]
    issue: str | None = Field(default=None, max_length=64)
    value: float | str | None


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["replay", "sweep"]
    formats: list[str] = Field(default_factory=list, max_length=20)
    draws: int = Field(default=200, ge=1, le=10**9)  # the real bound is Limits.max_job_runs
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    # imposed, counterfactual or "from YEAR"; default: DEFAULT_HISTORY[kind]
    history: str | None = Field(default=None, max_length=32)


# -- the app --------------------------------------------------------------------------------


def _table_rows(s: Scenario) -> list[dict[str, Any]]:
    rows = actor_issue_table(s)
    for row in rows:
        cap = s.actor(row["id"]).capability
        row["cap_series"] = isinstance(cap, Series)
        row["cap_value"] = cap.scale if isinstance(cap, Series) else (None if cap is None else cap.nominal)
    return rows


def _events(replay: Replay) -> list[dict[str, Any]]:
    """The event log as the page shows it: the story ``accord replay --full`` prints (date, who
    decided, kind, the sentence), so the page and the command line say the same thing."""
    return [line.to_dict() for line in story(replay, full=True)]


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


def sweep_frame(batches: Mapping[str, BatchResult]) -> pd.DataFrame:
    """One row per draw and format: the drawn inputs (``in.``) and the outcomes."""
    frames = []
    for name, b in batches.items():
        n = int(np.asarray(b.agreement).shape[0])
        cols: dict[str, Any] = {"format": [name] * n, "draw": np.arange(n)}
        cols.update({f"in.{k}": np.asarray(v) for k, v in b.inputs.items()})
        cols["agreement"] = b.agreement
        cols["agreement_year"] = b.agreement_year
        cols["wars"] = b.wars
        cols["first_war_year"] = b.first_war_year
        cols["vetoes"] = b.vetoes.sum(axis=(1, 2))
        frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


R = TypeVar("R")


async def case_field(request: Request) -> str:
    """The case named by the index page's form (a module-level dependency: FastAPI resolves it by name)."""
    return await form_field(request, "case")


def cached(ws: Workspace, what: str, make: Callable[[Workspace], R]) -> R:
    """``make(ws)``, drawn once per state of the workspace's edits and results.

    One drawing at a time per workspace: parallel downloads wait for the first and reuse it."""
    with ws.render_lock:
        with ws.lock:
            key = (ws.edits_version, ws.results_version)
        hit = ws.rendered.get(what)
        if hit is not None and hit[0] == key:
            return hit[1]  # type: ignore[no-any-return]
        value = make(ws)  # may already reflect a later edit: then the next call's key differs and redraws
        ws.rendered[what] = (key, value)
        return value


def _problems(status: int, problems: list[str], headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"ok": False, "problems": problems}, status_code=status, headers=headers)


def create_app(
    catalog: Mapping[str, Case] | None = None,
    *,
    engine: Engine | None = None,
    allowed_hosts: Sequence[str] = LOCAL_HOSTS,
    limits: Limits | None = None,
    training: Trainer | None = None,
) -> FastAPI:
    """The dashboard as an ASGI app (with ``training``: the training sessions' pages too,
    :mod:`accord.web.training`). ``allowed_hosts`` guards against DNS rebinding (see
    :func:`accord.web.guard.allowed_hosts`); ``limits`` bound what it accepts and keeps."""
    from importlib import resources

    cases = dict(catalog) if catalog is not None else load_catalog()
    eng = engine or Engine()
    lim = limits or Limits()
    runner = JobRunner(lim.queue)
    workspaces: WorkspaceStore[Workspace] = WorkspaceStore(
        lim.max_workspaces, touched=lambda ws: ws.touched, idle_s=lim.workspace_idle_s
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runner.shutdown()

    app = FastAPI(
        title="accord dashboard",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(Guard, hosts=list(allowed_hosts), max_body_bytes=lim.max_body_bytes)
    web = resources.files("accord.web")
    app.mount("/static", StaticFiles(directory=str(web.joinpath("static"))), name="static")
    # every scenario string is escaped: the templates end in .j2, which select_autoescape would miss
    templates = Jinja2Templates(
        env=Environment(loader=FileSystemLoader(str(web.joinpath("templates"))), autoescape=True)
    )
    app.state.runner = runner
    app.state.workspaces = workspaces
    app.state.limits = lim

    @app.exception_handler(BodyProblems)
    def bad_body(_: Request, err: BodyProblems) -> Response:
        return _problems(err.status, err.problems)

    @app.exception_handler(RequestValidationError)
    def bad_request(_: Request, err: RequestValidationError) -> Response:
        # FastAPI's own answer quotes the whole input back; this one quotes a few characters
        return _problems(422, problems_of(list(err.errors())))

    @app.exception_handler(JobRefused)
    def refused_job(_: Request, err: JobRefused) -> Response:
        return _problems(429, [str(err)], {"Retry-After": "10"})

    @app.exception_handler(StoreFull)
    def full_store(_: Request, err: StoreFull) -> Response:
        return _problems(429, [str(err)], {"Retry-After": "60"})

    def ws_or_404(wid: str) -> Workspace:
        ws = workspaces.get(wid)
        if ws is None:
            raise HTTPException(404, f"no workspace {wid[:40]!r} (the server may have restarted): open a case again")
        return ws

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        return templates.TemplateResponse(
            request, "index.html.j2", {"cases": list(cases.values()), "version": __version__}
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)  # none; saves the browser a 404

    # a POST from the index page's form: a GET (an <img> on any site) must not create workspaces
    @app.post("/open")
    def open_case(case: Annotated[str, Depends(case_field)]) -> Response:
        c = cases.get(case)
        if c is None:
            raise HTTPException(404, f"expected a known case ({', '.join(cases)}), found {case[:80]!r}")
        ws = Workspace(id=secrets.token_urlsafe(12), case=c, scenario=validate_data(c.located))
        workspaces.add(ws.id, ws)
        return RedirectResponse(f"/w/{ws.id}", status_code=303)

    @app.get("/w/{wid}", response_class=HTMLResponse)
    def dashboard(request: Request, wid: str) -> Response:
        ws = ws_or_404(wid)
        s = ws.scenario
        return templates.TemplateResponse(
            request,
            "dashboard.html.j2",
            {
                "ws": ws,
                "s": s,
                "rows": _table_rows(s),
                "formats": available_formats(s),
                "version": __version__,
                "max_draws": lim.max_job_runs,
            },
        )

    @app.post("/api/w/{wid}/edit")
    def edit(wid: str, body: Annotated[EditBody, Depends(json_body(EditBody))]) -> Response:
        ws = ws_or_404(wid)
        e = Edit(body.actor, body.field, body.issue, body.value)
        with ws.lock:
            candidate = {**ws.edits, e.key: e}
            try:
                scenario = validate_edits(ws.case.located, list(candidate.values()))
            except ScenarioError as err:
                return JSONResponse({"ok": False, "problems": [str(p) for p in err.problems]}, status_code=422)
            ws.edits, ws.scenario = candidate, scenario
            ws.edits_version += 1
        return JSONResponse({"ok": True, "edits": len(ws.edits)})

    @app.post("/api/w/{wid}/reset")
    def reset(wid: str) -> Response:
        ws = ws_or_404(wid)
        with ws.lock:
            ws.edits = {}
            ws.scenario = validate_data(ws.case.located)
            ws.edits_version += 1
        return JSONResponse({"ok": True, "edits": 0})

    @app.post("/api/w/{wid}/run")
    def run(wid: str, body: Annotated[RunBody, Depends(json_body(RunBody))]) -> Response:
        ws = ws_or_404(wid)
        known = available_formats(ws.scenario)
        bad = [f for f in body.formats if f not in known]
        if bad:
            return JSONResponse(
                {"ok": False, "problems": [f"formats: expected one of {', '.join(known)}, found {bad[0][:64]!r}"]},
                status_code=422,
            )
        repeated = [(f, n) for f, n in Counter(body.formats).items() if n > 1]
        if repeated:
            f, n = repeated[0]
            return _problems(422, [f"formats: expected each format once, found {f!r} {n} times"])
        cost = 1 if body.kind == "replay" else body.draws * max(len(body.formats), 1)
        if cost > lim.max_job_runs:
            return _problems(
                422,
                [
                    f"draws: this sweep asks for {body.draws} draws × {max(len(body.formats), 1)} formats = {cost} "
                    f"replays; the dashboard runs at most {lim.max_job_runs} per run (fewer draws or formats, "
                    "or raise accord serve --max-job-runs)"
                ],
            )
        try:
            history = History.parse(body.history or DEFAULT_HISTORY[body.kind])
        except ValueError as err:
            return _problems(422, [str(err)])
        scenario = ws.scenario  # the edits accepted so far, frozen for this run
        formats: list[str | None] = list(body.formats) or [None]

        if body.kind == "replay":

            def work(job: Job, progress: Progress) -> Any:
                progress(0, 1, f"replay under {formats[0] or 'the default format'} ({history})")
                return eng.replay(scenario, format=formats[0], seed=body.seed, history=history)

            def done(job: Job) -> None:
                with ws.lock:
                    ws.replay, ws.replay_format, ws.replay_seed = job.result, formats[0], body.seed
                    ws.results_version += 1

        else:

            def work(job: Job, progress: Progress) -> Any:
                def report(done: int, total: int, what: str) -> None:
                    if job.cancel.is_set():  # stops the run service before its next chunk
                        raise InterruptedError("cancelled")
                    progress(done, total, f"{what} ({history})")

                return eng.sweeps(scenario, formats, runs=body.draws, seed=body.seed, history=history, progress=report)

            def done(job: Job) -> None:
                with ws.lock:
                    ws.batches = dict(job.result)
                    ws.sweep_seed, ws.sweep_draws, ws.sweep_history = body.seed, body.draws, str(history)
                    ws.results_version += 1

        job = runner.submit(body.kind, work, done, owner=ws.id, cost=cost)  # JobRefused → 429
        return JSONResponse({"ok": True, "job": job.public()})

    @app.get("/api/jobs/{jid}")
    def job_status(jid: str) -> Response:
        job = runner.get(jid)
        if job is None:
            raise HTTPException(404, f"no job {jid[:40]!r} (the server may have restarted)")
        return JSONResponse(job.public())

    @app.post("/api/jobs/{jid}/cancel")
    def job_cancel(jid: str) -> Response:
        job = runner.get(jid)
        if job is None:
            raise HTTPException(404, f"no job {jid[:40]!r} (the server may have restarted)")
        runner.cancel(job)
        return JSONResponse(job.public())

    @app.get("/api/w/{wid}/results")
    def results(wid: str) -> Response:
        return JSONResponse(cached(ws_or_404(wid), "results", _results))

    def _results(ws: Workspace) -> Any:
        with ws.lock:
            r = ws.report_inputs()
            version = ws.results_version
        figs = make_figures(r)
        out: dict[str, Any] = {
            "version": version,
            "figures": {k: {"svg": to_svg(f), "caption": c} for k, (f, c) in figs.items()},
            "events": _events(r.replay) if r.replay else [],
            "summary": json.loads(json.dumps(r.replay.summary, default=_jsonable)) if r.replay else None,
            "formats": format_rows(cmp) if (cmp := r.comparison()) is not None else [],
            # the comparison as `accord compare --json` prints it (same numbers for the same runs)
            "comparison": cmp.to_dict() if cmp is not None else None,
        }
        if r.replay is not None:
            out["steps"] = len(read_trajectory(r.replay).years)
        return json.loads(json.dumps(out, default=_jsonable))

    def _files(ws: Workspace) -> dict[str, tuple[bytes, str]]:
        with ws.lock:
            r = ws.report_inputs()
        files: dict[str, tuple[bytes, str]] = {
            "scenario.yaml": (dump_scenario(r.scenario).encode(), "application/yaml"),
        }
        if r.replay is not None:
            files["replay.json"] = (r.replay.to_json().encode(), "application/json")
        if r.batches:
            files["sweep.csv"] = (sweep_frame(r.batches).to_csv(index=False).encode(), "text/csv")
        files["report.html"] = (render_html(r).encode(), "text/html")
        return files

    def _zip(ws: Workspace) -> bytes:
        files, stem = cached(ws, "files", _files), ws.scenario.meta.name
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for fname, (data, _) in files.items():
                z.writestr(f"{stem}/{fname}", data)
        return buf.getvalue()

    @app.get("/w/{wid}/download/{name}")
    def download(wid: str, name: str) -> Response:
        ws = ws_or_404(wid)
        stem = ws.scenario.meta.name
        if name == "results.zip":
            return Response(
                cached(ws, "zip", _zip),
                media_type="application/zip",
                headers={"Content-Disposition": f'attachment; filename="{stem}-results.zip"'},
            )
        files = cached(ws, "files", _files)
        if name not in files:
            raise HTTPException(404, f"expected one of results.zip, {', '.join(files)}, found {name[:80]!r}")
        data, media = files[name]
        return Response(
            data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{stem}-{name}"'}
        )

    if training is not None:
        from accord.web.training import register

        register(app, training, templates)
    return app
