"""The typed event log: one record type per kind, each produced by the engine, each with a sentence."""

from __future__ import annotations

import inspect
import json

from accord.scenario import load_scenario
from accord.simulation import events, negotiation, process, replay
from engine_scenarios import actor, scenario


def test_every_kind_is_produced_by_the_engine_and_nothing_else_is_declared() -> None:
    source = inspect.getsource(process) + inspect.getsource(negotiation)
    for kind, cls in events.EVENT_TYPES.items():
        assert cls.kind == kind
        assert f"ev.{cls.__name__}(" in source, f"{cls.__name__} ({kind}) is declared but the engine never logs it"
    declared = {
        c
        for _, c in inspect.getmembers(events, inspect.isclass)
        if issubclass(c, events.Event) and c is not events.Event
    }
    assert declared == set(events.EVENT_TYPES.values())


def test_records_give_the_json_content_and_a_sentence() -> None:
    r = replay(load_scenario("minsk-group"), seed=0)
    assert all(isinstance(e, events.Event) for e in r.events)
    kinds = {e.kind for e in r.events}
    assert {"start", "event", "proposal", "war", "step", "stance-changed"} <= kinds
    # the case's wars all end by dated events; a war the model ends itself (victory here)
    fought = replay(
        scenario(
            [actor("P1", ["party"], 0), actor("P2", ["party"], 100)],
            parameters={"hazard_intercept": 0.0, "war_gain": 2.0},
            end=2010,
        ),
        format="bilateral",
        seed=0,
    )
    ended = [e for e in fought.events if e.kind == "war-end"]
    assert ended and all(events.describe(e) and "\n" not in events.describe(e) for e in ended)
    data = json.loads(r.to_json())
    assert [(e["t"], e["kind"]) for e in data["events"]] == [(e.time, e.kind) for e in r.events]
    for rec, d in zip(r.events, data["events"], strict=True):
        assert set(d) == {"kind"} | set(rec.__dataclass_fields__)
        text = events.describe(rec)
        assert text and "\n" not in text
    tabled = next(e for e in r.events if isinstance(e, events.ProposalTabled))
    assert set(tabled.answers) <= set(tabled.involved) | set(tabled.answers)
    assert events.date_label(1994 + 4 / 12, 12) == "1994-05" and events.date_label(1994.0, 1) == "1994"
