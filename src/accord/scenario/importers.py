"""Turn actor tables into scenario files.

Two layouts are read:

* **csv**: a header ``actor,capability,position,salience`` (any column order; extra columns
  are refused) and one row per actor, on one issue. Example: the EC car-emissions data of
  Bueno de Mesquita & Stokman (1994), positions on a 4-10 scale.
* **ktab**: KTAB's CSV layout (KAPSARC Toolkit for Behavioral Analysis): a first line
  ``scenario name, description, number of actors, number of dimensions``, a header line
  ``Actor, Description, Influence, <dim> Position, <dim> Salience, ...``, then one row per
  actor; positions on 0-100, saliences on 0-100 (divided by 100 here).

Scenario positions live on 0-100. A table on another scale is mapped linearly: ``--scale
LOW:HIGH`` (or, with ``auto``, the range of the data when it leaves 0-100) goes to 0-100, and
the mapping is written into the issue's ``low``/``high`` wording and its description as
``native scale: LOW to HIGH`` (parsed back by :func:`native_scale` so forecasts can be shown
in the table's own units). Every imported number cites the table as a ``dataset`` source.

Problems are raised as :class:`~accord.scenario.errors.ScenarioError` located at the file's
line and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.scenario.errors import Problem, ScenarioError
from accord.scenario.loader import dump_scenario, validate_data
from accord.scenario.schema import Scenario
from accord.scenario.yaml_io import LocatedData, parse_yaml

MAX_BYTES = 5 * 1024 * 1024
_NATIVE_RE = re.compile(r"native scale: (-?[0-9.eE+-]+) to (-?[0-9.eE+-]+)")
_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class Scale:
    """A native scale ``low..high`` mapped linearly onto 0..100."""

    low: float
    high: float

    def to_position(self, v: float) -> float:
        return (v - self.low) / (self.high - self.low) * 100.0

    def to_native(self, p: float) -> float:
        return self.low + p / 100.0 * (self.high - self.low)

    @property
    def identity(self) -> bool:
        return self.low == 0.0 and self.high == 100.0


def parse_scale(text: str) -> Scale | None:
    """``'auto'`` -> None; ``'4:10'`` -> Scale(4, 10). Raises ValueError with a sentence."""
    if text == "auto":
        return None
    parts = text.split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"--scale: expected auto or LOW:HIGH (e.g. 4:10), found {text!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"--scale: expected finite LOW < HIGH, found {text!r}")
    return Scale(lo, hi)


def native_scale(description: str | None) -> Scale | None:
    """The native scale recorded in an issue's description by an import, if any."""
    if not description:
        return None
    m = _NATIVE_RE.search(description)
    if not m:
        return None
    try:
        lo, hi = float(m.group(1)), float(m.group(2))
    except ValueError:
        return None
    return Scale(lo, hi) if lo < hi else None


def make_id(text: str, taken: set[str], fallback: str) -> str:
    """A scenario id from free text (letters, digits, ``-_.``, starting with a letter), unique."""
    base = _ID_BAD.sub("-", text.strip()).strip("-.") or fallback
    if not base[0].isalpha():
        base = f"{fallback}-{base}"
    base = base[:60]
    out, n = base, 2
    while out in taken:
        out, n = f"{base}-{n}", n + 1
    taken.add(out)
    return out


@dataclass
class _Row:
    line: int
    actor: str
    name: str
    capability: float
    positions: list[float]
    saliences: list[float]


