"""Demo cases: every state of every procedure is reachable on a small store, and shown."""

from __future__ import annotations

import datetime as dt

from suite_support import ManualClock
from workflow_helpers import World

from xinyong.ids import uscc
from xinyong.workflows import FileTransport
from xinyong.workflows.demo import every_state, seed_cases

AS_OF = dt.date(2025, 6, 30)


def test_seeding_reaches_every_state_once(world: World, clock: ManualClock) -> None:
    clock.travel(dt.date(2024, 1, 3))
    cited = [world.penalty(dt.date(2025, 2, 1 + i), tier="serious") for i in range(12)]
    for record in cited:
        world.proposal([record.id])
    for i in range(7):
        world.penalty(dt.date(2024, 3, 1 + i))  # for objections (and a refused repair)
    codes = uscc.issue("9", "1", "110105", range(2, 6))
    for n, code in enumerate(codes):
        company = world.store.register_subject(code, "enterprise", f"修复企业{n}")
        world.penalty(dt.date(2024, 6, 3), subject=company)  # repairable by the spring of 2025
    report = seed_cases(world.store, AS_OF, FileTransport(world.outbox_dir))
    assert report.missing == [], report.missing
    assert sorted(report.cases) == sorted(every_state())
    for name, case_id in report.cases.items():
        case = world.dp.case(case_id)
        assert f"{case.kind.value}:{case.state.value}" == name
    assert world.store.verify().ok
    again = seed_cases(world.store, AS_OF, FileTransport(world.outbox_dir))
    assert again.cases == {}
