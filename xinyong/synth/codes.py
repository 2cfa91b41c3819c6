"""Building valid identifiers, and the ways departments get them wrong.

Codes are valid by construction: an organisation code body is unique per subject (an
affine permutation of its index), its GB 11714 check character and the GB 32100 check
character are computed, never guessed. The corruptions below are the faults real feeds
carry; each returns the bad value so ground truth can say what was done.
"""

from __future__ import annotations

import math
import random

#: GB 32100 alphabet: digits and upper-case letters without I, O, Z, S, V (values 0-30).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RIC_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))

#: Size of the space of six-symbol serials after a two-letter prefix such as ``MA``.
SERIAL_SPACE = 31**6


def org_check(body: str) -> str:
    """GB 11714 check character for an eight-character organisation-code body."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(first17: str) -> str:
    """GB 32100 check character over the first seventeen characters."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def ric_check(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character of a citizen identity number."""
    total = sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def serial_body(serial: int, prefix: str) -> str:
    """An eight-character organisation-code body: prefix plus ``serial`` in base 31.

    A one-letter prefix takes seven decimal digits (older individual businesses, ``L``);
    an empty prefix gives eight digits (codes issued before 2015); a two-letter prefix
    (``MA`` for enterprises, ``MJ`` for social organisations ...) takes six symbols of the
    USCC alphabet, so the embedded code never holds a letter the USCC forbids.
    """
    if len(prefix) == 2:
        digits = []
        for _ in range(6):
            serial, rem = divmod(serial, 31)
            digits.append(USCC_ALPHABET[rem])
        return prefix + "".join(reversed(digits))
    return prefix + str(serial).zfill(8 - len(prefix))


def make_uscc(authority: str, entity_type: str, region: str, body: str) -> str:
    """A complete, valid USCC from its parts and an organisation-code body."""
    first17 = authority + entity_type + region + body + org_check(body)
    return first17 + uscc_check(first17)


def make_ric(area: str, birth: str, sequence: int) -> str:
    """A valid citizen identity number: area, YYYYMMDD birth date, three-digit sequence."""
    first17 = f"{area}{birth}{sequence:03d}"
    return first17 + ric_check(first17)


def affine(index: int, space: int, a: int, b: int) -> int:
    """Position ``index`` under the bijection ``i -> a*i + b (mod space)``.

    ``a`` must be coprime to ``space``; then distinct indices get distinct serials, which
    is what makes the codes unique without a set of issued codes.
    """
    return (a * index + b) % space


def coprime_multiplier(rnd: random.Random, space: int) -> int:
    """A multiplier coprime to ``space``, so that :func:`affine` is a bijection."""
    while True:
        a = rnd.randrange(max(2, space // 3), space) | 1
        if math.gcd(a, space) == 1:
            return a


def corrupt_check(code: str, shift: int) -> str:
    """The code with a different, wrong check character (``shift`` in 1..30)."""
    value = _USCC_VALUE.get(code[-1], 0)
    return code[:-1] + USCC_ALPHABET[(value + shift) % 31]


def to_fullwidth(text: str) -> str:
    """ASCII letters and digits as their full-width forms (Ａ, ９), as IMEs type them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)
