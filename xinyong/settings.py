"""Every setting of xinyong, declared once with its default and help text.

Settings are read from ``XINYONG_*`` environment variables into an immutable
:class:`Settings` object. Core code receives that object as an argument instead
of reading the environment itself, so tests inject settings rather than mutate
globals, and ``xinyong settings`` can print the whole table for operators.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
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


def _whole(raw: str, least: int) -> int:
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"expected a whole number, got {raw!r}") from exc
    if value < least:
        raise ValueError(f"expected a number of at least {least}, got {value}")
    return value


def _positive(raw: str) -> int:
    return _whole(raw, 1)


def _non_negative(raw: str) -> int:
    return _whole(raw, 0)


def _proxies(raw: str) -> str:
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if items == ["*"]:
        return "*"
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ValueError(f"expected IP addresses or networks, or '*'; got {item!r}") from exc
    return ",".join(items)


def _port(raw: str) -> int:
    value = _positive(raw)
    if value > 65535:
        raise ValueError(f"expected a port number up to 65535, got {value}")
    return value


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


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
    # The portal and API (xinyong.web, `xinyong serve`).
    host: str = field(
        default="127.0.0.1",
        metadata=_about("Address `xinyong serve` listens on (0.0.0.0 for every interface)."),
    )
    port: int = field(default=8000, metadata=_about("Port `xinyong serve` listens on.", _port))
    workers: int = field(
        default=1,
        metadata=_about(
            "Server processes for `xinyong serve` (one per core is a good start).", _positive
        ),
    )
    trusted_proxies: str = field(
        default="127.0.0.1",
        metadata=_about(
            "Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto `xinyong serve` "
            "believes, as addresses or networks separated by commas (10.0.0.0/8); '*' "
            "believes anyone, so only behind a proxy that overwrites those headers. The "
            "rate limits count the client address this gives.",
            _proxies,
        ),
    )
    secure_cookies: bool = field(
        default=False,
        metadata=_about(
            "Mark cookies Secure and send HSTS: set to true whenever the portal is reached "
            "over HTTPS (behind a TLS proxy too). Requests that arrive over HTTPS get "
            "Secure cookies regardless.",
            _bool,
        ),
    )
    page_cache: int = field(
        default=8192,
        metadata=_about(
            "Public subject pages each server process keeps built in memory (some 23 KB "
            "each for an organisation with ten records); 0 keeps none.",
            _non_negative,
        ),
    )
    page_store: str | None = field(
        default=None,
        metadata=_about(
            "File of public subject pages shared by the server processes and kept across "
            "restarts (`xinyong pages build` fills it). Empty means <home>/pages.sqlite3; "
            "'off' keeps none.",
        ),
    )
    session_hours: int = field(
        default=8, metadata=_about("Hours a portal sign-in stays valid.", _positive)
    )
    search_per_minute: int = field(
        default=60,
        metadata=_about("Searches one client address may make per minute.", _positive),
    )
    sign_in_per_minute: int = field(
        default=10,
        metadata=_about(
            "Sign-in and activation attempts one client address may make per minute.", _positive
        ),
    )
    # Due process (xinyong.workflows). Deadlines are counted on the official
    # working-day calendar; the catalog sets the legal ones per type and list.
    listing_response_working_days: int = field(
        default=10,
        metadata=_about(
            "Working days a subject has to answer a listing notice when the list type sets "
            "no response window, counted from the day after the notice is delivered.",
            _positive,
        ),
    )
    objection_reply_days: str = field(
        default="",
        metadata=_about(
            "Per record type, the working days a furnishing department has to answer an "
            "objection, overriding the catalog, as TYPE=N pairs separated by commas "
            "(e.g. administrative_penalty=15,honour=10). Types not named follow the "
            "catalog; a type without a catalog rule gets 20 working days.",
        ),
    )
    repair_feedback_working_days: int = field(
        default=10,
        metadata=_about(
            "Working days the platform has to give feedback on a credit-repair "
            "application (2025 State Council implementation plan: 10).",
            _positive,
        ),
    )
    repair_decision_working_days: int = field(
        default=3,
        metadata=_about(
            "Working days the deciding authority has once a repair application is "
            "forwarded to it (2025 State Council implementation plan: 3).",
            _positive,
        ),
    )
    notice_transport: str = field(
        default="file",
        metadata=_about(
            "How notices leave the outbox: 'file' (one file per notice under "
            "<home>/outbox, for the demo and tests) or 'smtp'.",
        ),
    )
    smtp_url: str | None = field(
        default=None,
        metadata=_about(
            "SMTP server for notices, e.g. smtp://user:password@mail.example.org:587 "
            "(STARTTLS on 587) or smtps://host:465.",
        ),
    )
    mail_from: str = field(
        default="xinyong@localhost",
        metadata=_about("Sender address of notices sent by SMTP."),
    )
    outbox_max_attempts: int = field(
        default=8,
        metadata=_about(
            "Delivery attempts per notice before it is marked failed and needs a person.",
            _positive,
        ),
    )
    # Rules evaluation (`xinyong evaluate`).
    explain_processes: int = field(
        default=0,
        metadata=_about(
            "Processes that explain a large evaluation's proposals in parallel (0: one per "
            "core, 1: none). Each is forked from the evaluating process.",
            _non_negative,
        ),
    )
    # Rules evaluation on Apache Spark (`xinyong evaluate --engine spark`).
    spark_master: str = field(
        default="local[2]",
        metadata=_about(
            "Spark master URL for `--engine spark`: local[N] on this machine, or a cluster "
            "(spark://host:7077, yarn, k8s://...).",
        ),
    )
    spark_driver_memory: str = field(
        default="4g",
        metadata=_about(
            "Memory of the Spark driver (this process's JVM), which receives every "
            "subject's result row: 4g suits a million subjects.",
        ),
    )
    spark_workdir: Path | None = field(
        default=None,
        metadata=_about(
            "Where the facts snapshot is written as Parquet for Spark. On a cluster it must "
            "be storage every executor can read (a shared mount or an hdfs:// path mounted "
            "here). Empty means a temporary directory.",
            _path,
        ),
    )

    @property
    def resolved_database_url(self) -> str:
        """The store URL, defaulting to the embedded SQLite file under ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'xinyong.sqlite3').resolve()}"

    @property
    def page_store_path(self) -> Path | None:
        """The shared page file, or ``None`` when it is turned off."""
        if self.page_store is None:
            return self.home / "pages.sqlite3"
        if self.page_store.strip().lower() == "off":
            return None
        return Path(self.page_store).expanduser()

    @property
    def calendar_dir(self) -> Path:
        """Operator-supplied official schedules for years the packaged calendar lacks."""
        return self.home / "calendar"

    @property
    def outbox_dir(self) -> Path:
        """Where the file transport writes delivered notices."""
        return self.home / "outbox"

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
