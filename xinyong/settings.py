"""Every setting of xinyong, declared once with its default and help text.

Settings are read from ``XINYONG_*`` environment variables into an immutable
:class:`Settings` object. Core code receives that object as an argument instead
of reading the environment itself, so tests inject settings rather than mutate
globals, and ``xinyong settings`` can print the whole table for operators.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PREFIX = "XINYONG_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {raw!r}") from exc


def _text(raw: str) -> str:
    return raw


def _about(help: str, parse: Callable[[str], Any] = _text) -> dict[str, Any]:
    return {"help": help, "parse": parse}


@dataclass(frozen=True)
class Settings:
    """The platform's configuration; build it with :func:`load_settings`."""

    home: Path = field(
        default=Path("xinyong-data"),
        metadata=_about(
            "Data directory: the embedded SQLite store, keys and generated files live here.",
            _path,
        ),
    )
    database_url: str | None = field(
        default=None,
        metadata=_about(
            "SQLAlchemy URL of the store, e.g. postgresql+psycopg://user@host/db. "
            "Empty means the embedded SQLite file <home>/xinyong.sqlite3.",
        ),
    )
    today: dt.date | None = field(
        default=None,
        metadata=_about(
            "Pin the platform's clock to this date (YYYY-MM-DD). Every deadline and "
            "publicity window reads this one clock, so procedures can be tested on a "
            "simulated calendar.",
            _date,
        ),
    )
    secret_key: str | None = field(
        default=None,
        metadata=_about(
            "Master secret (hex or any text of 32+ characters) for encrypting personal "
            "identifiers and keying their look-up hash. Empty means the key file "
            "<home>/secret.key, created by `xinyong init` with mode 0600.",
        ),
    )
    log_level: str = field(
        default="WARNING", metadata=_about("Python logging level for the CLI and server.")
    )

    @property
    def resolved_database_url(self) -> str:
        """The store URL, defaulting to the embedded SQLite file under ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'xinyong.sqlite3').resolve()}"

    @property
    def calendar_dir(self) -> Path:
        """Operator-supplied official schedules for years the packaged calendar lacks."""
        return self.home / "calendar"

    @property
    def secret_key_path(self) -> Path:
        """Where the generated master secret is kept when none is configured."""
        return self.home / "secret.key"


def env_name(name: str) -> str:
    """The environment variable that sets the setting ``name``."""
    return PREFIX + name.upper()


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read settings from ``environ`` (default: the process environment).

    Empty variables count as unset. Keyword ``overrides`` win over the
    environment; tests and embedding applications use them.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(env_name(f.name), "").strip()
        if not raw:
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            raise SettingsError(f"{env_name(f.name)}: {exc}") from exc
    values.update(overrides)
    return Settings(**values)


def describe() -> list[dict[str, str]]:
    """The settings table for documentation and ``xinyong settings``."""
    return [
        {
            "variable": env_name(f.name),
            "default": "" if f.default is None else str(f.default),
            "help": f.metadata["help"],
        }
        for f in fields(Settings)
    ]
