"""Every word the templates ask for exists in both languages."""

from __future__ import annotations

import re

from xinyong.web.i18n import MESSAGES
from xinyong.web.render import TEMPLATES


def test_every_template_key_has_chinese_and_english() -> None:
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_.]+)'\)", path.read_text(encoding="utf-8")))
    assert used, "no keys found: the pattern is out of date"
    missing = sorted(k for k in used if k not in MESSAGES)
    assert missing == []
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip(), key
        assert en.strip(), key
