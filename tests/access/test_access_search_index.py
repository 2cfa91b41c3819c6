"""Index-backed name search answers exactly what ``name LIKE '%term%'`` answered.

Migration 0006 adds a trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL);
search and suggestions must not change because of it. Each query below is
checked against the plain scan the search used before, with the thresholds
at their defaults and squeezed so that every path (phrase, vocabulary
expansion, reading in result order) is taken on a small store.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from xinyong.access import search as search_module
from xinyong.access import search_names
from xinyong.access.search import Hit, normalise, search, suggest, terms
from xinyong.ids import ric, uscc
from xinyong.ledger import Store
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.tables import subjects

NAMES = [
    "北京拓康商业管理有限公司",
    "北京宁汇服装有限公司",
    "上海拓康科技有限公司",
    "拓康",
    "广州市天河区拓（康）贸易商行",
    "深圳（前海）国华金融服务有限公司",
    "天津国华商贸有限公司",
    "北京(半角)科技有限公司",
    "杭州 阿里 网络有限公司",
    "ABC Trading 有限公司",
    "abc科技有限公司",
    "重庆火锅餐饮管理有限公司",
    "成都火锅店",
    "国",
    "百分之百%有限公司",
    "下划线_商贸有限公司",
]

QUERIES = [
    "拓康",  # two characters
    "拓",  # one character
    "康",  # one character, also the last one of a name
    "国华",
    "國華",  # traditional
    "有限公司",  # three or more, common
    "北京 科技",  # two terms
    "科技 北京",
    "拓（康）",  # full-width brackets
    "拓(康)",  # half-width brackets
    "(前海)",
    "（半角）",
    "ＡＢＣ",  # full-width letters
    "abc",
    "trading",
    "阿里",
    "杭州阿里",  # the name has a space there: the old scan did not find it either
    "火锅餐饮管理",
    "不存在的公司",
    "%",
    "_",
    "百分之百%",
    "张三",
    "有限 公司 北京 拓康",
]


@pytest.fixture
def registered(store: Store) -> Store:
    codes = uscc.issue("9", "1", "110108", range(len(NAMES)))
    for code, name in zip(codes, NAMES, strict=True):
        store.register_subject(code, "enterprise", name, region="110108")
    body = "11010819800101123"
    store.register_person(body + ric.check_value(body), "张三拓康")
    return store


def _plain_scan(store: Store, query: str, limit: int) -> list[Hit]:
    """What search returned before the index: the LIKE filter over every subject."""
    stmt = (
        search_module._organisations()
        .where(*(search_module._contains(term) for term in terms(query)))
        .order_by(sa.func.length(subjects.c.name), subjects.c.name)
        .limit(limit + 1)
    )
    with read_transaction(store.engine) as conn:
        return search_module._hits(conn.execute(stmt))


@pytest.fixture(params=["defaults", "squeezed"])
def thresholds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "squeezed":
        monkeypatch.setattr(search_names, "CANDIDATES", 2)
        monkeypatch.setattr(search_module, "_MAX_TOKENS", 2)
    name: str = request.param
    return name


@pytest.mark.parametrize("query", QUERIES)
def test_results_equal_the_plain_scan(registered: Store, thresholds: str, query: str) -> None:
    expected = _plain_scan(registered, query, 50)
    result = search(registered.engine, query, limit=50)
    assert list(result.hits) == expected[:50]
    assert result.more == (len(expected) > 50)


def test_pages_follow_the_same_order(registered: Store, thresholds: str) -> None:
    expected = _plain_scan(registered, "有限公司", 100)
    pages = [search(registered.engine, "有限公司", limit=3, offset=o).hits for o in (0, 3, 6)]
    assert [h for page in pages for h in page] == expected[:9]


def test_known_names_are_found(registered: Store) -> None:
    def names(query: str) -> list[str]:
        return [h.name for h in search(registered.engine, query).hits]

    assert names("拓康") == [
        "拓康",
        "上海拓康科技有限公司",
        "北京拓康商业管理有限公司",
    ]
    assert names("國華") == ["天津国华商贸有限公司", "深圳（前海）国华金融服务有限公司"]
    assert names("拓(康)") == names("拓（康）") == ["广州市天河区拓（康）贸易商行"]
    assert names("康") == [
        "拓康",
        "上海拓康科技有限公司",
        "北京拓康商业管理有限公司",
        "广州市天河区拓（康）贸易商行",
    ]


def test_a_renamed_subject_is_found_under_its_new_name_only(registered: Store) -> None:
    hit = search(registered.engine, "宁汇服装").hits[0]
    with read_transaction(registered.engine) as conn:
        subject_id = conn.execute(
            sa.select(subjects.c.id).where(subjects.c.code == hit.code)
        ).scalar_one()
    registered.amend_subject(subject_id, name="北京远航物流有限公司")
    assert search(registered.engine, "宁汇服装").hits == ()
    assert search(registered.engine, "宁汇").hits == ()
    assert [h.code for h in search(registered.engine, "远航物流").hits] == [hit.code]
    assert [h.code for h in search(registered.engine, "远航").hits] == [hit.code]


def test_a_natural_person_is_never_found(registered: Store, thresholds: str) -> None:
    for query in ("张三", "张三拓康", "三拓", "张"):
        result = search(registered.engine, query)
        assert all(h.kind != "natural_person" for h in result.hits), query
        assert all(h.kind != "natural_person" for h in result.suggestions), query
    assert search(registered.engine, "张三拓康").hits == ()


def test_near_misses_get_suggestions(registered: Store, thresholds: str) -> None:
    result = search(registered.engine, "上海拓康科技有限工司")
    assert result.hits == ()
    assert result.suggestions[0].name == "上海拓康科技有限公司"
    assert suggest(registered.engine, normalise("完全无关的词语")) == []


def test_the_index_holds_organisations_only_and_the_plans_use_it(registered: Store) -> None:
    """Plans, not timings: the structures exist and the order index serves the ordering."""
    with read_transaction(registered.engine) as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            indexed = conn.execute(sa.text("SELECT count(*) FROM search_names")).scalar_one()
            assert indexed == len(NAMES)  # the person is not indexed
        else:
            names = conn.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE indexname LIKE :p"),
                {"p": "search_subjects_%"},
            ).scalars()
            assert set(names) == {"search_subjects_order", "search_subjects_trgm"}
            conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
        stmt = (
            search_module._organisations()
            .order_by(sa.func.length(subjects.c.name), subjects.c.name)
            .limit(21)
        )
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
        plan = " ".join(str(r) for r in conn.exec_driver_sql(f"{explain} {sql}").all())
        assert "search_subjects_order" in plan


def test_a_shorter_name_registered_or_renamed_is_found_at_once(
    registered: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Common terms start reading at their shortest name: a new shorter one must count."""
    monkeypatch.setattr(search_names, "CANDIDATES", 2)  # every term common: read in order
    assert search(registered.engine, "有限公司").hits[0].name == "abc科技有限公司"
    code = uscc.issue("9", "1", "110108", range(len(NAMES), len(NAMES) + 1))[0]
    registered.register_subject(code, "enterprise", "甲有限公司", region="110108")
    for query in ("有限公司", "公司 有限"):
        found = search(registered.engine, query, limit=50)
        assert found.hits[0].name == "甲有限公司"
        assert list(found.hits) == _plain_scan(registered, query, 50)[:50]
    other = search(registered.engine, "火锅").hits[-1]
    with read_transaction(registered.engine) as conn:
        subject_id = conn.execute(
            sa.select(subjects.c.id).where(subjects.c.code == other.code)
        ).scalar_one()
    registered.amend_subject(subject_id, name="有限公司")
    assert search(registered.engine, "有限公司").hits[0].name == "有限公司"
    assert [h.name for h in search(registered.engine, "火锅").hits] == ["成都火锅店"]
