"""Vigil's HTTP API and dashboard: ``create_app(settings, store_location)`` builds the ASGI app."""

from vigil.api.app import create_app

__all__ = ["create_app"]