def _read_text(path: Path) -> str:
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ScenarioError([Problem(name, 1, 1, "(file)", f"expected a readable file, found: {e.strerror}")]) from None
    if size > MAX_BYTES:
        raise ScenarioError(
            [Problem(name, 1, 1, "(file)", f"expected a table of at most 5 MiB, found {size / 2**20:.1f} MiB")]
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScenarioError(
            [Problem(name, 1, 1, "(file)", f"expected UTF-8 text, found an invalid byte at offset {e.start}")]
        ) from None


def _number(cell: str, file: str, line: int, col: int, field: str, problems: list[Problem]) -> float:
    try:
        v = float(cell.strip())
    except ValueError:
        problems.append(Problem(file, line, col, field, f"expected a number, found {cell.strip()[:40]!r}"))
        return math.nan
    if not math.isfinite(v):
        problems.append(Problem(file, line, col, field, f"expected a finite number, found {cell.strip()!r}"))
    return v


def _records(text: str, name: str) -> list[tuple[int, list[str]]]:
    """Non-empty CSV records with the 1-based line each starts on; trailing empty cells dropped."""
    out: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            cells = list(row)
            while cells and not cells[-1].strip():
                cells.pop()
            if cells and any(c.strip() for c in cells):
                out.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        raise ScenarioError(
            [Problem(name, max(reader.line_num, 1), 1, "(row)", f"expected CSV, found a malformed line ({e})")]
        ) from None
    return out


def read_actor_csv(path: str | Path) -> tuple[list[_Row], list[str]]:
    """Rows of an ``actor,capability,position,salience`` table (one issue)."""
    p = Path(path)
    name = str(path)
    records = _records(_read_text(p), name)
    if not records:
        raise ScenarioError(
            [Problem(name, 1, 1, "(file)", "expected a header actor,capability,position,salience, found an empty file")]
        )
    hline, header = records[0]
    cols = [h.strip().lower() for h in header]
    need = ["actor", "capability", "position", "salience"]
    missing = [c for c in need if c not in cols]
    extra = [c for c in cols if c not in need]
    if missing or extra or len(set(cols)) != len(cols):
        what = []
        if missing:
            what.append("missing " + ", ".join(missing))
        if extra:
            what.append("unknown " + ", ".join(extra))
        if len(set(cols)) != len(cols):
            what.append("a repeated column")
        raise ScenarioError(
            [
                Problem(
                    name,
                    hline,
                    1,
                    "(header)",
                    "expected the columns actor, capability, position, salience, found " + "; ".join(what),
                )
            ]
        )
    idx = {c: cols.index(c) for c in need}
    problems: list[Problem] = []
    rows: list[_Row] = []
    for line, cells in records[1:]:
        if len(cells) != len(cols):
            problems.append(Problem(name, line, 1, "(row)", f"expected {len(cols)} cells, found {len(cells)}"))
            continue
        actor = cells[idx["actor"]].strip()
        if not actor:
            problems.append(
                Problem(name, line, idx["actor"] + 1, "actor", "expected an actor name, found an empty cell")
            )
        cap = _number(cells[idx["capability"]], name, line, idx["capability"] + 1, "capability", problems)
        pos = _number(cells[idx["position"]], name, line, idx["position"] + 1, "position", problems)
        sal = _number(cells[idx["salience"]], name, line, idx["salience"] + 1, "salience", problems)
        if cap < 0:
            problems.append(
                Problem(name, line, idx["capability"] + 1, "capability", f"expected a number >= 0, found {cap:g}")
            )
        if not 0 <= sal <= 1 and not math.isnan(sal):
            problems.append(
                Problem(
                    name, line, idx["salience"] + 1, "salience", f"expected a salience between 0 and 1, found {sal:g}"
                )
            )
        rows.append(_Row(line, actor, actor, cap, [pos], [sal]))
    if not rows and not problems:
        problems.append(Problem(name, hline, 1, "(file)", "expected at least one actor row, found none"))
    if problems:
        raise ScenarioError(problems)
    return rows, []


def read_ktab_csv(path: str | Path) -> tuple[list[_Row], list[str], str, str]:
    """Rows, dimension names, scenario name and description of a KTAB CSV."""
    p = Path(path)
    name = str(path)
    records = _records(_read_text(p), name)
    if len(records) < 2:
        raise ScenarioError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "(file)",
                    "expected KTAB's layout: a scenario line, a header line and actor rows, found fewer than two lines",
                )
            ]
        )
    sline, first = records[0]
    if len(first) < 4:
        raise ScenarioError(
            [
                Problem(
                    name,
                    sline,
                    1,
                    "(scenario line)",
                    f"expected 'name, description, actors, dimensions', found {len(first)} cells",
                )
            ]
        )
    problems: list[Problem] = []
    n_actors = _number(first[-2], name, sline, len(first) - 1, "number of actors", problems)
    n_dims = _number(first[-1], name, sline, len(first), "number of dimensions", problems)
    if problems:
        raise ScenarioError(problems)
    if n_dims < 1 or n_dims != int(n_dims) or n_actors < 1 or n_actors != int(n_actors):
        raise ScenarioError(
            [
                Problem(
                    name,
                    sline,
                    1,
                    "(scenario line)",
                    f"expected whole positive numbers of actors and dimensions, found {n_actors:g} and {n_dims:g}",
                )
            ]
        )
    title = first[0].strip()
    description = ",".join(first[1:-2]).strip()
    hline, header = records[1]
    dims = int(n_dims)
    if len(header) != 3 + 2 * dims:
        raise ScenarioError(
            [
                Problem(
                    name,
                    hline,
                    1,
                    "(header)",
                    f"expected Actor, Description, Influence and a position and salience for each of {dims} dimension(s) ({3 + 2 * dims} columns), found {len(header)}",
                )
            ]
        )
    dim_names = []
    for k in range(dims):
        h = header[3 + 2 * k].strip()
        label = re.sub(r"\s*(position|pstn)\s*\d*\s*$", "", h, flags=re.IGNORECASE).strip()
        dim_names.append(label or f"dim{k + 1}")
    rows: list[_Row] = []
    for line, cells in records[2:]:
        if len(cells) != len(header):
            problems.append(Problem(name, line, 1, "(row)", f"expected {len(header)} cells, found {len(cells)}"))
            continue
        actor = cells[0].strip()
        if not actor:
            problems.append(Problem(name, line, 1, "Actor", "expected an actor name, found an empty cell"))
        cap = _number(cells[2], name, line, 3, "Influence", problems)
        if cap < 0:
            problems.append(Problem(name, line, 3, "Influence", f"expected a number >= 0, found {cap:g}"))
        pos, sal = [], []
        for k in range(dims):
            col = 4 + 2 * k
            x = _number(cells[col - 1], name, line, col, f"{dim_names[k]} position", problems)
            s = _number(cells[col], name, line, col + 1, f"{dim_names[k]} salience", problems)
            if not 0 <= x <= 100 and not math.isnan(x):
                problems.append(
                    Problem(
                        name,
                        line,
                        col,
                        f"{dim_names[k]} position",
                        f"expected a position between 0 and 100, found {x:g}",
                    )
                )
            if not 0 <= s <= 100 and not math.isnan(s):
                problems.append(
                    Problem(
                        name,
                        line,
                        col + 1,
                        f"{dim_names[k]} salience",
                        f"expected a salience between 0 and 100, found {s:g}",
                    )
                )
            pos.append(x)
            sal.append(s / 100.0)
        rows.append(_Row(line, actor, cells[1].strip() or actor, cap, pos, sal))
    if not problems and len(rows) != int(n_actors):
        problems.append(
            Problem(
                name,
                sline,
                len(first) - 1,
                "number of actors",
                f"expected {int(n_actors)} actor rows as the first line says, found {len(rows)}",
            )
        )
    if problems:
        raise ScenarioError(problems)
    return rows, dim_names, title, description


