"""Alembic migration scripts of the ledger; run them through :mod:`xinyong.ledger.migrate`."""
