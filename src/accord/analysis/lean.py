"""The lean, columnar layout of one chunk of a sweep: a :class:`BatchResult` as a small Parquet file.

The wide table of :meth:`BatchResult.to_frame` (≈1,500 columns for the Minsk case, a third of
them constant, the drawn inputs and the yearly status quo most of its bytes) is what a reader
gets back; what is *stored* is this, one row per replay (``run``):

- per-replay numbers (``agreement``, ``wars``, ``terms.ISSUE``, ``signed.TYPE`` …) as columns;
  a column that holds one value in every row of the chunk is dropped and its value kept once,
  in the file's schema metadata (key ``accord``: JSON, zlib-compressed and base64-encoded; read
  it with :func:`layout_of`);
- the label columns ``agreement_proposal`` and ``final_format`` dictionary-encoded;
- the per-actor counts (``vetoes``, ``veto_reasons``, ``removals``, ``unbound``) and the per-year
  arrays (``fighting``, ``in_force``, ``status_quo_by_year`` …) in long form, as two list columns
  per array: ``NAME.at`` (positions in the flattened ``(actors, …)`` or ``(years, …)`` array)
  and ``NAME.value``, only for the entries that differ from what is predicted: the column's most
  common value (``mode``), the same row's value a year earlier (``lag``), or that value where
  the row left the common path a year earlier and the common value where it did not (``follow``);
  the cheapest of the three is chosen per array and chunk and named in the metadata. Booleans
  need no ``value`` (an entry is the opposite of the prediction);
- ``final_status_quo`` is not stored where it equals the last year of ``status_quo_by_year``
  (checked for every chunk);
- the drawn inputs are a function of (scenario, seed, batch index) (common random numbers,
  :mod:`accord.simulation.streams`): by default they are not stored; the metadata keeps their
  names and the SHA-256 of their bytes, and a reader draws them again with
  :func:`accord.simulation.inputs.draw_inputs` and checks the digest bit for bit (``inputs``
  ``"stored"`` keeps them as ``in.NAME`` columns; a chunk whose inputs do not draw again, e.g.
  from a replaced engine in the tests, stores them whatever was asked).

Every comparison is of bits (floats viewed as integers), so NaN, -0.0 and every payload come
back as they were: :func:`decode` returns arrays equal bit for bit to those :func:`encode` got.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from accord.simulation import BatchResult

__all__ = [
    "COMPRESSIONS",
    "LAYOUT_VERSION",
    "decode",
    "decode_fields",
    "encode",
    "inputs_digest",
    "layout_of",
    "to_parquet",
]

LAYOUT_VERSION = 1
META_KEY = b"accord"
COMPRESSIONS = ("zstd", "lz4", "snappy", "gzip", "brotli", "none")

#: per-replay scalars: stored as columns (dropped when constant in the chunk)
_SCALARS = ("agreement", "agreement_year", "wars", "first_war_year", "passed_unbound")
#: small per-replay arrays stored wide: (field, column prefix, label attributes)
_WIDE = (
    ("signed_count", "signed", ("agreement_types",)),
    ("first_signed", "first_signed", ("agreement_types",)),
    ("terms", "terms", ("issue_ids",)),
    ("final_status_quo", "final_status_quo", ("issue_ids",)),
)
#: arrays stored long: (field, leading axis after draws is years?)
_LONG = (
    ("vetoes", False),
    ("veto_reasons", False),
    ("removals", False),
    ("unbound", False),
    ("agreement_by_year", True),
    ("war_by_year", True),
    ("fighting_by_year", True),
    ("onset_by_year", True),
    ("p_onset_by_year", True),
    ("signed_by_year", True),
    ("in_force_by_year", True),
    ("breakdown_by_year", True),
    ("status_quo_by_year", True),
)
_LABELS = (("agreement_proposal", "proposal_ids"), ("final_format", "format_ids"))
_PER_DRAW_FIELDS = (*_SCALARS, *(n for n, _ in _LABELS), *(n for n, *_ in _WIDE), *(n for n, _ in _LONG))


def _bits(a: np.ndarray) -> np.ndarray:
    """The array as unsigned integers of its width, for exact comparison (NaN equals itself)."""
    a = np.ascontiguousarray(a)
    if a.dtype == np.bool_:
        return a.view(np.uint8)
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


def _mode(bits: np.ndarray) -> np.ndarray:
    """The most common value of each column of a ``(D, K)`` integer array (ties: the smallest)."""
    D, K = bits.shape
    if D == 0 or K == 0:
        return np.zeros(K, dtype=bits.dtype)
    s = np.sort(bits, axis=0).T.ravel()  # column by column, each sorted
    new = np.ones(s.shape, dtype=bool)
    new[1:] = s[1:] != s[:-1]
    new[::D] = True  # every column starts a run
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, K * D))
    column = starts // D
    first_of_column = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
    longest = np.maximum.reduceat(lengths, first_of_column)
    best = np.flatnonzero(lengths == longest[column])
    best = best[np.r_[True, column[best][1:] != column[best][:-1]]]  # the first (smallest) of ties
    return s[starts[best]]


def _predict(kind: str, x: np.ndarray, base: np.ndarray, step: int, cols: slice) -> np.ndarray:
    """The prediction for the columns ``cols`` of one year (``x`` already holds the earlier years)."""
    b = base[cols]
    if kind == "mode" or cols.start == 0:
        return np.broadcast_to(b, (x.shape[0], b.shape[0]))
    prev = slice(cols.start - step, cols.stop - step)
    if kind == "lag":
        return np.asarray(x[:, prev])
    return np.asarray(np.where(x[:, prev] == base[prev], b, x[:, prev]))  # follow


def _misses(kind: str, bits: np.ndarray, base: np.ndarray, step: int) -> np.ndarray:
    """``(D, K)`` where the prediction of ``kind`` differs from the value."""
    if kind == "mode":
        return np.asarray(bits != base)
    pred = np.empty_like(bits)
    pred[:, :step] = base[:step]
    if kind == "lag":
        pred[:, step:] = bits[:, :-step]
    else:
        prev = bits[:, :-step]
        pred[:, step:] = np.where(prev == base[:-step], base[step:], prev)
    return np.asarray(bits != pred)


def _list(offsets: np.ndarray, values: np.ndarray) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values))


def inputs_digest(inputs: dict[str, np.ndarray]) -> str:
    """SHA-256 of the inputs' names and bytes, in order (what a re-draw must reproduce)."""
    h = hashlib.sha256()
    for name, v in inputs.items():
        a = np.ascontiguousarray(v)
        h.update(f"{name}\0{a.dtype.str}\0{a.shape}\0".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def encode(batch: BatchResult, run_ids: np.ndarray, *, store_inputs: bool) -> pa.Table:
    """The chunk's lean table (see the module docstring); ``store_inputs``: keep ``in.NAME`` columns."""
    D = batch.draws
    cols: dict[str, pa.Array] = {"run": pa.array(np.asarray(run_ids, dtype=np.int64))}
    meta: dict[str, Any] = {
        "layout": LAYOUT_VERSION,
        "draws": D,
        "years": batch.years.tobytes().hex(),
        "years_dtype": batch.years.dtype.str,
        "actor_ids": list(batch.actor_ids),
        "issue_ids": list(batch.issue_ids),
        "proposal_ids": list(batch.proposal_ids),
        "format_ids": list(batch.format_ids),
        "agreement_types": list(batch.agreement_types),
        "history": batch.history,
        "inputs": {
            "names": list(batch.inputs),
            "sha256": inputs_digest(batch.inputs),
            "stored": store_inputs,
        },
        "const": {},
        "dtypes": {},
        "long": {},
        "derived": [],
    }
    if store_inputs:
        for name, v in batch.inputs.items():
            cols[f"in.{name}"] = pa.array(v)
    for name, ids in _LABELS:
        idx = np.asarray(getattr(batch, name), dtype=np.int32)
        labels = pa.array(list(getattr(batch, ids)), pa.string())
        cols[name] = pa.DictionaryArray.from_arrays(pa.array(idx, mask=idx < 0), labels)
        meta["dtypes"][name] = np.asarray(getattr(batch, name)).dtype.str

    def dense(col: str, v: np.ndarray) -> None:
        b = _bits(v)
        if D > 1 and (b == b[0]).all():
            meta["const"][col] = [v.dtype.str, v[:1].tobytes().hex()]
        else:
            cols[col] = pa.array(v)

    for name in _SCALARS:
        dense(name, np.asarray(getattr(batch, name)))
    sq = batch.status_quo_by_year
    for name, prefix, (labels,) in _WIDE:
        v = np.asarray(getattr(batch, name))
        if name == "final_status_quo" and sq.shape[1] and np.array_equal(_bits(v), _bits(sq[:, -1, :])):
            meta["derived"].append(name)
            continue
        for j, label in enumerate(getattr(batch, labels)):
            dense(f"{prefix}.{label}", v[:, j])
        meta["dtypes"][name] = v.dtype.str
    for name, yearly in _LONG:
        v = np.ascontiguousarray(getattr(batch, name))
        flat = v.reshape(D, -1)
        bits = _bits(flat)
        step = int(np.prod(v.shape[2:], dtype=np.int64)) if yearly else 0
        base = _mode(bits) if flat.shape[1] else bits[0]
        kinds = ("mode", "lag", "follow") if yearly and step and v.shape[1] > 1 else ("mode",)
        best = min(((int(m.sum()), k, m) for k in kinds for m in [_misses(k, bits, base, step)]), key=lambda t: t[0])
        _, kind, miss = best
        rows, at = np.nonzero(miss)
        offsets = np.zeros(D + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=D), out=offsets[1:])
        at_type = np.uint16 if flat.shape[1] <= 2**16 else np.uint32
        cols[f"{name}.at"] = _list(offsets, at.astype(at_type))
        if v.dtype != np.bool_:
            cols[f"{name}.value"] = _list(offsets, flat[rows, at])
        meta["long"][name] = {
            "kind": kind,
            "shape": list(v.shape[1:]),
            "step": step,
            "dtype": v.dtype.str,
            "base": base.tobytes().hex(),
        }
    table = pa.table(cols)
    # compressed: the footer holds it twice (Parquet's key-value metadata and Arrow's schema), and
    # as plain JSON it would be ~5% of a Minsk chunk
    packed = base64.b64encode(zlib.compress(json.dumps(meta, sort_keys=True).encode(), 9))
    return table.replace_schema_metadata({META_KEY: packed})


