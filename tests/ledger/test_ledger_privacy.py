"""The master secret and the identity-number cipher."""

from __future__ import annotations

import dataclasses
import os
import stat

import pytest

from xinyong.privacy import PersonIdCipher, SecretKeyError, ensure_secret_key, load_secret_key
from xinyong.settings import Settings

NUMBER = "11010519491231002X"


def _keyless(settings: Settings) -> Settings:
    return dataclasses.replace(settings, secret_key=None)


def test_the_key_file_is_created_once_and_private(settings: Settings) -> None:
    keyless = _keyless(settings)
    with pytest.raises(SecretKeyError, match="xinyong init"):
        load_secret_key(keyless)
    created = ensure_secret_key(keyless)
    assert len(created) == 32
    assert stat.S_IMODE(keyless.secret_key_path.stat().st_mode) == 0o600
    assert ensure_secret_key(keyless) == created
    assert load_secret_key(keyless) == created


def test_a_key_file_others_can_read_is_refused(settings: Settings) -> None:
    keyless = _keyless(settings)
    ensure_secret_key(keyless)
    os.chmod(keyless.secret_key_path, 0o640)
    with pytest.raises(SecretKeyError, match="chmod 600"):
        load_secret_key(keyless)


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("ab" * 32, bytes.fromhex("ab" * 32)),
        ("AB" * 40, bytes.fromhex("ab" * 40)),
        ("a long pass phrase of thirty-two+ chars", b"a long pass phrase of thirty-two+ chars"),
    ],
)
def test_configured_secrets(settings: Settings, configured: str, expected: bytes) -> None:
    configured_settings = dataclasses.replace(settings, secret_key=configured)
    assert load_secret_key(configured_settings) == expected
    assert ensure_secret_key(configured_settings) == expected
    assert not configured_settings.secret_key_path.exists()


def test_a_short_secret_is_refused(settings: Settings) -> None:
    with pytest.raises(SecretKeyError, match="32"):
        load_secret_key(dataclasses.replace(settings, secret_key="too short"))


def test_lookup_keys_are_keyed_and_stable() -> None:
    one, same, other = (
        PersonIdCipher(b"k" * 32),
        PersonIdCipher(b"k" * 32),
        PersonIdCipher(b"j" * 32),
    )
    assert one.lookup_key(NUMBER) == same.lookup_key(NUMBER)
    assert one.lookup_key(NUMBER) != other.lookup_key(NUMBER)
    assert one.lookup_key(NUMBER) != one.lookup_key("11010519491231003X")
    assert NUMBER not in repr(one)
    assert "k" * 32 not in repr(one)


def test_encryption_round_trip_is_randomised_and_bound_to_the_row() -> None:
    cipher = PersonIdCipher(b"k" * 32)
    key = cipher.lookup_key(NUMBER)
    first, second = cipher.encrypt(NUMBER, key), cipher.encrypt(NUMBER, key)
    assert first != second  # a fresh nonce each time: equal numbers are not visible as such
    assert cipher.decrypt(first, key) == cipher.decrypt(second, key) == NUMBER
    with pytest.raises(SecretKeyError, match="tampered"):
        cipher.decrypt(first, cipher.lookup_key("11010519491231003X"))
    with pytest.raises(SecretKeyError, match="tampered"):
        PersonIdCipher(b"j" * 32).decrypt(first, key)
    with pytest.raises(SecretKeyError, match="format"):
        cipher.decrypt(b"\x02" + first[1:], key)
    flipped = first[:-1] + bytes([first[-1] ^ 1])
    with pytest.raises(SecretKeyError):
        cipher.decrypt(flipped, key)