def _fmt(v: float) -> float:
    # round away binary noise from the linear map; 10 significant digits keep the data faithful
    return float(f"{v:.10g}")


def build_scenario(
    rows: list[_Row],
    issue_labels: list[str],
    *,
    source_file: str,
    layout: str,
    name: str,
    title: str,
    description: str | None,
    scale: Scale | None,
    kind: str = "group",
    start: str = "2000",
    end: str = "2001",
    parties: Sequence[str] | None = None,
) -> tuple[Scenario, list[Scale | None]]:
    """A validated scenario from table rows; returns it and the scale used per issue.

    Two actors become the parties (``parties``, by table name or id; default:
    :func:`strongest_opposed`) and the scenario gets a ``bilateral`` format between them, so that
    replays, sweeps and reports run on it as imported."""
    taken: set[str] = set()
    issue_ids = [make_id(label.lower(), taken, "issue") for label in issue_labels]
    scales: list[Scale | None] = []
    issues: list[dict[str, Any]] = []
    for k, label in enumerate(issue_labels):
        values = [r.positions[k] for r in rows]
        sc = scale
        if sc is None and (min(values) < 0 or max(values) > 100):
            lo, hi = min(values), max(values)
            # one value: a unit-wide scale above it (the next float where lo is too large for + 1 to show)
            sc = Scale(lo, hi if hi > lo else max(lo + 1.0, math.nextafter(lo, math.inf)))
        if sc is not None and not sc.identity:
            outside = [r for r in rows if not sc.low <= r.positions[k] <= sc.high]
            if outside:
                r = outside[0]
                raise ScenarioError(
                    [
                        Problem(
                            source_file,
                            r.line,
                            1,
                            "position",
                            f"expected a position within the scale {sc.low:g}:{sc.high:g}, found {r.positions[k]:g} ({r.actor})",
                        )
                    ]
                )
            scales.append(sc)
            issues.append(
                {
                    "id": issue_ids[k],
                    "label": label,
                    "low": f"{sc.low:g} on the table's native scale",
                    "high": f"{sc.high:g} on the table's native scale",
                    "description": f"Imported from {Path(source_file).name}; native scale: {sc.low:g} to {sc.high:g} "
                    f"(mapped linearly: position 0 = {sc.low:g}, 100 = {sc.high:g}).",
                }
            )
        else:
            scales.append(None)
            issues.append(
                {
                    "id": issue_ids[k],
                    "label": label,
                    "low": "0 on the table's scale",
                    "high": "100 on the table's scale",
                    "description": f"Imported from {Path(source_file).name}; positions as in the table (0-100).",
                }
            )
    source_id = "table"
    actors: list[dict[str, Any]] = []
    actor_taken: set[str] = set()
    for r in rows:
        aid = make_id(r.actor, actor_taken, "actor")
        pos: dict[str, Any] = {}
        sal: dict[str, Any] = {}
        for k, iid in enumerate(issue_ids):
            sc = scales[k]
            x = r.positions[k] if sc is None else sc.to_position(r.positions[k])
            pos[iid] = {"value": _fmt(x), "source": source_id}
            sal[iid] = {"value": _fmt(r.saliences[k]), "source": source_id}
        actors.append(
            {
                "id": aid,
                "name": r.name,
                "kind": kind,
                "capability": {"value": _fmt(r.capability), "source": source_id},
                "positions": pos,
                "salience": sal,
            }
        )
    chosen = _parties(rows, actors, parties, source_file)
    for a in actors:
        if a["id"] in chosen:
            a["roles"] = ["party"]
    data: dict[str, Any] = {
        "meta": {
            "name": name,
            "title": title,
            "description": (description + " " if description else "")
            + f"Imported by `accord import {layout}` from {Path(source_file).name}; start and end dates are "
            "placeholders unless given.",
            "start": start,
            "end": end,
        },
        "sources": {
            source_id: {
                "kind": "dataset",
                "dataset": Path(source_file).name,
                "row": "one row per actor: capability, position and salience as imported"
                + ("" if all(s is None for s in scales) else " (positions mapped linearly to 0-100, see each issue)")
                + ("; KTAB saliences 0-100 divided by 100" if layout == "ktab" else ""),
            }
        },
        "issues": issues,
        "actors": actors,
        "formats": [
            {
                "id": "talks",
                "label": f"Talks between {chosen[0]} and {chosen[1]}",
                "extends": "bilateral",
                "note": "Written by accord import: the two parties "
                + ("named with --parties" if parties else "are the two strongest actors on opposite sides")
                + "; every other actor of the table is outside the talks.",
            }
        ],
    }
    text = dump_scenario_data(data)
    located: LocatedData = parse_yaml(text, f"{source_file} (imported)")
    return validate_data(located, engine=False), scales


