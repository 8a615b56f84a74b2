"""Bargaining models: forecast outcomes from capabilities, positions and saliences."""
