"""WSGI entry point: `gunicorn wsgi:app`."""

from pen import create_app

app = create_app()
