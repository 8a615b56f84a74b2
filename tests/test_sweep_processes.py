"""`accord sweep` as a real process under faults: killed (SIGKILL, SIGTERM, SIGINT) it leaves no
worker or resource-tracker process behind; a second writer during a sweep is refused; a full
disk (a small tmpfs) and a read-only folder are located errors (exit 2) after which `--resume`
gives the table of an uninterrupted sweep, byte for byte.

Mounting needs a private mount namespace (`unshare`; as root, or a user namespace otherwise);
where none can be made the tmpfs test skips with the reason, and the read-only test falls back
to `chmod` (which does not bind root, so as root it skips)."""

from __future__ import annotations

import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from accord.analysis.storage import sha256_file
from accord.analysis.sweep import CHUNKS, LOCK, MANIFEST, RESULTS, SCENARIO_COPY, results_sha256, run_sweep
from accord.scenario import load_scenario
from accord.simulation import BatchResult, run_batch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals and processes")

ACCORD = [sys.executable, "-c", "from accord.cli.app import main; main()"]
SWEEP = [*ACCORD, "sweep", "example", "--seed", "7", "--workers", "1"]


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _in_session(sid: int) -> list[psutil.Process]:
    found = []
    for p in psutil.process_iter():
        try:
            if os.getsid(p.pid) == sid and p.pid != os.getpid():
                found.append(p)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def _left_after(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while True:
        left = [p for p in procs if _alive(p)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _wait_for_chunks(proc: subprocess.Popen[bytes], out: Path, n: int, err: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        folder = out / CHUNKS
        if folder.is_dir() and len(list(folder.glob("chunk-*.parquet"))) >= n:
            return
        assert proc.poll() is None, f"the sweep ended before it could be killed: {err.read_text()[-2000:]}"
        time.sleep(0.05)
    raise AssertionError(f"no {n} chunks written in time: {err.read_text()[-2000:]}")


@pytest.mark.parametrize(
    ("backend", "sig"),
    [
        pytest.param("local", signal.SIGKILL, id="local-kill-9"),
        pytest.param("local", signal.SIGTERM, id="local-term"),
        pytest.param("local", signal.SIGINT, id="local-int"),
        pytest.param("dask", signal.SIGKILL, id="dask-kill-9"),
    ],
)
def test_killing_a_sweep_leaves_no_process_behind(tmp_path: Path, backend: str, sig: signal.Signals) -> None:
    out, err = tmp_path / "s", tmp_path / "stderr.txt"
    cmd = [*ACCORD, "sweep", "example", "--runs", "100000", "--chunk-size", "20", "--out", str(out)]
    cmd += ["--workers", "2", "--backend", backend]
    with err.open("w") as fh:
        # its own session: every process it starts can be found by session id, even once orphaned
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=fh, start_new_session=True)
    tree: list[psutil.Process] = []
    try:
        _wait_for_chunks(proc, out, 3, err)
        tree = psutil.Process(proc.pid).children(recursive=True)
        workers = [p for p in tree if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) >= 2, [p.cmdline() for p in tree]
        if backend == "local" and sig == signal.SIGKILL:
            # a resume (or any second writer) while the sweep runs is refused, naming it
            busy = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=120)
            assert busy.returncode == 2, busy.stderr
            assert f"{out}: another sweep is writing here: process {proc.pid} on " in busy.stderr
            assert "choose another --out" in busy.stderr and "Traceback" not in busy.stderr
            assert proc.poll() is None
        os.kill(proc.pid, sig)
        rc = proc.wait(timeout=60)
        left = _left_after([*tree, *_in_session(proc.pid)], timeout=20)
        assert left == [], f"left behind: {[(p.pid, p.cmdline()) for p in left if _alive(p)]}"
    finally:
        for p in [proc, *tree]:
            if isinstance(p, subprocess.Popen):
                if p.poll() is None:
                    p.kill()
                    p.wait()
            elif _alive(p):
                p.kill()
    text = err.read_text()
    assert "Traceback" not in text
    if sig == signal.SIGKILL:
        assert rc == -signal.SIGKILL
    elif sig == signal.SIGTERM:
        assert rc == 143 and "terminated (SIGTERM); resume with: accord sweep example --runs 100000" in text
    else:
        assert rc == 130 and "interrupted; resume with: accord sweep example --runs 100000" in text
    assert "--resume" in text or sig == signal.SIGKILL


# -- a full disk and a read-only folder ------------------------------------------------------


KW = {"runs": 230, "chunk_size": 50, "seed": 7}
ARGS = ["--runs", "230", "--chunk-size", "50"]


def _mount_namespace(tmp_path: Path) -> list[str] | None:
    """A command prefix that runs in a private mount namespace where mounting is allowed (the
    mounts vanish with it), or None with the reason printed."""
    unshare = shutil.which("unshare")
    if not sys.platform.startswith("linux") or unshare is None:
        return None
    prefix = [unshare, "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        prefix[1:1] = ["--user", "--map-root-user"]
    probe = tmp_path / "probe"
    probe.mkdir(exist_ok=True)
    r = subprocess.run([*prefix, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
    if r.returncode != 0:
        print(f"cannot mount here: {r.stderr.decode(errors='replace').strip()}")
        return None
    return prefix


def _in_namespace(prefix: list[str], script: str) -> None:
    # a wide terminal: the summary table must not wrap "(N computed, M kept)" under a long tmp path
    env = {**os.environ, "COLUMNS": "200"}
    r = subprocess.run([*prefix, "sh", "-c", script], capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, f"the script failed: {r.stdout}\n{r.stderr}"


def _reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An uninterrupted sweep; its chunk files (the results) size the small disk."""
    out = tmp_path / "ref"
    run_sweep(load_scenario("example"), out, **KW)  # type: ignore[arg-type]
    return out


def _pages(n: int) -> int:
    page = os.sysconf("SC_PAGE_SIZE")
    return math.ceil(n / page) * page


def _q(cmd: list[str]) -> str:
    return shlex.join(cmd)


@pytest.mark.parametrize("full_at", ["chunks", "last-chunk"])
def test_a_full_disk_is_a_located_error_and_a_later_resume_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full_at: str
) -> None:
    prefix = _mount_namespace(tmp_path)
    if prefix is None:
        pytest.skip("needs permission to mount a tmpfs (root, or unshare with user namespaces)")
    ref = _reference(tmp_path, monkeypatch)
    chunks = [_pages((ref / CHUNKS / f"chunk-{k:06d}.parquet").stat().st_size) for k in range(5)]
    # what else the folder holds (the manifest twice: it is replaced by a new copy), then room
    # for all but half of the file that should not fit: chunk 2, or the last chunk (nothing is
    # assembled at the end: the chunk files are the results)
    base = _pages((ref / SCENARIO_COPY).stat().st_size) + 2 * _pages((ref / MANIFEST).stat().st_size) + _pages(1)
    if full_at == "chunks":
        size, failing = base + chunks[0] + chunks[1] + chunks[2] // 2, f"{RESULTS}/chunk-000002.parquet"
    else:
        size, failing = base + sum(chunks[:4]) + chunks[4] // 2, f"{RESULTS}/chunk-000004.parquet"
    disk, work = tmp_path / "disk", tmp_path / "work"
    disk.mkdir()
    work.mkdir()
    out = disk / "s"
    sweep = _q([*SWEEP, *ARGS, "--out", str(out)])
    _in_namespace(
        prefix,
        f"""set -e
mount -t tmpfs -o size={size} tmpfs {disk}
set +e
{sweep} > /dev/null 2> {work}/full.err; echo $? > {work}/full.rc
ls -A {out} {out}/{CHUNKS} > {work}/full.ls 2>&1
set -e
mount -t tmpfs -o remount,size=64m tmpfs {disk}
set +e
{sweep} --resume > {work}/resumed.out 2> {work}/resumed.err; echo $? > {work}/resumed.rc
cp -r {out}/{RESULTS} {work}/{RESULTS}
ls -A {out} > {work}/resumed.ls
""",
    )
    err = (work / "full.err").read_text()
    assert (work / "full.rc").read_text().strip() == "2", err
    assert (
        f"{out / failing}: cannot write: no space left on the device; free some space or write to another disk. "
        "Nothing finished is lost: once that is done, continue with --resume and the same --out"
    ) in err
    assert "Traceback" not in err and "OSError" not in err
    listing = (work / "full.ls").read_text()
    assert ".tmp-" not in listing, listing
    kept = 2 if full_at == "chunks" else 4
    assert all(f"chunk-{k:06d}.parquet" in listing for k in range(kept)), listing
    assert (work / "resumed.rc").read_text().strip() == "0", (work / "resumed.err").read_text()
    assert f"({5 - kept} computed, {kept} kept)" in (work / "resumed.out").read_text()
    assert results_sha256(work) == results_sha256(ref), "the resumed results equal the uninterrupted ones"
    assert sorted((work / "resumed.ls").read_text().split()) == sorted([MANIFEST, RESULTS, SCENARIO_COPY])


class _Crash(RuntimeError):
    pass


def _crashing_runner(after: int):  # type: ignore[no-untyped-def]
    def runner(*args, **kw) -> BatchResult:  # type: ignore[no-untyped-def]
        if kw["batch_index"] >= after:
            raise _Crash("simulated failure")
        return run_batch(*args, **kw)

    return runner


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


@pytest.fixture
def writable_again() -> Iterator[list[Path]]:
    made: list[Path] = []
    yield made
    for p in made:
        if p.exists():
            p.chmod(0o755)


def test_a_read_only_folder_is_a_located_error_and_a_later_resume_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writable_again: list[Path]
) -> None:
    out, work = tmp_path / "s", tmp_path / "work"
    work.mkdir()
    with pytest.raises(_Crash):  # a sweep stopped after 2 of its 5 chunks
        run_sweep(load_scenario("example"), out, runner=_crashing_runner(2), **KW)  # type: ignore[arg-type]
    before = _snapshot(out)
    resume = [*SWEEP, *ARGS, "--out", str(out), "--resume"]
    fresh = [*SWEEP, *ARGS, "--out", str(out / "new")]  # a new sweep inside the read-only folder
    prefix = _mount_namespace(tmp_path)
    if prefix is not None:  # a read-only bind mount: read-only even for root
        reason = "the file system is read-only; write to a writable folder (or remount it read-write)"
        _in_namespace(
            prefix,
            f"""set -e
mount --bind {out} {out}
mount -o remount,bind,ro {out}
set +e
{_q(resume)} > /dev/null 2> {work}/resume.err; echo $? > {work}/resume.rc
{_q(fresh)} > /dev/null 2> {work}/fresh.err; echo $? > {work}/fresh.rc
""",
        )
    elif os.geteuid() != 0:
        reason = "permission denied; make the folder writable for this user, or write to another folder"
        for p in (out, out / CHUNKS):
            p.chmod(0o555)
            writable_again.append(p)
        for name, cmd in (("resume", resume), ("fresh", fresh)):
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            (work / f"{name}.err").write_text(r.stderr)
            (work / f"{name}.rc").write_text(str(r.returncode))
        for p in writable_again:
            p.chmod(0o755)
    else:
        pytest.skip("as root chmod does not make a folder read-only, and no mount namespace can be made here")
    for name, path in (("resume", out / LOCK), ("fresh", out / "new")):
        err = (work / f"{name}.err").read_text()
        assert (work / f"{name}.rc").read_text().strip() == "2", err
        assert f"{path}: cannot write: {reason}. Nothing finished is lost" in err, err
        assert "continue with --resume and the same --out" in err and "Traceback" not in err
    assert _snapshot(out) == before, "a refused sweep changes nothing in the folder"

    done = subprocess.run(resume, capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert "(3 computed, 2 kept)" in done.stdout
    ref = tmp_path / "ref"
    run_sweep(load_scenario("example"), ref, **KW)  # type: ignore[arg-type]
    assert results_sha256(out) == results_sha256(ref)


ABORT_SCRIPT = """
import signal, sys
from accord.analysis.executors import LocalExecutor

def big(i):
    return bytes(30 * 2**20)  # long enough to send that an abort finds a worker sending it

if __name__ == "__main__":
    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGALRM, stop)
    ex = LocalExecutor(2)
    try:
        signal.setitimer(signal.ITIMER_REAL, float(sys.argv[1]))
        for _ in ex.map_unordered(big, range(10**6)):
            pass
    except KeyboardInterrupt:
        ex.abort()
    print("aborted", flush=True)
"""


@pytest.mark.parametrize("after", ["1.3", "1.6", "1.9"])
def test_an_abort_while_a_worker_sends_its_result_does_not_hang_the_exit(tmp_path: Path, after: str) -> None:
    """Workers stopped half-way through sending a result once left the pool's manager thread
    waiting for the rest, and the interpreter's exit (which joins it) hung (7 runs in 8)."""
    script = tmp_path / "abort.py"
    script.write_text(ABORT_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), after], stdout=subprocess.PIPE, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError("the process hung on exit after the abort") from None
    assert proc.returncode == 0 and out.strip() == b"aborted"
