"""The conflict panel: rules worked out by hand on a small fixture, joins on the shared data,
column documentation, and no Armenia–Azerbaijan row anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.panel_data import FIXTURE, fixture_panel, panel_files, shared_panel
from typer.testing import CliRunner

from accord.analysis.panel import COLUMNS, PanelInputError, build_panel, columns_markdown, read_panel, write_panel
from accord.cli.app import app
from accord.cli.panel_cmds import docs_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "panel.md"


def _conflict(frame: pd.DataFrame, cid: int) -> pd.DataFrame:
    return frame[frame.conflict_id == cid].set_index("year")


def test_fixture_episodes_and_time_since_fighting() -> None:
    c = _conflict(fixture_panel().frame, 1)
    assert list(c.index) == list(range(1990, 1999))  # first year to the end of the data
    assert list(c.fighting) == [True, True, False, False, False, True, False, False, False]
    assert list(c.intensity) == [2, 1, 0, 0, 0, 1, 0, 0, 0]
    assert list(c.episode) == [1, 1, 1, 1, 1, 2, 2, 2, 2]
    assert list(c.recurrence) == [False] * 5 + [True] + [False] * 3
    assert list(c.onset) == [True] + [False] * 8
    assert pd.isna(c.years_since_fighting[1990])
    assert list(c.years_since_fighting.iloc[1:]) == [1, 1, 2, 3, 4, 1, 2, 3]
    assert list(c.fighting_last_year) == [False, True, True, False, False, False, True, False, False]


def test_fixture_in_force_and_breakdown() -> None:
    c = _conflict(fixture_panel().frame, 1)
    # ceasefire 1991 (with a mission): in force 1992-1995, breaks down in 1995 (fighting)
    assert list(c.in_force_ceasefire) == [False, False, True, True, True, True, False, False, False]
    assert list(c.peacekeeping_in_force) == [False, False, True, True, True, True, False, False, False]
    # process 1993 (Norway as third party): in force 1994-1995
    assert list(c.in_force_process) == [False] * 4 + [True, True] + [False] * 3
    assert list(c.third_party_in_force) == [False] * 4 + [True, True, True, True, True]  # 1996-: the UN-signed one
    # comprehensive signed in the breakdown year 1995: in force from 1996, not broken by 1995's fighting
    assert list(c.in_force_comprehensive) == [False] * 6 + [True] * 3
    assert list(c.breakdown) == [False] * 5 + [True] + [False] * 3
    assert list(c.agreements_broken) == [0] * 5 + [2] + [0] * 3
    assert list(c.signed_ceasefire) == [0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert list(c.signed_comprehensive) == [0] * 5 + [1] + [0] * 3
    c2 = _conflict(fixture_panel().frame, 2)
    assert list(c2.in_force_implementation) == [False, True]
    assert list(c2.breakdown) == [False, True]
    assert not c2.third_party_in_force.any()  # ThrdPart "/" names nobody


def test_fixture_join_report() -> None:
    r = fixture_panel().report
    assert (r.ucdp_rows_read, r.ucdp_rows_dropped_withheld) == (8, 2)
    assert (r.conflicts, r.conflict_years, r.years_fighting) == (3, 12, 6)
    assert (r.pax_read, r.pax_dropped_withheld, r.pax_dropped_no_ucdp_conflict) == (11, 3, 1)
    assert (r.pax_dropped_unknown_conflict, r.pax_unknown_conflict_ids) == (1, [5555])
    assert (r.pax_dropped_before_first_year, r.pax_matched, r.pax_conflicts_matched) == (2, 4, 2)
    assert r.pax_matched_by_stage == {
        "ceasefire": 1,
        "process": 1,
        "partial": 0,
        "comprehensive": 1,
        "implementation": 1,
        "renewal": 0,
        "other": 0,
    }
    assert r.nmc_milex_missing == 1 and r.nmc_milex_interpolated == 1
    assert r.side_states_matched_remap == {"260->255": 1}
    assert r.side_states_unmatched == {100: 9, 751: 1}
    text = "\n".join(r.lines())
    assert "dropped 3 on Armenia/Azerbaijan/Nagorno-Karabakh" in text and "(5555)" in text


def test_fixture_capability_share_and_shifts() -> None:
    c2 = _conflict(fixture_panel().frame, 2)
    # Beta spends 10 a year from 1995 (stock 10/0.1 = 100), Gamma 30 (stock 300; 1996 interpolated)
    assert c2.cap_stock_a.tolist() == pytest.approx([100.0, 100.0])
    assert c2.cap_stock_b.tolist() == pytest.approx([300.0, 300.0])
    assert c2.cap_share_a.tolist() == pytest.approx([0.25, 0.25])
    assert c2.cap_shift_realised.tolist() == pytest.approx([0.0, 0.0])
    assert c2.cap_shift_expected.tolist() == pytest.approx([0.0, 0.0])
    assert c2.cinc_share_a.tolist() == pytest.approx([0.25, 0.25])
    assert c2.cap_observed.all()
    c3 = _conflict(fixture_panel().frame, 3)
    assert c3.cap_stock_a.tolist() == pytest.approx([1000.0])  # GW 260 read as COW 255
    assert np.isnan(c3.cap_share_a.iloc[0]) and not c3.cap_observed.iloc[0]  # Hyderabad: not in NMC


def test_capability_shift_signs(tmp_path: Path) -> None:
    """Side A's spending doubles in 1998: its share rises this year and is expected to keep rising."""
    nmc = (FIXTURE / "nmc.csv").read_text().replace("BET,200,1998,10,", "BET,200,1998,20,")
    (tmp_path / "nmc.csv").write_text(nmc)
    f = build_panel(FIXTURE / "ucdp.csv", tmp_path / "nmc.csv", FIXTURE / "pax.csv").frame
    row = _conflict(f, 2).loc[1998]
    k_a = 0.9 * 100 + 20
    assert row.cap_share_a == pytest.approx(k_a / (k_a + 300))
    assert row.cap_shift_realised == pytest.approx(k_a / (k_a + 300) - 0.25)
    keep = 0.9**5
    proj_a = keep * k_a + 20 * (1 - keep) / 0.1
    assert row.cap_shift_expected == pytest.approx(proj_a / (proj_a + 300) - k_a / (k_a + 300))
    assert row.cap_shift_realised > 0 and row.cap_shift_expected > 0


