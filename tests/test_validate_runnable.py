"""`accord validate` refuses what a run would refuse, with line and column: numbers that do not fit
(huge, non-finite), engine parameters out of range or unknown, format graphs that cannot run, dates
that do not exist, deferrals before their proposals, engine v2's pivots, dated changes, parallel tracks
and events signed on a track; and every command refuses them the same way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli.app import app

runner = CliRunner()
LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): expected .+", re.M)

NK_CAP = "capability: {value: 55, assumption: nk-cap}"
ARM_SERIES = "1995: 166.9977, 1996: 144.0298"
ARM_SOURCE = '      unit: "US$ m, constant 2022"\n      source: sipri-arm\n'
EVENTS = "\nevents:\n"
STEP_PROPOSAL = 'deferred: {issues: [status], trigger: "second stage of negotiations"}'


def _params(body: str) -> tuple[str, str]:
    return (EVENTS, f"\nparameters:\n{body}\nevents:\n")


def _formats(body: str) -> tuple[str, str]:
    return (EVENTS, f"\nformats:\n{body}\nevents:\n")


def _tracks(body: str) -> tuple[str, str]:
    return (EVENTS, f"\ntracks:\n{body}\nevents:\n")


RUSSIA = "  - {id: russia, label: Russia's talks, table: [ARM, AZE, RUS], proposers: [RUS]}"
CEASEFIRE_1994 = "  - id: ceasefire-1994\n    date: 1994-05\n    kind: ceasefire\n"
WAR_1994 = "\nevents:\n  - id: war-1994\n    date: 1994\n    kind: war\n    label: First Karabakh War (under way when the case starts)\n    actors: [ARM, AZE, NK]\n    source: seed-war\n"
CEASEFIRE_BODY = "    label: Ceasefire brokered by Russia\n    actors: [ARM, AZE, RUS]\n"
ARM_CHANGE_END = "        source: seed-resignation-1998\n  - id: AZE\n"
AZE_PIVOT = "      pivot:\n        status: {value: 0, assumption: coding}\n"


def _on_track(lines: str) -> tuple[str, str]:
    """The 1994 ceasefire recorded on Russia's track, with ``lines`` in place of its agreement."""
    old = f"{WAR_1994}{CEASEFIRE_1994}{CEASEFIRE_BODY}    agreement: ceasefire\n"
    return (old, f"\ntracks:\n{RUSSIA}\n{WAR_1994[1:]}{CEASEFIRE_1994}{CEASEFIRE_BODY}{lines}")


def _second_change(date: str) -> tuple[str, str]:
    return (
        ARM_CHANGE_END,
        ARM_CHANGE_END.replace("  - id: AZE", f"      - from: {date}\n        leader: Someone\n  - id: AZE"),
    )


