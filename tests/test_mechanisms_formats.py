"""Formats as data: the built-ins, overrides and user-defined formats in YAML."""

from __future__ import annotations

import pytest

from accord.mechanisms.formats import default_mediator, resolve_format
from accord.scenario import load_scenario
from accord.scenario.formats import FormatError, format_chain
from accord.simulation import replay
from engine_scenarios import veto_scenario


def test_minsk_group_resolves_roles_on_the_example() -> None:
    s = load_scenario("example")
    ids = s.actor_ids
    f = resolve_format(s, "minsk-group")
    assert [ids[i] for i in f.proposers] == ["RUS", "USA", "FRA"]
    assert {ids[i] for i in range(len(ids)) if f.voters[i]} == {"ARM", "AZE"}
    assert f.decision_kind == "consensus" and f.org_kind == "consensus"
    assert {ids[i] for i in range(len(ids)) if f.org_voters[i]} == {"ARM", "AZE", "RUS", "USA", "FRA"}
    inc = resolve_format(s, "inclusive")
    assert inc.table[ids.index("NK")] and inc.voters[ids.index("NK")]
    bil = resolve_format(s, "bilateral")
    assert {ids[i] for i in range(len(ids)) if bil.table[i]} == {"ARM", "AZE"}
    maj = resolve_format(s, "majority")
    assert maj.decision_kind == "majority" and abs(maj.threshold - 2 / 3) < 1e-9


def test_single_mediator_defaults_to_the_least_biased_and_can_be_named() -> None:
    s = load_scenario("example")
    # parties' midpoints: status 52.5, districts 35; France (50, 40) is closest
    assert default_mediator(s) == "FRA"
    f = resolve_format(s, "single-mediator")
    assert f.mediator == "FRA" and [s.actor_ids[i] for i in f.proposers] == ["FRA"]
    f = resolve_format(s, "single-mediator", mediator="RUS")
    assert [s.actor_ids[i] for i in f.proposers] == ["RUS"]
    with pytest.raises(FormatError, match="mediator"):
        resolve_format(s, "single-mediator", mediator="NOPE")
    # formats with proposers of their own ignore the option (e.g. bilateral talks after a war)
    bil = resolve_format(s, "bilateral", mediator="RUS")
    assert bil.mediator is None and not bil.table[s.actor_ids.index("RUS")]


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(FormatError, match=r"expected one of .*minsk-group"):
        resolve_format(load_scenario("example"), "minks-group")


def test_user_defined_format_in_yaml_needs_no_python() -> None:
    base = veto_scenario()
    data = base.model_dump()
    data["formats"] = [
        {
            "id": "contact-group",
            "label": "contact group deciding by two-thirds majority",
            "extends": "minsk-group",
            "decision": {"kind": "majority", "threshold": 0.6, "voters": ["party", "co-chair"]},
        }
    ]
    s = type(base).model_validate(data)
    f = resolve_format(s, "contact-group")
    assert f.decision_kind == "majority" and f.org_kind == "consensus"  # the rest inherited
    # P2 is outvoted, but no one enforces the text: it passes and binds no one
    contact = replay(s, format="contact-group")
    assert contact.batch.passed_unbound[0] == 1 and not contact.summary["agreement"]
    assert replay(s, format="minsk-group").batch.passed_unbound[0] == 0


def test_override_of_a_builtin_and_after_war_chain() -> None:
    base = veto_scenario()
    data = base.model_dump()
    data["formats"] = [
        {"id": "minsk-group", "label": "Minsk Group, then bilateral after a war", "after_war": "bilateral"}
    ]
    s = type(base).model_validate(data)
    f = resolve_format(s, "minsk-group")
    assert f.after_war == "bilateral" and f.decision_kind == "consensus"
    assert format_chain(s, "minsk-group") == ["minsk-group", "bilateral"]


def test_a_party_is_never_the_mediator() -> None:
    from accord.mechanisms.formats import FormatError, resolve_format, uses_one_mediator
    from accord.scenario import load_scenario

    s = load_scenario("example")
    assert uses_one_mediator(s, "single-mediator") and not uses_one_mediator(s, "majority")
    with pytest.raises(FormatError, match="not a party"):
        resolve_format(s, "single-mediator", mediator="ARM")
