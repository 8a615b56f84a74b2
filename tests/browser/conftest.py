"""Headless Chromium (Debian's /usr/bin/chromium driven by /usr/bin/chromedriver) for browser tests.

Locally the tests skip, saying why, when Chromium is not installed; in CI (``CI=true``) a
missing browser is a failure, because ``.ci/run`` installs it. Selenium is given both paths, and
Selenium Manager is told to stay offline, so nothing is downloaded. Screenshots go to
``$ACCORD_TEST_ARTIFACTS`` (default ``build/test-artifacts``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ helpers
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_harness import CHROMEDRIVER, CHROMIUM, require_browser  # noqa: E402

from live_server import live_server  # noqa: E402


@pytest.fixture(scope="session")
def artifacts() -> Path:
    d = Path(os.environ.get("ACCORD_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    d = tmp_path / "downloads"
    d.mkdir()
    return d


@pytest.fixture
def browser(tmp_path: Path, downloads: Path) -> Iterator[Any]:
    require_browser()
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch drivers or browsers
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console messages, CSP reports among them
    opts.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def serve() -> Iterator[Any]:
    """``serve(app) -> base URL``: run an ASGI app with uvicorn on 127.0.0.1 in a thread."""
    with contextlib.ExitStack() as stack:
        yield lambda app: stack.enter_context(live_server(app))


@pytest.fixture
def engine() -> Any:
    """The engine the dashboard test runs: the real one."""
    from accord.web.app import Engine

    return Engine()
