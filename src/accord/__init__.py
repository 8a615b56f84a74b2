"""accord: model, replay and compare multilateral peace mediation."""

__version__ = "0.1.0"
