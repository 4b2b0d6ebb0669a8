"""Fixtures of the scale-out tests: a running cluster per test (see `scale_cluster.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scale_cluster import Cluster, running_cluster


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "scale: multi-process scale-out tests (PostgreSQL, ltsa serve, ltsa worker)"
    )


@pytest.fixture
def cluster(postgres_url: str, tmp_path: Path) -> Iterator[Cluster]:
    """A deployed probe process, four officers with tokens, 2 servers and 2 workers running."""
    with running_cluster(postgres_url, tmp_path) as made:
        yield made
