import stat

import pytest

from config import ProductionConfig, TestConfig
from pen import ConfigError, create_app
from pen.instance_setup import ensure_secrets, main


def test_secrets_are_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PEN_ENCRYPTION_KEY", raising=False)
    assert sorted(ensure_secrets(tmp_path)) == ["encryption_key", "secret_key"]
    first = (tmp_path / "secret_key").read_text()
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "encryption_key").stat().st_mode) == 0o600
    assert ensure_secrets(tmp_path) == []
    assert (tmp_path / "secret_key").read_text() == first


def test_make_run_says_what_each_new_secret_is_for_and_never_prints_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PEN_ENCRYPTION_KEY", raising=False)
    assert main(tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Generated instance/secret_key (keep it safe: a new one signs everyone out)",
                     "Generated instance/encryption_key (keep it safe: without it the stored API keys cannot be read)"]
    assert main(tmp_path) == 0 and capsys.readouterr().out == ""


def test_secrets_from_the_environment_are_not_written(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.delenv("PEN_ENCRYPTION_KEY", raising=False)
    assert ensure_secrets(tmp_path) == ["encryption_key"]


def test_production_refuses_to_start_without_secrets(tmp_path):
    overrides = {"SECRET_KEY": None, "PEN_ENCRYPTION_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(ProductionConfig, overrides)


def test_invalid_encryption_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="Fernet"):
        create_app(TestConfig, {"PEN_ENCRYPTION_KEY": "nope", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


@pytest.mark.parametrize(
    ("raw", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("mysql://root@h/db", "mysql+pymysql"),
        ("mariadb://root@h/db", "mariadb+pymysql"),
    ],
)
def test_database_urls_get_pens_drivers(raw, driver, tmp_path):
    from pen.database import normalise_url

    assert normalise_url(raw, str(tmp_path)).drivername == driver


def test_relative_sqlite_files_live_in_instance(tmp_path):
    from pen.database import normalise_url

    assert normalise_url("sqlite:///pen.db", str(tmp_path)).database == str(tmp_path / "pen.db")
