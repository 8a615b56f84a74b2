"""Outcomes come from mechanisms, not a knife-edge parameter: along a grid of each domestic
parameter, P(agreement of each type by 2020) on minsk-group never jumps by more than 0.3
between neighbouring points (a smaller grid than benchmarks/bench_robustness.py)."""

from __future__ import annotations

from accord.analysis.robustness import DOMESTIC_PARAMETERS, largest_jump, robustness_curves
from accord.scenario import load_scenario


def test_no_domestic_parameter_is_a_knife_edge_on_minsk_group() -> None:
    s = load_scenario("minsk-group")
    names = [f"parameters.{p}" for p in DOMESTIC_PARAMETERS]
    curves = robustness_curves(s, names, points=4, runs=80, year=2020, seed=0, history="counterfactual")
    assert [c.name for c in curves] == names
    for c in curves:
        assert c.x.size == 4 and set(c.shares) >= {"ceasefire", "process", "partial", "comprehensive"}
        jump, kind = largest_jump(c)
        assert jump <= 0.3, f"{c.name}: P({kind} by 2020) jumps by {jump:.2f} between neighbouring grid points"
