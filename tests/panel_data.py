"""Where the tests find the conflict panel's data: the project's shared/data/panel (next to the
checkout, as in CI), or ACCORD_PANEL_DATA; the panel is built once per test session."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from accord.analysis.panel import Panel, build_panel

FIXTURE = Path(__file__).resolve().parent / "data" / "panel_fixture"
SHARED_PANEL = Path(__file__).resolve().parents[2] / "shared" / "data" / "panel"
PANEL_DIR = Path(os.environ.get("ACCORD_PANEL_DATA", SHARED_PANEL))
FILES = {"ucdp": "ucdp_prio_acd_v25_1.csv", "nmc": "cow_nmc_v6_0_abridged.csv", "pax": "pax_agreements.csv"}


def panel_files() -> dict[str, Path]:
    """The three shared files, or skip (with the reason) where they are not present."""
    paths = {k: PANEL_DIR / v for k, v in FILES.items()}
    absent = [str(p) for p in paths.values() if not p.is_file()]
    if absent:
        pytest.skip(f"shared panel data not available ({', '.join(absent)}); CI has it")
    return paths


@cache
def _built(ucdp: Path, nmc: Path, pax: Path) -> Panel:
    return build_panel(ucdp, nmc, pax)


def shared_panel() -> Panel:
    f = panel_files()
    return _built(f["ucdp"], f["nmc"], f["pax"])


def fixture_panel() -> Panel:
    return _built(FIXTURE / "ucdp.csv", FIXTURE / "nmc.csv", FIXTURE / "pax.csv")
