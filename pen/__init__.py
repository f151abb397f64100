"""Pen: a self-hosted, multi-provider AI chat."""

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says what to set."""


def create_app(config: type | None = None, overrides: Mapping | None = None) -> "Flask":
    from flask import Flask

    from config import config_for_environment
    from pen import database

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for_environment())
    if overrides:
        app.config.update(overrides)

    _load_secrets(app)
    database.configure(app)
    _init_extensions(app)
    _register_blueprints(app)

    from pen import cli
    from pen.web import errors, headers, logs, proxies, static_files, templating

    logs.init_app(app)
    proxies.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    static_files.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app


def _load_secrets(app: "Flask") -> None:
    from pen import database
    from pen.security.secrets import InvalidEncryptionKey, parse_keys

    for name, filename in (("SECRET_KEY", "secret_key"), ("PEN_ENCRYPTION_KEY", "encryption_key")):
        if not app.config.get(name) and app.config["PEN_SECRETS_FROM_INSTANCE"]:
            app.config[name] = database.read_instance_file(app, filename)
        if not app.config.get(name):
            where = "the environment" if not app.config["PEN_SECRETS_FROM_INSTANCE"] else "the environment or instance/"
            raise ConfigError(f"{name} is not set: put it in {where} (`make run` generates both once).")
    try:
        parse_keys(app.config["PEN_ENCRYPTION_KEY"])
    except InvalidEncryptionKey as exc:
        raise ConfigError(str(exc)) from exc


def _init_extensions(app: "Flask") -> None:
    from pen import database, models  # noqa: F401 - models registers the tables on db.metadata
    from pen.auth.session import init_login
    from pen.extensions import csrf, db, limiter, login_manager
    from pen.providers import init_app as init_providers

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_login(app)
    init_providers(app)


def _register_blueprints(app: "Flask") -> None:
    from pen.admin.routes import bp as admin_bp
    from pen.auth.routes import bp as auth_bp
    from pen.chat.routes import bp as chat_bp
    from pen.data.routes import bp as data_bp
    from pen.health.routes import bp as health_bp
    from pen.prompts.routes import bp as prompts_bp
    from pen.settings.routes import bp as settings_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(data_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(settings_bp)
    app.register_blueprint(prompts_bp)