# (name, (old, new) in the example text, field the message must name, text it must contain)
CASES: list[tuple[str, tuple[str, str], str, str]] = [
    # numbers that do not fit a float, or are not finite
    ("int-400-digits", (NK_CAP, "capability: " + "9" * 400), "actors[2].capability", "an integer of 400 digits"),
    ("int-5000-digits", (NK_CAP, "capability: " + "9" * 5000), "actors[2].capability", "an integer of 5000 digits"),
    ("int-hex-huge", (NK_CAP, "capability: 0x" + "f" * 40), "actors[2].capability", "at most 18 digits"),
    ("int-17-digits", (NK_CAP, "capability: " + "9" * 17), "actors[2].capability", "magnitude at most 1e+15"),
    (
        "int-in-mapping",
        (NK_CAP, "capability: {value: " + "9" * 400 + ", assumption: nk-cap}"),
        "actors[2].capability.value",
        "at most 18 digits",
    ),
    ("float-1e200", (NK_CAP, "capability: {value: 1e200, assumption: nk-cap}"), "actors[2].capability", "1e+200"),
    ("float-1e400", (NK_CAP, "capability: {value: 1e400, assumption: nk-cap}"), "actors[2].capability", "found inf"),
    ("inf", (NK_CAP, "capability: {value: .inf, assumption: nk-cap}"), "actors[2].capability", "found inf"),
    ("nan", (NK_CAP, "capability: {value: .nan, assumption: nk-cap}"), "actors[2].capability", "found nan"),
    (
        "uniform-full-range",
        (NK_CAP, "capability: {dist: uniform, low: 0, high: 1.7e308, assumption: nk-cap}"),
        "actors[2].capability",
        "for high, found 1.7e+308",
    ),
    (
        "normal-huge-sd",
        (NK_CAP, "capability: {dist: normal, mean: 5, sd: 1e300, assumption: nk-cap}"),
        "actors[2].capability",
        "for sd, found 1e+300",
    ),
    ("series-inf", (ARM_SERIES, "1995: .inf, 1996: 144.0298"), "actors[0].capability.series[1995]", "found inf"),
    ("series-nan", (ARM_SERIES, "1995: .nan, 1996: 144.0298"), "actors[0].capability.series[1995]", "found nan"),
    ("series-huge", (ARM_SERIES, "1995: 1e300, 1996: 144.0298"), "actors[0].capability.series[1995]", "1e+300"),
    (
        "series-year",
        (ARM_SERIES, "1700: 166.9977, 1996: 144.0298"),
        "actors[0].capability.series[1700]",
        "expected a year between 1800 and 2200",
    ),
    (
        "scale-inf",
        (ARM_SOURCE, ARM_SOURCE.replace("source:", "scale: .inf\n      source:")),
        "actors[0].capability.scale",
        "found inf",
    ),
    (
        "scale-too-big",
        (ARM_SOURCE, ARM_SOURCE.replace("source:", "scale: 1e14\n      source:")),
        "actors[0].capability.series",
        "once scaled",
    ),
    # engine parameters: ranges and names, in the scenario, a format and an event
    ("incident-rate-1e300", _params("  incident_rate: 1e300"), "parameters.incident_rate", "1e+300"),
    ("incident-rate-range", _params("  incident_rate: 1e5"), "parameters.incident_rate", "between 0 and 10000"),
    ("hazard-negative", _params("  hazard_gap: -5"), "parameters.hazard_gap", "between 0 and 100, found -5"),
    (
        "process-duration",
        _params("  process_duration: 1e6"),
        "parameters.process_duration",
        "between 0.1 and 1000, found 1e+06",
    ),
    ("hazard-intercept", _params("  hazard_intercept: 50"), "parameters.hazard_intercept", "between -15 and 15"),
    ("contest-exponent", _params("  contest_exponent: 11"), "parameters.contest_exponent", "between 0 and 10"),
    (
        "parameter-distribution",
        _params("  war_cost: {dist: uniform, low: 0.5, high: 2, assumption: coding}"),
        "parameters.war_cost",
        "found 2 (high)",
    ),
    (
        "parameter-unknown",
        _params("  war_costt: 0.1"),
        "parameters.war_costt",
        "found 'war_costt' (did you mean 'war_cost'?)",
    ),
    (
        "effect-out-of-range",
        ("    actors: [ARM, AZE, RUS]\n", "    actors: [ARM, AZE, RUS]\n    effects: {war_cost: -10}\n"),
        "events[1].effects.war_cost",
        "between 0 and 1, found -10",
    ),
    (
        "effect-monitoring",
        ("    actors: [ARM, AZE, RUS]\n", "    actors: [ARM, AZE, RUS]\n    effects: {monitoring: 2}\n"),
        "events[1].effects.monitoring",
        "between 0 and 1, found 2",
    ),
    (
        "effect-unknown",
        ("    actors: [ARM, AZE, RUS]\n", "    actors: [ARM, AZE, RUS]\n    effects: {bogus: 1}\n"),
        "events[1].effects.bogus",
        "(or 'monitoring'",
    ),
    (
        "format-parameter",
        _formats("  - id: talks\n    label: talks\n    extends: minsk-group\n    parameters: {peacekeeping: 3}"),
        "formats[0].parameters.peacekeeping",
        "between 0 and 1, found 3",
    ),
    (
        "format-parameter-unknown",
        _formats("  - id: talks\n    label: talks\n    extends: minsk-group\n    parameters: {peace: 1}"),
        "formats[0].parameters.peace",
        "expected a known engine parameter",
    ),
    (
        "format-hazard-term",
        _formats("  - id: talks\n    label: talks\n    extends: minsk-group\n    parameters: {hazard_gap: 2}"),
        "formats[0].parameters.hazard_gap",
        "expected hazard terms for the whole scenario",
    ),
    # format graphs
    (
        "extends-cycle",
        _formats("  - {id: fa, label: a, extends: fb}\n  - {id: fb, label: b, extends: fa}"),
        "formats[0].extends",
        "expected no cycle of 'extends', found fa -> fb -> fa",
    ),
    (
        "extends-unknown",
        _formats("  - {id: fa, label: a, extends: minks-group}"),
        "formats[0].extends",
        "did you mean 'minsk-group'",
    ),
    (
        "no-voter",
        _formats("  - {id: fa, label: a, decision: {kind: consensus, voters: [guarantor]}}"),
        "formats[0]",
        "expected at least one voter at the table of format fa",
    ),
    (
        "after-war-without-voter",
        _formats(
            "  - {id: fa, label: a, extends: minsk-group, after_war: fb}\n"
            "  - {id: fb, label: b, decision: {kind: majority, threshold: 0.5, voters: [observer]}}"
        ),
        "formats[1]",
        "voter at the table of format fb",
    ),
    # engine v2 inputs: pivots, dated changes, parallel tracks, events signed on a track
    (
        "pivot-unknown-issue",
        (AZE_PIVOT, AZE_PIVOT.replace("status:", "lachin:")),
        "actors[1].domestic.pivot.lachin",
        "expected a known issue",
    ),
    (
        "pivot-out-of-range",
        (AZE_PIVOT, AZE_PIVOT.replace("value: 0,", "value: 150,")),
        "actors[1].domestic.pivot.status",
        "150",
    ),
    (
        "change-impossible-date",
        ("      - from: 1998-02\n", "      - from: 1998-02-30\n"),
        "actors[0].changes[0].from",
        "expected a day that exists (01-28 in 1998-02)",
    ),
    (
        "changes-out-of-order",
        _second_change("1997-01"),
        "actors[0].changes[1].from",
        "expected changes in date order",
    ),
    ("changes-same-date", _second_change("1998-02"), "actors[0].changes[1].from", "one change per date"),
    (
        "change-unknown-issue",
        (
            "          districts: {value: 90, assumption: pivot-arm}\n        source:",
            "          lachin: 5\n        source:",
        ),
        "actors[0].changes[0].positions.lachin",
        "expected a known issue",
    ),
    (
        "track-no-voter",
        _tracks("  - {id: russia, label: r, table: [RUS], proposers: [RUS]}"),
        "tracks[0].table",
        "expected at least one voter of track russia (an actor with id or role party) at its table",
    ),
    (
        "track-closes-before-it-opens",
        _tracks(RUSSIA[:-1] + ", active_from: 1998, active_until: 1996}"),
        "tracks[0].active_until",
        "expected a date after active_from 1998, found 1996",
    ),
    (
        "track-unknown-voter",
        _tracks(RUSSIA[:-1] + ", decision: {kind: consensus, voters: [ARN]}}"),
        "tracks[0].decision.voters[0]",
        "did you mean 'ARM'",
    ),
    (
        "event-unknown-track",
        (CEASEFIRE_1994, CEASEFIRE_1994 + "    track: moscow\n"),
        "events[1].track",
        "expected a known track",
    ),
    (
        "event-track-without-agreement",
        _on_track("    track: russia\n"),
        "events[1].agreement",
        "expected the agreement type signed on track russia (ceasefire), found none",
    ),
    (
        "event-fighting",
        (CEASEFIRE_1994, CEASEFIRE_1994 + "    fighting: stops\n"),
        "events[1].fighting",
        "'starts', 'ends', 'flare' or 'continues'",
    ),
    # dates and horizons
    ("feb-31", ("date: 1997-07", "date: 1997-02-31"), "proposals[0].date", "expected a day that exists (01-28"),
    ("feb-29-not-leap", ("date: 1997-07", "date: 1900-02-29"), "proposals[0].date", "(01-28 in 1900-02)"),
    ("year-0000", ("  start: 1994\n", "  start: 0000\n"), "meta.start", "expected a year between 1800 and 2200"),
    ("year-9999", ("  end: 2000\n", "  end: 9999\n"), "meta.end", "expected a year between 1800 and 2200"),
    (
        "last-fighting-after-start",
        ("  last_fighting: 1993\n", "  last_fighting: 1994\n"),
        "conflict.last_fighting",
        "expected a year before the scenario's start (1994), found 1994",
    ),
    (
        "too-many-steps",
        ("  start: 1994\n  end: 2000\n  step: year\n", "  start: 1800\n  end: 2200\n  step: month\n"),
        "meta.end",
        "expected at most 1200 steps from start to end, found 4,800",
    ),
    (
        "deferral-before-proposal",
        (STEP_PROPOSAL, STEP_PROPOSAL.replace("trigger:", "until: 1995, trigger:")),
        "proposals[1].deferred.until",
        "expected a date after the proposal's date 1997-09, found 1995",
    ),
    (
        "member-since",
        ("    name: Armenia\n", "    name: Armenia\n    member_since: 0\n"),
        "actors[0].member_since",
        "expected a year between 1800 and 2200",
    ),
]


