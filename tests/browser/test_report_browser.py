"""The HTML report renders offline in headless Chromium, with every plot drawn (not blank)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
from browser_harness import full_page_screenshot, legend_count, legends_over_data

from accord.reports.report import write_report
from accord.scenario import load_scenario


def ink(png: bytes) -> tuple[float, float]:
    """Share of non-white pixels and the grey-level spread of a screenshot."""
    from PIL import Image

    px = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    return float((px < 200).mean()), float(px.std())


def check_report_in_browser(browser: Any, html: Path, shot: Path, expected: set[str]) -> None:
    from selenium.webdriver.common.by import By

    browser.get(html.resolve().as_uri())
    assert "accord report" in browser.title
    # the page asked for nothing over the network: every resource it loaded is the file itself
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded == [], loaded
    figures = {f.get_attribute("data-figure"): f for f in browser.find_elements(By.CSS_SELECTOR, "figure.plot")}
    assert expected <= set(figures), sorted(figures)
    for key, fig in figures.items():
        svg = fig.find_element(By.TAG_NAME, "svg")
        assert svg.size["width"] > 300 and svg.size["height"] > 100, (key, svg.size)
        browser.execute_script("arguments[0].scrollIntoView()", svg)
        share, spread = ink(svg.screenshot_as_png)
        assert share > 0.01 and spread > 10, f"figure {key} looks blank ({share:.3f} ink, spread {spread:.1f})"
    # legends sit outside the data: none meets a plotting area as the browser lays the page out
    assert legend_count(browser, "figure.plot svg") > 0
    assert legends_over_data(browser, "figure.plot svg") == []
    full_page_screenshot(browser, shot)
    share, _ = ink(shot.read_bytes())
    assert share > 0.02


def test_report_renders_offline_with_plots(browser: Any, tmp_path: Path, artifacts: Path) -> None:
    from accord.reports.compute import case_report_inputs

    s = load_scenario("example")
    r = case_report_inputs(
        s,
        origin="example (built-in)",
        formats=["minsk-group", "inclusive", "majority"],
        runs=60,
        seed=0,
        sensitivity_samples=2,
        replicates=2,
    )
    out = tmp_path / "report.html"
    write_report(r, out)
    check_report_in_browser(
        browser, out, artifacts / "report.png", {"timeline", "positions", "agreements", "fighting", "formats", "vetoes"}
    )
