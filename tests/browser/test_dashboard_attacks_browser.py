"""The dashboard hardening seen from a real browser: another site's page cannot drive it, and the
dashboard's page stops polling a run the server no longer knows, and says why."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from test_dashboard_browser import wait_for

from accord.analysis.runs import run_formats
from accord.web.app import Engine, create_app
from accord.web.jobs import QueueLimits
from accord.web.limits import Limits

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Any, Any], Awaitable[None]]


class Recorder:
    """Wraps an ASGI app and records (method, path, status) of every answered request."""

    def __init__(self, app: Any):
        self.app = app
        self.seen: list[tuple[str, str, int]] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def recording(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.seen.append((scope["method"], scope["path"], int(message["status"])))
            await send(message)

        await self.app(scope, receive, recording)

    def count(self, method: str, path_start: str) -> int:
        return sum(1 for m, p, _ in self.seen if m == method and p.startswith(path_start))


def attacker_site(target: str, wid: str) -> Starlette:
    """Another web site the user visits: it tries every way a page has to drive the dashboard."""
    page = f"""<!DOCTYPE html><html><body><h1>cat pictures</h1>
{"".join(f'<img src="{target}/open?case=example&n={i}" width="1" height="1">' for i in range(30))}
<iframe name="sink" src="about:blank"></iframe>
<form id="f" method="post" action="{target}/open" target="sink"><input type="hidden" name="case" value="example"></form>
<script>
(async () => {{
  const edit = JSON.stringify({{actor: "ARM", field: "salience", issue: "districts", value: 0.01}});
  // a "simple" request needs no preflight: the browser sends it, with this site's Origin
  try {{ await fetch("{target}/api/w/{wid}/edit", {{method: "POST", mode: "no-cors", body: edit,
    headers: {{"Content-Type": "text/plain"}}}}); }} catch (e) {{}}
  try {{ await fetch("{target}/api/w/{wid}/run", {{method: "POST", mode: "no-cors",
    body: JSON.stringify({{kind: "sweep", draws: 20000}})}}); }} catch (e) {{}}
  document.getElementById("f").submit();
  document.title = "sent";
}})();
</script></body></html>"""

    async def index(_: Any) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(routes=[Route("/", index)])


def test_another_site_cannot_open_edit_or_run(browser: Any, serve: Any) -> None:
    from selenium.webdriver.common.by import By

    dash = create_app(engine=Engine())
    rec = Recorder(dash)
    base = serve(rec)
    browser.get(base + "/")
    browser.find_element(By.ID, "open-example").click()  # the user's own workspace, opened by POST
    wait_for("the dashboard", lambda: browser.find_element(By.ID, "actors"))
    wid = browser.execute_script("return document.getElementById('app').dataset.workspace")
    assert len(dash.state.workspaces) == 1

    evil = serve(attacker_site(base, wid))  # another port: another origin
    browser.get(evil + "/")
    wait_for("the attacker's requests", lambda: rec.count("POST", "/open") >= 2 and rec.count("POST", "/api/") >= 2)
    wait_for("the <img> requests", lambda: rec.count("GET", "/open") >= 30)
    assert {s for m, p, s in rec.seen if m == "GET" and p == "/open"} == {405}
    cross = [(m, p, s) for m, p, s in rec.seen if m == "POST"][1:]  # after the user's own open
    assert cross and all(s == 403 for _, _, s in cross), cross
    assert len(dash.state.workspaces) == 1
    ws = dash.state.workspaces.get(wid)
    assert ws.edits == {} and ws.results_version == 0


def test_the_page_stops_polling_a_run_the_server_forgot(browser: Any, serve: Any) -> None:
    from selenium.webdriver.common.by import By

    gate = threading.Event()
    base_engine = Engine()

    def gated_sweeps(s: Any, *args: Any, **kw: Any) -> Any:
        gate.wait(30)
        return run_formats(s, *args, **kw)

    # an ended job is forgotten at once, as after a restart of the server
    dash = create_app(
        engine=Engine(replay=base_engine.replay, sweeps=gated_sweeps), limits=Limits(queue=QueueLimits(grace_s=0))
    )
    rec = Recorder(dash)
    base = serve(rec)
    browser.get(base + "/")
    browser.find_element(By.ID, "open-example").click()
    wait_for("the dashboard", lambda: browser.find_element(By.ID, "actors"))
    browser.find_element(By.ID, "run-sweep").click()
    wait_for("polling", lambda: rec.count("GET", "/api/jobs/") >= 2)
    gate.set()
    problems = lambda: browser.find_element(By.ID, "run-problems").text  # noqa: E731
    wait_for("the page to say why", lambda: "the server no longer knows this run" in problems())
    assert browser.find_element(By.ID, "run-status").text == "sweep: lost"
    assert browser.find_element(By.ID, "run-sweep").is_enabled()  # the buttons work again
    polls = rec.count("GET", "/api/jobs/")
    assert [s for m, p, s in rec.seen if m == "GET" and p.startswith("/api/jobs/")][-1] == 404
    time.sleep(1.5)  # six polling intervals: none may come
    assert rec.count("GET", "/api/jobs/") == polls