def _write(tmp_path: Path, example_text: str, change: tuple[str, str]) -> tuple[Path, str]:
    old, new = change
    assert old in example_text, f"test fixture out of date: {old!r}"
    text = example_text.replace(old, new, 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _refused(args: list[str], field: str, fragment: str) -> re.Match[str]:
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert fragment in r.output, r.output
    hits = [m for m in LOCATED.finditer(r.output) if m.group("field") == field]
    assert hits, f"no located message for {field} in {r.output!r}"
    return hits[0]


@pytest.mark.parametrize(("name", "change", "field", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_validate_refuses_with_the_line(
    tmp_path: Path, example_text: str, name: str, change: tuple[str, str], field: str, fragment: str
) -> None:
    path, text = _write(tmp_path, example_text, change)
    hit = _refused(["validate", str(path)], field, fragment)
    first = next(
        n for n, (a, b) in enumerate(zip(example_text.splitlines(), text.splitlines(), strict=False), start=1) if a != b
    )
    before, after = example_text.splitlines(), text.splitlines()
    same_tail = next(n for n, (a, b) in enumerate(zip(before[::-1], after[::-1], strict=False)) if a != b)
    last = max(first, len(after) - same_tail)  # the changed lines of the new text: first..last
    # the message points into (or right next to) what was changed
    assert first - 2 <= int(hit.group("line")) <= last + 1, (hit.group(0), first, last)


_EVERY_COMMAND = ("no-voter", "parameter-unknown", "effect-unknown", "extends-cycle", "track-no-voter")


@pytest.mark.parametrize(
    ("name", "change", "field", "fragment"),
    [c for c in CASES if c[0] in _EVERY_COMMAND],
    ids=[c[0] for c in CASES if c[0] in _EVERY_COMMAND],
)
def test_every_command_refuses_what_validate_refuses(
    tmp_path: Path, example_text: str, name: str, change: tuple[str, str], field: str, fragment: str
) -> None:
    path, _ = _write(tmp_path, example_text, change)
    for args in (
        ["replay", str(path)],
        ["yearly", str(path), "--runs", "2"],
        ["sweep", str(path), "--runs", "2", "--out", str(tmp_path / "sweep")],
        ["compare", str(path), "--formats", "minsk-group,bilateral", "--runs", "2"],
        ["sensitivity", str(path), "--samples", "2", "--replicates", "1"],
        ["report", str(path), "-o", str(tmp_path / "r.html"), "--runs", "2"],
    ):
        _refused(args, field, fragment)
    assert not (tmp_path / "sweep").exists() and not (tmp_path / "r.html").exists()


def test_a_scenario_with_no_party_is_refused_at_its_actors(tmp_path: Path, example_text: str) -> None:
    text = example_text.replace("roles: [party, participating-state]", "roles: [participating-state]")
    path = tmp_path / "noparty.yaml"
    path.write_text(text, encoding="utf-8")
    _refused(["validate", str(path)], "actors", "voter at the table of format minsk-group")
    # the bargaining models need no party: forecast and show still read it
    assert runner.invoke(app, ["forecast", str(path), "--model", "compromise"]).exit_code == 0
    assert runner.invoke(app, ["show", str(path)]).exit_code == 0


def test_a_format_that_needs_a_mediator_names_the_format(tmp_path: Path, example_text: str) -> None:
    text = example_text.replace("roles: [mediator, co-chair, participating-state]", "roles: [participating-state]")
    text = text.replace(EVENTS, "\nformats:\n  - {id: solo, label: one mediator, proposers: []}\nevents:\n", 1)
    path = tmp_path / "nomediator.yaml"
    path.write_text(text, encoding="utf-8")
    _refused(["validate", str(path)], "formats[0]", "expected an actor with role mediator or co-chair")


def test_dates_that_exist_pass(tmp_path: Path, example_text: str) -> None:
    text = example_text.replace("date: 1997-07", "date: 1996-02-29")
    path = tmp_path / "leap.yaml"
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_extremes_inside_the_ranges_are_computed_safely(tmp_path: Path, example_text: str) -> None:
    # the largest capability with the steepest contest, and the largest rates: no overflow, no NaN
    text = example_text.replace(NK_CAP, "capability: {value: 1e15, assumption: nk-cap}")
    text = text.replace(
        EVENTS,
        "\nparameters:\n  contest_exponent: 10\n  incident_rate: 1e4\n  incident_tension: 1e4\n"
        "  hazard_intercept: 5\n  hazard_gap: 100\n  hazard_commitment: 100\n  hazard_incidents: 10\n"
        "  war_gain: 10\n  war_cost_rate: 10\n  ceasefire_talks: 100\n  process_duration: 1000\n"
        "  anticipation_years: 50\n  stock_depreciation: 0.01\nevents:\n",
    )
    path = tmp_path / "extreme.yaml"
    path.write_text(text, encoding="utf-8")
    for args in (
        ["replay", str(path), "--json"],
        ["sweep", str(path), "--runs", "4", "--workers", "1", "--out", str(tmp_path / "s")],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, r.output
    assert "NaN" not in runner.invoke(app, ["replay", str(path), "--json"]).output
