"""Marks for the tests of this folder."""

from pathlib import Path

import pytest


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder `integration`, so `-m "not integration"` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)