def to_parquet(table: pa.Table, compression: str = "zstd") -> bytes:
    """The table as the bytes of one Parquet file (one row group)."""
    if compression not in COMPRESSIONS:
        raise ValueError(f"compression: expected one of {', '.join(COMPRESSIONS)}, found {compression!r}")
    sink = pa.BufferOutputStream()
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    pq.write_table(
        table,
        sink,
        compression=compression,
        row_group_size=max(1, table.num_rows),
        use_byte_stream_split=floats or False,
        use_dictionary=["agreement_proposal", "final_format"],
    )
    return bytes(sink.getvalue())


def layout_of(schema: pa.Schema) -> dict[str, Any]:
    """The layout metadata of a chunk file's schema; ValueError when it has none."""
    raw = (schema.metadata or {}).get(META_KEY)
    if raw is None:
        raise ValueError("expected a chunk written by `accord sweep` (no 'accord' layout in its schema metadata)")
    try:
        meta: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(raw, validate=True)))
    except (ValueError, zlib.error) as e:
        raise ValueError(f"expected the layout of a chunk written by `accord sweep`, could not read it ({e})") from None
    if not isinstance(meta, dict):
        raise ValueError("expected the layout of a chunk written by `accord sweep`, found something else")
    if meta.get("layout") != LAYOUT_VERSION:
        raise ValueError(f"expected layout version {LAYOUT_VERSION}, found {meta.get('layout')!r}")
    return meta


