"""Checks that span fields: ids are unique, and every reference names something that exists."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from accord.scenario.errors import PathPart
from accord.scenario.formats import BUILTIN_FORMATS
from accord.scenario.quantity import Quantity
from accord.scenario.schema import Role, Scenario, Series, date_to_year

ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

Path_ = tuple[PathPart, ...]


def _unknown(kind: str, found: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(found, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"expected a known {kind} ({shown}), found {found!r}{hint}"


def iter_provenanced(obj: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Quantity | Series | BaseModel]]:
    """Every Quantity and Series in a scenario, and every model with a ``source`` field, with its path."""
    if isinstance(obj, Quantity | Series):
        yield path, obj
        return
    if isinstance(obj, BaseModel):
        if "source" in type(obj).model_fields:
            yield path, obj
        for name in type(obj).model_fields:
            yield from iter_provenanced(getattr(obj, name), (*path, name))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from iter_provenanced(v, (*path, k))
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            yield from iter_provenanced(v, (*path, i))


def check_references(s: Scenario) -> list[tuple[Path_, str]]:
    """Problems as (field path, message); empty when the scenario is consistent."""
    out: list[tuple[Path_, str]] = []

    def unique(section: str, items: list[Any]) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(((section, i, "id"), f"expected a unique id, found {item.id!r} again (duplicate)"))
            seen.add(item.id)
        return seen

    issues = unique("issues", s.issues)
    actors = unique("actors", s.actors)
    formats = unique("formats", s.formats) | set(BUILTIN_FORMATS)
    unique("proposals", s.proposals)
    unique("events", s.events)
    sources = set(s.sources)

    tracks = unique("tracks", s.tracks)

    for i, a in enumerate(s.actors):
        for field in ("positions", "salience"):
            for issue_id in getattr(a, field):
                if issue_id not in issues:
                    out.append((("actors", i, field, issue_id), _unknown("issue", issue_id, issues)))
        if a.domestic is not None:
            for issue_id in a.domestic.pivot:
                if issue_id not in issues:
                    out.append((("actors", i, "domestic", "pivot", issue_id), _unknown("issue", issue_id, issues)))
        last = None
        for j, ch in enumerate(a.changes):
            for field in ("positions", "salience", "pivot"):
                for issue_id in getattr(ch, field):
                    if issue_id not in issues:
                        out.append((("actors", i, "changes", j, field, issue_id), _unknown("issue", issue_id, issues)))
                    elif field != "pivot" and issue_id not in a.positions:
                        out.append(
                            (
                                ("actors", i, "changes", j, field, issue_id),
                                f"expected an issue the actor holds a stance on from the start, found {issue_id!r}",
                            )
                        )
            when = date_to_year(ch.from_)
            if last is not None and when < last:
                out.append(
                    (("actors", i, "changes", j, "from"), "expected changes in date order, found an earlier date")
                )
            elif last is not None and when == last:
                # a change's inputs are named by its date (actors.ID.changes.DATE...): one per date
                out.append(
                    (
                        ("actors", i, "changes", j, "from"),
                        f"expected one change per date (merge the two), found {ch.from_} again",
                    )
                )
            last = when

    def who(path: Path_, ref: str, allow_roles: bool) -> None:
        if ref in actors or (allow_roles and ref in ROLES):
            return
        kind = "actor id or role" if allow_roles else "actor"
        pool = list(actors) + (list(ROLES) if allow_roles else [])
        out.append((path, _unknown(kind, ref, pool)))

    for i, f in enumerate(s.formats):
        if f.extends is not None and (f.extends not in formats or f.extends == f.id):
            out.append((("formats", i, "extends"), _unknown("format", f.extends, sorted(formats - {f.id}))))
        if f.mediator is not None:
            who(("formats", i, "mediator"), f.mediator, False)
        if f.after_war is not None and f.after_war not in formats:
            out.append((("formats", i, "after_war"), _unknown("format", f.after_war, sorted(formats))))
        for field in ("table", "proposers"):
            for j, ref in enumerate(getattr(f, field)):
                who(("formats", i, field, j), ref, True)
        for rule_name in ("decision", "organisation_decisions"):
            rule = getattr(f, rule_name)
            if rule is not None:
                for j, ref in enumerate(rule.voters):
                    who(("formats", i, rule_name, "voters", j), ref, True)

    for i, t in enumerate(s.tracks):
        for field in ("table", "proposers"):
            for j, ref in enumerate(getattr(t, field)):
                who(("tracks", i, field, j), ref, True)
        if t.decision is not None:
            for j, ref in enumerate(t.decision.voters):
                who(("tracks", i, "decision", "voters", j), ref, True)

    for i, p in enumerate(s.proposals):
        for j, ref in enumerate(p.sponsor):
            who(("proposals", i, "sponsor", j), ref, False)
        for issue_id in p.terms:
            if issue_id not in issues:
                out.append((("proposals", i, "terms", issue_id), _unknown("issue", issue_id, issues)))
        if p.deferred is not None:
            for j, issue_id in enumerate(p.deferred.issues):
                if issue_id not in issues:
                    out.append((("proposals", i, "deferred", "issues", j), _unknown("issue", issue_id, issues)))

    for i, ev in enumerate(s.events):
        for j, ref in enumerate(ev.actors):
            who(("events", i, "actors", j), ref, False)
        for issue_id in ev.status_quo:
            if issue_id not in issues:
                out.append((("events", i, "status_quo", issue_id), _unknown("issue", issue_id, issues)))
        if ev.switch_format is not None and ev.switch_format not in formats:
            out.append((("events", i, "switch_format"), _unknown("format", ev.switch_format, sorted(formats))))
        if ev.track is not None and ev.track not in tracks:
            out.append((("events", i, "track"), _unknown("track", ev.track, sorted(tracks))))

    if s.conflict is not None:
        for side in ("side_a", "side_b"):
            for j, ref in enumerate(getattr(s.conflict, side) or []):
                who(("conflict", side, j), ref, False)

    for path, obj in iter_provenanced(s):
        src = getattr(obj, "source", None)
        if src is not None and src not in sources:
            out.append(((*path, "source"), _unknown("source", src, sorted(sources))))
    return out
