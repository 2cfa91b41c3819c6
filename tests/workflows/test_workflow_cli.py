"""The due-process commands: every step from the shell, JSON out, refusals with reasons."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from suite_support import ManualClock
from typer.testing import CliRunner, Result
from workflow_helpers import World

from xinyong.cli.main import app


def _env(world: World, today: dt.date) -> dict[str, str]:
    settings = world.store.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env.update(
        XINYONG_HOME=str(settings.home),
        XINYONG_SECRET_KEY=settings.secret_key or "",
        XINYONG_DATABASE_URL=settings.database_url or "",
        XINYONG_TODAY=today.isoformat(),
        XINYONG_NOTICE_TRANSPORT="file",
    )
    return env


def _run(world: World, today: dt.date, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=_env(world, today))


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.splitlines()[-1])


def test_a_listing_from_the_shell_with_four_eyes(world: World, clock: ManualClock) -> None:
    day = dt.date(2025, 1, 24)
    clock.travel(day)
    record = world.penalty(dt.date(2025, 1, 6), tier="serious")
    proposal = world.proposal([record.id])
    case = _json(_run(world, day, "case", "open", str(proposal), "--reason", "heavy fine",
                      "--actor", "officer:wang"))  # fmt: skip
    assert case["state"] == "awaiting_notice"
    sent = _json(_run(world, day, "outbox", "send"))
    assert len(sent["delivered"]) == 1
    listed = _json(_run(world, day, "case", "list", "--kind", "listing", "--open"))
    assert (listed["due_on"], listed["working_days_left"]) == ("2025-02-07", 5)
    refused = _run(world, day, "case", "decide", str(case["id"]), "--approve", "--reason", "x",
                   "--actor", "reviewer:li")  # fmt: skip
    assert refused.exit_code == 1
    assert "window is open until 2025-02-07" in refused.output
    later = dt.date(2025, 2, 8)
    self_approval = _run(world, later, "case", "decide", str(case["id"]), "--approve",
                         "--reason", "x", "--actor", "officer:wang")  # fmt: skip
    assert self_approval.exit_code == 1
    assert "second person" in self_approval.output
    decided = _json(_run(world, later, "case", "decide", str(case["id"]), "--approve",
                         "--reason", "criteria met", "--actor", "reviewer:li"))  # fmt: skip
    assert (decided["state"], decided["starts_on"]) == ("in_force", "2025-02-08")
    shown = _json(_run(world, later, "case", "show", str(case["id"])))
    assert [h["step"] for h in shown["history"]] == ["opened", "notified", "decided"]


def test_objection_and_repair_from_the_shell(world: World, clock: ManualClock) -> None:
    day = dt.date(2025, 1, 24)
    clock.travel(day)
    record = world.penalty(dt.date(2024, 10, 8))
    filed = _json(_run(world, day, "objection", "file", str(record.id), "--grounds", "wrong",
                       "--actor", "subject:a"))  # fmt: skip
    assert filed["state"] == "verifying"
    bad = _run(world, day, "objection", "answer", str(filed["id"]), "--outcome", "correct",
               "--reason", "r", "--set", "novalue")  # fmt: skip
    assert bad.exit_code == 2
    answered = _json(_run(world, day, "objection", "answer", str(filed["id"]), "--outcome",
                          "correct", "--reason", "amount", "--set", 'fine_amount="2"',
                          "--actor", "dept"))  # fmt: skip
    assert answered["state"] == "corrected"
    assert world.store.get_record(record.id).fields["fine_amount"] == "2"
    applied = _json(_run(world, day, "repair", "apply", str(record.id), "--proof", "paid",
                         "--commitment", "承诺", "--actor", "subject:a"))  # fmt: skip
    assert (applied["state"], applied["due_on"]) == ("applied", "2025-02-13")
    _json(_run(world, day, "repair", "forward", str(applied["id"]), "--reason", "ok",
               "--actor", "officer"))  # fmt: skip
    approved = _json(_run(world, day, "repair", "decide", str(applied["id"]), "--approve",
                          "--reason", "met", "--actor", "dept"))  # fmt: skip
    assert approved["state"] == "approved"
    sweep = _json(_run(world, day, "case", "sweep"))
    assert sweep["day"] == "2025-01-24"
    notices = [json.loads(line) for line in _run(world, day, "outbox", "list").stdout.splitlines()]
    assert {n["template"] for n in notices} >= {"objection_outcome", "repair_outcome"}
    contact = _run(world, day, "contact", "set", "pigeon", "1", "x")
    assert contact.exit_code == 2


def test_case_list_shows_suspended_listings(world: World, clock: ManualClock) -> None:
    day = dt.date(2025, 1, 24)
    clock.travel(day)
    record = world.penalty(dt.date(2025, 1, 6), tier="serious")
    case = world.dp.open_listing(world.proposal([record.id]), actor="officer:wang", reason="r")
    world.deliver()
    world.dp.respond(case.id, actor="subject:a", statement="we disagree")
    world.dp.decide(case.id, actor="reviewer:li", approve=True, reason="criteria met")
    listed = _json(_run(world, day, "case", "list", "--kind", "listing"))
    assert (listed["state"], listed["in_effect"]) == ("in_force", True)
    later = dt.date(2025, 3, 3)
    filed = _json(_run(world, later, "objection", "file", str(record.id), "--grounds", "wrong",
                       "--actor", "subject:a"))  # fmt: skip
    suspended = _json(_run(world, later, "case", "list", "--state", "suspended", "--open"))
    assert suspended["id"] == case.id
    assert (suspended["state"], suspended["in_effect"]) == ("suspended", False)
    assert suspended["suspended_by"] == [filed["id"]]
    assert suspended["ends_on"] == "2028-01-23"
    shown = _json(_run(world, later, "case", "show", str(case.id)))
    assert [h["step"] for h in shown["history"]][-1] == "suspended"
    assert {n["template"] for n in shown["notices"]} >= {"listing_suspended"}
    refused = _run(world, later, "case", "decide", str(case.id), "--approve", "--reason", "x",
                   "--actor", "reviewer:li")  # fmt: skip
    assert refused.exit_code == 1
    assert "suspended: nothing to decide" in refused.output
    _json(_run(world, later, "objection", "answer", str(filed["id"]), "--outcome", "confirm",
               "--reason", "checked", "--actor", "dept"))  # fmt: skip
    _json(_run(world, later, "outbox", "send"))
    back = _json(_run(world, later, "case", "list", "--kind", "listing", "--state", "in_force"))
    assert (back["id"], back["in_effect"], back["ends_on"]) == (case.id, True, "2028-01-23")
