"""Replication of the EUM on the EC car-emissions example.

Data: Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, 1994,
Table 1 (p. 78), as reproduced by Scholz, Calbert & Smith, "Unravelling Bueno De Mesquita's
group decision model", *J. Theoretical Politics* 23(4), 2011, Table 1 (tests/data/).
Published result: Scholz et al. (2011), Table 2, the median voter position by round of their
replication: 8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6 (positions = year of introduction, 4-10).

Status:

* ``SCHOLZ_CODE`` (Scholz et al.'s specification as their code implements it; see
  ``accord.models.eum``) gives 8.4159, 9.6109, 9.9620, 9.9620, 9.9620, 7.4720, 8.8246, 9.6711,
  i.e. Table 2 in rounds 1 and 3-8 when truncated to one decimal (the table's values are
  truncations, not roundings: rounded, rounds 3-5 would read 10.0). Round 2 gives 9.61 where
  9.9 is printed: Belgium's only compromise offers in round 2 land at 9.611, and no variant
  of the specification that keeps the other seven rounds gives 9.9 there; we read the printed
  9.9 as a likely misprint (it repeats the next three rows), but cannot prove it.
  Its moves also agree, over 10 rounds, with those logged by an independent port of Scholz's
  code (github.com/dmasad/bdm-scholz-expected-utility-model, ``Example.log``).
* ``AS_PRINTED`` (the equations as printed in the paper) does not reproduce Table 2.

The exact Table 2 is kept as strict expected failures so that a change that reproduces it is
noticed.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from accord.cli.app import app
from accord.models.eum import AS_PRINTED, SCHOLZ_CODE, EUMOptions, eum_rounds

DATA = Path(__file__).parent / "data" / "eum_ec_car_emissions.csv"

# Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4), Table 2: median voter
# position, rounds 1-8.
SCHOLZ_TABLE_2 = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]

# What SCHOLZ_CODE gives on these data, rounds 1-8 (regression values, computed here and by
# an independent loop implementation of the same reading).
SCHOLZ_CODE_MEDIANS = [8.4159, 9.6109, 9.9620, 9.9620, 9.9620, 7.4720, 8.8246, 9.6711]
# ... and every actor's position after round 8 (actor order of the CSV: Netherlands, Belgium,
# Luxembourg, Germany, France, Italy, UK, Ireland, Denmark, Greece)
SCHOLZ_CODE_ROUND_8 = [4.0, 9.6711, 8.8246, 4.0, 10.0, 10.0, 10.0, 8.8246, 4.0, 7.0]


# The moves logged by an independent port of Scholz's code on the same data, 10 rounds:
# github.com/dmasad/bdm-scholz-expected-utility-model, Example.log ("new_pos" of Belgium,
# Luxembourg and Ireland, the only actors that move); (Belgium, Luxembourg, Ireland) per round.
EXAMPLE_LOG_MOVES = [
    (8.415932315426764, 7.0, 4.0),
    (9.610859134120188, 8.415932315426764, 7.0),
    (9.961979590401311, 9.610859134120188, 8.415932315426764),
    (4.800881140632622, 9.961979590401311, 9.610859134120188),
    (5.524237694197356, 4.800881140632622, 9.961979590401311),
    (7.47204636191629, 5.524237694197356, 5.524237694197356),
    (8.824593855262423, 7.47204636191629, 7.47204636191629),
    (9.671129769802048, 8.824593855262423, 8.824593855262423),
    (4.144849062500606, 9.671129769802048, 9.671129769802048),
    (4.291541224979646, 4.144849062500606, 4.144849062500606),
]
MOVERS = [1, 2, 7]  # Belgium, Luxembourg, Ireland in the CSV's order


def ec_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    c = np.array([[float(r["capability"]) for r in rows]])
    x = np.array([[float(r["position"]) for r in rows]])
    s = np.array([[float(r["salience"]) for r in rows]])
    return c, x, s


def truncated(v: float) -> float:
    """To one decimal, downwards, as Table 2 reports (the tiny offset absorbs binary noise)."""
    return math.floor(v * 10 + 1e-9) / 10


def median_path(opts: EUMOptions) -> list[float]:
    c, x, s = ec_data()  # the kernel runs on the native 4-10 scale
    res = eum_rounds(c, x, s, 8, opts)
    return [truncated(float(v)) for v in res.median[1:, 0]]


def test_the_data_are_bueno_de_mesquitas_table_1() -> None:
    c, x, s = ec_data()
    assert x[0].tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    assert np.isclose(c.sum(), 1.01) and np.isclose(s.sum(), 6.1)
    # the starting median voter position (weighted median, votes c·s) is 7
    assert eum_rounds(c, x, s, 0).median[0, 0] == 7.0


def test_scholz_code_reproduces_table_2_in_rounds_1_and_3_to_8() -> None:
    path = median_path(SCHOLZ_CODE)
    for k in (0, 2, 3, 4, 5, 6, 7):
        assert path[k] == SCHOLZ_TABLE_2[k], f"round {k + 1}"
    # round 2: 9.6 here, 9.9 printed (see the module docstring)
    assert path[1] == 9.6


def test_scholz_code_trajectory_regression() -> None:
    c, x, s = ec_data()
    res = eum_rounds(c, x, s, 8, SCHOLZ_CODE)
    assert np.allclose(res.median[1:, 0], SCHOLZ_CODE_MEDIANS, atol=5e-5)
    assert np.allclose(res.positions[-1, 0], SCHOLZ_CODE_ROUND_8, atol=5e-5)
    # the same on a 0-100 rescaling of the issue (distances are relative to the range)
    res100 = eum_rounds(c, (x - 4) * 100 / 6, s, 8, SCHOLZ_CODE)
    assert np.allclose(4 + res100.median[1:, 0] * 6 / 100, SCHOLZ_CODE_MEDIANS, atol=5e-5)


def test_scholz_code_moves_match_an_independent_port_of_scholzs_code() -> None:
    c, x, s = ec_data()
    res = eum_rounds(c, x, s, 10, SCHOLZ_CODE)
    # scaled positions are snapped to 1e-12 of the range (6 years), hence the tolerance
    assert np.allclose(res.positions[1:, 0][:, MOVERS], EXAMPLE_LOG_MOVES, rtol=0, atol=1e-9)
    others = [k for k in range(10) if k not in MOVERS]
    assert np.array_equal(res.positions[1:, 0][:, others], np.repeat(x[:, others], 10, axis=0))


def test_fixing_the_capitulation_test_changes_nothing_here() -> None:
    c, x, s = ec_data()
    coded = eum_rounds(c, x, s, 8, SCHOLZ_CODE)
    fixed = eum_rounds(c, x, s, 8, SCHOLZ_CODE.with_(capitulation="fixed"))
    assert np.array_equal(coded.positions, fixed.positions)


@pytest.mark.parametrize(
    "printed",
    [{"normaliser": "pair"}, {"voter_risk": False}, {"perspective": "own"}, {"offer": "max_eu"}],
    ids=lambda d: next(iter(d)),
)
def test_each_coded_choice_is_needed(printed: dict[str, object]) -> None:
    # reverting any one of SCHOLZ_CODE's choices to the printed reading loses the 7-of-8 match
    path = median_path(SCHOLZ_CODE.with_(**printed))
    matches = sum(a == b for a, b in zip(path, SCHOLZ_TABLE_2, strict=True))
    assert matches < 7


@pytest.mark.xfail(
    strict=True,
    reason="Table 2 prints 9.9 for round 2; the specification that reproduces the other seven rounds "
    "(SCHOLZ_CODE) gives 9.61 there - likely a misprint in Table 2, not proven",
)
def test_scholz_table_2_exactly_with_scholz_code() -> None:
    assert median_path(SCHOLZ_CODE) == SCHOLZ_TABLE_2


@pytest.mark.xfail(strict=True, reason="the printed equations (AS_PRINTED) do not reproduce Table 2")
def test_scholz_table_2_as_printed() -> None:
    assert median_path(AS_PRINTED) == SCHOLZ_TABLE_2


@pytest.mark.xfail(strict=True, reason="closest printed-equation option set: same shape, not the printed numbers")
def test_scholz_table_2_closest_printed_options() -> None:
    assert median_path(EUMOptions(probability="net", q=0.5, t=1.0)) == SCHOLZ_TABLE_2


def test_cli_forecast_with_the_scholz_code_preset(tmp_path: Path) -> None:
    # end to end: import the table on its native 4-10 scale, forecast with the preset
    runner = CliRunner()
    scenario = tmp_path / "ec.yaml"
    assert runner.invoke(app, ["import", "csv", str(DATA), "--scale", "4:10", "-o", str(scenario)]).exit_code == 0
    res = runner.invoke(app, ["forecast", str(scenario), "-m", "eum", "--preset", "scholz-code", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["options"]["normaliser"] == "global" and data["options"]["offer"] == "scholz"
    medians = [4 + r["median"]["eum_ec_car_emissions"] * 0.06 for r in data["rounds"][1:]]
    assert np.allclose(medians, SCHOLZ_CODE_MEDIANS, atol=5e-5)
    # --option changes one option of the preset
    fixed = runner.invoke(
        app,
        ["forecast", str(scenario), "-m", "eum", "--preset", "scholz-code", "--option", "capitulation=fixed", "--json"],
    )
    assert fixed.exit_code == 0 and json.loads(fixed.output)["options"]["capitulation"] == "fixed"
    for bad in (["--preset", "nope"], ["--preset", "scholz-code", "--option", "exclude_pair=true"]):
        r = runner.invoke(app, ["forecast", str(scenario), "-m", "eum", *bad])
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    r = runner.invoke(app, ["forecast", str(scenario), "-m", "median", "--preset", "scholz-code"])
    assert r.exit_code == 2 and "only the eum model" in r.output
