"""How much memory a batch of replays needs, before any array is allocated: :func:`peak_bytes`.

Every command that runs the engine checks its estimate against a budget (``--max-memory``,
default :data:`DEFAULT_MAX_MEMORY`) and picks its chunk size from it, so a small file that
describes a huge run is refused with a message instead of growing until the kernel kills it.

The estimate is a sum of the arrays :class:`accord.simulation.process.Process` allocates, each
written as *how many float64 per draw* times a coefficient for the temporaries NumPy makes on
the way (measured with ``tracemalloc``; ``tests/test_budget.py`` checks on several shapes that the
estimate bounds the measured peak and is not wildly above it, so a change in the engine that
allocates more shows up there). Per draw, with ``A`` kernel actors (those who hold a stance,
fight, sit at a table or propose: :func:`accord.simulation.context.kernel_actors`), ``I`` issues,
``P`` proposals, ``Y`` steps, ``T`` agreement types, ``U`` inputs and, for the table that drafts
with the most seats ``E``, ``K = 11·(E + 1) + 10·I`` candidate texts (comprehensive ones on the
segments from the compromise to each seat and to the status quo, partial ones moving one issue;
:func:`accord.mechanisms.proposals.candidates`):

* drafting (:func:`accord.simulation.negotiation.draft`): the leaders' and the pivots' committed
  utility of every candidate, whose distances are ``(D, K, A, I)`` temporaries (a few at once),
  ``K·A·I``; the utilities themselves and :func:`~accord.mechanisms.proposals.predicted_pass`'s
  ``(D, K, A)`` arrays, ``K·A``; the candidates ``(D, K, I)``, ``K·I``;
* state (:class:`~accord.simulation.state.StepState`): leaders' positions, saliences and pivots,
  and the utilities and war outcomes computed from them each step, ``A·I``; the vetoes by issue
  and by reason of :class:`~accord.simulation.state.Record`, ``A·I + A·R``;
* history (``Record``): the status quo by step ``(D, Y, I)``, ``Y·I``; the agreements signed, in
  force and broken by step and type ``(D, Y, T)``, ``Y·T``; fighting, onset, P(onset) and the
  format by step, ``Y``;
* proposals: each one's terms, low and high ends, ``P·I``; inputs: one value per draw each (and
  the drawn ones again in the result), ``U``; parameters: one per draw each, ``N``;
* the result table (a sweep's chunk): one column per outcome, held by the frame and the Arrow table.

Besides the per-draw part, one replay's trajectory of positions (``Y·A·I``) and a per-column
overhead of the result table do not grow with the draws.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from accord.mechanisms.agreements import TYPES
from accord.mechanisms.formats import resolve_format, resolve_tracks
from accord.mechanisms.proposals import GRID
from accord.mechanisms.ratification import REASONS
from accord.scenario.formats import format_chain
from accord.scenario.parameters import PARAMETERS
from accord.scenario.schema import Scenario, date_to_year
from accord.simulation.context import kernel_actors
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
DRAFTING_KAI = 0.25  # the fused kernels (simulation/_jit.py) hold no (draws, K, A, I) temporary
DRAFTING_KA = 12.0
DRAFTING_KI = 6.0
STATE_AI = 14.0
STATE_AR = 1.5
HISTORY_YI = 1.5
HISTORY_YT = 1.0
HISTORY_Y = 5.0
PROPOSALS_PI = 3.5
INPUTS_U = 2.5
PARAMETERS_N = 2.5
DRAW_BASE = 128.0
TABLE_COLUMNS = 2.5
# bytes that do not grow with the draws
TABLE_COLUMN_OVERHEAD = 4096
RUN_BASE = 2**20


@dataclass(frozen=True)
class RunShape:
    """The sizes that decide a batch's memory (see the module docstring for the letters).

    ``candidates``: ``K`` of the table that drafts with the most seats (1 when no table drafts:
    a text is still valued as one candidate); ``parameters``: engine parameters held per draw
    (the scenario's and the formats' own)."""

    actors: int
    issues: int
    proposals: int
    steps: int
    inputs: int
    candidates: int
    parameters: int
    columns: int

    def per_draw(self, *, table: bool = True) -> float:
        """Bytes per draw."""
        a, i, p, y, k = self.actors, self.issues, self.proposals, self.steps, self.candidates
        floats = (
            DRAFTING_KAI * k * a * i
            + DRAFTING_KA * k * a
            + DRAFTING_KI * k * i
            + STATE_AI * a * i
            + STATE_AR * a * len(REASONS)
            + HISTORY_YI * y * i
            + HISTORY_YT * y * len(TYPES)
            + HISTORY_Y * y
            + PROPOSALS_PI * p * i
            + INPUTS_U * self.inputs
            + PARAMETERS_N * self.parameters
            + DRAW_BASE
            + (TABLE_COLUMNS * self.columns if table else 0.0)
        )
        return _F * floats

    def fixed(self, *, table: bool = True) -> float:
        """Bytes that do not grow with the draws."""
        trajectory = _F * 2 * self.steps * self.actors * self.issues
        return RUN_BASE + trajectory + (TABLE_COLUMN_OVERHEAD * self.columns if table else 0)


def _steps(scenario: Scenario, until: float | None) -> int:
    """The engine's number of steps (:func:`accord.simulation.context.compile_context`)."""
    start, end = date_to_year(scenario.meta.start), date_to_year(scenario.meta.end)
    stop = end if until is None else min(end, until)
    return max(1, math.ceil((stop - start) * scenario.meta.steps_per_year - 1e-9))


