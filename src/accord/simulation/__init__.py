"""Simulation: the replay loop, events and war, vectorized over draws (see the simulation contract)."""

from accord.simulation.engine import BatchResult, EngineError, run_batch
from accord.simulation.history import History, HistoryError
from accord.simulation.inputs import all_inputs, draw_inputs, uncertain_inputs
from accord.simulation.replay import Replay, replay

__all__ = [
    "BatchResult",
    "EngineError",
    "History",
    "HistoryError",
    "Replay",
    "all_inputs",
    "draw_inputs",
    "replay",
    "run_batch",
    "uncertain_inputs",
]
