"""`accord compare` is counterfactual by default: the scenario's dated wars are not imposed."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from accord.cli.app import app
from accord.scenario import load_scenario
from accord.simulation import run_batch

runner = CliRunner()


def _p_war_last_year(args: list[str]) -> float:
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
    return float(data["formats"][0]["p_war_by_year"]["2021"]["mean"])


def test_history_imposes_the_2020_war_counterfactual_does_not() -> None:
    assert _p_war_last_year(["--history"]) == 1.0  # the dated 2020 war is imposed in every run
    assert _p_war_last_year([]) < 1.0  # wars now come from each format's own dynamics


def test_war_by_year_is_cumulative() -> None:
    b = run_batch(load_scenario("minsk-group"), format="minsk-group", draws=30, seed=3, history="counterfactual")
    assert (np.diff(b.war_by_year.astype(int), axis=1) >= 0).all()
    assert (b.war_by_year[:, -1] == (b.wars > 0)).all()
