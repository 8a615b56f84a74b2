"""The browser harness itself: skip locally without Chromium, fail in CI without it."""

from __future__ import annotations

from pathlib import Path

import _pytest.outcomes
import browser_harness as harness
import pytest


@pytest.mark.parametrize("driver_installed", [True, False])
def test_missing_browser_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, driver_installed: bool
) -> None:
    # the message must not depend on what this machine has installed (a fresh one has neither)
    driver = tmp_path / "chromedriver"
    if driver_installed:
        driver.write_text("")
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(harness, "CHROMEDRIVER", driver)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(harness.HIDE_ENV, raising=False)
    with pytest.raises(
        pytest.skip.Exception, match=r"no browser: \S*no-chromium( and \S*chromedriver)? not installed"
    ) as e:
        harness.require_browser()
    assert ("chromedriver" in str(e.value)) is not driver_installed
    monkeypatch.setenv("CI", "true")
    with pytest.raises(_pytest.outcomes.Failed, match="browser tests need Chromium in CI"):
        harness.require_browser()


def test_hidden_browser_is_treated_as_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CHROMIUM", "CHROMEDRIVER"):
        (tmp_path / name).write_text("")
        monkeypatch.setattr(harness, name, tmp_path / name)
    monkeypatch.delenv("CI", raising=False)
    harness.require_browser()  # both present: nothing to say
    monkeypatch.setenv(harness.HIDE_ENV, "1")
    for ci in ("", "true"):  # skipped, not failed, even in CI: the hidden run is CI's fresh-machine check
        monkeypatch.setenv("CI", ci)
        with pytest.raises(pytest.skip.Exception, match=r"ACCORD_HIDE_BROWSER is set"):
            harness.require_browser()
