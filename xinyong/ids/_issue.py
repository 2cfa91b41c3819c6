"""The numbering scheme for organization-code bodies of newly issued USCCs.

A serial number n in ``range(SERIAL_SPACE)`` maps to the body ``"MA" + b`` where
``b`` is n written in base 31 with exactly 6 digits from the USCC alphabet
(most significant first). Why this shape:

* new bodies issued since 2015 start with "MA", so issued codes look familiar;
* the USCC alphabet (no I, O, S, V, Z) is a subset of the characters GB 11714
  allows in a body, so every body is legal in both standards, and the GB 11714
  check character (a digit or 'X') is in the USCC alphabet as well;
* fixed-width positional notation is a bijection between ``range(31**6)`` and
  the bodies, so distinct serials give distinct bodies and hence distinct codes,
  and :func:`serial_for_body` recovers the serial.

Codes are unique among those issued from one persistent counter; they are not
coordinated with the national code centre and must not be presented as real.

>>> body_for_serial(0), body_for_serial(30), body_for_serial(31)
('MA000000', 'MA00000Y', 'MA000010')
>>> serial_for_body(body_for_serial(123_456_789))
123456789
"""

from __future__ import annotations

from xinyong.ids._common import USCC_ALPHABET

__all__ = ["BODY_PREFIX", "SERIAL_SPACE", "body_for_serial", "serial_for_body"]

BODY_PREFIX = "MA"
_WIDTH = 6
SERIAL_SPACE = len(USCC_ALPHABET) ** _WIDTH  # 887,503,681 distinct bodies
_VALUES = {char: value for value, char in enumerate(USCC_ALPHABET)}


def body_for_serial(serial: int) -> str:
    """The 8-character organization-code body for serial number ``serial``."""
    if not 0 <= serial < SERIAL_SPACE:
        raise ValueError(f"serial {serial} is outside 0..{SERIAL_SPACE - 1}")
    digits = []
    for _ in range(_WIDTH):
        serial, digit = divmod(serial, len(USCC_ALPHABET))
        digits.append(USCC_ALPHABET[digit])
    return BODY_PREFIX + "".join(reversed(digits))


def serial_for_body(body: str) -> int:
    """The inverse of :func:`body_for_serial`; ``ValueError`` if not one of our bodies."""
    if len(body) != len(BODY_PREFIX) + _WIDTH or not body.startswith(BODY_PREFIX):
        raise ValueError(f"{body!r} is not an issued body ({BODY_PREFIX} + 6 symbols)")
    serial = 0
    for char in body[len(BODY_PREFIX) :]:
        if char not in _VALUES:
            raise ValueError(f"{body!r} has {char!r}, which is not in the USCC alphabet")
        serial = serial * len(USCC_ALPHABET) + _VALUES[char]
    return serial
