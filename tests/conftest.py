"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def example_text() -> str:
    from importlib import resources

    return resources.files("accord.cases").joinpath("example.yaml").read_text(encoding="utf-8")


# CI runs the property tests derandomized, so a green main stays green; locally they explore.
def _hypothesis_profiles() -> None:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profiles()
