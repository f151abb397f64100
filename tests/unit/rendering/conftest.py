from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sample_reply() -> str:
    """A typical 4 KB model reply: headings, prose, lists, a table, three code blocks, links."""
    return (Path(__file__).parent / "sample_reply.md").read_text(encoding="utf-8")