def _from_hex(dtype: str, text: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(text), dtype=np.dtype(dtype)).copy()


def columns_of(schema: pa.Schema, names: Collection[str]) -> list[str]:
    """The stored columns :func:`decode_fields` needs for the fields ``names`` (plus ``run``)."""
    wanted = set(names)
    if "final_status_quo" in wanted:
        wanted.add("status_quo_by_year")
    return [c for c in schema.names if c == "run" or c.split(".", 1)[0] in wanted or c in wanted]


def decode_fields(table: pa.Table, names: Collection[str] | None = None) -> dict[str, np.ndarray]:
    """The per-draw arrays of a chunk's table, by :class:`BatchResult` field name (all of them,
    or only ``names``: the table then needs only their columns, e.g. a summary's few)."""
    meta = layout_of(table.schema)
    want = set(_PER_DRAW_FIELDS if names is None else names)
    if unknown := sorted(want - set(_PER_DRAW_FIELDS)):
        raise ValueError(f"names: expected fields of BatchResult, found {', '.join(unknown)}")
    if "final_status_quo" in want and "final_status_quo" in meta["derived"]:
        want.add("status_quo_by_year")
    D = int(meta["draws"])
    if table.num_rows != D:
        raise ValueError(f"expected {D} rows (the layout's draws), found {table.num_rows}")
    const = meta["const"]

    def dense(col: str) -> np.ndarray:
        if col in const:
            dtype, value = const[col]
            return np.repeat(_from_hex(dtype, value), D)
        return np.asarray(table.column(col).to_numpy(zero_copy_only=False))

    fields: dict[str, Any] = {name: dense(name) for name in _SCALARS if name in want}
    for name, _ids in _LABELS:
        if name not in want:
            continue
        arr = table.column(name).combine_chunks()
        idx = arr.indices.to_numpy(zero_copy_only=False)
        idx = np.where(arr.is_null().to_numpy(zero_copy_only=False), -1, idx)
        fields[name] = idx.astype(np.dtype(meta["dtypes"][name]))
    for name, _ in _LONG:
        if name not in want:
            continue
        spec = meta["long"][name]
        dtype = np.dtype(spec["dtype"])
        shape = tuple(int(s) for s in spec["shape"])
        K = int(np.prod(shape, dtype=np.int64))
        at_col = table.column(f"{name}.at").combine_chunks()
        offsets = at_col.offsets.to_numpy()
        at = at_col.values.to_numpy().astype(np.int64)
        rows = np.repeat(np.arange(D), np.diff(offsets))
        ubits = np.dtype(f"u{dtype.itemsize}")  # decoded as bits, like encode compared them
        base = _from_hex(ubits.str, spec["base"])
        hit = np.zeros((D, K), dtype=bool)
        hit[rows, at] = True
        value = np.zeros((D, K), dtype=ubits)
        if dtype != np.bool_:
            stored = table.column(f"{name}.value").combine_chunks().values.to_numpy(zero_copy_only=False)
            value[rows, at] = _bits(np.asarray(stored, dtype=dtype))
        kind, step = spec["kind"], int(spec["step"])
        x = np.empty((D, K), dtype=ubits)
        width = step if kind != "mode" and step else max(K, 1)
        for start in range(0, K, width):
            cols = slice(start, min(start + width, K))
            pred = _predict(kind, x, base, step, cols)
            fill = pred ^ 1 if dtype == np.bool_ else value[:, cols]
            x[:, cols] = np.where(hit[:, cols], fill, pred)
        x = x.view(dtype)
        fields[name] = x.reshape((D, *shape))
    types = tuple(meta["agreement_types"])
    issue_ids = tuple(meta["issue_ids"])
    for name, prefix, (labels,) in _WIDE:
        if name not in want:
            continue
        if name in meta["derived"]:
            fields[name] = fields["status_quo_by_year"][:, -1, :].copy()
            continue
        column_labels = types if labels == "agreement_types" else issue_ids
        dtype = np.dtype(meta["dtypes"][name])
        parts = [dense(f"{prefix}.{label}").astype(dtype, copy=False) for label in column_labels]
        fields[name] = np.stack(parts, axis=1) if parts else np.zeros((D, 0), dtype=dtype)
    return fields if names is None else {k: v for k, v in fields.items() if k in names}


