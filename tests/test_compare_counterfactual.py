"""`accord compare` is counterfactual by default: the scenario's dated wars are not imposed."""

from __future__ import annotations

import json
import re

import numpy as np
from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import load_scenario
from accord.simulation import run_batch

runner = CliRunner()


def _p_war_last_year(args: list[str]) -> tuple[str, float]:
    r = runner.invoke(
        app,
        [
            "compare",
            "minsk-group",
            "--formats",
            "minsk-group,inclusive",
            "--runs",
            "12",
            "--years",
            "2021",
            "--json",
            *args,
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout[r.stdout.index("{") :])
    return data["history"], float(data["formats"][0]["p_war_by_year"]["2021"]["mean"])


def test_history_imposes_the_2020_war_counterfactual_does_not() -> None:
    # the dated 2020 war is imposed in every run
    assert _p_war_last_year(["--history", "imposed"]) == ("imposed", 1.0)
    history, _ = _p_war_last_year([])  # the default: wars come from each format's own dynamics
    assert history == "counterfactual"
    # (with the fitted hazards nearly every counterfactual run has some war by 2021, so the check
    # that the 2020 war is not imposed looks at fighting in 2020 itself)
    s = load_scenario("minsk-group")
    y = None
    for hist in ("imposed", "counterfactual"):
        b = run_batch(s, format="minsk-group", draws=12, seed=0, history=hist)
        y = int(np.flatnonzero(b.years == 2020)[0]) if y is None else y
        fighting_2020 = b.fighting_by_year[:, y]
        assert fighting_2020.all() if hist == "imposed" else not fighting_2020.all(), hist
    # from a year: the history before it is imposed (here the 1992 war), the model's after it
    assert _p_war_last_year(["--from", "1993"]) == ("from 1993", 1.0)


def test_compare_says_its_history_in_help_and_output() -> None:
    help_text = re.sub(r"[│╭╮╰╯─\s]+", " ", runner.invoke(app, ["compare", "--help"]).output)
    assert "default here: counterfactual" in help_text
    r = runner.invoke(
        app, ["compare", "example", "--formats", "minsk-group,inclusive", "--runs", "20", "--history", "imposed"]
    )
    assert r.exit_code == 0 and "history: history imposed" in " ".join(r.output.split())


def test_war_by_year_is_cumulative() -> None:
    b = run_batch(load_scenario("minsk-group"), format="minsk-group", draws=30, seed=3, history="counterfactual")
    assert (np.diff(b.war_by_year.astype(int), axis=1) >= 0).all()
    assert (b.war_by_year[:, -1] == (b.wars > 0)).all()
