"""Simulation: the replay loop, events and war, vectorized over draws (see the simulation contract)."""

from accord.scenario.parameters import PARAMETERS, ParameterSpec
from accord.simulation.engine import BatchResult, EngineError, check_run, run_batch
from accord.simulation.history import COUNTERFACTUAL, IMPOSED, History, HistoryLike
from accord.simulation.inputs import all_inputs, draw_inputs, uncertain_inputs
from accord.simulation.replay import Replay, replay

__all__ = [
    "COUNTERFACTUAL",
    "IMPOSED",
    "PARAMETERS",
    "BatchResult",
    "EngineError",
    "History",
    "HistoryLike",
    "ParameterSpec",
    "Replay",
    "all_inputs",
    "check_run",
    "draw_inputs",
    "replay",
    "run_batch",
    "uncertain_inputs",
]
