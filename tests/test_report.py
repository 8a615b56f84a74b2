"""The HTML report and figures: content, self-containment, escaping, files for papers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from accord.analysis.estimates import wilson_interval
from accord.analysis.runs import run_formats
from accord.reports.report import (
    ReportInputs,
    format_rows,
    make_figures,
    read_trajectory,
    render_html,
    write_report,
)
from accord.reports.summaries import rank_sensitivity
from accord.scenario import Scenario, load_scenario, parse_scenario
from accord.simulation import replay


def _batches(s: Scenario, runs: int = 120, seed: int = 3) -> dict:  # type: ignore[type-arg]
    return run_formats(s, ["minsk-group", "majority"], runs=runs, seed=seed, history="counterfactual")


@pytest.fixture(scope="module")
def inputs() -> ReportInputs:
    s = load_scenario("example")
    return ReportInputs(
        s,
        "example (built-in)",
        seed=3,
        draws=120,
        replay=replay(s, seed=3),
        replay_format="minsk-group",
        batches=_batches(s),
    )


def test_report_is_self_contained_and_has_every_section(inputs: ReportInputs) -> None:
    html = render_html(inputs)
    # nothing to fetch: no script, no stylesheet link, no image or frame from elsewhere
    assert "<script" not in html.lower()
    assert not re.search(r"""<(link|img|iframe|object|embed)\b""", html, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?https?:", html, re.I)
    for key in ("timeline", "positions", "agreements", "fighting", "formats", "vetoes", "sensitivity-war"):
        m = re.search(rf'<figure id="fig-{key}".*?</figure>', html, re.S)
        assert m, key
        assert m.group(0).count("<path") > 10, f"{key} looks empty"
    s = inputs.scenario
    for src in s.sources.values():
        if src.quote:
            assert _esc(src.quote) in html
    for text in s.assumptions.values():
        assert _esc(text) in html
    assert "majority" in html and "minsk-group" in html
    assert "counterfactual" in html[html.index('id="sweep-history"') :][:400]


def _esc(t: str) -> str:
    from markupsafe import escape

    return str(escape(t))


def test_scenario_text_is_escaped_not_executed(example_text: str) -> None:
    evil = example_text.replace(
        'title: "Karabakh talks 1994-1999 (small teaching case)"', 'title: "<script>alert(1)</script> US$ m $x$"'
    )
    evil = evil.replace("label: The surrounding districts", "label: '<img src=x onerror=alert(1)> $a$'")
    s = parse_scenario(evil, "evil.yaml")
    html = render_html(ReportInputs(s, "evil.yaml", replay=replay(s), batches=_batches(s, 30, 1)))
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; US$ m $x$" in html


def test_write_report_and_figures_for_papers(inputs: ReportInputs, tmp_path: Path) -> None:
    from PIL import Image

    written = write_report(inputs, tmp_path / "out" / "report.html", tmp_path / "figs")
    assert (tmp_path / "out" / "report.html").stat().st_size > 10_000
    pngs = sorted(p for p in written if p.suffix == ".png")
    svgs = sorted(p for p in written if p.suffix == ".svg")
    assert (
        {p.stem for p in pngs}
        == {p.stem for p in svgs}
        >= {"timeline", "positions", "agreements", "fighting", "formats", "vetoes"}
    )
    for p in pngs:
        px = np.asarray(Image.open(p).convert("L"), dtype=float)
        assert px.std() > 5 and (px < 128).mean() > 0.005, f"{p.name} looks blank"
    assert svgs[0].read_text().lstrip().startswith("<?xml")
    assert not list(tmp_path.glob("**/.*.tmp"))
    # same inputs, same figure bytes (reproducible SVG)
    again = write_report(inputs, tmp_path / "again.html", tmp_path / "figs2")
    assert sorted(p.read_bytes() for p in again if p.suffix == ".svg") == sorted(p.read_bytes() for p in svgs)


def test_report_without_results_still_lists_inputs_and_sources() -> None:
    s = load_scenario("example")
    html = render_html(ReportInputs(s, "example"))
    assert f"Sources ({len(s.sources)})" in html and f"Assumptions ({len(s.assumptions)})" in html
    assert "<figure" not in html


def test_the_one_wilson_interval_matches_scipy() -> None:
    for k, n in [(0, 10), (3, 10), (10, 10), (57, 200)]:
        lo, hi = wilson_interval(np.array(k), n)
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert np.isclose(lo, ci.low, atol=1e-6) and np.isclose(hi, ci.high, atol=1e-6)


def test_format_comparison_counts(inputs: ReportInputs) -> None:
    cmp = inputs.comparison()
    assert cmp is not None and cmp.history == "counterfactual"
    rows = format_rows(cmp)
    b = inputs.batches["minsk-group"]
    assert rows[0]["format"] == "minsk-group" and rows[0]["draws"] == 120 and rows[0]["year"] == b.years[-1]
    assert rows[0]["p_agreement"] == pytest.approx(np.mean(b.agreement))
    assert rows[0]["p_war"] == pytest.approx(np.mean(b.wars > 0))
    lo, hi = rows[0]["p_war_ci"]
    assert lo <= rows[0]["p_war"] <= hi


def test_sensitivity_ranks_the_input_that_drives_the_outcome_first() -> None:
    rng = np.random.default_rng(0)
    x, noise, const = rng.uniform(size=400), rng.uniform(size=400), np.ones(400)
    y = (x + 0.1 * rng.normal(size=400)) > 0.5
    sens = rank_sensitivity({"noise": noise, "driver": x, "const": const}, y.astype(float), "agreement")
    assert [r.input for r in sens.rows] == ["driver", "noise"]
    assert sens.rows[0].score > 0.6 and abs(sens.rows[1].score) < 0.2


def test_trajectory_reader_gives_step_by_actor_by_issue(inputs: ReportInputs) -> None:
    assert inputs.replay is not None
    t = read_trajectory(inputs.replay)
    s = inputs.scenario
    assert t.positions.shape == (len(t.years), len(s.actors), len(s.issues)) and t.actor_ids == s.actor_ids
    assert t.status_quo.shape == (len(t.years), len(s.issues)) and t.p_onset.shape == t.years.shape == t.fighting.shape


def test_event_log_shows_the_sentences_the_cli_prints(inputs: ReportInputs) -> None:
    from accord.simulation.events import describe

    assert inputs.replay is not None
    html = render_html(inputs)
    for e in inputs.replay.events[:5]:
        assert _esc(describe(e)) in html


def test_figures_only_for_what_exists(inputs: ReportInputs) -> None:
    only_replay = ReportInputs(inputs.scenario, "x", replay=inputs.replay)
    assert set(make_figures(only_replay)) == {"timeline", "positions"}


def test_paired_differences_against_the_first_format(inputs: ReportInputs) -> None:
    cmp = inputs.comparison()
    assert cmp is not None
    rows = format_rows(cmp)
    assert rows[0]["d_agreement"] is None
    d = rows[1]["d_war"]
    a, b = inputs.batches["majority"].wars > 0, inputs.batches["minsk-group"].wars > 0
    assert d is not None and d[0] == pytest.approx(np.mean(a.astype(float) - b.astype(float)))
    # (before the fitted hazards this interval was strictly around d; now every run of the example
    # has a war, so d = 0 with a zero-width interval)
    assert d[1] <= d[0] <= d[2]
    d = rows[1]["d_agreement"]
    a, b = inputs.batches["majority"].agreement, inputs.batches["minsk-group"].agreement
    assert d is not None and d[0] == pytest.approx(np.mean(a.astype(float) - b.astype(float)))
    assert d[1] <= d[0] <= d[2]  # (0 too: neither format reaches a settlement in the example now)
    assert "Δ P(settlement) vs minsk-group" in render_html(inputs)
