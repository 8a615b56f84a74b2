"""Training sessions on the dashboard's server: seat pages, the facilitator's page, their API.

Every route takes a token in its path and derives the session and the seat from it
(:class:`accord.training.store.TrainingStore`); there is no route that names a session or a seat
otherwise, so a token can reach only its own session, and a seat only its own confidential part.
POST bodies also carry the session id, and a token for another session is refused (403). The
dashboard's guard (Origin check, Host check, body limit, security headers) wraps these routes
too. Tokens are never logged or echoed: an unknown token gets a 404 that does not quote it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field

from accord import __version__
from accord.training.debrief import debrief, debrief_json
from accord.training.service import Live, Trainer
from accord.training.session import INJECTABLE, KINDS, TrainingError
from accord.training.store import SeatRef
from accord.web.guard import json_body

__all__ = ["MoveBody", "register"]

_NO_SEAT = "no training seat for this address (check the link you were given)"


class MoveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session: str = Field(max_length=64)
    type: Literal["table", "answer", "advance", "inject", "pause", "resume", "end"]
    agreement: str | None = Field(default=None, max_length=32)
    terms: dict[str, float] | None = Field(default=None, max_length=64)
    label: str | None = Field(default=None, max_length=200)
    text: str | None = Field(default=None, max_length=64)
    signs: bool | None = None
    reason: str | None = Field(default=None, max_length=500)
    what: str | None = Field(default=None, max_length=32)
    date: str | None = Field(default=None, max_length=16)
    actors: list[str] | None = Field(default=None, max_length=64)


def _problems(status: int, problems: list[str]) -> JSONResponse:
    return JSONResponse({"ok": False, "problems": problems}, status_code=status)


def register(app: FastAPI, trainer: Trainer, templates: Jinja2Templates, *, poll_s: float = 0.5) -> None:
    """Add the training routes to the dashboard ``app``."""

    def seat(token: str) -> tuple[SeatRef, Live] | None:
        return trainer.who(token)

    def view(ref: SeatRef, live: Live) -> dict[str, Any]:
        with live.lock:
            s = live.session
            if ref.role == "facilitator":
                out = s.facilitator_view()
            else:
                assert ref.actor is not None
                out = s.brief(ref.actor)
            out["you"] = {"role": ref.role, "actor": ref.actor, "seat_role": s.roles.get(ref.actor or "")}
            out["version"] = live.version
            return out

    @app.get("/t/{token}", response_class=HTMLResponse)
    def page(request: Request, token: str) -> Response:
        found = seat(token)
        if found is None:
            return HTMLResponse(f"<!DOCTYPE html><title>accord</title><p>{_NO_SEAT}</p>", status_code=404)
        ref, live = found
        s = live.session
        return templates.TemplateResponse(
            request,
            "training.html.j2",
            {
                "version": __version__,
                "session": s.id,
                "role": ref.role,
                "actor": ref.actor,
                "seat_role": s.roles.get(ref.actor or "", "facilitator"),
                "title": s.scenario.meta.title,
                "issues": s.scenario.issues,
                "kinds": KINDS,
                "injectable": list(INJECTABLE),
                "actors": s.actor_ids,
            },
        )

    @app.get("/api/train/{token}/brief")
    def brief(token: str) -> Response:
        found = seat(token)
        if found is None:
            return _problems(404, [_NO_SEAT])
        return JSONResponse(view(*found))

    @app.post("/api/train/{token}/move")
    def move(token: str, body: Annotated[MoveBody, Depends(json_body(MoveBody))]) -> Response:
        found = seat(token)
        if found is None:
            return _problems(404, [_NO_SEAT])
        ref, live = found
        if body.session != ref.session:
            return _problems(403, ["session: this link belongs to another training session"])
        try:
            recorded = trainer.move(ref, live, body.model_dump(exclude_none=True, exclude={"session"}))
        except TrainingError as e:
            status = 403 if str(e).startswith("only ") else 409
            return _problems(status, [str(e)])
        # a seat is told only what it did itself (an advance may record other seats' defaults)
        mine = [m for m in recorded if ref.role == "facilitator" or m.get("by") == ref.actor]
        return JSONResponse({"ok": True, "recorded": mine, "version": live.version})

    @app.get("/api/train/{token}/events")
    async def events(request: Request, token: str) -> Response:
        found = seat(token)
        if found is None:
            return _problems(404, [_NO_SEAT])
        _, live = found

        async def stream() -> AsyncIterator[bytes]:
            # only the session's version number travels here: pages fetch their own brief on a change
            last = -1
            idle = 0.0
            while not await request.is_disconnected():
                if live.version != last:
                    last = live.version
                    yield f"event: version\ndata: {last}\n\n".encode()
                    idle = 0.0
                elif idle >= 15.0:
                    yield b": keep-alive\n\n"
                    idle = 0.0
                await asyncio.sleep(poll_s)
                idle += poll_s

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    def facilitator_only(token: str) -> tuple[SeatRef, Live] | Response:
        found = seat(token)
        if found is None:
            return _problems(404, [_NO_SEAT])
        if found[0].role != "facilitator":
            return _problems(403, ["the debrief is the facilitator's: ask them to share it"])
        return found

    @app.get("/api/train/{token}/debrief")
    def debrief_api(token: str) -> Response:
        found = facilitator_only(token)
        if isinstance(found, Response):
            return found
        _, live = found
        with live.lock:
            return JSONResponse(debrief(live.session))

    @app.get("/t/{token}/debrief.json")
    def debrief_download(token: str) -> Response:
        found = facilitator_only(token)
        if isinstance(found, Response):
            return found
        _, live = found
        with live.lock:
            data = debrief_json(live.session)
        return Response(
            data,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="training-{live.session.id}-debrief.json"'},
        )

    @app.get("/t/{token}/debrief.html", response_class=HTMLResponse)
    def debrief_page(request: Request, token: str) -> Response:
        found = facilitator_only(token)
        if isinstance(found, Response):
            return found
        _, live = found
        with live.lock:
            d = debrief(live.session)
            title = live.session.scenario.meta.title
        return templates.TemplateResponse(
            request,
            "training_debrief.html.j2",
            {
                "version": __version__,
                "d": d,
                "title": title,
                "figure": d["figures"]["war_risk"],
                "as_json": json.dumps(d["outcomes"], indent=1, sort_keys=True),
            },
        )
