"""Personal identifiers: encrypted at rest, looked up by keyed hash, masked on display.

A resident identity number identifies a person for life and cannot be
revoked, so a leaked database must not leak the numbers. The ledger therefore
never stores or logs one in clear:

* the number is encrypted with AES-256-GCM under a key derived from the master
  secret; the ciphertext is bound to its row's look-up hash (associated data),
  so ciphertexts cannot be swapped between persons unnoticed;
* look-ups use an HMAC-SHA256 of the number under a *separately* derived key:
  equal numbers give equal hashes, but without the secret nobody can test a
  guessed number against the table (an unkeyed hash of 18 digits with a known
  structure would fall to a brute-force search in minutes);
* displays use :func:`xinyong.ids.ric.mask`, computed once at registration.

The master secret comes from ``XINYONG_SECRET_KEY`` or from the key file that
``xinyong init`` creates with mode 0600.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xinyong.settings import Settings, SettingsError, env_name

__all__ = [
    "PersonIdCipher",
    "SecretKeyError",
    "ensure_secret_key",
    "load_secret_key",
]

#: Ciphertext format version; a key rotation would add version 2 beside it.
_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12
_MIN_TEXT_SECRET = 32
_HEX_SECRET = re.compile(r"(?:[0-9a-fA-F]{2}){32,}")
_SALT = b"xinyong master secret"


class SecretKeyError(SettingsError):
    """The master secret is missing, too weak, unreadable or exposed."""


def _parse_secret(raw: str) -> bytes:
    text = raw.strip()
    if _HEX_SECRET.fullmatch(text):
        return bytes.fromhex(text)
    if len(text) < _MIN_TEXT_SECRET:
        raise SecretKeyError(
            f"{env_name('secret_key')}: the master secret must be 64+ hex digits "
            f"or any text of {_MIN_TEXT_SECRET}+ characters"
        )
    return text.encode("utf-8")


def load_secret_key(settings: Settings) -> bytes:
    """The master secret from the settings or the key file; never creates one.

    A key file readable by other users is refused rather than used: whoever can
    read it can decrypt every identity number.
    """
    if settings.secret_key:
        return _parse_secret(settings.secret_key)
    path = settings.secret_key_path
    if not path.exists():
        raise SecretKeyError(
            f"no master secret: set {env_name('secret_key')} or run `xinyong init` "
            f"to create the key file {path}"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretKeyError(
            f"the key file {path} is readable by other users (mode {mode:o}); "
            f"run `chmod 600 {path}`"
        )
    return _parse_secret(path.read_text(encoding="ascii"))


def ensure_secret_key(settings: Settings) -> bytes:
    """Load the master secret, creating the key file (mode 0600) if none is configured.

    The file is created with ``O_EXCL`` so two ``init`` runs racing each other
    cannot end up with different keys.
    """
    if settings.secret_key or settings.secret_key_path.exists():
        return load_secret_key(settings)
    path: Path = settings.secret_key_path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_secret_key(settings)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return load_secret_key(settings)


def _derive(master: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose)
    return hkdf.derive(master)


@dataclass(frozen=True)
class PersonIdCipher:
    """Encrypts identity numbers and computes their look-up hash.

    Two keys are derived from the master secret with HKDF under different
    labels, so the look-up key can be handed to a component that must match
    persons without letting it decrypt anything.
    """

    master: bytes = field(repr=False)
    _enc_key: bytes = field(init=False, repr=False)
    _mac_key: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_enc_key", _derive(self.master, b"person-id encryption v1"))
        object.__setattr__(self, "_mac_key", _derive(self.master, b"person-id lookup v1"))

    def lookup_key(self, number: str) -> str:
        """The keyed hash (hex) that finds a person by a validated number."""
        return hmac.new(self._mac_key, number.encode("ascii"), hashlib.sha256).hexdigest()

    def encrypt(self, number: str, lookup_key: str) -> bytes:
        """Ciphertext of ``number``, bound to its look-up hash."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self._enc_key).encrypt(nonce, number.encode("ascii"), _aad(lookup_key))
        return _FORMAT_V1 + nonce + sealed

    def decrypt(self, blob: bytes, lookup_key: str) -> str:
        """The clear number; raises :class:`SecretKeyError` under a wrong key or a swapped row."""
        if blob[:1] != _FORMAT_V1:
            raise SecretKeyError("unknown identity-number ciphertext format")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            clear = AESGCM(self._enc_key).decrypt(nonce, sealed, _aad(lookup_key))
        except InvalidTag:
            raise SecretKeyError(
                "cannot decrypt an identity number: wrong master secret or tampered row"
            ) from None
        return clear.decode("ascii")


def _aad(lookup_key: str) -> bytes:
    return b"xinyong person id|" + lookup_key.encode("ascii")
