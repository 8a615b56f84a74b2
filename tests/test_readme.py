"""The README's counts come from the code, and its scenario examples use the schema's own names."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, TypeAdapter

from accord.scenario import Quantity, load_scenario, provenance
from accord.scenario.reference_doc import MODELS
from accord.scenario.schema import Series

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _number(pattern: str) -> list[int]:
    m = re.search(pattern, README, re.S)
    assert m, f"the README no longer says {pattern!r}"
    return [int(g) for g in m.groups()]


def test_the_minsk_counts_in_the_readme_are_the_case_s() -> None:
    s = load_scenario("minsk-group")
    p = provenance(s)
    total, on_sources, sources, on_assumptions, assumptions = _number(
        r"All (\d+) numbers carry `source:` or `assumption:` \((\d+) on (\d+) sources, (\d+) on (\d+)\s+named assumptions\)"
    )
    assert total == p.total and not p.unsourced
    assert on_sources == sum(p.by_source.values()) and sources == len(s.sources)
    assert on_assumptions == sum(p.by_assumption.values()) and assumptions == len(s.assumptions)
    (quoting,) = _number(r"(\d+) sources quote the five\s+seed documents")
    assert quoting == sum(1 for x in s.sources.values() if x.kind == "seed")
    (actors,) = _number(r"\*\*(\d+) actors\*\*")
    (issues,) = _number(r"\*\*(\d+) issues\*\*")
    (voters,) = _number(r"the (\d+) others hold no stance")
    assert (actors, issues, voters) == (len(s.actors), len(s.issues), sum(1 for a in s.actors if not a.positions))


def test_the_readme_number_examples_are_fields_that_validate() -> None:
    block = README.split("comes from, and may be uncertain (for Monte Carlo sweeps):", 1)[1]
    block = block.split("```yaml\n", 1)[1].split("```", 1)[0]
    fields = {f.alias or name for m in MODELS for name, f in m.model_fields.items()}
    examples: list[tuple[str, object]] = []
    for line in block.splitlines():
        if line and not line.startswith(" "):
            key, value = line.split(":", 1)
            examples.append((key, yaml.safe_load(value) if value.strip() else None))
    assert len(examples) >= 5
    for key, value in examples:
        assert key in fields, f"README example {key!r} is not a field of the scenario format"
        if isinstance(value, dict):  # a number, or numbers per issue id
            numbers = list(value.values()) if all(isinstance(v, dict) for v in value.values()) else [value]
            for number in numbers:
                TypeAdapter(Quantity).validate_python(number, strict=False)
    cap = yaml.safe_load(block)["capability"]
    assert isinstance(Series.model_validate(cap, strict=False), BaseModel)
    for wrong in ("winset:", "decision: consensus", "{rule:"):
        assert wrong not in README
