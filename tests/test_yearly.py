"""`accord yearly`: the outlook year by year, as the issue specifies it, equal to the batch it summarises."""

from __future__ import annotations

import json

import numpy as np
from typer.testing import CliRunner

from accord.analysis.runs import run_formats
from accord.analysis.yearly import yearly_outlook
from accord.cli.app import app
from accord.scenario import load_scenario

runner = CliRunner()


def test_yearly_json_has_the_documented_shape_and_the_batchs_numbers() -> None:
    r = runner.invoke(app, ["yearly", "example", "--runs", "120", "--seed", "3", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["history"] == "imposed" and data["runs"] == 120
    first = data["years"][0]
    assert first["year"] == 1994
    assert {"p_fighting", "p_war_onset", "p_agreement", "p_ceasefire_in_force", "status_quo"} <= set(first)
    assert set(first["p_agreement"]) >= {"ceasefire", "process", "partial", "comprehensive", "implementation"}
    batch = run_formats(load_scenario("example"), [None], runs=120, seed=3, history="imposed")["minsk-group"]
    assert [y["p_fighting"] for y in data["years"]] == list(batch.fighting_by_year.mean(axis=0))
    k = batch.agreement_types.index("process")
    assert [y["p_agreement"]["process"] for y in data["years"]] == list(batch.signed_by_year[:, :, k].mean(axis=0))
    for y in data["years"]:
        lo, hi = y["p_fighting_ci"]
        assert lo <= y["p_fighting"] <= hi
        sq = y["status_quo"]["status"]
        assert sq["low"] <= sq["median"] <= sq["high"]


def test_yearly_outlook_counts_ceasefires_in_force() -> None:
    batch = run_formats(load_scenario("example"), [None], runs=60, seed=1, history="imposed")["minsk-group"]
    out = yearly_outlook(batch)
    cf = batch.agreement_types.index("ceasefire")
    assert np.allclose([y.p_ceasefire_in_force.p for y in out], batch.in_force_by_year[:, :, cf].mean(axis=0))
    assert all(y.p_fighting.n == 60 for y in out)


def test_yearly_refuses_bad_input_without_a_traceback() -> None:
    r = runner.invoke(app, ["yearly", "example", "--format", "nosuch"])
    assert r.exit_code == 2 and "Traceback" not in r.output