def decode(
    table: pa.Table,
    *,
    redraw: Callable[[], dict[str, np.ndarray]] | None = None,
) -> BatchResult:
    """The :class:`BatchResult` a chunk's table holds (:func:`encode`'s inverse, bit for bit).

    ``redraw``: draws the chunk's inputs again (when they are not stored); None: the batch comes
    back without inputs. Raises ValueError when the table is not a chunk of this layout, or when
    the inputs drawn again differ from those the sweep drew (their SHA-256)."""
    meta = layout_of(table.schema)
    fields: dict[str, Any] = dict(decode_fields(table))
    types = tuple(meta["agreement_types"])
    issue_ids = tuple(meta["issue_ids"])
    years = _from_hex(meta["years_dtype"], meta["years"])
    input_names = list(meta["inputs"]["names"])
    if meta["inputs"]["stored"]:
        inputs = {n: np.asarray(table.column(f"in.{n}").to_numpy()) for n in input_names}
    elif redraw is not None:
        inputs = redraw()
        if list(inputs) != input_names or inputs_digest(inputs) != meta["inputs"]["sha256"]:
            raise ValueError(
                "the inputs drawn again differ from those the sweep drew (their SHA-256): the scenario, "
                "NumPy or accord changed since; run the sweep again with the inputs stored"
            )
    else:
        inputs = {}
    return BatchResult(
        years=years,
        actor_ids=tuple(meta["actor_ids"]),
        issue_ids=issue_ids,
        proposal_ids=tuple(meta["proposal_ids"]),
        format_ids=tuple(meta["format_ids"]),
        agreement_types=types,
        history=str(meta["history"]),
        inputs=inputs,
        **fields,
    )
