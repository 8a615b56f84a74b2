"""The dashboard under attack, each attack of issue 13 (item 3) against a real uvicorn on 127.0.0.1.

CSRF via GET, cross-origin state changes, Host names (DNS rebinding) with ``--host 0.0.0.0`` and
``[::1]``, oversized and slow-to-parse bodies, 422s that echo the input, job floods, job ids
forgotten while running, workspace eviction by a flood, re-rendered downloads, missing headers.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from accord.analysis.runs import run_formats
from accord.cli.app import app as cli
from accord.web.app import Engine, create_app
from accord.web.jobs import QueueLimits
from accord.web.limits import Limits
from live_server import ipv6_loopback, live_server

EVIL = "http://evil.example"


@contextmanager
def dashboard(engine: Engine | None = None, **kw: Any) -> Iterator[tuple[httpx.Client, Any]]:
    """A real server, and a client that is the dashboard's own page (same Host and Origin)."""
    app = create_app(engine=engine or Engine(), **kw)
    with live_server(app) as base, httpx.Client(base_url=base, headers={"Origin": base}, timeout=30) as c:
        yield c, app


def open_case(c: httpx.Client, case: str = "example") -> str:
    r = c.post("/open", data={"case": case})
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).removeprefix("/w/")


def wait_job(c: httpx.Client, jid: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = c.get(f"/api/jobs/{jid}").json()
        if job["state"] in ("done", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.02)
    raise AssertionError("job did not end")


class GatedEngine:
    """Sweeps that wait for ``gate`` (so jobs stay queued or running while the test floods)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        base = Engine()
        self.engine = Engine(replay=base.replay, sweeps=self.sweeps)

    def sweeps(self, s: Any, *args: Any, **kw: Any) -> Any:
        if not self.gate.wait(30):
            raise AssertionError("the test never opened the gate")
        return run_formats(s, *args, **kw)


# -- CSRF via GET ---------------------------------------------------------------------------


def test_get_open_creates_no_workspace_however_often() -> None:
    with dashboard() as (c, app):
        for _ in range(210):  # what 210 <img src=".../open?case=example"> tags on any page would send
            r = c.get("/open?case=example", headers={"Origin": EVIL})
            assert r.status_code == 405
        assert len(app.state.workspaces) == 0
        # the index page opens a case with a form POST, which works
        page = c.get("/").text
        assert '<form method="post" action="/open">' in page and 'id="open-example"' in page
        wid = open_case(c)
        assert len(app.state.workspaces) == 1 and wid in app.state.workspaces
        for path in (f"/api/w/{wid}/edit", f"/api/w/{wid}/reset", f"/api/w/{wid}/run"):
            assert c.get(path).status_code == 405  # no state change over GET anywhere


# -- cross-origin state changes -------------------------------------------------------------


def test_state_changes_from_another_origin_are_refused_with_a_message() -> None:
    with dashboard() as (c, app):
        base = str(c.base_url).rstrip("/")
        wid = open_case(c)
        edit = {"actor": "ARM", "field": "salience", "issue": "districts", "value": 0.2}
        port = urlsplit(base).port
        other_port = f"http://127.0.0.1:{port + 1 if port and port < 65535 else 1}"
        for headers in (
            {"Origin": EVIL},
            {"Origin": "null"},  # a sandboxed frame or a redirected form
            {"Origin": other_port},  # another server on this machine is another origin
            {"Origin": base.replace("http://", "https://")},
            {"Origin": "", "Referer": f"{EVIL}/page"},
        ):
            for path, kw in (
                ("/open", {"data": {"case": "example"}}),
                (f"/api/w/{wid}/edit", {"json": edit}),
                (f"/api/w/{wid}/run", {"json": {"kind": "replay"}}),
                (f"/api/w/{wid}/reset", {"json": {}}),
            ):
                hs = {k: v for k, v in headers.items() if v}
                r = httpx.post(f"{base}{path}", headers=hs, timeout=10, **kw)  # type: ignore[arg-type]
                assert r.status_code == 403, (headers, path, r.status_code)
                assert r.json()["detail"].startswith("cross-origin request refused")
        # neither header at all (a non-browser client) is refused too, saying what is expected
        r = httpx.post(f"{base}/open", data={"case": "example"}, timeout=10)
        assert r.status_code == 403 and "expected an Origin or Referer header" in r.json()["detail"]
        assert len(app.state.workspaces) == 1
        ws = app.state.workspaces.get(wid)
        assert ws.edits == {} and ws.results_version == 0 and app.state.runner.get("x") is None
        # a same-origin Referer (no Origin) is accepted, as is the page's own Origin
        r = httpx.post(f"{base}/api/w/{wid}/edit", json=edit, headers={"Referer": f"{base}/w/{wid}"}, timeout=10)
        assert r.status_code == 200 and r.json() == {"ok": True, "edits": 1}


# -- Host names: DNS rebinding --------------------------------------------------------------


def _served_app_of_cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    """The app ``accord serve ARGS`` would run (uvicorn.run is caught, so nothing listens on 0.0.0.0)."""
    import uvicorn

    caught: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: caught.update(app=app, **kw))
    res = CliRunner().invoke(cli, ["serve", *args])
    assert res.exit_code == 0, res.output
    assert caught["proxy_headers"] is False
    return caught["app"]


def _get_with_host(base: str, host: str) -> int:
    return httpx.get(f"{base}/", headers={"Host": host}, timeout=10).status_code


def test_all_interfaces_keep_the_host_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from live_server import free_port

    app = _served_app_of_cli(
        monkeypatch,
        *("--host", "0.0.0.0", "--port", str(free_port()), "--allow-host", "lab.local"),
        *("--max-body-mib", "0.5", "--max-job-runs", "500", "--max-jobs", "3", "--max-workspaces", "7"),
    )
    lim = app.state.limits
    assert (lim.max_body_bytes, lim.max_job_runs, lim.queue.max_jobs, lim.max_workspaces) == (1 << 19, 500, 3, 7)
    with live_server(app) as base:
        port = urlsplit(base).port
        for good in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"lab.local:{port}", "LOCALHOST"):
            assert _get_with_host(base, good) == 200, good
        # a rebinding attacker's name resolved to 127.0.0.1 still sends its own name: refused
        for bad in (f"evil.example:{port}", "evil.example", "127.0.0.1.evil.example", "", "*", "0.0.0.0"):
            r = httpx.get(f"{base}/", headers={"Host": bad}, timeout=10)
            assert r.status_code == 400, bad
            assert "expected the address the dashboard listens on or a loopback name" in r.json()["detail"]
            assert "lab.local" not in r.text  # the refusal does not list the machine's names


def test_ipv6_loopback_answers_to_bracketed_host(monkeypatch: pytest.MonkeyPatch) -> None:
    from live_server import free_port

    app = _served_app_of_cli(monkeypatch, "--host", "::1", "--port", str(free_port()))
    with live_server(app) as base:  # Host [::1]:PORT reaches even a server on 127.0.0.1
        assert _get_with_host(base, f"[::1]:{urlsplit(base).port}") == 200
    if not ipv6_loopback():
        pytest.skip("no IPv6 loopback on this machine: the server on [::1] itself is not started")
    with live_server(app, host="::1") as base6:
        assert base6.startswith("http://[::1]:")
        assert httpx.get(f"{base6}/", timeout=10).status_code == 200
        r = httpx.post(f"{base6}/open", data={"case": "example"}, headers={"Origin": base6}, timeout=10)
        assert r.status_code == 303 and r.headers["location"].startswith("/w/")


# -- bodies: size limit before parsing, parsing off the event loop, short 422s ---------------


def _raw_request(base: str, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send ``head`` (and ``body``) on a raw socket; the status and body of the answer."""
    u = urlsplit(base)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(head.encode() + body)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < data.find(b"\r\n\r\n") + 4 + _length(data):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def test_an_oversized_body_is_refused_before_it_is_read() -> None:
    with dashboard() as (c, _):
        base = str(c.base_url).rstrip("/")
        wid = open_case(c)
        host = urlsplit(base).netloc
        # 40 MiB announced, none sent: the answer comes from the headers alone
        head = (
            f"POST /api/w/{wid}/edit HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {40 << 20}\r\n\r\n"
        )
        status, body = _raw_request(base, head)
        assert status == 413
        detail = json.loads(body)["detail"]
        assert f"expected at most {1 << 20} bytes, found {40 << 20}" in detail and "--max-body-mib" in detail
        # one byte over the default limit of 1 MiB, as a normal client sends it
        r = c.post(f"/api/w/{wid}/run", content=b" " * ((1 << 20) + 1), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        # at the limit it is read and parsed (and refused for what it says, not for its size)
        r = c.post(f"/api/w/{wid}/run", content=b" " * (1 << 20), headers={"Content-Type": "application/json"})
        assert r.status_code == 422


def test_a_chunked_body_is_counted_as_it_streams() -> None:
    with dashboard(limits=Limits(max_body_bytes=1000)) as (c, _):
        base = str(c.base_url).rstrip("/")
        wid = open_case(c)
        host = urlsplit(base).netloc
        head = (
            f"POST /api/w/{wid}/edit HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunks = b"".join(b"%x\r\n%s\r\n" % (600, b"x" * 600) for _ in range(4)) + b"0\r\n\r\n"
        status, body = _raw_request(base, head, chunks)
        assert status == 413 and "expected at most 1000 bytes" in json.loads(body)["detail"]


def test_a_large_body_is_parsed_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """While one body is being parsed (held here), every other request is still answered."""
    import accord.web.guard as guard

    parsing, release = threading.Event(), threading.Event()
    real_parse = guard.parse_model
    loop_threads: list[str] = []

    def held_parse(model: Any, raw: bytes) -> Any:
        loop_threads.append(threading.current_thread().name)
        parsing.set()
        release.wait(30)
        return real_parse(model, raw)

    monkeypatch.setattr(guard, "parse_model", held_parse)
    with dashboard() as (c, _):
        wid = open_case(c)
        big = json.dumps({"kind": "sweep", "formats": ["x" * 1000] * 1000})[: (1 << 20) - 10].encode()
        answer: dict[str, int] = {}

        def post_big() -> None:
            r = c.post(f"/api/w/{wid}/run", content=big, headers={"Content-Type": "application/json"})
            answer["status"] = r.status_code

        t = threading.Thread(target=post_big)
        t.start()
        assert parsing.wait(30)
        # the parse is held: if it ran on the event loop, these would wait for it (and time out)
        with httpx.Client(base_url=c.base_url, timeout=5) as other:
            assert other.get("/").status_code == 200
            assert other.get(f"/api/w/{wid}/results").status_code == 200
        release.set()
        t.join(30)
        assert answer["status"] == 422
        assert loop_threads and all(not n.startswith("MainThread") for n in loop_threads)


def test_a_422_never_echoes_the_input_back_at_length() -> None:
    with dashboard() as (c, _):
        wid = open_case(c)
        huge_list = {"kind": "sweep", "formats": ["minsk-group"] * 65_000}
        huge_text = {"kind": "sweep", "draws": "9" * 900_000}
        huge_key = {"kind": "replay", "x" * 900_000: 1}
        not_json = b"[" * 900_000
        for body in (json.dumps(huge_list).encode(), json.dumps(huge_text).encode(), json.dumps(huge_key).encode()):
            assert len(body) < 1 << 20
            r = c.post(f"/api/w/{wid}/run", content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 422 and len(r.content) < 2000, (r.status_code, len(r.content))
            assert r.json()["ok"] is False and r.json()["problems"]
        r = c.post(f"/api/w/{wid}/edit", content=not_json, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and len(r.content) < 2000
        r = c.post(f"/api/w/{wid}/edit", content=b"{}", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415 and "expected application/json" in r.json()["problems"][0]
        # a query parameter gets the same short answer
        r = c.post(
            "/open", content="case=" + "y" * 900_000, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert r.status_code == 404 and len(r.content) < 2000


# -- job floods -----------------------------------------------------------------------------


def test_a_job_flood_is_refused_with_429_per_workspace_and_in_all() -> None:
    gated = GatedEngine()
    limits = Limits(max_job_runs=1000, queue=QueueLimits(max_jobs=3, max_jobs_per_owner=2, max_pending_runs=1500))
    with dashboard(gated.engine, limits=limits) as (c, _):
        a, b = open_case(c), open_case(c)
        sweep = {"kind": "sweep", "formats": ["minsk-group"], "draws": 100}
        jobs = [c.post(f"/api/w/{a}/run", json=sweep).json()["job"]["id"] for _ in range(2)]
        r = c.post(f"/api/w/{a}/run", json=sweep)
        assert (
            r.status_code == 429 and "this workspace already has 2 runs waiting or running" in r.json()["problems"][0]
        )
        assert r.headers["retry-after"]
        # the queue's total of replays: 200 waiting, 1000 more fit, 1400 do not
        r = c.post(f"/api/w/{b}/run", json={"kind": "sweep", "formats": ["minsk-group", "bilateral"], "draws": 500})
        assert r.status_code == 200
        jobs.append(r.json()["job"]["id"])
        r = c.post(f"/api/w/{b}/run", json={"kind": "replay"})
        assert r.status_code == 429 and "the run queue is full (3 runs waiting or running)" in r.json()["problems"][0]
        # one run may not ask for more than max_job_runs, nor name a format twice (a malformed request: 422)
        r = c.post(f"/api/w/{b}/run", json={"kind": "sweep", "formats": ["inclusive"] * 20, "draws": 1})
        assert (
            r.status_code == 422 and "expected each format once, found 'inclusive' 20 times" in r.json()["problems"][0]
        )
        r = c.post(f"/api/w/{b}/run", json={"kind": "sweep", "formats": ["minsk-group", "bilateral"], "draws": 501})
        assert r.status_code == 422
        assert "501 draws × 2 formats = 1002 replays" in r.json()["problems"][0] and "--max-job-runs" in r.text
        # a cancelled waiting run frees its place at once
        assert c.post(f"/api/jobs/{jobs[1]}/cancel", json={}).json()["state"] == "cancelled"
        r = c.post(f"/api/w/{a}/run", json={"kind": "replay"})
        assert r.status_code == 200
        jobs.append(r.json()["job"]["id"])
        gated.gate.set()
        states = [wait_job(c, j)["state"] for j in jobs]
        assert states == ["done", "cancelled", "done", "done"]
        assert c.post(f"/api/w/{b}/run", json={"kind": "replay"}).status_code == 200


def test_a_running_job_stays_known_however_many_jobs_end_around_it() -> None:
    gated = GatedEngine()
    limits = Limits(queue=QueueLimits(max_jobs=50, max_jobs_per_owner=50, keep_ended=3))
    with dashboard(gated.engine, limits=limits) as (c, _):
        a, b = open_case(c), open_case(c)
        running = c.post(f"/api/w/{a}/run", json={"kind": "sweep", "draws": 10}).json()["job"]["id"]
        queued = [c.post(f"/api/w/{b}/run", json={"kind": "replay"}).json()["job"]["id"] for _ in range(20)]
        for j in queued:
            assert c.post(f"/api/jobs/{j}/cancel", json={}).status_code == 200  # 20 jobs end
        for _ in range(5):
            assert c.get(f"/api/jobs/{running}").status_code == 200  # still known while it runs
        assert c.get(f"/api/jobs/{queued[0]}").status_code == 404  # ended, beyond the 3 kept
        assert c.get(f"/api/jobs/{queued[-1]}").status_code == 200
        gated.gate.set()
        assert wait_job(c, running)["state"] == "done"
        assert c.get(f"/api/jobs/{running}").status_code == 200  # and through its grace period


def test_ended_jobs_are_forgotten_after_the_grace_period_only() -> None:
    from accord.web.jobs import JobRunner

    now = [0.0]
    runner = JobRunner(QueueLimits(grace_s=60), clock=lambda: now[0])
    gate = threading.Event()
    job = runner.submit("sweep", lambda j, p: gate.wait(30), lambda j: None)
    now[0] = 10_000.0  # running for ages: never forgotten
    assert runner.get(job.id) is job
    gate.set()
    deadline = time.monotonic() + 30
    while job.state != "done" and time.monotonic() < deadline:
        time.sleep(0.01)
    now[0] += 59
    assert runner.get(job.id) is job
    now[0] += 2
    assert runner.get(job.id) is None
    runner.shutdown()


# -- workspace eviction ---------------------------------------------------------------------


def test_a_flood_of_opens_never_evicts_an_edited_workspace() -> None:
    with dashboard(limits=Limits(max_workspaces=5)) as (c, app):
        mine = open_case(c)
        edit = {"actor": "ARM", "field": "salience", "issue": "districts", "value": 0.2}
        assert c.post(f"/api/w/{mine}/edit", json=edit).json()["ok"]
        flood = [open_case(c) for _ in range(60)]  # a local process opening case after case
        assert len(app.state.workspaces) == 5
        assert c.get(f"/w/{mine}").status_code == 200
        assert "dashboard-edit" in c.get(f"/w/{mine}/download/scenario.yaml").text
        assert c.get(f"/w/{flood[0]}").status_code == 404  # the untouched ones made room
        # once every workspace holds work, opening another is refused and nothing is evicted
        for wid in flood[-4:]:
            assert c.post(f"/api/w/{wid}/edit", json=edit).json()["ok"]
        r = c.post("/open", data={"case": "example"})
        assert r.status_code == 429 and "workspaces with recent edits or results" in r.json()["problems"][0]
        assert "--max-workspaces" in r.json()["problems"][0]
        assert all(c.get(f"/w/{w}").status_code == 200 for w in [mine, *flood[-4:]])


def test_an_edited_workspace_idle_past_the_limit_makes_room() -> None:
    from accord.web.store import StoreFull, WorkspaceStore

    now = [0.0]
    store: WorkspaceStore[dict[str, bool]] = WorkspaceStore(
        2, touched=lambda w: w["edited"], idle_s=100, clock=lambda: now[0]
    )
    store.add("old", {"edited": True})
    now[0] = 50
    store.add("recent", {"edited": True})
    with pytest.raises(StoreFull):
        store.add("new", {"edited": False})
    now[0] = 120  # "old" idle 120 s, "recent" 70 s
    store.add("new", {"edited": False})
    assert "old" not in store and "recent" in store and "new" in store


# -- reports cached per job -----------------------------------------------------------------


def test_downloads_do_not_re_render_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    import accord.web.app as web_app

    renders: list[int] = []
    real = web_app.render_html

    def counting(r: Any) -> str:
        renders.append(1)
        time.sleep(0.2)  # long enough that parallel downloads overlap
        return real(r)

    monkeypatch.setattr(web_app, "render_html", counting)
    with dashboard() as (c, _):
        wid = open_case(c)
        job = c.post(f"/api/w/{wid}/run", json={"kind": "sweep", "formats": ["minsk-group"], "draws": 20}).json()
        assert wait_job(c, job["job"]["id"])["state"] == "done"
        results = [c.get(f"/api/w/{wid}/results").json() for _ in range(3)]
        assert results[0] == results[2]
        answers: list[bytes] = []

        def download(name: str) -> None:
            with httpx.Client(base_url=c.base_url, timeout=30) as other:
                answers.append(other.get(f"/w/{wid}/download/{name}").content)

        threads = [threading.Thread(target=download, args=(n,)) for n in ["report.html", "results.zip"] * 5]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(answers) == 10 and len(set(answers)) == 2
        assert len(renders) == 1
        # an edit is a new state: the next download draws once more
        c.post(f"/api/w/{wid}/edit", json={"actor": "ARM", "field": "salience", "issue": "districts", "value": 0.3})
        assert "0.3" in c.get(f"/w/{wid}/download/scenario.yaml").text
        c.get(f"/w/{wid}/download/report.html")
        assert len(renders) == 2


# -- headers --------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers() -> None:
    with dashboard(limits=Limits(max_body_bytes=100)) as (c, _):
        base = str(c.base_url).rstrip("/")
        wid = open_case(c)
        answers: list[tuple[str, httpx.Response]] = [
            ("index", c.get("/")),
            ("page", c.get(f"/w/{wid}")),
            ("script", c.get("/static/app.js")),
            ("api", c.get(f"/api/w/{wid}/results")),
            ("download", c.get(f"/w/{wid}/download/scenario.yaml")),
            ("404", c.get("/w/nope")),
            ("405", c.get("/open")),
            ("403", c.post("/open", data={"case": "example"}, headers={"Origin": EVIL})),
            ("413", c.post(f"/api/w/{wid}/edit", content=b"x" * 200, headers={"Content-Type": "application/json"})),
            ("400", httpx.get(f"{base}/", headers={"Host": "evil.example"})),
        ]
        for what, r in answers:
            h = r.headers
            assert h["x-frame-options"] == "DENY", what
            assert h["x-content-type-options"] == "nosniff", what
            assert h["referrer-policy"] == "same-origin", what
            csp = h["content-security-policy"]
            assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp, what
        assert [r.status_code for _, r in answers[5:]] == [404, 405, 403, 413, 400]


def test_pages_have_no_inline_script() -> None:
    import re

    with dashboard() as (c, _):
        index, dash = c.get("/").text, c.get(f"/w/{open_case(c)}").text
        assert '<script src="/static/app.js"></script>' in dash
        for page in (index, dash):
            scripts = re.findall(r"<script\b[^>]*>", page, flags=re.I)
            assert all('src="/static/' in s for s in scripts)
            assert not re.search(r"<script\b[^>]*>\s*[^<\s]", page, flags=re.I)  # no script body
            assert not re.search(r"\son[a-z]+\s*=", page, flags=re.I)  # no event-handler attributes
            assert "javascript:" not in page.lower()
