"""Fixtures shared by the integration tests of several areas."""

import pytest
from sqlalchemy import event

from pen.extensions import db


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs (`statements.clear()` to start counting)."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield sent
    event.remove(engine, "before_cursor_execute", count)
