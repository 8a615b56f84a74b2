"""docs/scenario-format.md is generated from the schema: it names and describes every field, it
is not stale, and a scenario written only from it validates and replays."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from pydantic import BaseModel
from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import parse_scenario, schema
from accord.scenario.reference_doc import _NAMES, MODELS, scenario_format_markdown
from accord.simulation import replay

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-format.md"
REGENERATE = "python -m accord.scenario.reference_doc > docs/scenario-format.md"


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (\S+)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_page_is_the_schema_as_generated_now() -> None:
    assert DOC.read_text(encoding="utf-8") == scenario_format_markdown(), (
        f"docs/scenario-format.md is stale: {REGENERATE}"
    )


def test_every_model_and_field_of_the_schema_is_on_the_page_with_a_description() -> None:
    models = [
        m
        for m in vars(schema).values()
        if inspect.isclass(m)
        and issubclass(m, BaseModel)
        and m.__module__ == schema.__name__
        and m is not schema.Strict
    ]
    assert set(models) <= set(MODELS), "a schema model is missing from reference_doc.MODELS"
    sections = _sections(DOC.read_text(encoding="utf-8"))
    for model in MODELS:
        name = _NAMES.get(model.__name__, model.__name__)
        assert name in sections, f"no section for {name}"
        rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([^`]+)` \|.*\| ([^|]*) \|$", sections[name], re.M)}
        for field_name, f in model.model_fields.items():
            key = f.alias or field_name
            assert key in rows, f"{name}.{key} is not on the page"
            assert f.description and rows[key].strip(), f"{name}.{key} has no description"


def test_a_scenario_written_from_the_page_validates_and_replays(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    minimal = text.split("A minimal scenario:", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    s = parse_scenario(minimal, "from-the-page.yaml")
    r = replay(s, seed=0)
    assert r.trajectory["years"][0] == 2000 and r.trajectory["years"][-1] == 2009  # end: 2010 stops before it
    path = tmp_path / "from-the-page.yaml"
    path.write_text(minimal, encoding="utf-8")
    runner = CliRunner()
    for args in (["validate", str(path)], ["replay", str(path)]):
        res = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert res.exit_code == 0, (args, res.output)
