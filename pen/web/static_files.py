"""Static URLs carry a content hash (`?v=…`), so browsers may cache them for a year."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    static_root = Path(app.static_folder)

    @lru_cache(maxsize=256)
    def file_version(filename: str) -> str:
        path = static_root / filename
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "0"

    def static_url(filename: str) -> str:
        version = file_version(filename) if not app.debug else str(int((static_root / filename).stat().st_mtime))
        return url_for("static", filename=filename, v=version)

    app.jinja_env.globals["static_url"] = static_url
