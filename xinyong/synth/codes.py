"""Building valid identifiers through :mod:`xinyong.ids`, and the ways departments
get them wrong.

Codes are valid by construction: every subject gets a distinct serial (an affine
permutation of its index), the serial becomes an organisation-code body, and the
check characters come from :mod:`xinyong.ids`, never from a second implementation.
Enterprises and other bodies issued since 2015 use the ``MA`` bodies of
:func:`xinyong.ids.uscc.issue`; older enterprises keep eight-digit bodies and the
civil-affairs, staffing and other authorities get their own two-letter prefixes, as
real registers show.

>>> serial_body(0, "MJ"), serial_body(42, "L"), serial_body(12_345_678, "")
('MJ000000', 'L0000042', '12345678')
>>> code = make_uscc("5", "1", "110108", "MJ000000")
>>> uscc.validate(code) == code, id_error(corrupt_check(code, 1))
(True, 'InvalidChecksum')
>>> to_fullwidth("91110108")
'９１１１０１０８'
"""

from __future__ import annotations

import math
import random

from xinyong.ids import orgcode, ric, uscc

#: Size of the space of six-symbol serials after a two-letter prefix such as ``MA``.
SERIAL_SPACE = uscc.SERIAL_SPACE
#: The prefix of bodies that :func:`xinyong.ids.uscc.issue` builds.
ISSUED_PREFIX = uscc.body_for_serial(0)[:2]


def serial_body(serial: int, prefix: str) -> str:
    """An eight-character organisation-code body: ``prefix`` plus ``serial``.

    A two-letter prefix takes six symbols of the USCC alphabet (the shape of
    :func:`xinyong.ids.uscc.body_for_serial`, with another prefix); a one-letter prefix
    (``L``, older individual businesses) takes seven decimal digits; no prefix gives
    eight digits (organisation codes issued before 2015).
    """
    if len(prefix) == 2:
        return prefix + uscc.body_for_serial(serial)[2:]
    return prefix + str(serial).zfill(8 - len(prefix))


def make_uscc(authority: str, entity_type: str, region: str, body: str) -> str:
    """A complete, valid USCC from its parts and an organisation-code body."""
    first17 = authority + entity_type + region + body + orgcode.check_value(body)
    return first17 + uscc.check_value(first17)


def make_ric(area: str, birth: str, sequence: int) -> str:
    """A valid citizen identity number: area, YYYYMMDD birth date, three-digit sequence."""
    first17 = f"{area}{birth}{sequence:03d}"
    return first17 + ric.check_value(first17)


def affine(index: int, space: int, a: int, b: int) -> int:
    """Position ``index`` under the bijection ``i -> a*i + b (mod space)``.

    ``a`` must be coprime to ``space``; then distinct indices get distinct serials, which
    is what makes the codes unique without remembering the codes already issued.
    """
    return (a * index + b) % space


def coprime_multiplier(rnd: random.Random, space: int) -> int:
    """A multiplier coprime to ``space``, so that :func:`affine` is a bijection."""
    if space <= 2:
        return 1
    while True:  # a third of all numbers or more are coprime to any space: ends quickly
        a = rnd.randrange(space // 3 or 1, space)
        if math.gcd(a, space) == 1:
            return a


def corrupt_check(code: str, shift: int) -> str:
    """The code with a different, wrong check character (``shift`` in 1..30)."""
    value = uscc.ALPHABET.find(code[-1])
    return code[:-1] + uscc.ALPHABET[(value + shift) % 31]


def to_fullwidth(text: str) -> str:
    """ASCII letters and digits as their full-width forms (Ａ, ９), as IMEs type them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def id_error(code: str) -> str | None:
    """The :mod:`xinyong.ids` error class a USCC validator raises for ``code``, if any."""
    try:
        uscc.validate(code)
    except ValueError as exc:
        return type(exc).__name__
    return None
