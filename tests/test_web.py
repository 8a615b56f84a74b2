"""The dashboard's HTTP API: edits validated like files, runs, results, downloads."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from accord.cli.app import app as cli
from accord.scenario import Scenario
from accord.simulation import Replay, replay
from accord.web.app import Engine, create_app

SEEN: list[Scenario] = []


def fake_engine(seen: list[Scenario] | None = None) -> Engine:
    """The real engine, with replays that record the scenario they ran on."""

    def recording_replay(s: Scenario, **kw: object) -> Replay:
        if seen is not None:
            seen.append(s)
        return replay(s, **kw)  # type: ignore[arg-type]

    return Engine(replay=recording_replay)


def local_client(app: FastAPI) -> TestClient:
    """A client as the dashboard's own pages are: same Host and Origin."""
    return TestClient(app, base_url="http://127.0.0.1", headers={"Origin": "http://127.0.0.1"})


@pytest.fixture
def client() -> Iterator[TestClient]:
    SEEN.clear()
    with local_client(create_app(engine=fake_engine(SEEN))) as c:
        yield c


def _open(client: TestClient, case: str = "example") -> str:
    r = client.post("/open", data={"case": case}, follow_redirects=False)
    assert r.status_code == 303
    return str(r.headers["location"]).rsplit("/", 1)[-1]


