"""Search forgives widths, spaces, traditional characters and typos; persons are never found."""

from __future__ import annotations

import pytest
from access_helpers import World, populate

from xinyong.access.search import normalise, terms
from xinyong.ledger import Store


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


@pytest.mark.parametrize(
    "query",
    [
        "北京拓康",
        "北京 拓康",
        "　北京　拓康　",
        "北京拓康商業管理",
        "拓康 北京",
        "ＴＵＯ北京拓康"[3:],
    ],
)
def test_names_are_found_however_they_are_typed(world: World, query: str) -> None:
    result = world.access.search(query)
    assert [h.name for h in result.hits] == ["北京拓康商业管理有限公司"]


def test_codes_are_found_with_spaces_and_full_width_digits(world: World) -> None:
    code = world.company.code
    assert code is not None
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    for query in (code, f"{code[:6]} {code[6:]}", wide, code.lower()):
        assert [h.code for h in world.access.search(query).hits] == [code]


def test_a_wrong_check_character_suggests_the_right_code(world: World) -> None:
    code = world.company.code
    assert code is not None
    typo = code[:17] + ("0" if code[17] != "0" else "1")
    result = world.access.search(typo)
    assert result.hits == ()
    assert result.code_suggestion == code


def test_typos_in_names_get_suggestions(world: World) -> None:
    result = world.access.search("北京拓康商业管里")
    assert result.hits == ()
    assert result.suggestions[0].name == "北京拓康商业管理有限公司"


def test_persons_are_never_found(world: World) -> None:
    assert world.access.search("张三").hits == ()
    assert world.access.search("张三").suggestions == ()


def test_pages_and_like_wildcards(world: World) -> None:
    first = world.access.search("北京", limit=1)
    second = world.access.search("北京", limit=1, offset=1)
    assert first.more
    assert not second.more
    assert first.hits != second.hits
    assert world.access.search("%").hits == ()
    assert normalise(" Ａ Ｂ ") == "AB"
    assert terms("國 華") == ["国", "华"]
