"""Helpers of the browser tests: where Chromium is, skip-or-fail when it is not, screenshots."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

#: set to 1 to run the suite as on a machine without Chromium (``.ci/run`` does, to prove that
#: the README's test command passes on a fresh machine)
HIDE_ENV = "ACCORD_HIDE_BROWSER"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def hidden() -> bool:
    return os.environ.get(HIDE_ENV, "").strip().lower() in ("true", "1", "yes")


def require_browser() -> None:
    if hidden():  # an explicit request, so it wins over CI=true
        pytest.skip(f"no browser: {HIDE_ENV} is set (run as on a machine without Chromium)")
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    why = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if in_ci():
        pytest.fail(f"browser tests need Chromium in CI: {why}", pytrace=False)
    pytest.skip(f"no browser: {why}")


def full_page_screenshot(driver: Any, path: Path, width: int = 1280) -> Path:
    height = int(driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)"))
    driver.set_window_size(width, min(max(height + 40, 800), 12000))
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.2)
    driver.save_screenshot(str(path))
    return path


# The rendered box of every legend in a page's matplotlib SVGs, and of every axes' plotting area
# (its background patch): a legend that meets a plotting area can cover data.
_LEGENDS_OVER_DATA = """
const out = [];
for (const svg of document.querySelectorAll(arguments[0])) {
  const holder = svg.closest("figure");
  const name = holder ? (holder.dataset.figure || holder.id) : "svg";
  const areas = [...svg.querySelectorAll('g[id^="axes_"]')]
    .map((g) => g.querySelector(':scope > g[id^="patch_"]'))
    .filter((p) => p !== null)
    .map((p) => p.getBoundingClientRect());
  for (const leg of svg.querySelectorAll('g[id^="legend_"]')) {
    const r = leg.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    for (const a of areas) {
      if (r.left < a.right - 1 && r.right > a.left + 1 && r.top < a.bottom - 1 && r.bottom > a.top + 1) {
        out.push(`${name}: legend at ${Math.round(r.left)},${Math.round(r.top)} over a plotting area`);
      }
    }
  }
}
return out;
"""


def legends_over_data(driver: Any, selector: str = "figure svg") -> list[str]:
    """Every legend, as the browser lays it out, that meets an axes' plotting area (empty when every
    legend sits outside the data)."""
    return list(driver.execute_script(_LEGENDS_OVER_DATA, selector))


def legend_count(driver: Any, selector: str = "figure svg") -> int:
    """How many legends the page's SVG figures draw (so a check over them is not vacuous)."""
    return int(driver.execute_script(f"return document.querySelectorAll('{selector} g[id^=\"legend_\"]').length"))