def _wait(client: TestClient, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed", "cancelled"):
            return dict(job)
        time.sleep(0.02)
    raise AssertionError("job did not finish")


def test_index_lists_cases_and_dashboard_shows_editable_table(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and 'id="open-example"' in r.text
    wid = _open(client)
    page = client.get(f"/w/{wid}").text
    assert 'name="sal-ARM-districts"' in page and 'name="pos-AZE-status"' in page and 'name="cap-NK"' in page
    assert "/static/app.js" in page and "http" not in page.split("<body>")[1].replace("http://127.0.0.1", "")
    assert client.get("/static/app.js").status_code == 200


def test_invalid_edit_is_refused_with_the_same_message_as_validate(
    client: TestClient, tmp_path: Path, example_text: str
) -> None:
    wid = _open(client)
    r = client.post(f"/api/w/{wid}/edit", json={"actor": "ARM", "field": "salience", "issue": "status", "value": "1.5"})
    assert r.status_code == 422
    problems = r.json()["problems"]
    # the same edit made in the file, checked by `accord validate`
    edited = example_text.replace(
        "status: {value: 0.9, assumption: salience-core}", "status: {value: 1.5, assumption: salience-core}", 1
    )
    f = tmp_path / "edited.yaml"
    f.write_text(edited)
    res = CliRunner().invoke(cli, ["validate", str(f)])
    assert res.exit_code == 2
    want = res.output.strip().removeprefix(f"{f}:")  # line:col: field: message
    got = problems[0].removeprefix("example (built-in):")
    line = next(
        k for k, t in enumerate(example_text.splitlines(), 1) if "status: {value: 0.9, assumption: salience-core}" in t
    )
    assert got == want == f"{line}:15: actors[0].salience.status: expected a salience between 0 and 1, found 1.5"
    # text that is not a number is refused too, in the validator's words
    r = client.post(
        f"/api/w/{wid}/edit", json={"actor": "ARM", "field": "position", "issue": "status", "value": "lots"}
    )
    assert r.status_code == 422
    pos_line = next(
        k for k, t in enumerate(example_text.splitlines(), 1) if "status: {value: 95, assumption: coding}" in t
    )
    assert r.json()["problems"] == [
        f"example (built-in):{pos_line}:23: actors[0].positions.status.value: expected a number, found text 'lots'"
    ]
    for bad in (
        {"actor": "XXX", "field": "position", "issue": "status", "value": 5},
        {"actor": "ARM", "field": "position", "issue": "nope", "value": 5},
    ):
        r = client.post(f"/api/w/{wid}/edit", json=bad)
        assert r.status_code == 422 and r.json()["problems"][0].startswith("example (built-in):")


def test_valid_edit_is_applied_and_labelled_then_reset(client: TestClient) -> None:
    wid = _open(client)
    r = client.post(
        f"/api/w/{wid}/edit", json={"actor": "ARM", "field": "salience", "issue": "districts", "value": "0.2"}
    )
    assert r.json() == {"ok": True, "edits": 1}
    y = client.get(f"/w/{wid}/download/scenario.yaml").text
    assert "dashboard-edit" in y and "value: 0.2" in y
    assert client.post(f"/api/w/{wid}/edit", json={"actor": "ARM", "field": "capability", "value": 2}).json()["ok"]
    assert "scale: 2" in client.get(f"/w/{wid}/download/scenario.yaml").text
    client.post(f"/api/w/{wid}/reset")
    assert "dashboard-edit" not in client.get(f"/w/{wid}/download/scenario.yaml").text


def test_replay_and_sweep_run_in_background_and_results_download(client: TestClient) -> None:
    wid = _open(client)
    assert client.get(f"/api/w/{wid}/results").json()["figures"] == {}
    client.post(f"/api/w/{wid}/edit", json={"actor": "ARM", "field": "salience", "issue": "districts", "value": 0.25})
    job = client.post(f"/api/w/{wid}/run", json={"kind": "replay", "formats": ["inclusive"], "seed": 4}).json()["job"]
    assert _wait(client, job["id"])["state"] == "done"
    res = client.get(f"/api/w/{wid}/results").json()
    assert set(res["figures"]) == {"timeline", "positions"}
    assert SEEN[-1].actor("ARM").salience["districts"].nominal == 0.25  # the replay ran on the edited case
    assert res["events"][0]["kind"] == "start" and res["events"][0]["text"].startswith("start under inclusive")
    job = client.post(
        f"/api/w/{wid}/run", json={"kind": "sweep", "formats": ["minsk-group", "inclusive"], "draws": 40}
    ).json()["job"]
    done = _wait(client, job["id"])
    assert done["state"] == "done" and done["done"] == done["total"] == 80
    res = client.get(f"/api/w/{wid}/results").json()
    assert {"agreements", "fighting", "formats", "vetoes"} <= set(res["figures"]) and res["version"] == 2
    assert [f["format"] for f in res["formats"]] == ["minsk-group", "inclusive"]
    assert res["comparison"]["history"] == "counterfactual" and res["comparison"]["runs"] == 40
    z = zipfile.ZipFile(io.BytesIO(client.get(f"/w/{wid}/download/results.zip").content))
    names = set(z.namelist())
    assert names == {"example/scenario.yaml", "example/replay.json", "example/sweep.csv", "example/report.html"}
    csv = z.read("example/sweep.csv").decode()
    # the edit fixed the example's only uncertain input, so nothing is drawn: no in.* column
    assert csv.splitlines()[0].startswith("format,draw,agreement,") and len(csv.splitlines()) == 81
    assert "<svg" in z.read("example/report.html").decode()


def test_bad_run_requests_are_refused(client: TestClient) -> None:
    wid = _open(client)
    r = client.post(f"/api/w/{wid}/run", json={"kind": "sweep", "formats": ["nope"]})
    assert r.status_code == 422 and "expected one of" in r.json()["problems"][0]
    assert client.post(f"/api/w/{wid}/run", json={"kind": "sweep", "draws": 0}).status_code == 422
    assert client.post(f"/api/w/{wid}/run", json={"kind": "exec", "draws": 1}).status_code == 422
    r = client.post(f"/api/w/{wid}/run", json={"kind": "sweep", "history": "sometimes"})
    assert r.status_code == 422 and "history: expected imposed, counterfactual" in r.json()["problems"][0]
    assert client.get("/w/doesnotexist").status_code == 404
    assert client.post("/open", data={"case": "nope"}).status_code == 404
    assert client.get(f"/w/{wid}/download/../../etc/passwd").status_code == 404


def test_only_local_host_names_are_served() -> None:
    with TestClient(create_app(engine=fake_engine()), base_url="http://evil.example") as c:
        assert c.get("/").status_code == 400


def test_serve_refuses_a_bad_scenario_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: {name: x}\n")
    res = CliRunner().invoke(cli, ["serve", "--scenario", str(bad), "--port", "8765"])
    assert res.exit_code == 2 and "bad.yaml:1:" in res.output


def test_real_engine_runs_an_edited_scenario() -> None:
    with local_client(create_app()) as c:
        wid = _open(c)
        edit = {"actor": "AZE", "field": "salience", "issue": "status", "value": 0.3}
        assert c.post(f"/api/w/{wid}/edit", json=edit).json()["ok"]
        job = c.post(f"/api/w/{wid}/run", json={"kind": "replay", "formats": ["inclusive"], "seed": 1}).json()["job"]
        assert _wait(c, job["id"])["state"] == "done"
        res = c.get(f"/api/w/{wid}/results").json()
        assert res["events"] and res["events"][0]["kind"] == "start" and res["steps"] > 0
        replay_json = c.get(f"/w/{wid}/download/replay.json").json()
        assert replay_json["format"] == "inclusive" and replay_json["seed"] == 1
        job = c.post(
            f"/api/w/{wid}/run", json={"kind": "sweep", "formats": ["minsk-group", "bilateral"], "draws": 30}
        ).json()["job"]
        done = _wait(c, job["id"])
        assert done["state"] == "done", done
        res = c.get(f"/api/w/{wid}/results").json()
        assert [f["draws"] for f in res["formats"]] == [30, 30]


def test_scenario_text_is_escaped_in_the_dashboard(example_text: str, tmp_path: Path) -> None:
    from accord.web.app import load_catalog

    evil = (
        example_text.replace("name: Armenia", "name: '<script>alert(1)</script>'")
        .replace('title: "Karabakh talks 1994-1999 (small teaching case)"', 'title: "<img src=x onerror=alert(2)>"')
        .replace("name: example", "name: evil")
    )
    f = tmp_path / "evil.yaml"
    f.write_text(evil)
    catalog = load_catalog([str(f)])
    assert {"example", "evil"} <= set(catalog)
    with local_client(create_app(catalog, engine=fake_engine())) as c:
        assert "&lt;img src=x onerror=alert(2)&gt;" in c.get("/").text
        page = c.get(f"/w/{_open(c, 'evil')}").text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_a_sweep_can_be_cancelled(client: TestClient) -> None:
    import threading
    from collections.abc import Callable

    gate = threading.Event()

    def slow_sweeps(s: Scenario, formats: list[str | None], *, progress: Callable[..., None], **kw: object) -> dict:  # type: ignore[type-arg]
        gate.wait(10)
        progress(0, 1, "the run service reports progress before each chunk")
        raise AssertionError("not cancelled")

    with local_client(create_app(engine=Engine(sweeps=slow_sweeps))) as c:
        wid = _open(c)
        job = c.post(f"/api/w/{wid}/run", json={"kind": "sweep", "draws": 10}).json()["job"]
        assert c.post(f"/api/jobs/{job['id']}/cancel").status_code == 200
        gate.set()
        assert _wait(c, job["id"])["state"] == "cancelled"
        assert c.get(f"/api/w/{wid}/results").json()["formats"] == []


def test_no_favicon_404(client: TestClient) -> None:
    assert client.get("/favicon.ico").status_code == 204
