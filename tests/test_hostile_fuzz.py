"""Hostile scenario files through every command: `validate`, `replay`, `sweep` and `report` end with
exit 0, or exit 2 and a located message (``file:line:column: field: expected …``, or an option's
``--name: expected …``), never a traceback, within a time budget per example and the memory budget
they are given. And what `validate` accepts, every run accepts.

The files are the example case with one to three hostile changes drawn from the kinds of the
hardening campaign (issue 13): numbers that do not fit or are not finite (400- and 5000-digit
integers, 1e300, .inf, .nan, a uniform over the whole float range), engine parameters out of range
or misspelt (in the scenario, a format, an event's effects), format graphs that cannot run (cyclic
or unknown ``extends``, tables with no voter, no mediator), dates that do not exist, deferrals before
their proposals, horizons of thousands of steps, big shapes (many actors, issues, proposals), and
the structure mutations of ``test_scenario_fuzz``. CI runs them derandomized (see conftest)."""

from __future__ import annotations

import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from io import StringIO
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner, Result

from accord.cli.app import app
from accord.scenario import ScenarioError, parse_scenario
from accord.scenario.parameters import PARAMETERS

runner = CliRunner()
_yaml = YAML(typ="safe", pure=True)
EXAMPLE = _yaml.load(resources.files("accord.cases").joinpath("example.yaml").read_text(encoding="utf-8"))

SECONDS_PER_COMMAND = 60  # a budget, not a timing: a command past it is a hang
MEMORY = "256MiB"  # what each run is allowed (its --max-memory)

LOCATED = re.compile(r"^.+:\d+:\d+: \S+: expected .+$", re.M)
OPTION = re.compile(r"^(?:.+: )?--[a-z-]+(?: x --[a-z-]+)?: (?:expected|this) .+$", re.M)
BUDGET = re.compile(r"--max-memory: this .+ (?:needs|keeps) ~", re.M)

# tokens replaced in the written text: numbers YAML can hold but Python cannot print or keep
HUGE_INTS = {"__INT400__": "9" * 400, "__INT5000__": "9" * 5000, "__HEX__": "0x" + "f" * 40}


def _copy(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _copy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_copy(v) for v in x]
    return x


def _numeric_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numeric_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _numeric_paths(v, (*path, i))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path


NUMBER_PATHS = sorted(_numeric_paths(EXAMPLE), key=repr)

hostile_number = st.sampled_from(
    [
        *HUGE_INTS,
        10**17,
        -(10**17),
        1e300,
        -1e300,
        1.7e308,
        float("inf"),
        float("-inf"),
        float("nan"),
        1e-300,
        -0.0,
        -5,
        -1e6,
        1e6,
        1e15,
        0,
        {"dist": "uniform", "low": -1.7e308, "high": 1.7e308},
        {"dist": "uniform", "low": 0, "high": float("inf")},
        {"dist": "normal", "mean": 0, "sd": 1e300},
        {"dist": "normal", "mean": 0.5, "sd": 0},
        {"dist": "triangular", "low": 0, "mode": 2, "high": 1},
        {"dist": "uniform", "low": 1, "high": 0},
        {"value": "__INT400__", "assumption": "coding"},
    ]
)


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


Mutation = Callable[[st.DrawFn, dict[str, Any]], None]


def numbers(draw: st.DrawFn, data: dict[str, Any]) -> None:
    _set(data, draw(st.sampled_from(NUMBER_PATHS)), draw(hostile_number))


def engine_parameters(draw: st.DrawFn, data: dict[str, Any]) -> None:
    name = draw(st.sampled_from([*PARAMETERS, "war_costt", "monitoring", "bogus", "Hazard_Base"]))
    spec = PARAMETERS.get(name)
    in_range = st.floats(spec.low, min(spec.high, 1e6)) if spec is not None else st.floats(0, 1)
    value = draw(st.one_of(hostile_number, in_range, st.sampled_from([-10, 11, 1e7, 2e3])))
    where = draw(st.sampled_from(["scenario", "format", "effect"]))
    if where == "scenario":
        data.setdefault("parameters", {})[name] = value
    elif where == "format":
        data.setdefault("formats", []).append(
            {"id": "fuzzed", "label": "fuzzed", "extends": "minsk-group", "parameters": {name: value}}
        )
    else:
        data["events"][draw(st.integers(0, len(data["events"]) - 1))]["effects"] = {name: value}


