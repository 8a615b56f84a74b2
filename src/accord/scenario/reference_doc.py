"""The scenario format's reference page, generated from the pydantic schema so it cannot drift.

``docs/scenario-format.md`` is :func:`scenario_format_markdown` (a test regenerates it and fails
when the file is stale or a field is missing). Prose comes from the models' docstrings and the
fields' descriptions in :mod:`accord.scenario.schema`.
"""

from __future__ import annotations

import inspect
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from accord.scenario import schema
from accord.scenario.quantity import Quantity

__all__ = ["MODELS", "scenario_format_markdown"]

MODELS: tuple[type[BaseModel], ...] = (
    schema.Scenario,
    schema.Meta,
    schema.Issue,
    schema.Actor,
    schema.Domestic,
    schema.StanceChange,
    schema.Series,
    schema.Format,
    schema.DecisionRule,
    schema.Track,
    schema.Proposal,
    schema.TermValue,
    schema.Deferral,
    schema.Event,
    schema.Conflict,
    schema.Source,
    Quantity,
)
"""Every model of the format, in the order the page documents them."""

_NAMES = {
    "Quantity": "number",
    "TermValue": "term",
    "Series": "series",
}

_INTRO = """# The scenario format

A scenario is one YAML file: the issues of a dispute, the actors with their positions,
saliences and capabilities, the formats of mediation, dated proposals and events, engine
parameters, and the sources and assumptions every number rests on. `accord init NAME` writes a
small valid scenario to start from; `accord validate FILE` checks one and prints every problem as
`file:line:column: field: expected …, found …`.

This page is generated from the schema (`accord.scenario.schema`); `accord parameters` lists the
engine parameters. A *number* below is a sourced number:

```yaml
salience: 0.8                                              # bare: counted as unsourced
salience: {value: 0.8, source: seed-package-1997}          # a source id from `sources`
salience: {value: 0.8, assumption: coding}                 # an assumption id from `assumptions`
salience: {dist: uniform, low: 0.6, high: 0.9, assumption: coding}
mood: {dist: normal, mean: 0.1, sd: 0.2, low: -1, high: 1, assumption: polls-unknown}
win: {dist: triangular, low: 10, mode: 30, high: 60, assumption: coding}
```

An `assumption:` names an entry of the `assumptions` section (whose text says what was coded and
why); a `source:` names an entry of `sources`. Dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; ids
are letters, digits, `-`, `_` and `.`, starting with a letter. Roles (`roles`, and in `table`,
`proposers`, `voters`): <ROLES>.

A minimal scenario:

```yaml
meta: {name: demo, title: "A two-party dispute", start: 2000, end: 2010, step: year}
issues:
  - {id: border, label: Border, low: "A's line", high: "B's line", status_quo: {value: 50, assumption: coding}, war: true}
actors:
  - id: A
    name: State A
    kind: state
    roles: [party]
    capability: {value: 100, assumption: coding}
    positions: {border: {value: 0, assumption: coding}}
    salience: {border: {value: 1, assumption: coding}}
    domestic: {pivot: {border: {value: 0, assumption: coding}}}
  - id: B
    name: State B
    kind: state
    roles: [party]
    capability: {value: 100, assumption: coding}
    positions: {border: {value: 100, assumption: coding}}
    salience: {border: {value: 1, assumption: coding}}
  - id: M
    name: Mediator
    kind: state
    roles: [mediator]
    positions: {border: {value: 50, assumption: coding}}
    salience: {border: {value: 0.5, assumption: coding}}
formats:
  - {id: talks, label: "Mediated talks", table: [party, mediator], proposers: [mediator], decision: {kind: consensus, voters: [party]}}
conflict: {side_a: [A], interstate: true, assumption: coding}  # needed when both sides are states
events:
  - {id: clash-2004, date: 2004-06, kind: clashes, label: "Border clashes"}
assumptions:
  coding: "Coded by the author for this example."
```
"""


def _type_name(t: Any) -> str:
    origin = get_origin(t)
    if origin is typing.Annotated:
        return _type_name(get_args(t)[0])
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in get_args(t))
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in get_args(t) if a is not type(None)]
        return " or ".join(dict.fromkeys(parts))
    if origin is list:
        return f"list of {_type_name(get_args(t)[0])}"
    if origin is dict:
        k, v = get_args(t)
        return f"mapping {_type_name(k)} → {_type_name(v)}"
    if isinstance(t, type):
        if issubclass(t, BaseModel):
            name = _NAMES.get(t.__name__, t.__name__)
            return f"[{name}](#{name.lower()})"
        return {"str": "text", "float": "number", "int": "whole number", "bool": "true/false"}.get(
            t.__name__, t.__name__
        )
    return str(t)


def _default(f: FieldInfo) -> str:
    if f.is_required():
        return "required"
    if f.default_factory is not None:
        value = f.default_factory()  # type: ignore[call-arg]
        return "empty" if value in ([], {}) else f"`{value}`"
    if f.default is None:
        return "—"
    return f"`{str(f.default).lower() if isinstance(f.default, bool) else f.default}`"


def _doc(model: type[BaseModel]) -> str:
    doc = inspect.getdoc(model) or ""
    if model.__doc__ is None or doc.startswith(("A base class", "Usage docs")):
        return ""
    return doc


def scenario_format_markdown() -> str:
    """The whole reference page (Markdown)."""
    out = [_INTRO.replace("<ROLES>", ", ".join(f"`{r}`" for r in get_args(schema.Role)))]
    for model in MODELS:
        name = _NAMES.get(model.__name__, model.__name__)
        out.append(f"## {name}\n")
        doc = _doc(model)
        if doc:
            out.append(doc + "\n")
        out.append("| field | type | default | meaning |")
        out.append("|---|---|---|---|")
        for field_name, f in model.model_fields.items():
            key = f.alias or field_name
            meaning = (f.description or "").replace("\n", " ").replace("|", "\\|")
            out.append(f"| `{key}` | {_type_name(f.annotation)} | {_default(f)} | {meaning} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # python -m accord.scenario.reference_doc > docs/scenario-format.md
    import sys

    sys.stdout.write(scenario_format_markdown())