def test_pax_years_outside_coverage_are_missing() -> None:
    f = shared_panel().frame
    outside = f[(f.year < 1990) | (f.year > 2020)]
    assert not outside.pax_observed.any()
    for col in ("agreements_signed", "signed_ceasefire", "in_force_any", "breakdown"):
        assert outside[col].isna().all(), col
    assert f.loc[f.year > 2016, "cap_share_a"].isna().all()


def test_bad_input_names_file_row_and_field(tmp_path: Path) -> None:
    bad = (
        (FIXTURE / "ucdp.csv")
        .read_text()
        .replace(
            "1,Alpha,Government of Alpha,Alpha Front,1,1991,1,", "1,Alpha,Government of Alpha,Alpha Front,1,19x1,1,"
        )
    )
    (tmp_path / "ucdp.csv").write_text(bad)
    with pytest.raises(PanelInputError, match=r"ucdp\.csv:3: year: expected an integer, found '19x1'"):
        build_panel(tmp_path / "ucdp.csv", FIXTURE / "nmc.csv", FIXTURE / "pax.csv")
    (tmp_path / "pax.csv").write_text((FIXTURE / "pax.csv").read_text().replace(",Cea,1,", ",Truce,1,", 1))
    with pytest.raises(PanelInputError, match=r"pax\.csv:2: Stage: expected one of Cea, Pre"):
        build_panel(FIXTURE / "ucdp.csv", FIXTURE / "nmc.csv", tmp_path / "pax.csv")
    with pytest.raises(PanelInputError, match=r"nope\.csv: expected a CSV file, found no file"):
        build_panel(tmp_path / "nope.csv", FIXTURE / "nmc.csv", FIXTURE / "pax.csv")


