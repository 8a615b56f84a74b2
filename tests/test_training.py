"""Training mode (issue 16): the engine seam, sessions, persistence, isolation, debrief."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from typer.testing import CliRunner

from accord.api import load
from accord.cli.app import app as cli
from accord.mechanisms import ratification as rat
from accord.simulation import run_batch
from accord.simulation.decisions import Decisions
from accord.simulation.history import History
from accord.training.debrief import debrief, debrief_json
from accord.training.service import Trainer
from accord.training.session import Session, SessionSpec, TrainingError
from accord.training.store import TrainingStore
from accord.web.app import create_app
from live_server import live_server

SPEC = SessionSpec("minsk-group", ("ARM", "AZE", "FRA"), None, 1997.0, 13)  # seed 13: draw 0 quiet from 1995
EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def minsk() -> Any:
    return load("minsk-group")


def play(s: Session) -> None:
    """A short session: a process text both sign, a comprehensive text ARM refuses, an injected leak."""
    s.apply(s.check_move({"type": "table", "agreement": "process", "terms": {}}, "seat", "FRA"))
    s.apply(s.check_move({"type": "answer", "text": "train.1", "signs": True, "reason": "talks"}, "seat", "ARM"))
    s.apply(s.check_move({"type": "answer", "text": "train.1", "signs": True}, "seat", "AZE"))
    s.apply(s.check_move({"type": "advance"}, "facilitator", None))
    s.apply(s.check_move({"type": "inject", "what": "leak", "date": "1998-06", "actors": ["ARM"]}, "facilitator", None))
    s.apply(s.check_move({"type": "advance"}, "facilitator", None))


# -- the engine seam ------------------------------------------------------------------------


def test_given_answers_override_the_leaders_sign_but_not_the_pivots_draw() -> None:
    v = np.array([[0.9, 0.1]])
    kw = dict(audience_cost=np.zeros((1, 2)), removal_risk=np.zeros((1, 2)), margin=np.zeros(1))
    base = rat.answer(
        v,
        np.full((1, 2), 0.5),
        np.full((1, 2), 0.5),
        np.full((1, 2), 0.2),
        np.full((1, 2), 0.3),
        u_ratify=np.full((1, 2), 0.5),
        u_remove=np.ones((1, 2)),
        **kw,
    )
    assert base.sign.tolist() == [[True, False]]
    given = rat.answer(
        v,
        np.full((1, 2), 0.5),
        np.full((1, 2), 0.5),
        np.full((1, 2), 0.2),
        np.full((1, 2), 0.3),
        u_ratify=np.full((1, 2), 0.5),
        u_remove=np.ones((1, 2)),
        given=np.array([0.0, 1.0]),
        **kw,
    )
    assert given.sign.tolist() == [[False, True]]
    # the pivot's draw (0.5 against P = 0.3) still rejects what the seat signed
    assert given.ratified.tolist() == [[True, False]]


def test_no_decisions_is_the_engines_own_run(minsk: Any) -> None:
    h = History.from_year(1997)
    a = run_batch(minsk, draws=3, seed=1, history=h)
    b = run_batch(minsk, draws=3, seed=1, history=h, decisions=Decisions())
    assert np.array_equal(a.p_onset_by_year, b.p_onset_by_year)
    assert np.array_equal(a.status_quo_by_year, b.status_quo_by_year)


def test_a_human_mediator_replaces_the_format_drafts_only_from_the_start_step(minsk: Any) -> None:
    s = Session("t", SPEC, minsk)
    model = s._run(s.decisions(human=False), s.k0 + 1)
    mediated = s._run(s.decisions(), s.k0 + 1)
    # the steps before people take over are the engine's in both runs
    assert np.array_equal(model.batch.status_quo_by_year[0, : s.k0], mediated.batch.status_quo_by_year[0, : s.k0])
    tabled = [e for e in mediated.events if e.kind == "proposal" and s._step_of(e.t) == s.k0 and e.table == s.table_id]
    assert tabled == []  # no human text yet: the engine's texts at the format's table stand down


# -- sessions -------------------------------------------------------------------------------


def test_bad_seats_format_and_year_are_refused_with_the_field(minsk: Any) -> None:
    for spec, field in [
        (SessionSpec("m", ("XXX",), None, 1997.0, 0), "--seats"),
        (SessionSpec("m", ("FRA", "USA"), None, 1997.0, 0), "--seats"),
        (SessionSpec("m", ("ARM",), "no-such-format", 1997.0, 0), "--format"),
        (SessionSpec("m", ("ARM",), None, 1900.0, 0), "--from"),
    ]:
        with pytest.raises(TrainingError, match=field):
            Session("t", spec, minsk)


def test_moves_are_checked_and_run_through_the_engine(minsk: Any) -> None:
    s = Session("t", SPEC, minsk)
    with pytest.raises(TrainingError, match="only the mediator"):
        s.check_move({"type": "table", "agreement": "process"}, "seat", "ARM")
    with pytest.raises(TrainingError, match="only the facilitator"):
        s.check_move({"type": "advance"}, "seat", "ARM")
    with pytest.raises(TrainingError, match=r"terms\.status"):
        s.check_move({"type": "table", "agreement": "partial", "terms": {"status": 140}}, "seat", "FRA")
    play(s)
    assert s.step == s.k0 + 2
    texts = [t for t in s.timeline() if t["kind"] == "text" and t["id"] == "train.1"]
    assert texts and texts[0]["signed_by"] == ["ARM", "AZE"]
    mine = s.confidential("ARM")["after_steps"]
    assert mine[0]["text"] == "train.1" and mine[0]["reason"] == "talks" and mine[0]["signed"] is True
    assert any(t["kind"] == "event" and t["id"] == "train-event-1" for t in s.timeline())


def test_an_unanswered_text_is_refused_when_the_step_runs(minsk: Any) -> None:
    s = Session("t", SPEC, minsk)
    s.apply(s.check_move({"type": "table", "agreement": "process"}, "seat", "FRA"))
    recorded = s.apply(s.check_move({"type": "advance"}, "facilitator", None))
    auto = [m for m in recorded if m.get("auto")]
    assert {m["by"] for m in auto} == {"ARM", "AZE"} and not any(m["signs"] for m in auto)


def test_debrief_is_reproducible_for_the_same_seed(minsk: Any) -> None:
    a, b = Session("t", SPEC, minsk), Session("t", SPEC, minsk)
    play(a)
    play(b)
    ja, jb = debrief_json(a, batch_draws=40), debrief_json(b, batch_draws=40)
    assert ja == jb
    d = json.loads(ja)
    assert d["steps"] == 2 and len(d["path"]) == 2
    assert d["texts"]["session"][0]["id"] == "train.1"
    assert set(d["outcomes"]) == {"ARM", "AZE", "FRA"}
    assert d["figures"]["war_risk"].startswith("<svg")
    other = Session("t", SessionSpec("minsk-group", SPEC.seats, None, 1997.0, 15), minsk)
    play(other)
    assert debrief_json(other, batch_draws=40) != ja  # another seed, another path


# -- persistence ------------------------------------------------------------------------------


def test_restarting_on_the_same_db_continues_the_session(minsk: Any, tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    store = TrainingStore(path)
    trainer = Trainer(store)
    sid, tokens = trainer.start(minsk, SPEC)
    for tok, body in [
        (tokens["FRA"], {"type": "table", "agreement": "process"}),
        (tokens["ARM"], {"type": "answer", "text": "train.1", "signs": True, "reason": "r"}),
        (tokens["facilitator"], {"type": "advance"}),
        (tokens["facilitator"], {"type": "inject", "what": "escalation", "date": "1998"}),
    ]:
        found = trainer.who(tok)
        assert found is not None
        trainer.move(*found, body)
    before = trainer.live[sid].session
    moves, public = list(before.moves), before.public()
    store.close()

    again = Trainer(TrainingStore(path))
    s = again.live[sid].session
    assert s.moves == moves and s.public() == public and s.step == before.step
    assert again.who(tokens["ARM"]) is not None and again.who(tokens["ARM"])[0].actor == "ARM"  # type: ignore[index]
    # tokens are stored only as hashes; moves and the audit log cannot be rewritten
    raw = (
        path.read_bytes() + (tmp_path / "t.sqlite-wal").read_bytes()
        if (tmp_path / "t.sqlite-wal").exists()
        else path.read_bytes()
    )
    assert not any(t.encode() in raw for t in tokens.values())
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE moves SET body = '{}'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM audit")
    actions = [a["action"] for a in again.store.audit_log(sid)]
    assert actions[0] == "create" and actions.count("answer") == 2 and "inject" in actions


# -- the server: isolation and hardening ---------------------------------------------------------


@contextmanager
def server(minsk: Any, tmp_path: Path) -> Iterator[tuple[httpx.Client, dict[str, Any]]]:
    trainer = Trainer(TrainingStore(tmp_path / "s.sqlite"))
    sid, tokens = trainer.start(minsk, SPEC)
    sid2, tokens2 = trainer.start(minsk, SessionSpec("minsk-group", ("ARM", "AZE"), None, 1999.0, 5))
    app = create_app(training=trainer)
    with live_server(app) as base, httpx.Client(base_url=base, headers={"Origin": base}, timeout=60) as c:
        yield c, {"sid": sid, "tokens": tokens, "sid2": sid2, "tokens2": tokens2}


def _numbers(obj: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(obj, dict):
        for v in obj.values():
            out |= _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            out |= _numbers(v)
    elif isinstance(obj, float) and len(repr(obj).split(".")[-1]) >= 3:
        out.add(repr(obj))
    return out


def _sse_first(c: httpx.Client, url: str) -> str:
    with c.stream("GET", url) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for chunk in r.iter_text():
            if "data:" in chunk:
                return chunk
    return ""


def test_a_seat_never_sees_another_seats_confidential_values(minsk: Any, tmp_path: Path) -> None:
    with server(minsk, tmp_path) as (c, t):
        sid, tok = t["sid"], t["tokens"]

        def move(token: str, body: dict[str, Any]) -> httpx.Response:
            return c.post(f"/api/train/{token}/move", json={"session": sid, **body})

        assert move(tok["FRA"], {"type": "table", "agreement": "process"}).status_code == 200
        assert (
            move(
                tok["ARM"], {"type": "answer", "text": "train.1", "signs": True, "reason": "ARM-secret-reason-q7"}
            ).status_code
            == 200
        )
        assert move(tok["facilitator"], {"type": "advance"}).status_code == 200
        assert move(tok["FRA"], {"type": "table", "agreement": "process"}).status_code == 200

        arm = c.get(f"/api/train/{tok['ARM']}/brief").json()
        secret = _numbers(arm["confidential"]) - _numbers(arm["public"])
        secret |= {"ARM-secret-reason-q7"}
        assert len(secret) > 10
        # the facilitator sees them (so the check below can fail)
        fac = c.get(f"/api/train/{tok['facilitator']}/brief").text
        assert all(x in fac for x in secret)

        for other in ("AZE", "FRA"):
            # a value the other seat holds itself (a parameter common to all, like the
            # ratification noise) is not ARM's secret
            own = _numbers(c.get(f"/api/train/{tok[other]}/brief").json()["confidential"])
            private = secret - own
            assert len(private) > 10
            seen = [
                c.get(f"/api/train/{tok[other]}/brief").text,
                c.get(f"/t/{tok[other]}").text,
                _sse_first(c, f"/api/train/{tok[other]}/events"),
                c.get(f"/api/train/{tok[other]}/debrief").text,
                c.get(f"/t/{tok[other]}/debrief.json").text,
                c.get(f"/t/{tok[other]}/debrief.html").text,
                move(tok[other], {"type": "answer", "text": "train.9", "signs": True}).text,
                move(tok[other], {"type": "advance"}).text,
            ]
            if other == "AZE":
                seen.append(
                    move(tok["AZE"], {"type": "answer", "text": "train.2", "signs": False, "reason": "no"}).text
                )
            for body in seen:
                leaked = [x for x in private if x in body]
                assert not leaked, (other, leaked[:5])
        # the debrief is the facilitator's, and renders its figure
        assert c.get(f"/api/train/{tok['AZE']}/debrief").status_code == 403
        html = c.get(f"/t/{tok['facilitator']}/debrief.html")
        assert html.status_code == 200 and "<svg" in html.text


def test_unauthenticated_cross_session_and_cross_site_requests_are_refused(minsk: Any, tmp_path: Path) -> None:
    with server(minsk, tmp_path) as (c, t):
        sid, tok, tok2 = t["sid"], t["tokens"], t["tokens2"]
        for url in ("/api/train/nope-not-a-token/brief", "/t/nope-not-a-token", "/api/train/nope-not-a-token/events"):
            r = c.get(url)
            assert r.status_code == 404 and "nope-not-a-token" not in r.text
        assert c.get("/api/train//brief").status_code == 404
        # a token of session 2 cannot act in session 1, and does not read it
        r = c.post(f"/api/train/{tok2['facilitator']}/move", json={"session": sid, "type": "advance"})
        assert r.status_code == 403 and "another training session" in r.text
        assert c.get(f"/api/train/{tok2['ARM']}/brief").json()["public"]["session"] == t["sid2"]
        # seats cannot do the facilitator's work
        r = c.post(f"/api/train/{tok['ARM']}/move", json={"session": sid, "type": "advance"})
        assert r.status_code == 403
        r = c.post(f"/api/train/{tok['ARM']}/move", json={"session": sid, "type": "pause"})
        assert r.status_code == 403
        # another site's page cannot post; state never changes over GET; bodies are bounded
        r = c.post(
            f"/api/train/{tok['facilitator']}/move", json={"session": sid, "type": "advance"}, headers={"Origin": EVIL}
        )
        assert r.status_code == 403
        assert c.get(f"/api/train/{tok['facilitator']}/move").status_code == 405
        r = c.post(
            f"/api/train/{tok['FRA']}/move",
            content=b"{" + b" " * (2 * 2**20) + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 413
        assert c.get(f"/api/train/{tok['facilitator']}/brief").json()["public"]["step"] == 0


def test_pause_holds_seat_moves(minsk: Any, tmp_path: Path) -> None:
    with server(minsk, tmp_path) as (c, t):
        sid, tok = t["sid"], t["tokens"]
        assert (
            c.post(f"/api/train/{tok['facilitator']}/move", json={"session": sid, "type": "pause"}).status_code == 200
        )
        r = c.post(f"/api/train/{tok['FRA']}/move", json={"session": sid, "type": "table", "agreement": "process"})
        assert r.status_code == 409 and "paused" in r.text
        assert (
            c.post(f"/api/train/{tok['facilitator']}/move", json={"session": sid, "type": "resume"}).status_code == 200
        )
        r = c.post(f"/api/train/{tok['FRA']}/move", json={"session": sid, "type": "table", "agreement": "process"})
        assert r.status_code == 200


def test_accord_train_refuses_bad_seats_with_exit_2(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["train", "minsk-group", "--seats", "ARM,XYZ", "--db", str(tmp_path / "x.sqlite")])
    assert r.exit_code == 2 and "--seats" in r.output and "Traceback" not in r.output


def test_debrief_module_is_callable_for_a_fresh_session(minsk: Any) -> None:
    d = debrief(Session("t", SPEC, minsk), batch_draws=0)
    assert d["steps"] == 0 and d["path"] == [] and re.fullmatch(r"t", d["session"])


def test_without_a_mediator_seat_the_formats_texts_reach_the_party_seats(minsk: Any) -> None:
    s = Session("t", SessionSpec("minsk-group", ("ARM", "AZE"), None, 1997.0, 13), minsk)
    on = {t["id"]: t for t in s.on_table()}
    assert "package-1997" in on and "ARM" in on["package-1997"]["seats_to_answer"]
    model = next(e for e in s.now().events if e.kind == "proposal" and e.id == "package-1997")
    flipped = not model.answers["ARM"]["sign"]
    s.apply(s.check_move({"type": "answer", "text": "package-1997", "signs": flipped}, "seat", "ARM"))
    after = next(e for e in s.now().events if e.kind == "proposal" and e.id == "package-1997")
    assert after.answers["ARM"]["sign"] is flipped  # the seat's decision, not the model's
