"""The application factory: defaults, environment, test config, extensions, blueprints.

Nothing else: migrations run through ``survey setup`` at deploy time, never here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask

from survey import config
from survey.formatting import format_share, format_swedish_number
from survey.web import jobs
from survey.web.extensions import csrf, db


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="templates",
        static_folder=str(config.PACKAGE_DIR / "static"),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config["SECRET_KEY"] = config.secret_key()
    app.config.from_prefixed_env("SURVEY")
    if test_config:
        app.config.from_mapping(test_config)
    _require_secret(app)
    _ensure_instance_folder(app)

    db.init_app(app)
    csrf.init_app(app)
    app.jinja_env.filters.update(swedish_number=_swedish_number, share=format_share)
    jobs.init_app(app)
    _register_blueprints(app)
    return app


def _swedish_number(value: Decimal | float | str, decimals: int | None = None) -> str:
    """Template filter: ``{{ mean|swedish_number(1) }}`` → «2,4»."""
    number = Decimal(str(value))
    return format_swedish_number(number if decimals is None else round(number, decimals))


def _require_secret(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.testing or config.is_development():
        app.config["SECRET_KEY"] = config.DEV_SECRET
        return
    raise RuntimeError(
        "SECRET_KEY is not set. Set SECRET_KEY to a long random value in production "
        "(or SURVEY_ENV=development for a local demo)."
    )


def _ensure_instance_folder(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        import os

        os.makedirs(app.instance_path, exist_ok=True)


def _register_blueprints(app: Flask) -> None:
    from survey.web import admin, auth, boundary, health, reflect, respond, security, unavailable
    from survey.web import themes as themes_views

    boundary.init_url_map(app)
    boundary.init_app(app)
    security.init_app(app)
    unavailable.init_app(app)
    auth.init_app(app)
    app.register_blueprint(health.bp)
    from survey.web import public

    app.register_blueprint(public.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(reflect.bp)
    from survey.web import results as results_views
    app.register_blueprint(results_views.bp)
    app.register_blueprint(themes_views.bp)
