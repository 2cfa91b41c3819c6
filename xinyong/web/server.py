"""The application as uvicorn imports it in each worker process (``xinyong serve``)."""

from __future__ import annotations

from fastapi import FastAPI

from xinyong.settings import load_settings
from xinyong.web.app import create_app


def app_from_env() -> FastAPI:
    """A portal over the store the ``XINYONG_*`` environment names (uvicorn factory)."""
    return create_app(load_settings())