def test_every_column_documented_in_docstring_and_docs() -> None:
    from accord.analysis import panel as panel_module

    frame = fixture_panel().frame
    assert list(frame.columns) == [c.name for c in COLUMNS]
    doc = panel_module.__doc__ or ""
    for c in COLUMNS:
        assert f"| `{c.name}` |" in doc and c.meaning
    assert DOCS.read_text(encoding="utf-8") == docs_markdown(), (
        "docs/panel.md is stale: run `accord panel docs -o docs/panel.md`"
    )
    assert columns_markdown() in docs_markdown()


def test_shared_panel_joins() -> None:
    p = shared_panel()
    r = p.report
    f = p.frame
    assert r.ucdp_rows_read == 2734 and r.conflicts == 302
    assert r.conflict_years == len(f) and r.years_fighting == 2734 and r.last_year == 2024
    # every conflict runs from its first UCDP year to 2024, one row a year
    span = f.groupby("conflict_id").year.agg(["min", "max", "count"])
    assert (span["max"] == 2024).all() and (span["count"] == span["max"] - span["min"] + 1).all()
    assert r.pax_read == 1844
    assert (
        r.pax_matched
        + r.pax_dropped_withheld
        + r.pax_dropped_no_ucdp_conflict
        + r.pax_dropped_unknown_conflict
        + r.pax_dropped_before_first_year
        + r.pax_dropped_outside_coverage
        == r.pax_read
    )
    assert int(f.agreements_signed.sum()) == r.pax_matched
    assert sum(r.pax_matched_by_stage.values()) == r.pax_matched
    assert r.side_states_matched_remap.get("260->255", 0) > 0 and r.side_states_matched_remap.get("678->679", 0) > 0
    assert r.conflict_years_cap_observed == int(f.cap_observed.sum()) > 1000


def test_no_armenia_azerbaijan_rows() -> None:
    f = shared_panel().frame
    assert 388 not in set(f.conflict_id)
    for a, b in zip(f.states_a, f.states_b, strict=True):
        sa, sb = set(a.split(";")), set(b.split(";"))
        assert not ({"371", "373"} <= (sa | sb) and ({"371", "373"} & sa) and ({"371", "373"} & sb))
    assert not f.location.str.contains(re.compile("armenia|karabakh", re.I)).any()
    # what is left that names either is not the dyad: UCDP 206 (Iran against the Azerbaijani People's
    # Government, 1946), 376 (the Soviet government against the Republic of Armenia, 1990-91) and 396
    # (Azerbaijan's government against Husseinov's faction, 1993-95)
    names = (f.location + " " + f.side_a + " " + f.side_b).str.contains(
        re.compile("armenia|azerbaijan|karabakh|artsakh", re.I)
    )
    assert set(f.loc[names, "conflict_id"]) <= {206, 376, 396}
    assert shared_panel().report.ucdp_rows_dropped_withheld == 0  # withheld at the source, as documented


def test_parquet_round_trip_and_cli(tmp_path: Path) -> None:
    p = fixture_panel()
    write_panel(p, tmp_path / "p.parquet")
    back = read_panel(tmp_path / "p.parquet")
    pd.testing.assert_frame_equal(back.frame, p.frame)
    assert back.report.to_dict() == p.report.to_dict()
    out = tmp_path / "cli.parquet"
    res = CliRunner().invoke(
        app,
        ["panel", "build", "--ucdp", str(FIXTURE / "ucdp.csv"), "--nmc", str(FIXTURE / "nmc.csv"),
         "--pax", str(FIXTURE / "pax.csv"), "-o", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Join report" in res.output and "matched 4 to 2 conflicts" in res.output
    pd.testing.assert_frame_equal(read_panel(out).frame, p.frame)
    res = CliRunner().invoke(
        app, ["panel", "build", "--ucdp", str(tmp_path / "none.csv"), "--nmc", "x", "--pax", "y", "-o", str(out)]
    )
    assert res.exit_code == 2 and "expected a CSV file, found no file" in res.output


def test_shared_files_are_those_documented() -> None:
    files = panel_files()
    assert all(p.is_file() for p in files.values())
