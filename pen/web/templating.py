"""Template globals shared by every page."""

from flask import Flask


def init_app(app: Flask) -> None:
    from pen.auth.service import signup_open
    from pen.web.navigation import nav_links

    app.jinja_env.globals["signup_open"] = signup_open
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
