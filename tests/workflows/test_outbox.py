"""The outbox: exactly-once in effect, retries with every attempt recorded, both transports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import smtplib
from email.message import EmailMessage
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from suite_support import ManualClock
from workflow_helpers import SUBJECT_ACTOR, FlakyTransport, World

from xinyong.ledger.tables import events
from xinyong.workflows import Context, DueProcess, FileTransport, SmtpTransport, transport_from
from xinyong.workflows.outbox import _record, queue_notice, retry_failed
from xinyong.workflows.templates import LANGUAGES, TEMPLATES, render, template_names
from xinyong.workflows.transports import DeliveryError, Outgoing

DAY = dt.date(2025, 3, 3)


def _queue(world: World, key: str = "test:1") -> int:
    with world.store.transaction(actor="test") as tx:
        notice = queue_notice(
            tx, key=key, party_kind="subject", party_id=world.company.id,
            template="listing_lifted", params={"target": "x", "day": "d", "reason": "r"},
        )  # fmt: skip
    return notice.id


def _events(world: World, type_: str) -> int:
    with world.store.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(
                    events.c.entity == "notice", events.c.type == type_
                )
            ).scalar_one()
        )


def test_queuing_the_same_key_twice_gives_one_notice(world: World) -> None:
    assert _queue(world) == _queue(world)
    assert len(world.dp.notices()) == 1
    assert _events(world, "queued") == 1


def test_a_notice_is_delivered_once_however_often_the_outbox_runs(world: World) -> None:
    notice_id = _queue(world)
    assert world.deliver() == [notice_id]
    assert world.deliver() == []
    assert len(list(world.outbox_dir.iterdir())) == 1
    assert _events(world, "delivered") == 1
    (notice,) = world.dp.notices()
    assert notice.status == "delivered"
    assert notice.delivered_on == world.store.clock.today()


def test_a_send_whose_recording_was_lost_is_not_sent_twice(world: World) -> None:
    """The process sent the notice and died before recording it: the retry is harmless."""
    notice_id = _queue(world)
    (notice,) = world.dp.notices()
    transport = FileTransport(world.outbox_dir)
    transport.send(
        Outgoing(notice.idempotency_key, None, "subject", world.company.id, "zh", notice.title,
                 notice.body, notice.created_at)
    )  # fmt: skip
    assert world.deliver() == [notice_id]
    assert len(list(world.outbox_dir.iterdir())) == 1
    (attempt,) = world.dp.attempts(notice_id)
    assert "already written" in attempt["receipt"]


def test_two_senders_racing_record_one_delivery(world: World) -> None:
    notice_id = _queue(world)
    outcomes = [
        _record(world.store, notice_id, "file", "r", None, 5, None, "sender"),
        _record(world.store, notice_id, "file", "r", None, 5, None, "sender"),
    ]
    assert outcomes == ["delivered", "delivered"]
    assert [a["attempt"] for a in world.dp.attempts(notice_id)] == [1, 2]
    assert _events(world, "delivered") == 1


def test_failures_are_retried_with_backoff_and_every_attempt_recorded(
    world: World, clock: ManualClock
) -> None:
    clock.travel(DAY, dt.time(9))
    notice_id = _queue(world)
    flaky = FlakyTransport(failures=2)
    assert world.dp.deliver(flaky).retrying == [notice_id]
    assert world.dp.deliver(flaky).retrying == []  # backing off: not due yet
    clock.travel(DAY, dt.time(9, 2))
    assert world.dp.deliver(flaky).retrying == [notice_id]
    clock.travel(DAY, dt.time(9, 10))
    assert world.dp.deliver(flaky).delivered == [notice_id]
    attempts = world.dp.attempts(notice_id)
    assert [a["ok"] for a in attempts] == [False, False, True]
    assert attempts[0]["error"] == "connection refused (call 1)"
    assert flaky.calls == 3
    assert flaky.sent == ["test:1"]


def test_after_the_last_attempt_a_notice_fails_and_a_person_can_requeue_it(
    world: World, clock: ManualClock
) -> None:
    world.store.settings = dataclasses.replace(world.store.settings, outbox_max_attempts=2)
    clock.travel(DAY, dt.time(9))
    notice_id = _queue(world)
    flaky = FlakyTransport(failures=5)
    world.dp.deliver(flaky)
    clock.travel(DAY, dt.time(12))
    assert world.dp.deliver(flaky).failed == [notice_id]
    assert _events(world, "failed") == 1
    clock.travel(DAY, dt.time(18))
    assert world.dp.deliver(flaky).failed == []  # a failed notice is not retried by itself
    assert world.dp.retry_notice(notice_id, actor="officer", reason="fixed").status == "pending"
    with (
        world.store.transaction(actor="officer") as tx,
        pytest.raises(ValueError, match="not failed"),
    ):
        retry_failed(tx, notice_id, reason="twice")
    assert world.dp.deliver(FileTransport(world.outbox_dir)).delivered == [notice_id]


class _FakeSMTP:
    sent: ClassVar[list[EmailMessage]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host, self.port = host, port

    def __enter__(self) -> _FakeSMTP:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def starttls(self, **_: Any) -> None:
        return None

    def login(self, user: str, password: str) -> None:
        return None

    def send_message(self, mail: EmailMessage) -> dict[str, Any]:
        self.sent.append(mail)
        return {}


def test_smtp_sends_with_a_message_id_fixed_by_the_key(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtplib, "SMTP", _FakeSMTP)
    _FakeSMTP.sent = []
    world.dp.set_contact("subject", world.company.id, "legal@example.com", actor="officer",
                         language="en")  # fmt: skip
    first = _queue(world, "k:1")
    transport = SmtpTransport("smtp://user:pw@mail.example.org:587", "noreply@example.org")
    assert world.dp.deliver(transport).delivered == [first]
    (mail,) = _FakeSMTP.sent
    assert mail["To"] == "legal@example.com"
    assert mail["Subject"].startswith("Credit measure lifted")
    again = transport.message(
        Outgoing("k:1", "legal@example.com", "subject", 1, "en", "t", "b", world.store.clock.now())
    )
    assert again["Message-ID"] == mail["Message-ID"]


def test_smtp_without_an_address_is_a_failed_attempt(world: World) -> None:
    notice_id = _queue(world)
    transport = SmtpTransport("smtp://mail.example.org", "noreply@example.org")
    assert world.dp.deliver(transport).retrying == [notice_id]
    assert "no address" in world.dp.attempts(notice_id)[0]["error"]
    with pytest.raises(DeliveryError):
        transport.message(
            Outgoing("k", None, "subject", 1, "zh", "t", "b", world.store.clock.now())
        )


def test_transports_are_chosen_by_settings(world: World) -> None:
    settings = world.store.settings
    assert isinstance(transport_from(settings), FileTransport)
    with pytest.raises(ValueError, match="XINYONG_SMTP_URL"):
        transport_from(dataclasses.replace(settings, notice_transport="smtp"))
    with pytest.raises(ValueError, match="'file' or 'smtp'"):
        transport_from(dataclasses.replace(settings, notice_transport="pigeon"))
    with pytest.raises(ValueError, match="smtp://"):
        SmtpTransport("http://example.org", "a@b")


def test_every_template_exists_in_both_languages() -> None:
    for name in template_names():
        for language in LANGUAGES:
            assert (name, language) in TEMPLATES
    title, body = render("objection_escalated", "en", {"case_id": 3, "document_no": "D"})
    assert title == "Objection not answered in time (case 3)"
    assert "{due_on}" in body  # a missing detail stays visible


def test_notices_of_a_whole_scenario_have_every_detail_filled_in(
    world: World, clock: ManualClock
) -> None:
    clock.travel(DAY)
    record = world.penalty(dt.date(2025, 1, 6), tier="serious")
    world.dp.set_contact("source", world.source.id, "credit@samr.example", actor="officer",
                         language="en")  # fmt: skip
    case = world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="wrong")
    world.dp.answer_objection(case.id, actor="dept", outcome="confirm", reason="checked")
    repair = world.dp.apply_for_repair(record.id, actor=SUBJECT_ACTOR, proof="p", commitment="c")
    del repair
    notices = world.dp.notices()
    assert {n.language for n in notices} == {"zh", "en"}
    for notice in notices:
        assert "{" not in notice.title + notice.body, notice.template


def test_the_contact_is_checked(world: World) -> None:
    with pytest.raises(ValueError, match="party kind"):
        world.dp.set_contact("court", 1, "a@b", actor="o")
    with pytest.raises(ValueError, match="language"):
        world.dp.set_contact("subject", world.company.id, "a@b", actor="o", language="fr")
    dp = DueProcess(Context.for_store(world.store))
    dp.set_contact("subject", world.company.id, "a@b", actor="o")
    dp.set_contact("subject", world.company.id, "c@d", actor="o")  # an update, not a duplicate
    _queue(world)
    assert [n.address for n in dp.notices()] == ["c@d"]
