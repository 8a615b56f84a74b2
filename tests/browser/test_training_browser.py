"""A training session in three separate headless Chromium sessions (facilitator, ARM, AZE): the
mediator's text reaches the seats' pages over the event stream, both sign, the facilitator runs the
step and every page shows the agreement; no page of AZE shows any of ARM's confidential values;
unauthenticated and cross-session requests are refused; the debrief's figure renders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_harness import CHROMEDRIVER, CHROMIUM, full_page_screenshot, require_browser
from test_dashboard_browser import wait_for

from accord.api import load
from accord.training.service import Trainer
from accord.training.session import SessionSpec
from accord.training.store import TrainingStore
from accord.web.app import create_app


def _numbers(obj: Any) -> set[str]:
    if isinstance(obj, dict):
        return set().union(*(_numbers(v) for v in obj.values())) if obj else set()
    if isinstance(obj, list):
        return set().union(*(_numbers(v) for v in obj)) if obj else set()
    if isinstance(obj, float) and len(repr(obj).split(".")[-1]) >= 3:
        return {repr(obj)}
    return set()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Any]:
    """``chromium(name)``: a new headless Chromium with its own profile (no shared cookies or storage)."""
    require_browser()
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers: list[Any] = []

    def make(name: str) -> Any:
        opts = webdriver.ChromeOptions()
        opts.binary_location = str(CHROMIUM)
        for flag in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            f"--user-data-dir={tmp_path / ('profile-' + name)}",
        ):
            opts.add_argument(flag)
        d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
        d.set_page_load_timeout(60)
        drivers.append(d)
        return d

    try:
        yield make
    finally:
        for d in drivers:
            d.quit()


def test_training_session_in_three_browsers(chromium: Any, serve: Any, artifacts: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    minsk = load("minsk-group")
    trainer = Trainer(TrainingStore(tmp_path / "t.sqlite"))
    sid, tok = trainer.start(minsk, SessionSpec("minsk-group", ("ARM", "AZE", "FRA"), None, 1997.0, 13))
    _, tok2 = trainer.start(minsk, SessionSpec("minsk-group", ("ARM", "AZE"), None, 1999.0, 1))
    base = serve(create_app(training=trainer))
    fac, arm, aze = chromium("facilitator"), chromium("arm"), chromium("aze")
    for b, who in ((fac, "facilitator"), (arm, "ARM"), (aze, "AZE")):
        b.get(f"{base}/t/{tok[who]}")
        wait_for(f"{who}'s page", lambda b=b: "year 1997" in b.find_element(By.ID, "clock").text)
    wait_for("the event stream", lambda: arm.find_element(By.ID, "live").text == "live")

    # the mediator seat (FRA) tables a process text; it reaches the seats without a reload
    with httpx.Client(base_url=base, headers={"Origin": base}) as c:
        r = c.post(f"/api/train/{tok['FRA']}/move", json={"session": sid, "type": "table", "agreement": "process"})
        assert r.status_code == 200, r.text
        arm_brief = c.get(f"/api/train/{tok['ARM']}/brief").json()
        aze_own = c.get(f"/api/train/{tok['AZE']}/brief").json()["confidential"]
    for b in (arm, aze):
        wait_for(
            "the text on the table",
            lambda b=b: b.find_element(By.CSS_SELECTOR, "#on-table [data-text='train.1'] button.sign"),
        )
    arm.find_element(By.NAME, "reason-train.1").send_keys("ARM-reason-k2")
    arm.find_element(By.CSS_SELECTOR, "#on-table [data-text='train.1'] button.sign").click()
    wait_for("ARM's answer shown to AZE", lambda: "ARM signs" in aze.find_element(By.ID, "on-table").text)
    aze.find_element(By.CSS_SELECTOR, "#on-table [data-text='train.1'] button.sign").click()
    wait_for("both answers at the facilitator", lambda: "AZE signs" in fac.find_element(By.ID, "on-table").text)
    fac.find_element(By.ID, "advance").click()
    for b in (fac, arm, aze):
        wait_for(
            "the agreement on every page",
            lambda b=b: (
                "year 1998" in b.find_element(By.ID, "clock").text
                and "process agreement signed" in b.find_element(By.ID, "timeline").text
            ),
        )
    wait_for("ARM's own result", lambda: "your reason: ARM-reason-k2" in arm.find_element(By.ID, "confidential").text)

    # nothing confidential of ARM's anywhere AZE can load: its page, its API, its event stream
    secret = (_numbers(arm_brief["confidential"]) - _numbers(arm_brief["public"]) - _numbers(aze_own)) | {
        "ARM-reason-k2"
    }
    assert len(secret) > 10
    aze_api = aze.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"fetch('/api/train/{tok['AZE']}/brief').then(r => r.text()).then(done);"
    )
    aze_stream = aze.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"const s = new EventSource('/api/train/{tok['AZE']}/events');"
        "s.addEventListener('version', e => { s.close(); done(e.data); });"
    )
    for where, body in (("page", aze.page_source), ("api", aze_api), ("stream", aze_stream)):
        leaked = [x for x in secret if x in body]
        assert not leaked, (where, leaked[:5])
    assert "0." in fac.find_element(By.ID, "seats").text  # the facilitator does see the seats' values

    # unauthenticated and cross-session requests are refused, in the browser too
    aze.get(f"{base}/t/not-a-seat-token")
    assert "no training seat" in aze.find_element(By.TAG_NAME, "body").text
    aze.get(f"{base}/t/{tok['AZE']}")
    status = aze.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"fetch('/api/train/{tok2['facilitator']}/move', {{method: 'POST', headers: {{'Content-Type': 'application/json'}},"
        f" body: JSON.stringify({{session: '{sid}', type: 'advance'}})}}).then(r => done(r.status));"
    )
    assert status == 403
    status = aze.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"fetch('/api/train/{tok['AZE']}/debrief').then(r => done(r.status));"
    )
    assert status == 403

    # the debrief renders its figure
    fac.get(f"{base}/t/{tok['facilitator']}/debrief.html")
    svg = wait_for("the war-risk figure", lambda: fac.find_element(By.CSS_SELECTOR, "#war-risk-figure svg"))
    assert svg.size["width"] > 200
    assert "FRA process text 1" in fac.find_element(By.ID, "session-texts").text
    full_page_screenshot(fac, artifacts / "training-debrief.png")
