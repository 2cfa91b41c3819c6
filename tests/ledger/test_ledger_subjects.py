"""Sources, organisations and natural persons, with identity numbers that never leak."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from ledger_helpers import populate, ric_number, table_counts, usccs

from xinyong.ledger import (
    NATURAL_PERSON,
    DuplicateError,
    Entity,
    EventType,
    IdentifierError,
    NotFoundError,
    Store,
    open_store,
    reads,
)
from xinyong.ledger.tables import metadata
from xinyong.privacy import SecretKeyError
from xinyong.settings import Settings


def test_source_registration_is_recorded_and_unique(store: Store) -> None:
    source = store.register_source("SAMR-110000", "北京市市场监督管理局", region="110000")
    assert store.find_source("SAMR-110000") == source
    assert store.get_source(source.id) == source
    assert store.list_sources() == [source]
    with pytest.raises(DuplicateError):
        store.register_source("SAMR-110000", "another name")
    with store.engine.connect() as conn:
        (event,) = reads.history(conn, Entity.SOURCE, source.id)
    assert event.type is EventType.REGISTERED
    assert event.payload == {
        "code": "SAMR-110000",
        "kind": "department",
        "name": "北京市市场监督管理局",
        "region": "110000",
    }


def test_organisation_is_found_by_its_uscc_in_any_spelling(store: Store) -> None:
    (code,) = usccs(1)
    company = store.register_subject(code, "legal_person", "某某有限公司", region="110105")
    assert company.code == code
    assert company.masked_id is None
    assert store.find_subject(code.lower()) == company
    assert store.find_subject(f" {code[:6]} {code[6:]} ") == company
    assert store.get_subject(company.id) == company
    with pytest.raises(DuplicateError, match=str(company.id)):
        store.register_subject(code.lower(), "legal_person", "重复")


def test_an_invalid_uscc_is_refused_and_nothing_is_stored(store: Store) -> None:
    (code,) = usccs(1)
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    before = table_counts(store)
    with pytest.raises(IdentifierError) as caught:
        store.register_subject(broken, "legal_person", "坏代码公司")
    assert caught.value.reason == "InvalidChecksum"
    assert table_counts(store) == before
    assert store.chain_head().seq == 0


def test_a_person_cannot_be_registered_as_an_organisation(store: Store) -> None:
    (code,) = usccs(1)
    with pytest.raises(ValueError, match="register_person"):
        store.register_subject(code, NATURAL_PERSON, "张三")


def test_amending_a_subject_keeps_its_code_and_history(store: Store) -> None:
    fx = populate(store)
    renamed = store.amend_subject(fx.company.id, name="北京新名字科技有限公司", reason="更名")
    assert renamed.name == "北京新名字科技有限公司"
    assert renamed.code == fx.company.code
    assert store.find_subject(fx.company.code or "") == renamed
    with pytest.raises(ValueError, match="nothing to amend"):
        store.amend_subject(fx.company.id)
    with pytest.raises(NotFoundError):
        store.amend_subject(10_000, name="x")


NUMBER = "11010519491231002X"


def test_person_number_is_encrypted_masked_and_found_by_keyed_hash(store: Store) -> None:
    person = store.register_person(NUMBER, "张三")
    assert person.kind == NATURAL_PERSON
    assert person.code is None
    assert person.masked_id == "1****************X"
    assert store.find_person(NUMBER) == person
    assert store.find_person(NUMBER.lower()) == person
    assert store.find_person(ric_number(1)) is None
    assert store.reveal_person_id(person.id) == NUMBER
    with store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT person_key, person_id_enc FROM subjects")).one()
    assert len(row.person_key) == 64
    assert NUMBER.encode() not in bytes(row.person_id_enc)


def test_legacy_15_digit_form_finds_the_same_person(store: Store) -> None:
    person = store.register_person("360426199101010071", "李四")
    assert store.find_person("360426910101007") == person
    with pytest.raises(DuplicateError):
        store.register_person("360426910101007", "李四")


def test_an_invalid_number_is_refused_without_being_repeated(store: Store) -> None:
    bad = "36042619910102009X"
    with pytest.raises(IdentifierError) as caught:
        store.register_person(bad, "王五")
    assert caught.value.reason == "InvalidChecksum"
    assert bad not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert store.chain_head().seq == 0


def test_the_registration_event_carries_the_keyed_hash_not_the_number(store: Store) -> None:
    person = store.register_person(NUMBER, "张三")
    with store.engine.connect() as conn:
        (event,) = reads.history(conn, Entity.SUBJECT, person.id)
        key = conn.execute(sa.text("SELECT person_key FROM subjects")).scalar_one()
    assert event.payload == {"kind": NATURAL_PERSON, "name": "张三", "person_key": key}


def _all_text(store: Store) -> str:
    """Every value of every row of every table, as text (bytes decoded leniently)."""
    chunks = []
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_the_clear_number_is_in_no_row_of_any_table(store: Store) -> None:
    number = ric_number(7)
    person = store.register_person(number, "赵六")
    fx = populate(store)
    store.assert_record(
        source_id=fx.source.id,
        subject_id=person.id,
        record_type="judgment_default",
        document_no="(2025)京0105执1号",
        fields={"court": "北京市朝阳区人民法院"},
    )
    dump = _all_text(store)
    assert "赵六" in dump  # the scan does see the person's row
    assert number not in dump
    assert number[:17] not in dump
    assert number[6:14] not in dump  # not even the birth date


def test_the_clear_number_is_not_in_the_sqlite_files(settings: Settings) -> None:
    number = ric_number(8)
    with open_store(settings, create=True) as store:
        store.register_person(number, "孙七")
        home = Path(settings.home)
        raw = b"".join(p.read_bytes() for p in home.iterdir() if p.is_file())
        assert "孙七".encode() in raw  # the files were read while the data was in them
    assert number.encode() not in raw
    assert number.encode("utf-16-le") not in raw


def test_another_master_secret_can_neither_find_nor_decrypt(store: Store) -> None:
    person = store.register_person(NUMBER, "张三")
    other = Store(
        store.engine,
        dataclasses.replace(store.settings, secret_key="7" * 64),
        store.clock,
    )
    assert other.find_person(NUMBER) is None
    with pytest.raises(SecretKeyError):
        other.reveal_person_id(person.id)


def test_swapping_two_ciphertexts_is_detected(store: Store) -> None:
    a = store.register_person(ric_number(1), "甲")
    b = store.register_person(ric_number(2), "乙")
    with store.engine.begin() as conn:
        blobs: dict[int, bytes] = dict(
            conn.execute(sa.text("SELECT id, person_id_enc FROM subjects")).all()
        )
        for id_, blob in ((a.id, blobs[b.id]), (b.id, blobs[a.id])):
            conn.execute(
                sa.text("UPDATE subjects SET person_id_enc = :blob WHERE id = :id"),
                {"blob": blob, "id": id_},
            )
    with pytest.raises(SecretKeyError, match="tampered"):
        store.reveal_person_id(a.id)


def test_reveal_refuses_an_organisation(store: Store) -> None:
    fx = populate(store)
    with pytest.raises(NotFoundError, match="not a natural person"):
        store.reveal_person_id(fx.company.id)


def test_subject_registration_date_is_the_valid_time(store: Store) -> None:
    (code,) = usccs(1)
    company = store.register_subject(code, "legal_person", "老字号", valid_from=dt.date(1998, 5, 1))
    with store.engine.connect() as conn:
        (event,) = reads.history(conn, Entity.SUBJECT, company.id)
    assert event.valid_from == dt.date(1998, 5, 1)
    assert json.loads(json.dumps(event.payload))["name"] == "老字号"
