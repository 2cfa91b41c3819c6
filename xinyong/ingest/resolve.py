"""Finding (or registering) the subject of each row, a chunk at a time.

Organisations are found by USCC and natural persons by the keyed hash of their
identity number, never by name. Each chunk asks the store once per kind of key
for the subjects it does not know yet; a code that is valid but not yet
registered is registered on the spot when automatic registration is on (the
default): the organisation under the kind its code implies and the name the
row gives, the person under an encrypted identity number. With registration off
such rows are rejected (``subject.unknown``). Ids learnt in a transaction join
the cache only after that transaction commits, so a rolled-back chunk leaves no
phantom subject behind.
"""

from __future__ import annotations

from collections.abc import Sequence

from xinyong.ingest.checked import Candidate
from xinyong.ingest.reasons import Fault, fault
from xinyong.ledger import Store, Transaction
from xinyong.ledger.bulk_subjects import NewPerson, NewSubject, register_persons, register_subjects
from xinyong.ledger.lookups import subjects_by_code, subjects_by_person_key

#: Cached subject ids before the cache starts afresh (bounds memory on huge feeds).
CACHE_LIMIT = 1_000_000


class Subjects:
    """Subject ids by USCC and by person key, shared by the chunks of one ingestion."""

    def __init__(self, store: Store, register: bool = True) -> None:
        self.store = store
        self.register = register
        self._codes: dict[str, int] = {}
        self._people: dict[str, int] = {}
        self._keys: dict[str, str] = {}  #: identity number -> keyed hash (never persisted)
        self._pending: tuple[dict[str, int], dict[str, int]] = ({}, {})
        #: Subjects registered by the chunk in progress (counted once it commits).
        self.created = 0

    def _key(self, number: str) -> str:
        key = self._keys.get(number)
        if key is None:
            if len(self._keys) > CACHE_LIMIT:
                self._keys.clear()
            key = self._keys[number] = self.store.cipher().lookup_key(number)
        return key

    def resolve(
        self, tx: Transaction, rows: Sequence[Candidate]
    ) -> tuple[list[int | None], dict[int, Fault]]:
        """Subject id per row (None where rejected), registering new subjects if allowed."""
        codes = {c.who.code: c for c in rows if c.who.code is not None}
        persons = {self._key(c.who.person): c for c in rows if c.who.person is not None}
        known_codes = {k: self._codes[k] for k in codes if k in self._codes}
        known_people = {k: self._people[k] for k in persons if k in self._people}
        missing_codes = [k for k in codes if k not in known_codes]
        missing_people = [k for k in persons if k not in known_people]
        if missing_codes:
            found = subjects_by_code(tx._conn, missing_codes)
            known_codes.update({k: v.id for k, v in found.items()})
        if missing_people:
            known_people.update(subjects_by_person_key(tx._conn, missing_people))
        self.created = 0
        if self.register:
            self._register(tx, codes, persons, known_codes, known_people)
        self._pending = (known_codes, known_people)
        ids: list[int | None] = []
        faults: dict[int, Fault] = {}
        for i, c in enumerate(rows):
            if c.who.code is not None:
                sid = known_codes.get(c.who.code)
            else:
                sid = known_people.get(self._key(c.who.person or ""))
            if sid is None:
                faults[i] = fault("subject.unknown", None, None, c.who.code)
            ids.append(sid)
        return ids, faults

    def _register(
        self,
        tx: Transaction,
        codes: dict[str, Candidate],
        persons: dict[str, Candidate],
        known_codes: dict[str, int],
        known_people: dict[str, int],
    ) -> None:
        new_orgs = [(k, c) for k, c in codes.items() if k not in known_codes]
        if new_orgs:
            ids = register_subjects(
                tx,
                [NewSubject(k, c.who.kind, c.name, k[2:8]) for k, c in new_orgs],
            )
            known_codes.update({k: sid for (k, _), sid in zip(new_orgs, ids, strict=True)})
            self.created += len(ids)
        new_people = [(k, c) for k, c in persons.items() if k not in known_people]
        if new_people:
            ids = register_persons(
                tx, [NewPerson(c.who.person or "", c.name) for _, c in new_people]
            )
            known_people.update({k: sid for (k, _), sid in zip(new_people, ids, strict=True)})
            self.created += len(ids)

    def committed(self) -> None:
        """Remember the ids of the chunk that just committed."""
        codes, people = self._pending
        for cache, learnt in ((self._codes, codes), (self._people, people)):
            if len(cache) > CACHE_LIMIT:
                cache.clear()
            cache.update(learnt)
        self._pending = ({}, {})
        self.created = 0

    def rolled_back(self) -> None:
        """Forget what the failed chunk learnt (and the subjects it would have created)."""
        self._pending = ({}, {})
        self.created = 0