def strongest_opposed(rows: Sequence[_Row]) -> tuple[int, int]:
    """The two rows an import makes the parties: the most capable actor, and the most capable of
    those on the other side of the capability-weighted mean position (averaged over the issues);
    when nobody is on the other side, the next most capable."""
    order = sorted(range(len(rows)), key=lambda k: (-rows[k].capability, k))
    total = sum(r.capability for r in rows) or 1.0
    centre = [sum(r.capability * r.positions[i] for r in rows) / total for i in range(len(rows[0].positions))]

    def side(k: int) -> float:
        return sum(p - c for p, c in zip(rows[k].positions, centre, strict=True))

    first = order[0]
    opposed = [k for k in order[1:] if side(k) * side(first) < 0]
    return first, (opposed or order[1:])[0]


def _parties(
    rows: Sequence[_Row], actors: Sequence[dict[str, Any]], named: Sequence[str] | None, source_file: str
) -> tuple[str, str]:
    if len(rows) < 2:
        raise ScenarioError([Problem(source_file, 1, 1, "(table)", f"expected at least two actors, found {len(rows)}")])
    if not named:
        a, b = strongest_opposed(rows)
        return actors[a]["id"], actors[b]["id"]
    ids: list[str] = []
    for n in named:
        match = [a["id"] for r, a in zip(rows, actors, strict=True) if n in (a["id"], r.actor, r.name)]
        if not match:
            known = ", ".join(a["id"] for a in actors)
            raise ScenarioError(
                [Problem(source_file, 1, 1, "--parties", f"expected actors of the table ({known}), found {n!r}")]
            )
        ids.append(match[0])
    if len(ids) != 2 or ids[0] == ids[1]:
        raise ScenarioError(
            [Problem(source_file, 1, 1, "--parties", f"expected two different actors, found {', '.join(named)}")]
        )
    return ids[0], ids[1]


