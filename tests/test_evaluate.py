"""Out-of-sample evaluation: no leakage from the held-out conflict, references computed as
documented, finite metrics on a reduced run, the exact --json shape and an offline HTML report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.panel_data import PANEL_DIR, panel_files, shared_panel
from typer.testing import CliRunner

from accord.analysis.calibration import HazardSample, hazard_sample
from accord.analysis.evaluate import cross_validate, reliability, score
from accord.cli.app import app
from accord.models.hazards import HAZARDS


def _synthetic(n_conflicts: int = 30, years: int = 20, seed: int = 0) -> HazardSample:
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_conflicts), years)
    x = rng.normal(size=groups.size)
    y = (rng.uniform(size=groups.size) < 1 / (1 + np.exp(-(-1.0 + 1.5 * x)))).astype(float)
    X = pd.DataFrame({"intercept": 1.0, "x": x})
    lag = np.concatenate([[0.0], y[:-1]])
    lag[np.arange(0, groups.size, years)] = 0.0
    return HazardSample("synthetic", X, y, groups, lag, np.ones(groups.size), np.zeros(groups.size, int), {})


def test_held_out_conflict_never_informs_its_own_predictions() -> None:
    s = _synthetic()
    oof = cross_validate(s, folds=5)
    flipped_y = s.y.copy()
    held = s.groups == 3
    flipped_y[held] = 1.0 - flipped_y[held]
    s2 = HazardSample(s.name, s.X, flipped_y, s.groups, s.persistence, s.years_since_fighting, s.year, {})
    np.testing.assert_allclose(cross_validate(s2, folds=5).p[held], oof.p[held], rtol=1e-10)


def test_leave_one_conflict_out_base_rate_is_the_training_rate() -> None:
    s = _synthetic(n_conflicts=8, years=10)
    oof = cross_validate(s)  # leave one conflict out
    assert oof.folds == 8
    for g in range(8):
        rows = s.groups == g
        assert np.allclose(oof.base_rate[rows], s.y[~rows].mean())


def test_score_references_and_reliability() -> None:
    s = _synthetic()
    oof = cross_validate(s, folds=5)
    r = score(oof, bootstrap=50)
    assert r["brier"] == pytest.approx(np.mean((oof.p - s.y) ** 2))
    assert r["brier_persistence"] == pytest.approx(np.mean((s.persistence - s.y) ** 2))
    assert r["brier_skill_base_rate"] == pytest.approx(1 - r["brier"] / r["brier_base_rate"])
    assert r["auc"] > 0.7  # x carries real signal
    lo, hi = r["auc_ci"]
    assert lo <= r["auc"] <= hi
    bins = reliability(s.y, oof.p)
    assert sum(b["n"] for b in bins) == s.y.size
    assert all(bins[i]["p_mean"] <= bins[i + 1]["p_mean"] for i in range(len(bins) - 1))


def test_risk_sets_are_as_specified() -> None:
    f = shared_panel().frame
    onset = hazard_sample(f, "onset")
    assert (onset.state["fighting_last_year"] == 0).all()
    breakdown = hazard_sample(f, "breakdown")
    assert breakdown.y.sum() == int(f.loc[f.year.between(1990, 2020) & ~f.first_year, "breakdown"].sum())
    fighting = hazard_sample(f, "fighting")
    assert fighting.year.min() == 1990 and fighting.year.max() == 2020
    np.testing.assert_array_equal(fighting.persistence, fighting.state["fighting_last_year"])


def test_reduced_evaluate_cli_json_shape_and_report(tmp_path: Path) -> None:
    panel_files()
    html = tmp_path / "eval.html"
    res = CliRunner().invoke(
        app,
        ["evaluate", "--data", str(PANEL_DIR), "--json", "--folds", "3", "--bootstrap", "20", "--report", str(html)],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["cv"] == "grouped 3-fold by conflict" and out["folds"] == 3
    assert list(out["outcomes"]) == list(HAZARDS) == ["fighting", "onset", "ceasefire", "comprehensive", "breakdown"]
    for name, o in out["outcomes"].items():
        for key in ("auc", "brier", "brier_base_rate", "brier_persistence", "brier_skill_base_rate"):
            assert math.isfinite(o[key]), (name, key)
        assert len(o["auc_ci"]) == 2 and o["auc_ci"][0] <= o["auc_ci"][1]
        assert o["n"] > o["events"] > 0
        assert math.isfinite(o["recent"]["auc"])
    assert out["coefficients"]["sha256"] and out["coefficients"]["commit"]
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") == len(HAZARDS) and "<script" not in page and "http" not in page.split("<svg")[0]


def test_evaluate_rejects_an_unknown_hazard() -> None:
    res = CliRunner().invoke(app, ["evaluate", "--hazard", "war"])
    assert res.exit_code == 2 and "--hazard: expected one of fighting" in res.output
