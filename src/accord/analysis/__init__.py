"""Sweeps, format comparisons, sensitivity analysis and backtests."""