def format_graphs(draw: st.DrawFn, data: dict[str, Any]) -> None:
    kind = draw(
        st.sampled_from(
            [
                "cycle2",
                "cycle3",
                "self",
                "unknown-extends",
                "no-voter",
                "no-party",
                "no-mediator",
                "no-proposers",
                "after-war",
                "switch",
                "unanimity-no-party",
            ]
        )
    )
    formats = data.setdefault("formats", [])
    if kind == "cycle2":
        formats += [{"id": "fa", "label": "a", "extends": "fb"}, {"id": "fb", "label": "b", "extends": "fa"}]
    elif kind == "cycle3":
        formats += [
            {"id": "fa", "label": "a", "extends": "fb"},
            {"id": "fb", "label": "b", "extends": "fc"},
            {"id": "fc", "label": "c", "extends": "fa"},
        ]
    elif kind == "self":
        formats.append({"id": "fa", "label": "a", "extends": "fa"})
    elif kind == "unknown-extends":
        formats.append({"id": "fa", "label": "a", "extends": "minks-group"})
    elif kind == "no-voter":
        formats.append({"id": "fa", "label": "a", "decision": {"kind": "consensus", "voters": ["guarantor"]}})
    elif kind in ("no-party", "no-mediator", "unanimity-no-party"):
        drop = {"party"} if kind != "no-mediator" else {"mediator", "co-chair"}
        for a in data["actors"]:
            a["roles"] = [r for r in a.get("roles", []) if r not in drop]
        if kind == "unanimity-no-party":
            formats.append({"id": "fa", "label": "a", "decision": {"kind": "unanimity-of-parties", "voters": []}})
    elif kind == "no-proposers":
        formats.append({"id": "fa", "label": "a", "proposers": []})
    elif kind == "after-war":
        formats.append(
            {
                "id": "fa",
                "label": "a",
                "extends": "minsk-group",
                "after_war": draw(st.sampled_from(["single-mediator", "nowhere", "fa"])),
            }
        )
    else:
        data["events"][0]["switch_format"] = draw(st.sampled_from(["single-mediator", "bilateral", "nowhere"]))


def dates(draw: st.DrawFn, data: dict[str, Any]) -> None:
    bad = st.sampled_from(
        ["1997-02-31", "1900-02-29", "1997-13", "1997-00", "0000", "9999", "1799", "2201", "1997-04-31", "2000-02-30"]
    )
    kind = draw(st.sampled_from(["proposal", "event", "start", "end", "deferral", "horizon", "order"]))
    if kind == "proposal":
        data["proposals"][draw(st.integers(0, len(data["proposals"]) - 1))]["date"] = draw(bad)
    elif kind == "event":
        data["events"][draw(st.integers(0, len(data["events"]) - 1))]["date"] = draw(bad)
    elif kind in ("start", "end"):
        data["meta"][kind] = draw(bad)
    elif kind == "deferral":
        data["proposals"][1]["deferred"]["until"] = draw(
            st.sampled_from(["1995", "1997-09", "1997", "1999", "1994-01"])
        )
    elif kind == "horizon":
        data["meta"].update(start="1800", end="2200", step=draw(st.sampled_from(["month", "quarter", "year"])))
    else:
        data["meta"].update(start="2000", end=draw(st.sampled_from(["2000", "1999", "2000-01"])))


def big_shapes(draw: st.DrawFn, data: dict[str, Any]) -> None:
    kind = draw(st.sampled_from(["actors", "issues", "proposals", "events"]))
    n = draw(st.integers(10, 40))
    if kind == "actors":
        extra = []
        for k in range(n):
            a = _copy(data["actors"][k % len(data["actors"])])
            a["id"] = f"{a['id']}x{k}"
            extra.append(a)
        data["actors"] += extra
    elif kind == "issues":
        for k in range(n):
            iid = f"extra{k}"
            data["issues"].append({"id": iid, "label": iid, "low": "0", "high": "100"})
            for a in data["actors"]:
                if a.get("positions"):
                    a["positions"][iid] = 50
                    a["salience"][iid] = 0.5
    else:
        base = list(data[kind])
        for k in range(n * 3):
            item = _copy(base[k % len(base)])
            item["id"] = f"copy{k}-{item['id']}"[:64]
            data[kind].append(item)


weird_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _all_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _all_paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _all_paths(v, (*path, i))


ALL_PATHS = sorted(_all_paths(EXAMPLE), key=repr)


def structure(draw: st.DrawFn, data: dict[str, Any]) -> None:
    path = draw(st.sampled_from(ALL_PATHS))
    try:
        if draw(st.booleans()):
            _set(data, path, draw(weird_values))
        else:
            node: Any = data
            for part in path[:-1]:
                node = node[part]
            del node[path[-1]]
    except (KeyError, IndexError, TypeError):
        pass  # an earlier change removed this path


KINDS: list[Mutation] = [numbers, engine_parameters, format_graphs, dates, big_shapes, structure]


