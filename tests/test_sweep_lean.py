"""The lean results layout (accord.analysis.lean): what a sweep stores and what its readers rebuild.

A sweep's results read back are the numbers an in-memory run of the same draws gives, bit for
bit (the BatchResult, the wide table and the summary); constant columns are stored once; the
drawn inputs, left out by default, are drawn again exactly (checked against the digest the sweep
recorded); the encoding is exact on any values (NaN, -0.0, infinities) and shapes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accord.analysis import lean
from accord.analysis.runs import plan_chunks, run_formats
from accord.analysis.sweep import (
    MANIFEST,
    SCENARIO_COPY,
    SweepError,
    chunk_path,
    load_batch,
    load_results,
    run_sweep,
    summarize_results,
)
from accord.cli.app import app
from accord.mechanisms.ratification import REASONS
from accord.scenario import Scenario, load_scenario
from accord.simulation import BatchResult, run_batch
from accord.simulation.results import _PER_DRAW

MINSK = {"runs": 250, "chunk_size": 100, "seed": 5}


@pytest.fixture(scope="module")
def minsk() -> Scenario:
    return load_scenario("minsk-group")


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario("example")


@pytest.fixture(scope="module")
def minsk_sweep(minsk: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("minsk") / "s"
    run_sweep(minsk, out, **MINSK)  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def minsk_in_memory(minsk: Scenario) -> BatchResult:
    (batch,) = run_formats(
        minsk, [None], runs=MINSK["runs"], seed=MINSK["seed"], history="imposed", chunk_size=MINSK["chunk_size"]
    ).values()
    return batch


def assert_same_bits(a: BatchResult, b: BatchResult, *, inputs: bool = True) -> None:
    for name in ("actor_ids", "issue_ids", "proposal_ids", "format_ids", "agreement_types", "history"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.years.dtype == b.years.dtype and a.years.tobytes() == b.years.tobytes()
    for name in _PER_DRAW:
        x, y = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        assert (x.dtype, x.shape) == (y.dtype, y.shape), name
        assert x.tobytes() == y.tobytes(), f"{name}: not the same bits"
    if inputs:
        assert list(a.inputs) == list(b.inputs)
        for k in a.inputs:
            assert a.inputs[k].dtype == b.inputs[k].dtype and a.inputs[k].tobytes() == b.inputs[k].tobytes(), k


def test_a_minsk_sweep_reads_back_bit_for_bit_as_the_run_service_computes_it(
    minsk_sweep: Path, minsk_in_memory: BatchResult
) -> None:
    back = load_batch(minsk_sweep)
    assert back.draws == MINSK["runs"]
    assert_same_bits(back, minsk_in_memory)
    # the wide table: exactly the in-memory batch's, plus the run ids
    want = pd.DataFrame({"run": np.arange(MINSK["runs"]), **minsk_in_memory.columns()})
    pd.testing.assert_frame_equal(load_results(minsk_sweep), want, check_exact=True)
    # and chunk by chunk, the engine's own batches
    for c in plan_chunks(MINSK["runs"], MINSK["chunk_size"]):
        direct = run_batch(load_scenario("minsk-group"), draws=c.draws, seed=MINSK["seed"], batch_index=c.index)
        sl = slice(c.start, c.start + c.draws)
        for name in _PER_DRAW:
            assert np.asarray(getattr(back, name))[sl].tobytes() == np.asarray(getattr(direct, name)).tobytes(), name


def test_the_summary_equals_the_in_memory_numbers(minsk_sweep: Path, minsk_in_memory: BatchResult) -> None:
    b = minsk_in_memory
    years = b.agreement_year[~np.isnan(b.agreement_year)]
    want = {
        "runs": float(b.draws),
        "p_agreement": float(b.agreement.sum()) / b.draws,
        "median_agreement_year": float(np.median(years)) if years.size else float("nan"),
        "p_war": float((b.wars > 0).sum()) / b.draws,
        "vetoes_per_replay": float(b.vetoes.sum()) / b.draws,
    }
    got = summarize_results(minsk_sweep)
    assert got.keys() == want.keys()
    for k, v in want.items():
        assert got[k] == v or (np.isnan(got[k]) and np.isnan(v)), k


def test_constant_columns_are_stored_once_and_arrays_in_long_form(
    minsk_sweep: Path, minsk_in_memory: BatchResult
) -> None:
    table = pq.read_table(chunk_path(minsk_sweep, 0))
    wide = minsk_in_memory.columns()
    meta = lean.layout_of(table.schema)
    assert len(table.column_names) < 60 < 1000 < len(wide), "a few dozen stored columns for ~1,500 wide ones"
    assert not [c for c in table.column_names if c.startswith("in.")], "the inputs are not stored by default"
    assert table.schema.field("agreement_proposal").type == pa.dictionary(pa.int32(), pa.string())
    for name in table.column_names:  # what is stored as a plain column varies within the chunk
        col = table.column(name)
        if not pa.types.is_list(col.type) and not pa.types.is_dictionary(col.type) and name != "run":
            assert len(col.unique()) > 1, name
    dropped = list(meta["const"])
    assert dropped and all(k in wide for k in dropped)
    for k in dropped:  # a dropped column held one value in every row of the chunk
        dtype, value = meta["const"][k]
        v = np.ascontiguousarray(wide[k][:100])
        assert v.dtype == np.dtype(dtype) and all(v[i : i + 1].tobytes().hex() == value for i in range(100)), k
    assert "final_status_quo" in meta["derived"]
    assert {"status_quo_by_year.at", "status_quo_by_year.value", "vetoes.at", "in_force_by_year.at"} <= set(
        table.column_names
    )


def test_inputs_drawn_again_equal_the_stored_ones_bit_for_bit(example: Scenario, tmp_path: Path) -> None:
    kw = {"runs": 130, "chunk_size": 50, "seed": 11}
    run_sweep(example, tmp_path / "redrawn", **kw)  # type: ignore[arg-type]
    run_sweep(example, tmp_path / "stored", store_inputs=True, **kw)  # type: ignore[arg-type]
    stored_table = pq.read_table(chunk_path(tmp_path / "stored", 0))
    assert any(c.startswith("in.") for c in stored_table.column_names)
    assert not any(c.startswith("in.") for c in pq.read_table(chunk_path(tmp_path / "redrawn", 0)).column_names)
    stored, redrawn = load_batch(tmp_path / "stored"), load_batch(tmp_path / "redrawn")
    assert stored.inputs and list(stored.inputs) == list(redrawn.inputs)
    for k in stored.inputs:
        assert stored.inputs[k].tobytes() == redrawn.inputs[k].tobytes(), k
    assert_same_bits(stored, redrawn)
    (batch,) = run_formats(example, [None], runs=130, seed=11, history="imposed", chunk_size=50).values()
    assert_same_bits(redrawn, batch)
    # stored inputs need no scenario to read; drawing them again needs the one that was run
    (tmp_path / "stored" / SCENARIO_COPY).unlink()
    assert_same_bits(load_batch(tmp_path / "stored"), batch)
    size = {k: sum(p.stat().st_size for p in (tmp_path / k / "results").iterdir()) for k in ("stored", "redrawn")}
    assert size["redrawn"] < size["stored"]
    assert json.loads((tmp_path / "stored" / MANIFEST).read_text())["store_inputs"] is True


def test_a_changed_scenario_copy_is_refused_when_the_inputs_must_be_drawn_again(
    example: Scenario, tmp_path: Path
) -> None:
    out = tmp_path / "s"
    run_sweep(example, out, runs=60, chunk_size=30, seed=2)
    copy = out / SCENARIO_COPY
    copy.write_text(copy.read_text().replace("0.4", "0.41", 1))
    with pytest.raises(SweepError, match=f"{copy}: expected the scenario the manifest's hash names"):
        load_batch(out)
    assert load_batch(out, inputs=False).inputs == {}  # what needs no inputs still reads
    summarize_results(out)


def test_inputs_that_differ_from_their_digest_are_refused(example: Scenario) -> None:
    b = run_batch(example, draws=20, seed=3)
    table = lean.encode(b, np.arange(20), store_inputs=False)
    back = lean.decode(table, redraw=lambda: b.inputs)
    assert_same_bits(back, b)
    other = {k: v + (1e-12 if i == 0 else 0.0) for i, (k, v) in enumerate(b.inputs.items())}
    with pytest.raises(ValueError, match="the inputs drawn again differ from those the sweep drew"):
        lean.decode(table, redraw=lambda: other)


def _perturbing_runner(*args, **kw) -> BatchResult:  # type: ignore[no-untyped-def]
    b = run_batch(*args, **kw)
    b.inputs = {k: v * (1 + 2**-40) for k, v in b.inputs.items()}  # not what drawing them again gives
    return b


def test_inputs_that_do_not_draw_again_are_stored_whatever_was_asked(example: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "s"
    run_sweep(example, out, runs=60, chunk_size=30, seed=2, runner=_perturbing_runner)
    assert any(c.startswith("in.") for c in pq.read_table(chunk_path(out, 0)).column_names)
    back = load_batch(out)
    direct = _perturbing_runner(example, draws=30, seed=2, batch_index=1)
    for k, v in direct.inputs.items():
        assert back.inputs[k][30:].tobytes() == v.tobytes()


def test_compression_is_an_option_kept_on_resume(example: Scenario, tmp_path: Path) -> None:
    kw = {"runs": 90, "chunk_size": 30, "seed": 4}
    run_sweep(example, tmp_path / "z", **kw)  # type: ignore[arg-type]
    run_sweep(example, tmp_path / "l", compression="lz4", **kw)  # type: ignore[arg-type]
    run_sweep(example, tmp_path / "n", compression="none", **kw)  # type: ignore[arg-type]
    ref = load_results(tmp_path / "z")
    for k in "ln":
        pd.testing.assert_frame_equal(load_results(tmp_path / k), ref, check_exact=True)
    meta = pq.ParquetFile(chunk_path(tmp_path / "l", 0)).metadata
    assert meta.row_group(0).column(0).compression == "LZ4"
    assert json.loads((tmp_path / "l" / MANIFEST).read_text())["compression"] == "lz4"
    with pytest.raises(SweepError, match=r"compression: stored 'lz4', asked 'zstd'"):
        run_sweep(example, tmp_path / "l", resume=True, compression="zstd", **kw)  # type: ignore[arg-type]
    assert run_sweep(example, tmp_path / "l", resume=True, **kw).chunks_computed == 0  # type: ignore[arg-type]
    with pytest.raises(SweepError, match=r"compression: expected one of zstd, lz4, snappy, gzip, brotli, none"):
        run_sweep(example, tmp_path / "x", compression="zip", **kw)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


def test_accord_sweep_takes_compression_and_store_inputs(tmp_path: Path) -> None:
    cli = CliRunner()
    out = tmp_path / "s"
    args = ["sweep", "example", "--runs", "40", "--chunk-size", "20", "--workers", "1", "--out", str(out)]
    r = cli.invoke(app, [*args, "--compression", "snappy", "--store-inputs"])
    assert r.exit_code == 0, r.output
    m = json.loads((out / MANIFEST).read_text())
    assert m["compression"] == "snappy" and m["store_inputs"] is True
    r = cli.invoke(app, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    bad = cli.invoke(app, [*args[:-1], str(tmp_path / "t"), "--compression", "zip"])
    assert bad.exit_code == 2 and "compression: expected one of zstd" in bad.output, bad.output


# -- the encoding on any values and shapes -----------------------------------------------------

_SPECIAL = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf, 1.5, 1e-300, 5e-324])


def _values(rng: np.random.Generator, shape: tuple[int, ...], dtype: str, spread: float) -> np.ndarray:
    """Few distinct values where ``spread`` is small (constants, long runs), many where it is large."""
    n = max(1, int(spread * 10))
    if dtype == "bool":
        return rng.random(shape) < spread
    if dtype == "int":
        return rng.integers(0, n + 1, shape).astype(np.int64)
    pool = np.concatenate([_SPECIAL, rng.normal(size=n)])
    return pool[rng.integers(0, min(len(pool), 3 + n), shape)]


def _random_batch(seed: int, D: int, A: int, I: int, Y: int, spread: float) -> BatchResult:  # noqa: E741
    rng = np.random.default_rng(seed)
    T, R = 3, len(REASONS)

    def v(shape: tuple[int, ...], dtype: str) -> np.ndarray:
        return _values(rng, (D, *shape), dtype, spread)

    sq = v((Y, I), "float")
    final = sq[:, -1, :].copy() if rng.random() < 0.5 else v((I,), "float")
    return BatchResult(
        years=np.arange(1990.0, 1990.0 + Y) + (0.5 if seed % 2 else 0.0),
        actor_ids=tuple(f"A{k}" for k in range(A)),
        issue_ids=tuple(f"i{k}" for k in range(I)),
        proposal_ids=("p", "q"),
        format_ids=("f", "g", "h"),
        agreement_types=("ceasefire", "partial", "comprehensive"),
        history="counterfactual" if seed % 3 else "imposed",
        inputs={"x.a": v((), "float"), "x.b": v((), "float")},
        agreement=v((), "bool"),
        agreement_year=v((), "float"),
        agreement_proposal=rng.integers(-1, 2, D).astype(np.int64),
        terms=v((I,), "float"),
        wars=v((), "int"),
        first_war_year=v((), "float"),
        agreement_by_year=v((Y,), "bool"),
        war_by_year=v((Y,), "bool"),
        fighting_by_year=v((Y,), "bool"),
        onset_by_year=v((Y,), "bool"),
        p_onset_by_year=v((Y,), "float"),
        signed_by_year=v((Y, T), "bool"),
        in_force_by_year=v((Y, T), "bool"),
        breakdown_by_year=v((Y, T), "bool"),
        first_signed=v((T,), "float"),
        signed_count=v((T,), "int"),
        vetoes=v((A, I), "int"),
        veto_reasons=v((A, R), "int"),
        removals=v((A,), "int"),
        unbound=v((A,), "int"),
        passed_unbound=v((), "int"),
        final_status_quo=final,
        final_format=rng.integers(0, 3, D).astype(np.int64),
        status_quo_by_year=sq,
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    D=st.integers(1, 9),
    A=st.integers(0, 3),
    I=st.integers(0, 3),
    Y=st.integers(1, 5),
    spread=st.sampled_from([0.0, 0.05, 0.5, 1.0]),
    store=st.booleans(),
    compression=st.sampled_from(["zstd", "none"]),
)
def test_encode_then_decode_gives_the_same_bits(
    seed: int,
    D: int,
    A: int,
    I: int,  # noqa: E741
    Y: int,
    spread: float,
    store: bool,
    compression: str,
) -> None:
    b = _random_batch(seed, D, A, I, Y, spread)
    data = lean.to_parquet(lean.encode(b, np.arange(7, 7 + D), store_inputs=store), compression)
    table = pq.read_table(pa.BufferReader(data))
    assert table.column("run").to_pylist() == list(range(7, 7 + D))
    back = lean.decode(table, redraw=lambda: b.inputs)
    assert_same_bits(back, b)
    # a few fields from only their columns (what a summary reads) are the same arrays
    names = ["agreement", "wars", "vetoes", "final_status_quo", "in_force_by_year"]
    few = lean.decode_fields(table.select(lean.columns_of(table.schema, names)), names)
    assert sorted(few) == sorted(names)
    for name in names:
        assert few[name].tobytes() == np.asarray(getattr(b, name)).tobytes(), name
    with pytest.raises(ValueError, match="names: expected fields of BatchResult, found nonsense"):
        lean.decode_fields(table, ["nonsense"])
    alone = lean.decode(table)  # without a way to draw them again: the stored inputs, or none
    if store:
        assert_same_bits(alone, b)
    else:
        assert alone.inputs == {}
