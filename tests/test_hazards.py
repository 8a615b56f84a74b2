"""The shipped hazard table: readable without the data, vectorized predict, and equal to a
statsmodels fit on the panel rows (so it is neither stale nor mis-applied)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from tests.panel_data import PANEL_DIR, panel_files, shared_panel
from typer.testing import CliRunner

from accord.analysis.calibration import fit_hazard, hazard_sample
from accord.cli.app import app
from accord.models import hazards
from accord.models.hazards import COVARIATES, HAZARDS, STATE, HazardTable, HazardTableError, covariates, predict


def _state(n: int = 4, **over: object) -> dict[str, np.ndarray]:
    base = {k: np.zeros(n) for k in STATE}
    base["years_since_fighting"] = np.ones(n)
    base["cap_share_a"] = np.full(n, 0.5)
    for k, v in over.items():
        base[k] = np.asarray(v, dtype=float)
    return base


def test_shipped_table_reads_from_the_package_with_provenance() -> None:
    t = hazards.default_table()
    assert set(t.hazards) == set(HAZARDS)
    assert t.meta["spec_version"] == hazards.SPEC_VERSION
    assert re.fullmatch(r"[0-9a-f]{40}", t.meta["fit"]["commit"]) and t.meta["fit"]["dirty"] is False
    assert {"ucdp", "nmc", "pax", "withheld"} <= set(t.meta["citation"])
    for name, h in t.hazards.items():
        assert h.n > h.events > 0 and h.conflicts > 50, name
        assert set(h.coef) == set(HAZARDS[name].covariates)
        for k, (lo, hi) in h.ci.items():
            b = h.intercept if k == "intercept" else h.coef[k]
            assert lo < b < hi, (name, k)


def test_predict_is_vectorized_over_draws_and_broadcasts() -> None:
    rng = np.random.default_rng(0)
    n = 1000
    s = _state(
        n,
        fighting_last_year=rng.integers(0, 2, n),
        years_since_fighting=rng.integers(1, 30, n),
        cap_share_a=rng.uniform(0, 1, n),
        cap_shift_expected=rng.normal(0, 0.02, n),
        cap_shift_realised=rng.normal(0, 0.01, n),
        in_force_ceasefire=rng.integers(0, 2, n),
        territorial=1.0,  # a scalar broadcasts over the draws
    )
    p = predict("fighting", s)
    assert p.shape == (n,) and np.all((p > 0) & (p < 1))
    for i in (0, 17, 999):
        one = {k: (v[i] if np.ndim(v) else v) for k, v in s.items()}
        assert predict("fighting", one) == pytest.approx(p[i], rel=1e-12)
    grid = predict("onset", _state(1, years_since_fighting=np.arange(1, 11).reshape(2, 5)))
    assert grid.shape == (2, 5)


def test_missing_capability_is_an_indicator_and_a_neutral_value() -> None:
    x = covariates(
        _state(2, cap_share_a=[0.9, np.nan], cap_shift_expected=[0.05, 0.05], cap_shift_realised=[0.01, 0.01])
    )
    assert x["cap_missing"].tolist() == [0.0, 1.0]
    assert x["cap_share_a"].tolist() == [0.9, 0.5]
    assert x["cap_shift_expected"].tolist() == [0.05, 0.0] and x["cap_shift_expected_abs"].tolist() == [0.05, 0.0]
    assert x["cap_shift_realised"].tolist() == [0.01, 0.0]
    assert np.isfinite(predict("breakdown", _state(2, cap_share_a=[np.nan, 0.3]))).all()


def test_bad_state_and_bad_tables_say_what_is_wrong(tmp_path: Path) -> None:
    s = _state()
    del s["interstate"]
    with pytest.raises(KeyError, match="interstate"):
        predict("fighting", s)
    with pytest.raises(KeyError, match=r"expected one of .*fighting.*found .war."):
        predict("war", _state())
    d = json.loads((Path(hazards.__file__).parent / hazards.SHIPPED).read_text())
    with pytest.raises(HazardTableError, match="spec_version: expected"):
        HazardTable.from_dict({**d, "spec_version": "0"}, "t.json")
    broken = json.loads(json.dumps(d))
    broken["hazards"]["onset"]["coef"]["no_such_covariate"] = 1.0
    with pytest.raises(HazardTableError, match=r"hazards\.onset\.coef: expected covariates"):
        HazardTable.from_dict(broken, "t.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(HazardTableError, match=r"bad\.json: expected a JSON coefficient table"):
        hazards.load_table(tmp_path / "bad.json")


def test_every_covariate_is_documented_once() -> None:
    names = [c.name for c in COVARIATES]
    assert len(names) == len(set(names))
    assert all(c.meaning and c.computed for c in COVARIATES)
    for h in HAZARDS.values():
        assert set(h.covariates) <= set(names)


@pytest.mark.parametrize("name", list(HAZARDS))
def test_shipped_predict_equals_statsmodels_on_panel_rows(name: str) -> None:
    sample = hazard_sample(shared_panel().frame, name)
    res = fit_hazard(sample.X, sample.y)
    expected = np.asarray(res.predict(sample.X))
    got = predict(name, sample.state)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    h = hazards.default_table().hazards[name]
    assert (h.n, h.events, h.conflicts) == (len(sample.y), int(sample.y.sum()), np.unique(sample.groups).size)


def test_calibrate_cli_reproduces_the_shipped_coefficients(tmp_path: Path) -> None:
    panel_files()
    out = tmp_path / "h.json"
    res = CliRunner().invoke(app, ["calibrate", "--data", str(PANEL_DIR), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Join report" in res.output and "Hazards fitted" in res.output
    new, shipped = hazards.load_table(out), hazards.default_table()
    assert new.meta["data"] == shipped.meta["data"]  # same files (sha256)
    for name in HAZARDS:
        a, b = new.hazards[name], shipped.hazards[name]
        assert a.intercept == pytest.approx(b.intercept, rel=1e-7)
        assert a.coef == pytest.approx(b.coef, rel=1e-7, abs=1e-9)
