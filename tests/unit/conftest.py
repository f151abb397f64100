import pytest

from config import TestConfig
from pen import create_app


@pytest.fixture
def bare_app(tmp_path):
    """An app with no database in use, for code that only needs the configuration."""
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}"})
    with app.app_context():
        yield app
