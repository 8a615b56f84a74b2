"""Load a scenario from a file, a built-in case name or text; every failure is a located error."""

from __future__ import annotations

import difflib
import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from accord.scenario import schema
from accord.scenario.errors import PathPart, Problem, ScenarioError, field_path
from accord.scenario.references import check_references
from accord.scenario.runnable import KEY, runnable_problems
from accord.scenario.schema import Scenario
from accord.scenario.yaml_io import LocatedData, dump_yaml, parse_yaml, read_text

CASES_PACKAGE = "accord.cases"


def builtin_cases() -> dict[str, str]:
    """Built-in case names -> file names inside the package."""
    out: dict[str, str] = {}
    for entry in resources.files(CASES_PACKAGE).iterdir():
        if entry.name.endswith(".yaml"):
            out[entry.name.removesuffix(".yaml")] = entry.name
    return dict(sorted(out.items()))


def resolve(case_or_path: str) -> tuple[bytes, str]:
    """Raw bytes and a display name for a case name or a file path."""
    cases = builtin_cases()
    if case_or_path in cases:
        ref = resources.files(CASES_PACKAGE).joinpath(cases[case_or_path])
        return ref.read_bytes(), f"{case_or_path} (built-in)"
    p = Path(case_or_path)
    if p.is_dir():
        raise ScenarioError([Problem(case_or_path, 1, 1, "(file)", "expected a scenario file, found a directory")])
    if not p.exists():
        hint = ""
        close = difflib.get_close_matches(case_or_path, list(cases), n=1)
        if close:
            hint = f" (did you mean the built-in case {close[0]!r}?)"
        raise ScenarioError(
            [
                Problem(
                    case_or_path,
                    1,
                    1,
                    "(file)",
                    f"expected a built-in case ({', '.join(cases)}) or a scenario file, found neither{hint}",
                )
            ]
        )
    try:
        size = p.stat().st_size
        from accord.scenario.yaml_io import MAX_BYTES

        if size > MAX_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        case_or_path,
                        1,
                        1,
                        "(file)",
                        f"expected a scenario file of at most {MAX_BYTES // (1024 * 1024)} MiB, "
                        f"found {size / (1024 * 1024):.1f} MiB",
                    )
                ]
            )
        return p.read_bytes(), case_or_path
    except OSError as e:
        raise ScenarioError(
            [Problem(case_or_path, 1, 1, "(file)", f"expected a readable file, found: {e.strerror}")]
        ) from None


def load_scenario(case_or_path: str, *, engine: bool = True) -> Scenario:
    """Load and fully validate a scenario by built-in case name or file path.

    ``engine=False`` for the bargaining models only (``accord forecast``): the scenario need not
    be runnable by the engine in its default format (e.g. a table of actors with no parties).

    Raises :class:`ScenarioError` listing every problem with file, line, column and field."""
    raw, name = resolve(case_or_path)
    return parse_scenario(raw, name, engine=engine)


def parse_scenario(raw: bytes | str, name: str = "<scenario>", *, engine: bool = True) -> Scenario:
    text = raw if isinstance(raw, str) else read_text(raw, name)
    located = parse_yaml(text, name)
    return validate_data(located, engine=engine)


def validate_data(located: LocatedData, *, engine: bool = True) -> Scenario:
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as e:
        raise ScenarioError(_problems_from_pydantic(e, located)) from None
    # what the engine would refuse needs consistent references, so it is checked only after them
    found = check_references(scenario) or runnable_problems(scenario, engine=engine)
    if found:
        raise ScenarioError([_located(located, path, msg) for path, msg in found])
    return scenario


def _located(located: LocatedData, path: tuple[PathPart, ...], msg: str) -> Problem:
    shown = path[:-1] if path and path[-1] == KEY else path  # a key is named by its own path
    return Problem(located.name, *located.locate(path), field_path(shown), msg)


def dump_scenario(scenario: Scenario) -> str:
    """YAML text that loads back to an equal scenario."""
    return dump_yaml(scenario.model_dump(mode="python", exclude_defaults=True, by_alias=True))


def scenario_hash(scenario: Scenario) -> str:
    """A stable hash of a scenario's content (used by sweep manifests)."""
    return hashlib.sha256(dump_scenario(scenario).encode()).hexdigest()


# -- turning pydantic errors into sentences ---------------------------------------------

_TYPE_WORDS = {
    "string_type": "text",
    "float_type": "a number",
    "int_type": "a whole number",
    "dict_type": "a mapping",
    "list_type": "a list",
    "bool_type": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "int_parsing": "a whole number",
}


def _found(x: Any) -> str:
    if x is None:
        return "nothing (null)"
    if isinstance(x, bool):
        return f"{str(x).lower()} (true/false)"
    if isinstance(x, str):
        return f"text {x[:60]!r}" + ("..." if len(x) > 60 else "")
    if isinstance(x, dict):
        keys = ", ".join(str(k) for k in list(x)[:6])
        return f"a mapping with keys {keys}" if x else "an empty mapping"
    if isinstance(x, list):
        return f"a list of {len(x)} items"
    return repr(x)


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(f.alias or n for n, f in obj.model_fields.items())
    return names


def _sentence(err: Any) -> str:
    kind = err["type"]
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "expected this required field, found it missing"
    if kind == "extra_forbidden":
        bad = str(err["loc"][-1]) if err["loc"] else "?"
        close = difflib.get_close_matches(bad, sorted(_all_field_names() - {bad}), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"expected a known field, found unknown field {bad!r}{hint}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, found {_found(inp)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '?')}, found {_found(inp)}"
    if kind in ("too_short", "too_long"):
        return (
            f"expected {'at least' if kind == 'too_short' else 'at most'} "
            f"{ctx.get('min_length', ctx.get('max_length'))} items, found {ctx.get('actual_length')}"
        )
    if kind in ("string_too_short", "string_too_long"):
        lim = ctx.get("min_length", ctx.get("max_length"))
        return f"expected text of {'at least' if kind == 'string_too_short' else 'at most'} {lim} characters, found {len(str(inp))}"
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        return f"expected a number or a mapping, found {_found(inp)}"
    msg: str = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    if msg.startswith("expected"):
        return msg
    # any other pydantic message, e.g. "Keys should be strings": keep it, in our shape
    return f"expected valid input ({msg[0].lower()}{msg[1:]}), found {_found(inp)}"


def _problems_from_pydantic(e: ValidationError, located: LocatedData) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for err in e.errors(include_url=False):
        path = located.yaml_path(tuple(err["loc"]), name_last=err["type"] in ("missing", "extra_forbidden"))
        msg = _sentence(err)
        key = (field_path(path), msg)
        if key in seen:
            continue
        seen.add(key)
        line, col = located.locate(path)
        out.append(Problem(located.name, line, col, field_path(path), msg))
    out.sort(key=lambda p: (p.line, p.column))
    return out
