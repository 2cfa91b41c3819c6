"""Random tokens and how their digests are kept.

Tokens (API key secrets, session tokens, activation codes) carry at least 128
bits of randomness, so a plain SHA-256 digest is enough to store them: nobody
can search that space, and checking a key on every API request stays cheap.
Passwords are chosen by people, so they get argon2id instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
#: Compared against when the username is unknown, so timing does not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash("xinyong: no such account")
#: Alphabet of activation codes: no 0/O/1/I/L, easy to read aloud and type from a letter.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token."""
    return secrets.token_urlsafe(nbytes)


def new_activation_code() -> str:
    """A 20-character code in groups of five (about 99 bits), printed on a letter."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))
    return "-".join(chars[i : i + 5] for i in range(0, 20, 5))


def normalise_activation_code(code: str) -> str:
    """Upper case without separators or spaces, as typed codes vary."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; ``None`` still costs one argon2 check."""
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
