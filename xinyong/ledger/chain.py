"""The hash chain: canonical encoding and the hash of one event.

Each event's hash is ``sha256(prev_hash || canonical JSON of [seq, event_id,
entity, entity_id, type, valid_from, recorded_at, actor, source_id, batch_id,
payload])`` in hex. Canonical JSON is ``json.dumps(sort_keys=True,
separators=(",", ":"), ensure_ascii=False)``, UTF-8 encoded; dates and instants
are ISO 8601 strings (instants in UTC with microseconds, ``+00:00``). The
payload is stored as its canonical text and hashed byte for byte as stored, so
any edit of the stored text changes the hash, and an auditor can recompute
every hash with nothing but a JSON library and SHA-256.

Two implementations produce the same text: :func:`event_text` (obvious, used
by ``verify``) and :class:`Linker` (string templates, used by writers because
hashing is on the ingest hot path; it also takes a payload as its UTF-8 bytes).
A test holds them equal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import json.encoder as json_encoder
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from xinyong.ledger.tables import GENESIS_HASH

__all__ = [
    "GENESIS_HASH",
    "Encoded",
    "Linker",
    "canonical",
    "event_hash",
    "event_text",
    "instant_text",
    "object_text",
    "object_utf8",
    "payload_text",
]

_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
#: JSON text of one string, exactly as :func:`canonical` writes it (a C function).
json_string: Callable[[str], str] = json_encoder.encode_basestring


def _make_canonical() -> Callable[[Any], str]:
    """``_ENCODER.encode``, or the same C encoder built once instead of once per call.

    ``JSONEncoder.encode`` rebuilds its C encoder on every call, which costs
    more than encoding a record's fields. The prebuilt one is used only if it
    reproduces the standard output on a sample; otherwise (another Python
    version, no C accelerator) the standard path is used.
    """
    slow = _ENCODER.encode
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return slow
    try:
        iterencode = make(None, _ENCODER.default, json_string, None, ":", ",", True, False, False)
    except TypeError:  # pragma: no cover - a different C signature
        return slow

    def fast(value: Any) -> str:
        return "".join(iterencode(value, 0))

    sample = {"b": [1, 2.5, None, True, {"z": 0, "a": -1}], "a": 'é"\\\n中', "": 1e300}
    try:
        same = fast(sample) == slow(sample)
    except Exception:  # pragma: no cover - defensive: any surprise means "use the slow one"
        return slow
    return fast if same else slow


canonical: Callable[[Any], str] = _make_canonical()
"""Canonical JSON text of a value (NaN and infinities are refused: they are not JSON)."""

_sha256 = hashlib.sha256


class Encoded(Mapping[str, Any]):
    """A JSON object given as its canonical text, decoded only if a value is looked at.

    Ingestion encodes a record's fields where it validates them (in the reading
    worker, on the other core); the writer then stores and hashes the text as
    it is, and only an amendment or a held row ever needs the values. The text
    must be what :func:`canonical` makes of the object (``Encoded.of`` makes it).
    It may be given as its UTF-8 bytes (:meth:`from_utf8`), which is how the
    writer hashes and stores it: a chunk's fields then cross from the worker and
    into the store without being decoded and encoded again on the writer's core.
    """

    __slots__ = ("_text", "_utf8", "_value")

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._utf8: bytes | None = None
        self._value: dict[str, Any] | None = None

    @classmethod
    def of(cls, value: Mapping[str, Any]) -> Encoded:
        """The encoded form of ``value``."""
        return cls(object_text(value))

    @classmethod
    def from_utf8(cls, data: bytes) -> Encoded:
        """The object whose canonical text has these UTF-8 bytes."""
        encoded = cls.__new__(cls)
        encoded._text, encoded._utf8, encoded._value = None, data, None
        return encoded

    @property
    def text(self) -> str:
        """The canonical JSON text."""
        if self._text is None:
            self._text = self._utf8.decode("utf-8")  # type: ignore[union-attr]  # one is set
        return self._text

    @property
    def utf8(self) -> bytes:
        """The canonical JSON text as UTF-8 bytes."""
        if self._utf8 is None:
            self._utf8 = self._text.encode("utf-8")  # type: ignore[union-attr]  # one is set
        return self._utf8

    def _values(self) -> dict[str, Any]:
        if self._value is None:
            self._value = json.loads(self.text)
        return self._value

    def __getitem__(self, key: str) -> Any:
        return self._values()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Encoded):
            if self._utf8 is not None and other._utf8 is not None:
                return self._utf8 == other._utf8
            return self.text == other.text
        return self._values() == other

    __hash__ = None  # type: ignore[assignment]  # a mapping, mutable or not, is unhashable

    def __repr__(self) -> str:
        return f"Encoded({self.text!r})"

    def __reduce__(self) -> tuple[Callable[..., Encoded], tuple[Any]]:
        if self._utf8 is not None:
            return Encoded.from_utf8, (self._utf8,)
        return Encoded, (self.text,)


def object_text(value: Mapping[str, Any]) -> str:
    """:func:`canonical` of a mapping, reusing the text of an :class:`Encoded` one."""
    if type(value) is Encoded:
        return value.text
    return canonical(value if type(value) is dict else dict(value))


def object_utf8(value: Mapping[str, Any]) -> bytes:
    """:func:`object_text` as UTF-8 bytes, reusing the bytes of an :class:`Encoded` one."""
    if type(value) is Encoded:
        return value.utf8
    return object_text(value).encode("utf-8")


def instant_text(value: dt.datetime) -> str:
    """The canonical text of an instant: UTC, microseconds, explicit offset."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def event_text(
    seq: int,
    event_id: str,
    entity: str,
    entity_id: int,
    type_: str,
    valid_from: dt.date,
    recorded_at: dt.datetime,
    actor: str,
    source_id: int | None,
    batch_id: int | None,
    payload: str,
) -> str:
    """The canonical JSON array an event's hash covers (``payload`` as stored text)."""
    head = canonical(
        [
            seq,
            event_id,
            entity,
            entity_id,
            type_,
            valid_from.isoformat(),
            instant_text(recorded_at),
            actor,
            source_id,
            batch_id,
        ]
    )
    return f"{head[:-1]},{payload}]"


