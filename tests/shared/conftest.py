"""Fixtures for the shared-memory tests: a unique namespace per test and helper processes."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from shared import shm
from tests.shared.helpers import Helper, Spawn


@pytest.fixture
def ns() -> Iterator[str]:
    """A namespace no other test (or test run) uses; its segments are removed afterwards."""
    namespace = f"t{os.getpid()}{uuid.uuid4().hex[:6]}"
    yield namespace
    shm.remove_namespace(namespace)
    assert not shm.segment_names(f"bot.{namespace}.")


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start helper scripts as OS processes; any still running at teardown are killed by PID."""
    helpers: list[Helper] = []

    def start(script: str, *args: str) -> Helper:
        helper = Helper(script, *args)
        helpers.append(helper)
        return helper

    yield start
    for helper in helpers:
        helper.stop()
