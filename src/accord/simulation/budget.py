"""How much memory a batch of replays needs, before any array is allocated: :func:`peak_bytes`.

Every command that runs the engine checks its estimate against a budget (``--max-memory``,
default :data:`DEFAULT_MAX_MEMORY`) and picks its chunk size from it, so a small file that
describes a huge run is refused with a message instead of growing until the kernel kills it.

The estimate is a sum of the arrays :class:`accord.simulation.process.Process` allocates, each
written as *how many float64 per draw* times a coefficient for the temporaries NumPy makes on
the way (measured with ``tracemalloc``; ``tests/test_budget.py`` checks on several shapes that the
estimate bounds the measured peak and is not wildly above it, so a change in the engine that
allocates more shows up there). Per draw, with ``A`` actors, ``I`` issues, ``P`` proposals,
``T`` steps, ``U`` inputs and, for the format that drafts the most, ``K`` candidate outcomes
(``len(GRID)`` points on the segment to each table member's position and to the status quo) and
``R`` actors who matter (the table and the voters):

* drafting: the candidates' distances to every actor who matters, ``K·R·I`` (a 4-d temporary, made
  twice), plus ``K·R`` utilities and ``K·I`` candidates;
* state: positions, saliences, vetoes and the utilities computed from them, ``A·I``;
* history: the status quo, P(war), agreement and war by step, ``T·I``;
* proposals: terms, low and high ends, ``P·I``; inputs: one value per draw each, ``U``;
* the result table (a sweep's chunk): one column per outcome, held by the frame and the Arrow table.

Besides the per-draw part, one replay's trajectory of positions (``T·A·I``) and a per-column
overhead of the result table do not grow with the draws.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from accord.mechanisms.formats import resolve_format
from accord.mechanisms.proposals import GRID
from accord.scenario.formats import format_chain
from accord.scenario.schema import Scenario, date_to_year
from accord.simulation.inputs import all_inputs

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "RunShape",
    "default_chunk",
    "format_bytes",
    "kept_bytes",
    "max_draws",
    "parse_bytes",
    "peak_bytes",
    "shape_of",
]

DEFAULT_MAX_MEMORY = 4 * 2**30
"""The memory a command may use unless ``--max-memory`` (or ``ACCORD_MAX_MEMORY``) says otherwise."""

_F = 8  # bytes per float64

# float64 per draw per unit of each term, temporaries included (see the module docstring)
DRAFTING_KRI = 2.2
DRAFTING_KR = 8.0
DRAFTING_KI = 6.0
STATE_AI = 8.0
HISTORY_TI = 1.5
HISTORY_T = 3.0
PROPOSALS_PI = 3.0
INPUTS_U = 1.5
DRAW_BASE = 64.0
TABLE_COLUMNS = 2.0
# bytes that do not grow with the draws
TABLE_COLUMN_OVERHEAD = 4096
RUN_BASE = 2**20


@dataclass(frozen=True)
class RunShape:
    """The sizes that decide a batch's memory (see the module docstring for the letters)."""

    actors: int
    issues: int
    proposals: int
    steps: int
    inputs: int
    candidates: int
    drafting: int
    columns: int

    def per_draw(self, *, table: bool = True) -> float:
        """Bytes per draw."""
        a, i, p, t = self.actors, self.issues, self.proposals, self.steps
        floats = (
            DRAFTING_KRI * self.drafting * i
            + DRAFTING_KR * self.drafting
            + DRAFTING_KI * self.candidates * i
            + STATE_AI * a * i
            + HISTORY_TI * t * i
            + HISTORY_T * t
            + PROPOSALS_PI * p * i
            + INPUTS_U * self.inputs
            + DRAW_BASE
            + (TABLE_COLUMNS * self.columns if table else 0.0)
        )
        return _F * floats

    def fixed(self, *, table: bool = True) -> float:
        """Bytes that do not grow with the draws."""
        trajectory = _F * 2 * self.steps * self.actors * self.issues
        return RUN_BASE + trajectory + (TABLE_COLUMN_OVERHEAD * self.columns if table else 0)


