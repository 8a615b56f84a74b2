"""The browser harness itself: skip locally without Chromium, fail in CI without it."""

from __future__ import annotations

from pathlib import Path

import _pytest.outcomes
import browser_harness as harness
import pytest


def test_missing_browser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no browser: .*no-chromium not installed"):
        harness.require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(_pytest.outcomes.Failed, match="browser tests need Chromium in CI"):
        harness.require_browser()
