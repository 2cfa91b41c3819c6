"""A checked chunk's fields are the exact canonical JSON the ledger hashes.

``Checked.encode`` builds each row's JSON column by column instead of through a
dictionary per row; the text must equal ``canonical`` of that dictionary byte for
byte, or the same record would hash differently depending on how it arrived.
"""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from xinyong.ingest.checked import Checked
from xinyong.ingest.identity import Who
from xinyong.ledger.chain import canonical

ORG = Who("91110108MA01234567", None, "enterprise")
PERSON = Who(None, "110101199003074514", "natural_person")
USCC = "uscc"

values = st.one_of(
    st.none(),
    st.text(),
    st.sampled_from(["", "罚款", 'quote " and \\ backslash', "tab\tnew\nline", "\u2028", "é中"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=3), st.integers()), max_size=3),
)
names = st.lists(
    st.one_of(st.text(min_size=1, max_size=6), st.sampled_from([USCC, "amount", "金额", "a", "B"])),
    unique=True,
    max_size=6,
)


def encoded(
    names: list[str], rows: list[list[Any]], people: list[bool], originals: dict[int, Any]
) -> Checked:
    columns = [[row[j] for row in rows] for j in range(len(names))]
    n = len(rows)
    return Checked.encode(
        rejected=[],
        good=list(range(n)),
        numbers=list(range(1, n + 1)),
        ops=["new"] * n,
        documents=[f"doc {i}" for i in range(n)],
        names=names,
        columns=columns,
        decided=[None] * n,
        originals=originals,
        who=[PERSON if p else ORG for p in people],
        subject_names=["name"] * n,
        arrived=[None] * n,
        uscc_field=USCC,
    )


@given(data=st.data(), names=names)
def test_fields_are_the_canonical_json_of_each_rows_values(data: Any, names: list[str]) -> None:
    n = data.draw(st.integers(min_value=0, max_value=6))
    rows = [[data.draw(values) for _ in names] for _ in range(n)]
    people = [data.draw(st.booleans()) for _ in range(n)]
    checked = encoded(names, rows, people, {})
    for row, person, text in zip(rows, people, checked.fields, strict=True):
        expected = {k: v for k, v in zip(names, row, strict=True) if v is not None}
        if person:
            expected.pop(USCC, None)
        assert text == canonical(expected).encode()


def test_repeated_values_in_a_column_encode_each_time_the_same() -> None:
    rows = [["罚款", 1], ["罚款", 1.0], ["罚款", True], [None, 2]]
    checked = encoded(["kind", "amount"], rows, [False] * 4, {})
    assert [text.decode() for text in checked.fields] == [
        '{"amount":1,"kind":"罚款"}',
        '{"amount":1.0,"kind":"罚款"}',
        '{"amount":true,"kind":"罚款"}',
        '{"amount":2}',
    ]


def test_a_persons_number_never_stays_in_the_record_or_in_the_values_as_sent() -> None:
    rows = [["110101199003074514", "x"], ["91110108MA01234567", "y"]]
    originals = {0: {USCC: "110101 199003074514", "note": "x "}, 1: {USCC: "91110108ma01234567"}}
    checked = encoded([USCC, "note"], rows, [True, False], originals)
    assert checked.fields == [b'{"note":"x"}', b'{"note":"y","uscc":"91110108MA01234567"}']
    assert checked.originals == [b'{"note":"x "}', b'{"uscc":"91110108ma01234567"}']


def test_a_chunk_crosses_to_the_writer_whole() -> None:
    """Pickled as the reading worker sends it, a chunk builds the same records."""
    rows = [["91110108MA01234567", "x"], ["110101199003074514", "y"], ["91110108MA01234567", "z"]]
    checked = encoded([USCC, "note"], rows, [False, True, False], {1: {"note": " y"}})
    checked.who.append(None)  # a rejected row has no subject
    received = pickle.loads(pickle.dumps(checked, protocol=pickle.HIGHEST_PROTOCOL))
    assert received.who == checked.who
    assert [type(w) for w in received.who] == [Who, Who, Who, type(None)]
    assert received.who[0] is received.who[2]  # one object per subject, as they were sent
    assert [
        (c.number, c.document_no, c.fields.text, c.who, c.original) for c in received.candidates
    ] == [(c.number, c.document_no, c.fields.text, c.who, c.original) for c in checked.candidates]
