"""The portal in a real Chromium (Debian's, driven by Playwright): search, subject page,
language switch, account activation, an objection and the under-verification mark;
screenshots with CJK text.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from suite_support import ManualClock
from web_helpers import OPERATOR, PASSWORD, World, populate

from xinyong.ledger import Store, open_store
from xinyong.settings import Settings
from xinyong.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs the system Chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def portal(settings: Settings, clock: ManualClock) -> Iterator[tuple[str, World, Store]]:
    store = open_store(settings, clock, create=True, actor="test")
    world = populate(store)
    app = create_app(settings, store=store, catalog=world.access.catalog)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", world, store
    finally:
        server.should_exit = True
        thread.join(10)
        store.close()


def test_search_open_subject_switch_language_and_sign_in(
    portal: tuple[str, World, Store], tmp_path: Path
) -> None:
    base, world, store = portal
    # Set XINYONG_TEST_SCREENSHOTS=DIR to keep the screenshots (for notes and reviews).
    shots = Path(os.environ.get("XINYONG_TEST_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    code = world.access.issue_activation(OPERATOR, world.company.id)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(base + "/")
        page.get_by_label("企业名称或统一社会信用代码").fill("北京 拓康")
        page.get_by_role("button", name="查询").click()
        page.get_by_role("link", name="北京拓康商业管理有限公司").click()
        page.wait_for_url(f"**/subjects/{world.company.code}")
        assert page.locator("h1").inner_text() == "北京拓康商业管理有限公司"
        assert page.locator(".badge").count() == 0
        page.screenshot(path=str(shots / "subject-zh.png"), full_page=True)
        page.click("#lang-switch")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("#records").inner_text() == "Credit records"
        page.screenshot(path=str(shots / "subject-en.png"), full_page=True)
        page.click("#lang-switch")
        page.goto(base + "/activate")
        page.get_by_label("开通码（由平台运营方寄送）").fill(code)
        page.get_by_label("用户名").fill("tuokang")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="开通").click()
        page.wait_for_url("**/me")
        assert world.withdrawn.document_no in page.content()
        assert "account:tuokang" in page.content()
        card = page.locator(f"#record-{world.penalty.id}")
        card.get_by_text("对此记录提出异议").click()
        card.get_by_label("异议理由（必填）").fill("罚款金额与决定书不符")
        card.get_by_label("情况说明（可选，将随记录展示）").fill("我公司已按决定书缴清罚款。")
        card.get_by_role("button", name="提交异议").click()
        page.wait_for_url("**/me#record-*")
        assert card.locator(".badge").first.inner_text() == "核查中"
        page.screenshot(path=str(shots / "me-zh.png"), full_page=True)
        page.goto(f"{base}/subjects/{world.company.code}")
        assert page.locator(".badge").first.inner_text() == "核查中"
        assert "我公司已按决定书缴清罚款。" in page.content()
        assert world.withdrawn.document_no not in page.content()  # the owner sees the public page
        page.screenshot(path=str(shots / "subject-disputed-zh.png"), full_page=True)
        browser.close()
    assert store.get_record(world.penalty.id).disputed
    for name in ("subject-zh.png", "subject-en.png", "me-zh.png", "subject-disputed-zh.png"):
        assert (shots / name).stat().st_size > 10_000
