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
