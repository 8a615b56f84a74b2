"""Paired comparison of formats with common random numbers, on the small example case."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from accord.analysis.compare import compare_formats, mean_ci, proportion_ci, summarize_formats
from accord.analysis.executors import LocalExecutor
from accord.analysis.runs import run_formats
from accord.scenario import load_scenario
from accord.simulation import BatchResult, run_batch


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return load_scenario("example")


def test_mean_ci_normal_approximation() -> None:
    x = np.array([0.0, 1.0, 1.0, 0.0])
    e = mean_ci(x, 0.95)
    half = 1.959963984540054 * x.std(ddof=1) / 2
    assert e.mean == 0.5 and math.isclose(e.high - e.mean, half) and e.n == 4
    assert math.isnan(mean_ci(np.array([1.0]), 0.95).low)
    assert mean_ci(np.array([]), 0.95).n == 0


def test_proportion_ci_is_wilson_and_stays_in_0_1() -> None:
    e = proportion_ci(np.array([1.0] + [0.0] * 99), 0.95)
    # Wilson 95% interval for 1/100 (Newcombe 1998, Stat. Med. 17, Table I style): about 0.0018-0.0545
    assert (
        e.mean == 0.01 and math.isclose(e.low, 0.001767, abs_tol=1e-5) and math.isclose(e.high, 0.054488, abs_tol=1e-5)
    )
    zero = proportion_ci(np.zeros(50), 0.95)
    assert math.isclose(zero.low, 0.0, abs_tol=1e-12) and 0 < zero.high < 0.08


def test_paired_differences_on_common_inputs(example) -> None:  # type: ignore[no-untyped-def]
    cmp = compare_formats(example, ["minsk-group", "inclusive", "bilateral"], runs=600, chunk_size=200, seed=3)
    assert [f.format for f in cmp.formats] == ["minsk-group", "inclusive", "bilateral"]
    assert cmp.years[-1] == 1999.0 and len(cmp.years) == 4 and cmp.history == "counterfactual"
    inc, bil = cmp.differences
    assert inc.inputs_identical and bil.inputs_identical and inc.common_inputs == 1 and not cmp.notes
    # the paired mean difference is the difference of the means (same draws), for every year
    for y in cmp.years:
        base, f = cmp.formats[0].p_agreement[y].mean, cmp.formats[1].p_agreement[y].mean
        assert math.isclose(inc.p_agreement[y].mean, f - base, abs_tol=1e-12)
    # terms given agreement exist per issue; paired terms only over draws where both agree
    assert set(cmp.formats[0].terms) == {"status", "districts"}
    for i in ("status", "districts"):
        assert inc.terms[i].n <= min(cmp.formats[0].terms[i].n, cmp.formats[1].terms[i].n)
    # vetoes ranked, with the main issue named
    for f in cmp.formats:
        per = [v["vetoes_per_replay"] for v in f.vetoes]
        assert per == sorted(per, reverse=True)
        assert all(v["actor"] in example.actor_ids and v["main_issue"] in example.issue_ids for v in f.vetoes)
    data = json.loads(json.dumps(cmp.to_dict()))  # serializable for --json
    assert data["history"] == "counterfactual" and data["formats"][0]["draws"] == 600


def test_pairing_narrows_the_interval(example) -> None:  # type: ignore[no-untyped-def]
    # P(war): on the same draws most wars happen (or not) under both formats alike
    cmp = compare_formats(example, ["minsk-group", "inclusive"], runs=800, seed=1)
    last = cmp.years[-1]
    d = cmp.differences[0].p_war[last]
    p1, p2, n = cmp.formats[0].p_war[last].mean, cmp.formats[1].p_war[last].mean, 800
    assert 0.1 < p1 < 0.9 and 0.1 < p2 < 0.9
    unpaired_half = 1.96 * math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)
    assert 0 < (d.high - d.low) / 2 < unpaired_half


def test_summarize_formats_gives_the_comparison_of_batches_already_run(example) -> None:  # type: ignore[no-untyped-def]
    kw = {"runs": 300, "seed": 9, "history": "imposed"}
    cmp = compare_formats(example, ["minsk-group", "inclusive"], **kw)  # type: ignore[arg-type]
    batches = run_formats(example, ["minsk-group", "inclusive"], **kw)  # type: ignore[arg-type]
    assert summarize_formats(batches, scenario="example", seed=9, history="imposed").to_dict() == cmp.to_dict()


def test_results_do_not_depend_on_the_executor(example) -> None:  # type: ignore[no-untyped-def]
    kw = {"runs": 300, "chunk_size": 100, "seed": 9}
    a = compare_formats(example, ["minsk-group", "inclusive"], **kw)  # type: ignore[arg-type]
    with LocalExecutor(2) as ex:
        b = compare_formats(example, ["minsk-group", "inclusive"], executor=ex, **kw)  # type: ignore[arg-type]
    assert a.to_dict() == b.to_dict()


def _format_dependent_runner(scenario, *, format=None, seed, **kw) -> BatchResult:  # type: ignore[no-untyped-def]
    # an engine that (wrongly) lets the format change the input draws
    return run_batch(scenario, format=format, seed=seed + (format == "inclusive"), **kw)


def test_broken_common_random_numbers_are_reported(example) -> None:  # type: ignore[no-untyped-def]
    cmp = compare_formats(
        example, ["minsk-group", "inclusive"], runs=200, chunk_size=100, runner=_format_dependent_runner
    )
    assert not cmp.differences[0].inputs_identical
    assert "different values" in cmp.notes[0]


def test_bad_arguments(example) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="formats: expected at least two formats"):
        compare_formats(example, ["minsk-group"], runs=10)
    with pytest.raises(ValueError, match="each format once"):
        compare_formats(example, ["inclusive", "inclusive"], runs=10)
    with pytest.raises(ValueError, match="years: expected years from 1994"):
        compare_formats(example, ["minsk-group", "inclusive"], runs=10, years=[1990])
    with pytest.raises(ValueError, match="history: expected imposed, counterfactual"):
        compare_formats(example, ["minsk-group", "inclusive"], runs=10, history="both")
