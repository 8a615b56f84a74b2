from __future__ import annotations

import numpy as np

from accord.models.compromise import compromise_position
from accord.scenario import builtin_cases, dump_scenario, load_scenario, parse_scenario, provenance
from accord.scenario.arrays import stance_arrays


def test_example_case_loads_and_is_fully_sourced() -> None:
    assert "example" in builtin_cases()
    s = load_scenario("example")
    assert s.meta.name == "example"
    assert provenance(s).unsourced == []


def test_round_trip_load_dump_load_is_equal() -> None:
    s = load_scenario("example")
    again = parse_scenario(dump_scenario(s), "dumped.yaml")
    assert again == s


def test_stance_arrays_shapes_and_nominal_values() -> None:
    s = load_scenario("example")
    arr = stance_arrays(s, year=1997.0, draws=3)
    assert arr.position.shape == (3, 6, 2)
    a = arr.actor_ids.index("ARM")
    assert arr.position[0, a, 0] == 95
    assert np.isclose(arr.capability[0, a], 183.1406)
    drawn = stance_arrays(s, draws=1000, rng=np.random.default_rng(1))
    sal = drawn.salience[:, a, 1]
    assert sal.min() >= 0.4 and sal.max() <= 0.7 and sal.std() > 0.05


def test_compromise_is_weighted_mean() -> None:
    c = np.array([[1.0, 3.0]])
    x = np.array([[[0.0], [100.0]]])
    s = np.array([[[1.0], [1.0]]])
    assert np.allclose(compromise_position(c, x, s), [[75.0]])
