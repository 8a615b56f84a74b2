"""Common random numbers that survive an edit: every input draws from its own named stream."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from accord.scenario import Quantity, load_scenario
from accord.simulation import run_batch
from accord.simulation.streams import stable_int

ARM_STATUS = "actors.ARM.salience.status"


def _fix_arm_status_salience(value: float):  # type: ignore[no-untyped-def]
    s = load_scenario("minsk-group")
    actors = []
    for a in s.actors:
        if a.id == "ARM":
            sal = {**a.salience, "status": Quantity(value=value, assumption="what-if")}
            a = a.model_copy(update={"salience": sal})
        actors.append(a)
    return s, s.model_copy(update={"actors": actors})


def test_fixing_one_input_leaves_every_other_draw_bit_identical() -> None:
    base, edited = _fix_arm_status_salience(0.5)
    a = run_batch(base, draws=64, seed=11, batch_index=3)
    b = run_batch(edited, draws=64, seed=11, batch_index=3)
    assert ARM_STATUS in a.inputs and ARM_STATUS not in b.inputs
    assert set(a.inputs) - {ARM_STATUS} == set(b.inputs)
    for name, values in b.inputs.items():
        assert np.array_equal(values, a.inputs[name]), name


def test_the_process_stream_does_not_depend_on_how_many_inputs_are_drawn() -> None:
    # fixing an input to the very values it would have drawn changes nothing at all
    s = load_scenario("minsk-group")
    a = run_batch(s, draws=16, seed=4, history="counterfactual")
    b = run_batch(s, draws=16, seed=4, history="counterfactual", overrides={ARM_STATUS: a.inputs[ARM_STATUS]})
    for field in ("agreement", "wars", "first_war_year", "p_onset_by_year", "status_quo_by_year", "vetoes"):
        assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True), field


def test_stable_int_is_the_same_in_every_process() -> None:
    code = "from accord.simulation.streams import stable_int; print(stable_int('actors.ARM.salience.status'))"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], env={"PYTHONHASHSEED": str(k)}, capture_output=True, text=True, check=True
        ).stdout.strip()
        for k in (1, 2)
    }
    assert outs == {str(stable_int(ARM_STATUS))}
    assert stable_int("a") != stable_int("b") and 0 <= stable_int("a") < 2**64


def test_a_sweep_of_an_edited_case_keeps_every_other_input_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from accord.analysis.sweep import load_results, run_sweep

    base, edited = _fix_arm_status_salience(0.5)
    run_sweep(base, tmp_path / "base", runs=30, chunk_size=12, seed=2)
    run_sweep(edited, tmp_path / "edited", runs=30, chunk_size=12, seed=2)
    a, b = load_results(tmp_path / "base"), load_results(tmp_path / "edited")
    in_a = {c for c in a.columns if c.startswith("in.")}
    in_b = {c for c in b.columns if c.startswith("in.")}
    assert in_a - in_b == {f"in.{ARM_STATUS}"} and in_b < in_a and len(in_b) > 100
    for c in sorted(in_b):
        assert np.array_equal(a[c].to_numpy(), b[c].to_numpy()), c


def test_streams_and_input_streams_are_numpys_seed_sequences() -> None:
    """The block-computed seed states (a use's steps, a batch's inputs) are SeedSequence's, bit for bit."""
    from accord.simulation.streams import Streams, input_streams

    for seed, batch in [(0, 0), (7, 3), (2**40 + 5, 2**33)]:
        streams = Streams(seed, batch)
        for name in ["war-onset", "incidents", ""]:
            for step in [0, 1, 63, 64, 200, 5]:  # past the first block, then back inside it
                want = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch, 1, stable_int(name), step)))
                assert streams.rng(name, step).random(4).tobytes() == want.random(4).tobytes()
        names = ["a", "parameters.war_cost", "actors.ARM.positions.status", "z" * 40]
        for name, g in zip(names, input_streams(seed, batch, names), strict=True):
            want = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(batch, 0, stable_int(name))))
            assert g.random(4).tobytes() == want.random(4).tobytes()


def test_draw_inputs_gives_each_input_its_own_streams_sample(tmp_path, example_text) -> None:  # type: ignore[no-untyped-def]
    """Uniform inputs clipped together, normal and triangular ones by Quantity.sample: every input
    is what its own stream's sample gives, in the order of all_inputs, overrides kept."""
    from accord.simulation.inputs import all_inputs, draw_inputs, field_range
    from accord.simulation.streams import input_stream

    text = example_text.replace(
        "capability: {value: 55, assumption: nk-cap}",
        "capability: {dist: normal, mean: 55, sd: 40, low: 1, assumption: nk-cap}",
    ).replace(
        "capability: {value: 100, assumption: mediator-cap}",
        "capability: {dist: triangular, low: 50, mode: 90, high: 200, assumption: mediator-cap}",
        1,
    )
    path = tmp_path / "mixed.yaml"
    path.write_text(text)
    s = load_scenario(path)
    known = all_inputs(s)
    dists = {q.dist for q in known.values()}
    assert {"uniform", "normal", "triangular"} <= dists
    first_uncertain = next(n for n, q in known.items() if q.is_uncertain)
    fixed = {first_uncertain: np.full(7, 0.3), "parameters.war_cost": np.full(7, 0.2)}
    values, drawn = draw_inputs(s, 7, seed=4, batch_index=2, overrides=fixed)
    assert list(values) == [*known, "parameters.war_cost"] and drawn["parameters.war_cost"][0] == 0.2
    for name, q in known.items():
        if name in fixed:
            want = fixed[name]
        elif q.is_uncertain:
            want = q.sample(input_stream(4, 2, name), 7, clip=field_range(name))
            assert drawn[name].tobytes() == want.tobytes()
        else:
            want = np.full(7, q.nominal)
        assert values[name].tobytes() == want.tobytes(), name


def test_the_pcg64_kernel_gives_numpys_doubles() -> None:
    from accord.simulation._pcg import pcg64_doubles
    from accord.simulation._seeding import generator_of, seed_states_last

    rng = np.random.default_rng(9)
    states = np.concatenate(
        [
            seed_states_last(7, (0, 0), np.arange(50, dtype=np.uint64) * np.uint64(2**50)),
            rng.integers(0, 2**64, (50, 4), dtype=np.uint64, endpoint=False),
            np.zeros((1, 4), dtype=np.uint64),
            np.full((1, 4), 2**64 - 1, dtype=np.uint64),
        ]
    )
    for n in (1, 5, 300):
        out = np.empty((states.shape[0], n))
        pcg64_doubles(states, out)
        for row, state in zip(out, states, strict=True):
            assert row.tobytes() == generator_of(state.copy()).random(n).tobytes()