def event_hash(prev_hash: str, text: str) -> str:
    """The chain hash of an event whose canonical text is ``text``."""
    return _sha256((prev_hash + text).encode("utf-8")).hexdigest()


def _uuid4_texts(count: int) -> list[str]:
    # Formatting random bytes directly is ~4x faster than str(uuid.uuid4()).
    raw = os.urandom(16 * count).hex()
    out = []
    for i in range(0, 32 * count, 32):
        h = raw[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return out


class Linker:
    """Appends events to the chain in memory, for one transaction.

    All events of a transaction share its ``recorded_at`` and actor; the linker
    precomputes their text once and builds each event from string pieces.
    """

    def __init__(self, last_seq: int, last_hash: str, recorded_at: dt.datetime, actor: str) -> None:
        self.seq = last_seq
        self.hash = last_hash
        self.recorded_at = recorded_at
        self._tail = f'"{instant_text(recorded_at)}",{canonical(actor)},'
        self._ids: list[str] = []

    def reserve_ids(self, count: int) -> None:
        """Pre-generate event ids for a batch of ``count`` events."""
        self._ids.extend(_uuid4_texts(count))

    def link(
        self,
        entity: str,
        entity_id: int,
        type_: str,
        valid_from: str,
        source_id: int | None,
        batch_id: int | None,
        payload: str | bytes,
    ) -> tuple[int, str, str, str]:
        """Chain one event; returns (seq, event_id, prev_hash, hash).

        ``valid_from`` is the ISO date text, ``payload`` the canonical JSON text
        or its UTF-8 bytes (hashed as they are, without a copy of the event text).
        """
        if not self._ids:
            self.reserve_ids(64)
        event_id = self._ids.pop()
        self.seq += 1
        src = "null" if source_id is None else str(source_id)
        bat = "null" if batch_id is None else str(batch_id)
        prev = self.hash
        head = (
            f'{prev}[{self.seq},"{event_id}","{entity}",{entity_id},"{type_}","{valid_from}",'
            f"{self._tail}{src},{bat},"
        )
        digest = _sha256(head.encode("utf-8"))
        digest.update(payload.encode("utf-8") if isinstance(payload, str) else payload)
        digest.update(b"]")
        self.hash = digest.hexdigest()
        return self.seq, event_id, prev, self.hash


def payload_text(payload: Mapping[str, Any]) -> str:
    """Canonical text of an event payload, leaving out absent (``None``) members."""
    return canonical({k: v for k, v in payload.items() if v is not None})