def shape_of(
    scenario: Scenario,
    *,
    format: str | None = None,
    until: float | None = None,
    mediator: str | None = None,
) -> RunShape:
    """The shape of a run of ``scenario`` from ``format`` (default: as the engine picks it).

    Raises :class:`accord.scenario.formats.FormatError` for a format the engine would refuse."""
    a, i = len(scenario.actors), len(scenario.issues)
    start = format or (scenario.formats[0].id if scenario.formats else "minsk-group")
    k_max, kr_max, proposers = 0, 0, 0
    for name in format_chain(scenario, start):
        spec = resolve_format(scenario, name, mediator=mediator)
        k = len(GRID) * (int(spec.table.sum()) + 1)
        r = int((spec.table | spec.voters).sum())
        k_max, kr_max = max(k_max, k), max(kr_max, k * r)
        proposers += len(spec.proposers)
    steps = scenario.meta.steps
    if until is not None:
        span = min(date_to_year(scenario.meta.end), until) - date_to_year(scenario.meta.start)
        steps = max(1, min(steps, math.ceil(span * scenario.meta.steps_per_year - 1e-9)))
    inputs = len(all_inputs(scenario))
    uncertain = sum(q.is_uncertain for q in all_inputs(scenario).values())
    columns = uncertain + a * i + a + 2 * i + steps * (3 + i) + 8
    return RunShape(a, i, len(scenario.proposals) + proposers + 1, steps, inputs, k_max, kr_max, columns)


def peak_bytes(shape: RunShape, draws: int, *, table: bool = True) -> int:
    """Estimated peak memory of one batch of ``draws`` replays; ``table``: with its result table
    (a sweep's chunk), not only the engine's arrays (a report's batch)."""
    return int(shape.fixed(table=table) + draws * shape.per_draw(table=table))


def max_draws(shape: RunShape, budget: int, *, table: bool = True) -> int:
    """The most draws one batch may hold within ``budget`` bytes (0 when not even one fits)."""
    room = budget - shape.fixed(table=table)
    return max(0, int(room // shape.per_draw(table=table)))


_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 2**10, "kib": 2**10, "m": 2**20, "mb": 2**20, "mib": 2**20}
_UNITS |= {"g": 2**30, "gb": 2**30, "gib": 2**30, "t": 2**40, "tb": 2**40, "tib": 2**40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_bytes(text: str) -> int:
    """``"4GiB"``, ``"512M"``, ``"1.5 GB"`` (binary units) -> bytes; raises ValueError with what is expected."""
    m = _SIZE.match(text)
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS:
        raise ValueError(f"expected a size such as 4GiB, 512MiB or 800M, found {text!r}")
    value = float(m.group(1)) * _UNITS[unit]
    if not 2**20 <= value <= 2**50:
        raise ValueError(f"expected a size between 1 MiB and 1 PiB, found {text!r}")
    return int(value)


def format_bytes(n: float) -> str:
    """``8.3 GiB``, ``512 MiB``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n / 2**10:.0f} KiB"


def kept_bytes(shape: RunShape, draws: int) -> int:
    """What a caller keeps of ``draws`` replays once their batches are done, joined (twice: the
    parts and the joined copy): vetoes ``A·I``, agreement and war by step, terms, drawn inputs.
    A bound on what ``accord compare`` keeps per format and ``accord report`` keeps per format."""
    per = _F * shape.actors * shape.issues + 2 * shape.steps + _F * (shape.issues + shape.inputs + 8)
    return int(2 * draws * per)


def default_chunk(shape: RunShape, budget: int, *, cap: int, share: int = 4, table: bool = True) -> int:
    """The chunk size a command uses unless told: ``cap``, or fewer when a chunk of ``cap`` draws
    would need more than ``1/share`` of the budget (so that ``share`` workers fit); at least 1."""
    return max(1, min(cap, max_draws(shape, budget // share, table=table)))
