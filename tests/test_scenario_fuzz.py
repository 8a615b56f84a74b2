"""Property-based hunt for tracebacks: thousands of mutated scenario files, each either loads or
fails with located problems (``ScenarioError``) — never any other exception."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from accord.scenario import Scenario, ScenarioError, dump_scenario, parse_scenario

LOCATED = re.compile(r"^.+:\d+:\d+: .+: .*expected.*$")
FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# structure mutations re-dump YAML (slow, pure-Python ruamel): fewer examples, still ~2,000 files in all
FUZZ_STRUCTURE = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _example() -> str:
    from importlib import resources

    return resources.files("accord.cases").joinpath("example.yaml").read_text(encoding="utf-8")


EXAMPLE = _example()
EXAMPLE_LINES = EXAMPLE.splitlines(keepends=True)
_yaml = YAML(typ="safe", pure=True)
EXAMPLE_DATA = _yaml.load(EXAMPLE)


def _check(text: str | bytes) -> Scenario | None:
    try:
        return parse_scenario(text, "fuzz.yaml")
    except ScenarioError as e:
        assert e.problems, "a ScenarioError must carry at least one problem"
        for p in e.problems:
            assert p.line >= 1 and p.column >= 1
            assert LOCATED.match(str(p)), str(p)
            assert "expected" in p.message, p.message
        return None


# -- text-level mutations -------------------------------------------------------------------
garbage = st.text(alphabet=st.sampled_from(list("{}[]:,-&*!|>'\"#% \t\nabc019.\\")), max_size=12)


@st.composite
def text_mutation(draw: st.DrawFn) -> str:
    lines = list(EXAMPLE_LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "swap", "indent"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            col = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines[i] = lines[i][:col] + draw(garbage) + lines[i][col:]
        elif op == "truncate":
            lines = lines[: i + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        if not lines:
            break
    return "".join(lines)


@FUZZ
@given(text_mutation())
def test_text_mutations_never_raise_tracebacks(text: str) -> None:
    _check(text)


# -- structure-level mutations ---------------------------------------------------------------
weird_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.sampled_from(["1997-13", "9999-99-99", "x", "", "-1", "1e400", "nan", "inf", "ARM", "status", "coding"]),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*path, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*path, i)))
    return out


ALL_PATHS = [p for p in _paths(EXAMPLE_DATA) if p]


def _copy(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _copy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_copy(v) for v in x]
    return x


@st.composite
def structure_mutation(draw: st.DrawFn) -> str:
    data = _copy(EXAMPLE_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            last = path[-1]
            op = draw(st.sampled_from(["replace", "delete", "add-key"]))
            if op == "replace":
                parent[last] = draw(weird_values)
            elif op == "delete":
                del parent[last]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(weird_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    buf = StringIO()
    _yaml.dump(data, buf)
    return buf.getvalue()


@FUZZ_STRUCTURE
@given(structure_mutation())
def test_structure_mutations_never_raise_tracebacks(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise_tracebacks(raw: bytes) -> None:
    _check(raw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structure_mutation())
def test_whatever_loads_round_trips(text: str) -> None:
    s = _check(text)
    if s is not None:
        assert parse_scenario(dump_scenario(s), "again.yaml") == s
