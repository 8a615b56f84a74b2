"""Paired comparison of formats with common random numbers (with the stand-in engine)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import sweep_double
from accord.analysis.compare import compare_formats, mean_ci, proportion_ci
from accord.analysis.executors import LocalExecutor
from accord.scenario import load_scenario


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
    cmp = compare_formats(
        example,
        ["minsk-group", "inclusive", "bilateral"],
        runs=1500,
        chunk_size=400,
        seed=3,
        runner=sweep_double.run_batch,
    )
    assert [f.format for f in cmp.formats] == ["minsk-group", "inclusive", "bilateral"]
    assert cmp.years[-1] == 2000.0 and len(cmp.years) == 4
    inc, bil = cmp.differences
    assert inc.inputs_identical and inc.common_inputs == 1 and not cmp.notes
    last = cmp.years[-1]
    # the stand-in gives `inclusive` a higher yearly chance of agreement, `bilateral` a lower one
    assert inc.p_agreement[last].low > 0 and inc.p_agreement[last].excludes_zero
    assert bil.p_agreement[last].high < 0
    # the paired mean difference is the difference of the means (same draws)
    base, f = cmp.formats[0].p_agreement[last].mean, cmp.formats[1].p_agreement[last].mean
    assert math.isclose(inc.p_agreement[last].mean, f - base)
    # pairing on common random numbers narrows the interval well below that of independent samples
    p1, p2, n = base, f, 1500
    unpaired_half = 1.96 * math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)
    assert (inc.p_agreement[last].high - inc.p_agreement[last].low) / 2 < 0.8 * unpaired_half
    # terms given agreement exist per issue; paired terms only over draws where both agree
    assert set(cmp.formats[0].terms) == {"status", "districts"}
    assert 0 < inc.terms["status"].n <= cmp.formats[0].terms["status"].n
    # vetoes ranked, with the main issue named
    top = cmp.formats[0].vetoes[0]
    assert top["actor"] in example.actor_ids and top["main_issue"] in example.issue_ids
    assert top["vetoes_per_replay"] >= cmp.formats[0].vetoes[-1]["vetoes_per_replay"]
    json.dumps(cmp.to_dict())  # serializable for --json


def test_results_do_not_depend_on_the_executor(example) -> None:  # type: ignore[no-untyped-def]
    kw = {"runs": 300, "chunk_size": 100, "seed": 9, "runner": sweep_double.run_batch}
    a = compare_formats(example, ["minsk-group", "inclusive"], **kw)  # type: ignore[arg-type]
    with LocalExecutor(2) as ex:
        b = compare_formats(example, ["minsk-group", "inclusive"], executor=ex, **kw)  # type: ignore[arg-type]
    assert a.to_dict() == b.to_dict()


def _format_dependent_runner(scenario, *, format=None, seed, **kw):  # type: ignore[no-untyped-def]
    # an engine that (wrongly) lets the format change the input draws
    return sweep_double.run_batch(scenario, format=format, seed=seed + (format == "inclusive"), **kw)


def test_broken_common_random_numbers_are_reported(example) -> None:  # type: ignore[no-untyped-def]
    cmp = compare_formats(
        example, ["minsk-group", "inclusive"], runs=200, chunk_size=100, runner=_format_dependent_runner
    )
    assert not cmp.differences[0].inputs_identical
    assert "different values" in cmp.notes[0]


def test_bad_arguments(example) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="at least two formats"):
        compare_formats(example, ["minsk-group"], runs=10, runner=sweep_double.run_batch)
    with pytest.raises(ValueError, match="each format once"):
        compare_formats(example, ["inclusive", "inclusive"], runs=10, runner=sweep_double.run_batch)
    with pytest.raises(ValueError, match="expected years from 1994"):
        compare_formats(example, ["minsk-group", "inclusive"], runs=10, years=[1990], runner=sweep_double.run_batch)
