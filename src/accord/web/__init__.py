"""The local web dashboard."""