def extremes(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Valid but extreme: what validate accepts must run, and be computed without overflow."""
    kind = draw(st.sampled_from(["parameter", "capabilities", "stances", "domestic", "horizon", "wars", "shape"]))
    if kind == "parameter":
        for name in draw(st.lists(st.sampled_from(list(PARAMETERS)), min_size=1, max_size=4)):
            spec = PARAMETERS[name]
            data.setdefault("parameters", {})[name] = draw(
                st.sampled_from(
                    [spec.low, spec.high, {"dist": "uniform", "low": spec.low, "high": spec.high, "assumption": "x"}]
                )
            )
    elif kind == "capabilities":
        caps = st.sampled_from([1e15, 0, 1e-300, 5e-324, 1, {"dist": "uniform", "low": 0, "high": 1e15}])
        for a in data["actors"]:
            a["capability"] = draw(caps)
        data.setdefault("parameters", {})["contest_exponent"] = draw(st.sampled_from([0, 10, 1]))
    elif kind == "stances":
        value = draw(st.sampled_from([0, 100, 50]))
        weight = draw(st.sampled_from([0, 1, 1e-300]))
        for a in data["actors"]:
            a["positions"] = {i: value for i in a.get("positions", {})}
            a["salience"] = {i: weight for i in a.get("salience", {})}
    elif kind == "domestic":
        for a in data["actors"]:
            a["domestic"] = {
                "win_set": draw(st.sampled_from([0, 1e15, 100])),
                "mood": draw(st.sampled_from([-1, 1, 0])),
                "removal_risk": draw(st.sampled_from([0, 1])),
            }
    elif kind == "horizon":
        data["meta"].update(start="1994", end=draw(st.sampled_from(["2019", "2044"])), step="quarter")
    elif kind == "wars":
        data["events"] += [
            {"id": f"war{y}-{len(data['events'])}", "date": str(y), "kind": "war", "label": "war"}
            for y in range(1994, 2000)
        ]
    else:
        big_shapes(draw, data)


def _text(data: dict[str, Any]) -> str:
    buf = StringIO()
    _yaml.dump(data, buf)
    text = buf.getvalue()
    for token, digits in HUGE_INTS.items():
        text = text.replace(f"'{token}'", digits).replace(token, digits)
    return text


@st.composite
def extreme_file(draw: st.DrawFn) -> str:
    data = _copy(EXAMPLE)
    for _ in range(draw(st.integers(1, 3))):
        extremes(draw, data)
    return _text(data)


@st.composite
def hostile_file(draw: st.DrawFn) -> str:
    data = _copy(EXAMPLE)
    for _ in range(draw(st.integers(1, 3))):
        try:
            draw(st.sampled_from(KINDS))(draw, data)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # an earlier change removed what this one edits
    return _text(data)


@contextmanager
def time_budget(seconds: int, what: str) -> Iterator[None]:
    def expired(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"{what} ran past its budget of {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run(args: list[str]) -> Result:
    with time_budget(SECONDS_PER_COMMAND, " ".join(args[:1])):
        r = runner.invoke(app, args)
    assert r.exception is None or isinstance(r.exception, SystemExit), f"{args[0]}: {r.exception!r}\n{r.output}"
    assert "Traceback" not in r.output, r.output
    assert r.exit_code in (0, 2), f"{args[0]} exit {r.exit_code}: {r.output}"
    if r.exit_code == 2:
        assert LOCATED.search(r.output) or OPTION.search(r.output), f"{args[0]}: not located: {r.output!r}"
    return r


def _commands(path: Path, folder: Path) -> list[list[str]]:
    p = str(path)
    return [
        ["replay", p, "--max-memory", MEMORY],
        [
            "sweep",
            p,
            "--runs",
            "3",
            "--chunk-size",
            "2",
            "--workers",
            "1",
            "--out",
            str(folder / "sweep"),
            "--max-memory",
            MEMORY,
        ],
        [
            "report",
            p,
            "-o",
            str(folder / "r.html"),
            "--runs",
            "2",
            "--chunk-size",
            "2",
            "--sensitivity-samples",
            "0",
            "--max-memory",
            MEMORY,
        ],
    ]


def _check_loader(text: str) -> bool:
    try:
        parse_scenario(text, "hostile.yaml")
    except ScenarioError as e:
        for p in e.problems:
            assert LOCATED.match(str(p)), str(p)
        return False
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_file())
def test_hostile_files_load_or_give_located_problems(text: str) -> None:
    with time_budget(SECONDS_PER_COMMAND, "load"):
        _check_loader(text)


COMMANDS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@COMMANDS
@given(hostile_file())
def test_hostile_files_through_every_command(text: str) -> None:
    _through_every_command(text)


@settings(COMMANDS, max_examples=8)
@given(extreme_file())
def test_extreme_but_valid_files_run_through_every_command(text: str) -> None:
    _through_every_command(text)


def _through_every_command(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "hostile.yaml"
        path.write_text(text, encoding="utf-8")
        valid = _run(["validate", str(path)]).exit_code == 0
        loads = _check_loader(text)  # validate also checks seed quotes, which the runs do not read
        for args in _commands(path, folder):
            r = _run(args)
            if valid:
                # what validate accepts, a run accepts (it may only be refused for its memory budget)
                assert r.exit_code == 0 or BUDGET.search(r.output), f"validate ok, {args[0]} refused: {r.output}"
            if not loads:
                assert r.exit_code == 2, f"the loader refused it, {args[0]} ran: {r.output}"