def dump_scenario_data(data: dict[str, Any]) -> str:
    from accord.scenario.yaml_io import dump_yaml

    return dump_yaml(data)


def import_table(
    path: str | Path,
    layout: str,
    *,
    scale: Scale | None = None,
    name: str | None = None,
    kind: str = "group",
    start: str = "2000",
    end: str = "2001",
    parties: Sequence[str] | None = None,
) -> tuple[Scenario, list[Scale | None]]:
    """Read a ``csv`` or ``ktab`` table into a validated scenario (see the module docstring)."""
    p = Path(path)
    stem = make_id(p.stem.lower(), set(), "imported")
    if layout == "csv":
        rows, _ = read_actor_csv(p)
        title = name or p.stem
        return build_scenario(
            rows,
            [p.stem],
            source_file=str(path),
            layout="csv",
            name=stem,
            title=title,
            description=None,
            scale=scale,
            kind=kind,
            start=start,
            end=end,
            parties=parties,
        )
    if layout == "ktab":
        rows, dims, title, desc = read_ktab_csv(p)
        return build_scenario(
            rows,
            dims,
            source_file=str(path),
            layout="ktab",
            name=stem,
            title=name or title or p.stem,
            description=desc or None,
            scale=scale,
            kind=kind,
            start=start,
            end=end,
            parties=parties,
        )
    raise ValueError(f"layout: expected csv or ktab, found {layout!r}")


def scenario_text(scenario: Scenario) -> str:
    return dump_scenario(scenario)
