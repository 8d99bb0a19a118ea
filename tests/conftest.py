"""Shared fixtures: the seed leaflet (read from ../shared, never copied) and tool paths."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEED_LEAFLET = PROJECT_ROOT.parent / "shared" / "leaflets" / "dystonia-and-mental-health.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed_leaflet() -> Path:
    """The charity's real leaflet; tests using it skip where ../shared is absent."""
    if not SEED_LEAFLET.is_file():
        pytest.skip(f"seed leaflet not found at {SEED_LEAFLET} (../shared is absent)")
    return SEED_LEAFLET


@pytest.fixture
def fixtures() -> Path:
    """Folder of the project's own test leaflets."""
    return FIXTURES
