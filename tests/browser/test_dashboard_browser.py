"""The dashboard driven in headless Chromium: open a case, change a salience (and see a bad edit
refused), run a replay and a sweep, see the charts and the event log update, download the results."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import Any

from browser_harness import full_page_screenshot, legend_count, legends_over_data

from accord.web.app import create_app


def wait_for(what: str, cond: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            v = cond()
        except Exception:  # the element is not there yet
            v = None
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def app_version(browser: Any) -> str:
    return str(browser.execute_script("return document.getElementById('app').dataset.resultsVersion"))


def set_cell(browser: Any, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    cell = browser.find_element(By.NAME, name)
    cell.clear()
    cell.send_keys(value, Keys.ENTER)


def test_dashboard_edit_run_and_download(
    browser: Any, serve: Any, engine: Any, downloads: Path, artifacts: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    base = serve(create_app(engine=engine))
    browser.get(base + "/")
    browser.find_element(By.ID, "open-example").click()
    wait_for("the dashboard", lambda: browser.find_element(By.ID, "actors"))
    text = lambda el_id: browser.find_element(By.ID, el_id).text  # noqa: E731

    # a bad edit is refused with accord validate's message, and not applied
    set_cell(browser, "sal-AZE-status", "1.7")
    wait_for("the refusal", lambda: "expected a salience between 0 and 1, found 1.7" in text("problems"))
    assert "actors[1].salience.status" in text("problems")
    assert "refused" in browser.find_element(By.NAME, "sal-AZE-status").get_attribute("class")
    set_cell(browser, "sal-AZE-status", "0.9")
    wait_for("the fix", lambda: not browser.find_element(By.ID, "problems").is_displayed())

    # a good edit, on an uncertain number that becomes fixed
    assert browser.find_elements(By.CSS_SELECTOR, '.uncertain[data-for="sal-ARM-districts"]')
    set_cell(browser, "sal-ARM-districts", "0.25")
    wait_for("the edit", lambda: "1 edit(s) applied" in text("edit-status"))
    assert not browser.find_elements(By.CSS_SELECTOR, '.uncertain[data-for="sal-ARM-districts"]')

    # replay: timeline and positions charts, and the event log
    assert browser.find_elements(By.CSS_SELECTOR, "#event-log tbody tr") == []
    browser.find_element(By.ID, "run-replay").click()
    wait_for("the replay", lambda: text("run-status") == "replay: done")
    wait_for("the replay charts", lambda: browser.find_element(By.CSS_SELECTOR, "#chart-timeline svg"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#event-log tbody tr")
    assert len(rows) > 0 and rows[0].find_elements(By.TAG_NAME, "td")[1].text == "start"
    assert app_version(browser) == "1"
    assert browser.find_element(By.CSS_SELECTOR, "#chart-positions svg").size["height"] > 100

    # sweep over two formats: progress, then bands and the format comparison
    draws = browser.find_element(By.ID, "draws")
    draws.clear()
    draws.send_keys("60")
    browser.find_element(By.ID, "run-sweep").click()
    wait_for("the sweep", lambda: text("run-status") == "sweep: done")
    wait_for("the sweep charts", lambda: browser.find_element(By.CSS_SELECTOR, "#chart-agreements svg"))
    assert app_version(browser) == "2"
    table = browser.find_elements(By.CSS_SELECTOR, "#format-table tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in table] == ["minsk-group", "bilateral"]
    assert all(r.find_elements(By.TAG_NAME, "td")[1].text == "60" for r in table)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#event-log tbody tr")) == len(rows)  # the replay's log stays
    assert browser.find_element(By.CSS_SELECTOR, "#chart-formats svg").size["width"] > 300
    # every chart's legend sits outside its data, as the browser lays the dashboard out
    assert legend_count(browser, "#charts figure svg") > 0
    assert legends_over_data(browser, "#charts figure svg") == []
    assert browser.find_element(By.ID, "progress").get_attribute("value") == browser.find_element(
        By.ID, "progress"
    ).get_attribute("max")
    full_page_screenshot(browser, artifacts / "dashboard.png")

    # download everything
    browser.find_element(By.ID, "download-zip").click()
    zpath = wait_for(
        "the download",
        lambda: next((p for p in downloads.glob("*.zip") if not p.name.endswith(".crdownload")), None),
        timeout=60,
    )
    time.sleep(0.3)
    with zipfile.ZipFile(zpath) as z:
        names = set(z.namelist())
        assert names == {"example/scenario.yaml", "example/replay.json", "example/sweep.csv", "example/report.html"}
        scenario_yaml = z.read("example/scenario.yaml").decode()
        assert "value: 0.25" in scenario_yaml and "dashboard-edit" in scenario_yaml
        sweep = z.read("example/sweep.csv").decode().splitlines()
        assert len(sweep) == 1 + 2 * 60
    # the Content-Security-Policy blocked nothing the page needs (the charts' SVG styles among it)
    refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert refused == []
    return None


def test_the_edit_table_scrolls_in_its_box_with_the_actor_column_pinned(browser: Any, serve: Any, engine: Any) -> None:
    from selenium.webdriver.common.by import By

    base = serve(create_app(engine=engine))
    browser.get(base + "/")
    browser.find_element(By.ID, "open-minsk-group").click()  # 8 issues: wider than the page
    wait_for("the dashboard", lambda: browser.find_element(By.ID, "actors"))
    pinned = browser.execute_script(
        """const box = document.querySelector('.table-scroll');
        const cell = () => document.querySelector('#actors tr[data-actor] td').getBoundingClientRect().left;
        const before = cell(); box.scrollLeft = box.scrollWidth;
        const moved = box.scrollLeft; const after = cell();
        const last = [...document.querySelectorAll('#actors tr:first-child th')].pop().getBoundingClientRect();
        const inside = last.right <= box.getBoundingClientRect().right + 1;
        box.scrollLeft = 0;
        return [box.scrollWidth > box.clientWidth, moved, before, after, box.getBoundingClientRect().left, inside];"""
    )
    scrolls, moved, before, after, left, inside = pinned
    # it scrolled inside its own box, the last issue came into view, and the actor column stayed put
    assert scrolls and moved > 0 and inside, pinned
    assert abs(after - before) < 1.5 and abs(after - left) < 3, pinned
