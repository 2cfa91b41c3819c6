"""The portal and JSON API: thin routers over :mod:`xinyong.access` and the ledger.

Every page has a JSON twin (``.json`` or ``Accept: application/json``), the API
lives under ``/api/v1`` and describes itself at ``/openapi.json``. Start with
:func:`create_app`; ``xinyong serve`` runs it under uvicorn.
"""

from xinyong.web.app import create_app

__all__ = ["create_app"]