def shape_of(
    scenario: Scenario,
    *,
    format: str | None = None,
    until: float | None = None,
    mediator: str | None = None,
) -> RunShape:
    """The shape of a run of ``scenario`` from ``format`` (default: as the engine picks it).

    Raises :class:`accord.scenario.formats.FormatError` for a format or track the engine would refuse."""
    start = format or (scenario.formats[0].id if scenario.formats else "minsk-group")
    specs = [resolve_format(scenario, name, mediator=mediator) for name in format_chain(scenario, start)]
    tracks = resolve_tracks(scenario)
    keep = kernel_actors(scenario, specs, tracks)
    a, i = int(keep.sum()), len(scenario.issues)
    # the tables that draft: a format's (every agreement type) or a track that negotiates settlements
    seats = [int((s.table & keep).sum()) for s in specs if s.proposers]
    seats += [
        int((t.table & keep).sum()) for t in tracks if t.proposers and {"partial", "comprehensive"} & set(t.agreements)
    ]
    k = max((len(GRID) * (e + 1) + (len(GRID) - 1) * i for e in seats), default=1)
    steps = _steps(scenario, until)
    known = all_inputs(scenario)
    uncertain = sum(q.is_uncertain for q in known.values())
    parameters = len(PARAMETERS) + sum(len(s.parameters) for s in specs) + 2 * len(specs)
    n_types, n_reasons = len(TYPES), len(REASONS)
    columns = uncertain + 7 + 2 * n_types + 2 * i + a * (2 + i + n_reasons - 1) + steps * (5 + 3 * n_types + i)
    return RunShape(a, i, len(scenario.proposals), steps, len(known), k, parameters, columns)


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
    parts and the joined copy): a :class:`~accord.simulation.results.BatchResult` per draw holds
    vetoes ``A·I`` and reasons ``A·R``, the status quo by step ``Y·I``, agreements by step and
    type ``Y·T`` (bytes), outcomes by step ``Y``, terms and the final status quo ``I``, drawn inputs
    ``U``. A bound on what ``accord compare``, ``accord yearly`` and ``accord report`` keep per format."""
    a, i, y = shape.actors, shape.issues, shape.steps
    per = (
        _F * (a * i + a * (len(REASONS) + 2) + y * i + 2 * y + 2 * i + 2 * len(TYPES) + shape.inputs + 8)
        + 3 * y * len(TYPES)
        + 4 * y
    )
    return int(2 * draws * per)


def default_chunk(shape: RunShape, budget: int, *, cap: int, share: int = 4, table: bool = True) -> int:
    """The chunk size a command uses unless told: ``cap``, or fewer when a chunk of ``cap`` draws
    would need more than ``1/share`` of the budget (so that ``share`` workers fit); at least 1."""
    return max(1, min(cap, max_draws(shape, budget // share, table=table)))
