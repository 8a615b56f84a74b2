"""accord: model, replay and compare multilateral peace mediation.

The notebook API is exported here, loaded on first use so that ``import accord`` (and
``accord --version``) stays fast::

    import accord
    s = accord.load("minsk-group")
    r = accord.replay(s, seed=0)        # .events, .trajectory: DataFrames
    c = accord.compare(s, formats=["minsk-group", "inclusive"], runs=200)   # .runs, .by_year

See :mod:`accord.api`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from accord.api import compare, load, replay, sweep
    from accord.simulation.history import History

__all__ = ["History", "__version__", "compare", "load", "replay", "sweep"]

_LAZY = {"compare": "accord.api", "load": "accord.api", "replay": "accord.api", "sweep": "accord.api"}
_LAZY["History"] = "accord.simulation.history"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'accord' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
