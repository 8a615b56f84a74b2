"""Mediation formats, decision rules, proposal makers and ratification."""
