"""Fake-provider fixtures for these tests (the root conftest may register them later)."""

from tests.fakes.fixtures import *  # noqa: F403
