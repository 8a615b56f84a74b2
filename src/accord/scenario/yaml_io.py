"""Reading untrusted YAML safely, keeping the line and column of every value.

We compose the YAML into a node graph (no Python objects are constructed from tags), refuse
anything that is not plain data, bound the size of the file and of what aliases expand to,
and build plain dicts/lists alongside a map from field path to source location.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from accord.scenario.errors import PathPart, Problem, ScenarioError

MAX_BYTES = 5 * 1024 * 1024
"""Scenario files above this size are refused (the Minsk case is ~100 KB)."""
MAX_NODES = 200_000
"""Refuse documents whose aliases expand to more nodes than this (billion-laughs guard)."""
MAX_DEPTH = 64
MAX_INT_DIGITS = 18
"""Integers with more digits than this are refused as they are read: no scenario number needs them
(every number must fit a float, see accord.scenario.quantity.MAX_MAGNITUDE), and Python refuses to
read integers of more than 4,300 digits at all."""

Location = tuple[int, int]  # 1-based line, column
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class LocatedData:
    """Plain data from a YAML file with a location for each field path."""

    def __init__(self, data: Any, locations: dict[tuple[PathPart, ...], Location], name: str):
        self.data = data
        self.locations = locations
        self.name = name

    def locate(self, path: tuple[PathPart, ...]) -> Location:
        """Location of the deepest existing prefix of ``path``."""
        for n in range(len(path), -1, -1):
            loc = self.locations.get(tuple(path[:n]))
            if loc is not None:
                return loc
        return (1, 1)

    def yaml_path(self, path: tuple[Any, ...], name_last: bool = True) -> tuple[PathPart, ...]:
        """Keep the parts of a validator's error path that exist in the file.

        pydantic adds union tags and validator names to its paths; a missing field is named
        by the last part, which does not exist in the file but is worth printing."""
        out: list[PathPart] = []
        node = self.data
        for i, part in enumerate(path):
            if _is_union_tag(node, part, path[i + 1 : i + 2]):
                continue
            if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            ):
                out.append(part)
                node = node[part]
            elif name_last and i == len(path) - 1 and isinstance(node, dict) and isinstance(part, str):
                out.append(part)
        return tuple(out)


def _is_union_tag(node: Any, part: Any, following: tuple[Any, ...]) -> bool:
    """pydantic names a tagged union's branch in its path (``capability.series.scale``); when that
    tag is also a key (``series``) but the next part lives beside it, the tag is not a step."""
    if not (isinstance(node, dict) and part in node and following):
        return False
    child = node[part]
    nxt = following[0]
    return nxt in node and not (isinstance(child, dict) and nxt in child)


def _problem(name: str, mark: Any, field: str, message: str) -> Problem:
    line = getattr(mark, "line", 0) + 1
    col = getattr(mark, "column", 0) + 1
    return Problem(name, line, col, field, message)


def read_text(raw: bytes, name: str) -> str:
    """Decode a scenario file, refusing huge or binary input."""
    if len(raw) > MAX_BYTES:
        raise ScenarioError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "(file)",
                    f"expected a scenario file of at most {MAX_BYTES // (1024 * 1024)} MiB, "
                    f"found {len(raw) / (1024 * 1024):.1f} MiB",
                )
            ]
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ScenarioError(
            [
                Problem(
                    name,
                    raw[:nul].count(b"\n") + 1,
                    1,
                    "(file)",
                    f"expected a UTF-8 text file, found binary data (a NUL byte at offset {nul})",
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ScenarioError(
            [
                Problem(
                    name,
                    line,
                    1,
                    "(file)",
                    f"expected a UTF-8 text file, found undecodable byte 0x{raw[e.start]:02x} at offset {e.start}",
                )
            ]
        ) from None
    return text


def parse_yaml(text: str, name: str) -> LocatedData:
    """Parse YAML text into plain data with locations; raise :class:`ScenarioError` on any problem."""
    if not text.strip() or all(
        ln.strip().startswith("#") or not ln.strip() or ln.strip() in ("---", "...") for ln in text.splitlines()
    ):
        raise ScenarioError(
            [
                Problem(
                    name, 1, 1, "(file)", "expected a scenario mapping (meta, issues, actors, ...), found an empty file"
                )
            ]
        )
    yaml = YAML(typ="safe", pure=True)
    try:
        nodes = list(_compose_all(yaml, text))
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = " ".join((e.problem or "invalid YAML").split())
        if e.context:
            msg = f"{' '.join(e.context.split())}, {msg}"
        raise ScenarioError(
            [_problem(name, mark, "(file)", f"expected valid YAML, found a syntax error: {msg}")]
        ) from None
    except YAMLError as e:
        # e.g. a ReaderError for a control character: it knows a character offset, not a mark
        pos = getattr(e, "position", 0) or 0
        line = text[:pos].count("\n") + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ScenarioError([Problem(name, line, col, "(file)", f"expected valid YAML, found: {first}")]) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(name, 1, 1, "(file)", "expected valid YAML, found nesting too deep to read")]
        ) from None
    if len(nodes) != 1 or nodes[0] is None:
        raise ScenarioError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "(file)",
                    f"expected one YAML document, found {len([n for n in nodes if n is not None])}",
                )
            ]
        )
    root = nodes[0]
    size = _expanded_size(root, {}, 0)
    if size > MAX_NODES:
        raise ScenarioError(
            [
                _problem(
                    name,
                    root.start_mark,
                    "(file)",
                    f"expected at most {MAX_NODES:,} values once aliases are expanded, found more "
                    "(a scenario too large to read, or an alias bomb)",
                )
            ]
        )
    locations: dict[tuple[PathPart, ...], Location] = {}
    problems: list[Problem] = []
    constructor = yaml.constructor
    data = _to_plain(root, (), locations, problems, name, constructor, 0)
    if problems:
        raise ScenarioError(problems)
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                _problem(
                    name,
                    root.start_mark,
                    "(file)",
                    f"expected a mapping (meta, issues, actors, ...), found {_kind(data)}",
                )
            ]
        )
    return LocatedData(data, locations, name)


def _compose_all(yaml: YAML, text: str) -> Iterator[Node | None]:
    yield from yaml.compose_all(StringIO(text))


def _kind(x: Any) -> str:
    if isinstance(x, list):
        return "a list"
    if isinstance(x, str):
        return "text"
    if x is None:
        return "nothing"
    return type(x).__name__


def _expanded_size(node: Node, memo: dict[int, int], depth: int) -> int:
    if depth > MAX_DEPTH * 4:
        return MAX_NODES + 1
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_NODES + 1  # a recursive alias counts as unbounded
    if isinstance(node, MappingNode):
        n = 1 + sum(_expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1) for k, v in node.value)
    elif isinstance(node, SequenceNode):
        n = 1 + sum(_expanded_size(v, memo, depth + 1) for v in node.value)
    else:
        n = 1
    n = min(n, MAX_NODES + 1)
    memo[key] = n
    return n


def _to_plain(
    node: Node,
    path: tuple[PathPart, ...],
    locations: dict[tuple[PathPart, ...], Location],
    problems: list[Problem],
    name: str,
    constructor: SafeConstructor,
    depth: int,
) -> Any:
    from accord.scenario.errors import field_path

    locations.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if depth > MAX_DEPTH:
        problems.append(
            _problem(
                name, node.start_mark, field_path(path), f"expected at most {MAX_DEPTH} levels of nesting, found more"
            )
        )
        return None
    if isinstance(node, ScalarNode):
        if node.tag not in _PLAIN_TAGS:
            problems.append(
                _problem(
                    name,
                    node.start_mark,
                    field_path(path),
                    f"expected plain data, found the tag {node.tag!r} (tags are not allowed)",
                )
            )
            return None
        if node.tag == "tag:yaml.org,2002:timestamp":
            return str(node.value)  # dates stay text (even 1997-02-31); the schema parses them
        if node.tag == "tag:yaml.org,2002:int":
            digits = len(_int_digits(str(node.value)))
            if digits > MAX_INT_DIGITS:
                problems.append(
                    _problem(
                        name,
                        node.start_mark,
                        field_path(path),
                        f"expected a number of at most {MAX_INT_DIGITS} digits, found an integer of {digits} digits",
                    )
                )
                return None
        try:
            value = constructor.construct_object(node, deep=True)
        except (YAMLError, ValueError, OverflowError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            problems.append(
                _problem(name, node.start_mark, field_path(path), f"expected a plain value, found: {first[:200]}")
            )
            return None
        return value
    if isinstance(node, SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            problems.append(
                _problem(
                    name,
                    node.start_mark,
                    field_path(path),
                    f"expected plain data, found the tag {node.tag!r} (tags are not allowed)",
                )
            )
            return None
        return [
            _to_plain(item, (*path, i), locations, problems, name, constructor, depth + 1)
            for i, item in enumerate(node.value)
        ]
    if isinstance(node, MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            problems.append(
                _problem(
                    name,
                    node.start_mark,
                    field_path(path),
                    f"expected plain data, found the tag {node.tag!r} (tags are not allowed)",
                )
            )
            return None
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                problems.append(
                    _problem(
                        name,
                        knode.start_mark,
                        field_path(path),
                        "expected a plain key, found a list or mapping used as a key",
                    )
                )
                continue
            if knode.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    _problem(
                        name,
                        knode.start_mark,
                        field_path(path),
                        "expected plain keys, found a merge key '<<' (not supported)",
                    )
                )
                continue
            key = _to_plain(knode, (*path, "<key>"), {}, problems, name, constructor, depth + 1)
            if not isinstance(key, str | int) or isinstance(key, bool):
                problems.append(
                    _problem(
                        name,
                        knode.start_mark,
                        field_path(path),
                        f"expected a text or integer key, found {knode.value!r}",
                    )
                )
                continue
            if key in out:
                problems.append(
                    _problem(
                        name,
                        knode.start_mark,
                        field_path((*path, key)),
                        f"expected each key once, found {key!r} again (duplicate key)",
                    )
                )
                continue
            locations[(*path, key)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[key] = _to_plain(vnode, (*path, key), locations, problems, name, constructor, depth + 1)
            # point errors about the value at the value, not at the key
            locations[(*path, key)] = (vnode.start_mark.line + 1, vnode.start_mark.column + 1)
            locations[(*path, key, "<key>")] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
        return out
    problems.append(_problem(name, node.start_mark, field_path(path), "expected plain data"))
    return None


def _int_digits(text: str) -> str:
    """The digits of a YAML integer (``-1_000``, ``0x1F``, ``0o17``) without sign, prefix or ``_``."""
    t = text.strip().lstrip("+-").replace("_", "").lower()
    return t[2:] if t[:2] in ("0x", "0o", "0b") else t


def dump_yaml(data: Any) -> str:
    """Write plain data as block-style YAML."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False  # block style
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keep the schema's field order
    yaml.width = 100
    buf = StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
