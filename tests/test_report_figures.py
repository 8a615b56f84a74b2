"""The report's figures answer one question each: legends outside the data, distinct colours for
the actors singled out, sensitivity bars below the noise marked, zero-event differences in words."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from accord.analysis.compare import difference_text
from accord.analysis.estimates import Estimate
from accord.analysis.runs import run_formats
from accord.reports import figures
from accord.reports.report import ReportInputs, make_figures, render_html, singled_out
from accord.reports.story import story, war_sentence
from accord.scenario import load_scenario
from accord.simulation import replay


@pytest.fixture(scope="module")
def minsk() -> ReportInputs:
    s = load_scenario("minsk-group")
    batches = run_formats(s, ["minsk-group", "bilateral"], runs=40, seed=1, history="counterfactual")
    return ReportInputs(s, "minsk-group (built-in)", seed=0, draws=40, replay=replay(s, seed=0), batches=batches)


def test_no_legend_of_any_report_figure_covers_its_data(minsk: ReportInputs) -> None:
    figs = make_figures(minsk)
    assert {"timeline", "positions", "agreements", "fighting", "settlements", "formats", "vetoes"} <= set(figs)
    for stem, (fig, caption) in figs.items():
        assert caption, stem
        assert figures.legend_overlaps(fig) == [], stem


def test_the_overlap_check_finds_a_legend_drawn_over_a_line() -> None:
    def drawn(level: float) -> Figure:
        fig = Figure()
        ax = fig.add_subplot()
        ax.plot(np.linspace(0, 1, 50), np.full(50, level), label="the line")
        ax.set_ylim(0, 1)
        ax.legend(loc="upper left")
        return fig

    assert any("the line" in m for m in figures.legend_overlaps(drawn(0.95)))
    assert figures.legend_overlaps(drawn(0.5)) == []


def test_positions_draw_only_stance_holders_and_colour_parties_and_mediators(minsk: ReportInputs) -> None:
    s = minsk.scenario
    fig, caption = make_figures(minsk)["positions"]
    stance = [a.id for a in s.actors if a.positions]
    voters = [a.id for a in s.actors if not a.positions]
    assert voters, "the case has states that only vote"
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    named = " ".join(labels)
    # no stance-less voter is named anywhere in the legend
    names = {a.id: (a.name or a.id) for a in s.actors}
    assert not any(names[v] in named.split(", ") for v in voters)
    chosen = [stance[k] for k in singled_out(s, stance)]
    roles = [set(s.actor(a).roles) for a in chosen]
    assert all({"party", "mediator", "co-chair"} & r for r in roles)
    coloured = [h.get_color() for h in legend.legend_handles[1 : 1 + len(chosen)]]
    assert len(set(coloured)) == len(coloured), "every singled-out actor has its own colour"
    assert "in grey" in caption or len(stance) == len(chosen)


def test_agreement_curves_are_one_panel_per_type_and_cumulative(minsk: ReportInputs) -> None:
    fig, caption = make_figures(minsk)["agreements"]
    visible = [ax for ax in fig.axes if ax.get_visible()]
    titles = [ax.get_title() for ax in visible]
    assert "ceasefire" in titles and "comprehensive" in titles and len(titles) == len(set(titles))
    assert "cumulative" in caption
    fighting_fig, fighting_caption = make_figures(minsk)["fighting"]
    assert "per year, not cumulative" in fighting_caption
    assert "P(fighting in the year)" in fighting_fig.axes[0].get_ylabel()


def test_sensitivity_bars_below_the_noise_floor_are_marked() -> None:
    fig = figures.sensitivity_ranking(
        ["a", "b", "c"], np.array([0.5, 0.05, 0.02]), "war", "μ*", noise_floor=0.1, design="3 inputs; n=40"
    )
    ax = fig.axes[0]
    marks = [t.get_text() for t in ax.texts]
    assert marks.count("below noise") == 2
    assert "n=40" in ax.get_title() and "1 of 3" in ax.get_title()
    none = figures.sensitivity_ranking(["a", "b"], np.array([0.05, 0.02]), "war", "μ*", noise_floor=0.1)
    assert "this ranking is noise" in none.axes[0].get_title()


def test_differences_without_events_are_said_in_words() -> None:
    zero = Estimate(0.0, 0.0, 0.0, 40)
    assert difference_text(zero, zero, zero) == "no events"
    one = Estimate(1.0, 1.0, 1.0, 40)
    assert difference_text(zero, one, one) == "every draw"
    half = Estimate(0.5, 0.4, 0.6, 40)
    assert difference_text(zero, half, half) == "same in every draw"
    assert difference_text(Estimate(0.1, 0.006, 0.194, 40), half, half) == "+0.100 [+0.006, +0.194]"
    assert difference_text(Estimate(float("nan"), float("nan"), float("nan"), 0), zero, zero) == "–"


def test_wars_are_sentences_with_dates() -> None:
    war = {"start": 1992.1667, "end": 1994.3333, "how": "ceasefire", "imposed": True}
    assert war_sentence(war, 12) == "War from 1992-03 to 1994-05, imposed as dated; ended by a ceasefire."
    assert war_sentence({"start": 2020.74, "end": None, "imposed": False}, 12).startswith("War from 2020-09, still")
    assert war_sentence({"start": 2016.25, "flare": True, "imposed": True}, 12).startswith("Clashes in 2016-04")


def test_the_report_tells_the_replay_as_the_cli_does(minsk: ReportInputs) -> None:
    assert minsk.replay is not None
    html = render_html(minsk)
    brief = story(minsk.replay)
    full = story(minsk.replay, full=True)
    assert 0 < len(brief) < len(full)
    assert {line.by for line in brief} <= {"history", "model", "context"}
    assert "Ceasefire brokered by Russia" in html and "War from 1992" in html
    assert "start: 20" not in html  # no raw key: value war records
    for line in brief[:5]:
        assert line.date in html
