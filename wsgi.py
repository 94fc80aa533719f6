"""WSGI entry point for gunicorn: ``gunicorn -w 4 wsgi:app``."""

from survey.web.app import create_app

app = create_app()
