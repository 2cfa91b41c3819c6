"""How notices leave the outbox: a file per notice (demo, tests) or SMTP (stdlib ``smtplib``).

A transport is told each notice's idempotency key and must make a repeated
send of the same key harmless: the file transport writes one file named after
the key (a second write finds it and succeeds without change); the SMTP
transport derives the ``Message-ID`` from the key, so receiving systems can
drop duplicates. Together with the outbox recording each attempt, a notice
is delivered exactly once in effect even if the sender crashes between
sending and recording.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from xinyong.settings import Settings


class DeliveryError(Exception):
    """This attempt failed; the outbox records it and retries later."""


@dataclass(frozen=True)
class Outgoing:
    """What a transport sends: one rendered notice."""

    key: str
    address: str | None
    party_kind: str
    party_id: int
    language: str
    title: str
    body: str
    created_at: dt.datetime


class Transport(Protocol):
    """Sends one notice; returns a receipt text; raises :class:`DeliveryError` on failure."""

    name: str

    def send(self, message: Outgoing) -> str: ...


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


class FileTransport:
    """Writes each notice as a JSON file named after its key (atomic rename)."""

    name = "file"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, key: str) -> Path:
        """Where the notice with ``key`` is (or will be) written."""
        return self.directory / f"{_digest(key)}.json"

    def send(self, message: Outgoing) -> str:
        path = self.path_for(message.key)
        if path.exists():
            return f"file {path.name} (already written)"
        self.directory.mkdir(parents=True, exist_ok=True)
        document = {
            "key": message.key,
            "to": message.address,
            "party_kind": message.party_kind,
            "party_id": message.party_id,
            "language": message.language,
            "title": message.title,
            "body": message.body,
            "created_at": message.created_at.isoformat(),
        }
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            raise DeliveryError(f"cannot write {path.name}: {exc.strerror}") from exc
        return f"file {path.name}"


class SmtpTransport:
    """Sends each notice as an e-mail through one SMTP server (stdlib ``smtplib``)."""

    name = "smtp"

    def __init__(self, url: str, sender: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("XINYONG_SMTP_URL must look like smtp://[user:password@]host[:port]")
        self.host = parts.hostname
        self.tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender
        self.timeout = timeout

    def message(self, notice: Outgoing) -> EmailMessage:
        """The e-mail for ``notice``; its Message-ID is fixed by the idempotency key."""
        if not notice.address:
            raise DeliveryError(f"no address for {notice.party_kind} {notice.party_id}")
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = notice.address
        mail["Subject"] = notice.title
        mail["Date"] = format_datetime(notice.created_at)
        mail["Message-ID"] = f"<{_digest(notice.key)}@xinyong>"
        mail["Content-Language"] = notice.language
        mail.set_content(notice.body)
        return mail

    def send(self, message: Outgoing) -> str:
        mail = self.message(message)
        try:
            if self.tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if not self.tls and self.port == 587:
                    client.starttls(context=ssl.create_default_context())
                if self.user:
                    client.login(self.user, self.password or "")
                refused = client.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {exc}") from exc
        if refused:
            raise DeliveryError(f"SMTP refused {sorted(refused)}")
        return f"smtp {mail['Message-ID']}"


def transport_from(settings: Settings) -> Transport:
    """The transport the settings name."""
    if settings.notice_transport == "file":
        return FileTransport(settings.outbox_dir)
    if settings.notice_transport == "smtp":
        if not settings.smtp_url:
            raise ValueError("XINYONG_NOTICE_TRANSPORT=smtp needs XINYONG_SMTP_URL")
        return SmtpTransport(settings.smtp_url, settings.mail_from)
    raise ValueError(
        f"XINYONG_NOTICE_TRANSPORT must be 'file' or 'smtp', not {settings.notice_transport!r}"
    )
