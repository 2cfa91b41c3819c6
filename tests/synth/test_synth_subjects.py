"""The register: valid unique codes, realistic proportions and names, persons."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import AS_OF
from synth_read import manifest, read_table

from xinyong.ids import ric, uscc
from xinyong.synth import words
from xinyong.synth.kinds import KINDS
from xinyong.synth.people import make_people
from xinyong.synth.regions import region
from xinyong.synth.subjects import make_subjects


@pytest.fixture(scope="module")
def register(dataset: Path) -> list[dict[str, str]]:
    table = read_table(dataset, "subjects.csv", "csv", "utf-8")
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


@pytest.fixture(scope="module")
def large() -> tuple[list[str], list[str]]:
    """Codes and names of a 20,000-subject register (no feeds): enough for proportions."""
    people = make_people(16_000, 5, AS_OF)
    s = make_subjects(20_000, 5, region("110108"), AS_OF, people)
    return [KINDS[k].code for k in s.kind.tolist()], s.name_list(np.arange(len(s)))


def test_every_code_is_valid_and_unique(register: list[dict[str, str]]) -> None:
    codes = [r["统一社会信用代码"] for r in register]
    assert all(uscc.is_valid(c) for c in codes)
    assert len(set(codes)) == len(codes)


def test_codes_agree_with_kind_and_region(register: list[dict[str, str]]) -> None:
    for r in register:
        code = r["统一社会信用代码"]
        assert code[0] == r["登记管理部门代码"]
        assert code[1] == r["机构类别代码"]
        assert code[2:8] in ("110108", "110000")
        assert uscc.parse(code).entity_type.zh == r["主体类别"]


def test_names_are_unique_and_legal_representatives_have_valid_ids(
    register: list[dict[str, str]],
) -> None:
    names = [r["主体名称"] for r in register]
    assert len(set(names)) == len(names)
    assert all(ric.is_valid(r["法定代表人证件号码"], AS_OF) for r in register)


def test_proportions_follow_the_kind_table(large: tuple[list[str], list[str]]) -> None:
    kinds, _ = large
    counts = Counter(kinds)
    for kind in KINDS:
        assert counts[kind.code] == pytest.approx(kind.share * len(kinds), abs=1.0)
    assert counts["9/1"] > counts["9/2"] > counts["9/3"] > 0
    assert {"N/2", "A/1", "Y/1", "5/1", "1/1", "1/2", "3/1", "8/1"} <= set(counts)


def test_names_are_built_like_real_ones(large: tuple[list[str], list[str]]) -> None:
    kinds, names = large
    forms = (*tuple(f for f, _ in words.FORMS), "中心", "商行", "经营部", "分公司", "营业部")
    enterprises = [n for k, n in zip(kinds, names, strict=True) if k == "9/1"]
    assert all(n.endswith(forms) for n in enterprises)
    assert any(n.startswith("北京") for n in enterprises)
    assert any("（北京）" in n for n in enterprises)  # 字号（北京）行业有限公司
    shops = [n for k, n in zip(kinds, names, strict=True) if k == "9/2"]
    assert all(n.endswith(words.SHOPS) for n in shops)
    assert any(n.startswith("海淀区") for n in shops)  # 海淀区张伟便利店
    coops = [n for k, n in zip(kinds, names, strict=True) if k == "9/3"]
    assert all(n.endswith("专业合作社") for n in coops)
    for text in names:
        text.encode("gbk")  # every name can go into a GBK feed


def test_branches_and_unions_name_their_parent(register: list[dict[str, str]]) -> None:
    by_code = {r["统一社会信用代码"]: r for r in register}
    children = [r for r in register if r["隶属主体统一社会信用代码"]]
    assert children
    for child in children:
        parent = by_code[child["隶属主体统一社会信用代码"]]
        assert child["主体名称"].startswith(parent["主体名称"])
        assert child["主体名称"].endswith(("分公司", "营业部", "工会委员会"))
    assert any(r["主体名称"].endswith(("分公司", "营业部")) for r in register)


def test_renamed_subjects_carry_a_former_name_and_date(
    register: list[dict[str, str]], dataset: Path
) -> None:
    renamed = [r for r in register if r["曾用名"]]
    assert len(renamed) == manifest(dataset)["subjects"]["renamed"] > 0
    for r in renamed:
        assert r["曾用名"] != r["主体名称"]
        changed = dt.date.fromisoformat(r["名称变更日期"])
        assert dt.date.fromisoformat(r["成立日期"]) < changed <= AS_OF


def test_closed_subjects_have_an_end_date_after_registration(
    register: list[dict[str, str]],
) -> None:
    for r in register:
        end = r["注销或吊销日期"]
        assert bool(end) == (r["登记状态"] != "存续")
        if end:
            assert r["成立日期"] <= end <= AS_OF.isoformat()


def test_every_kind_maps_to_a_catalog_subject_kind(dataset: Path) -> None:
    kinds = manifest(dataset)["subjects"]["kinds"]
    assert [k["code"] for k in kinds] == [k.code for k in KINDS]
    assert all(k["catalog_kind"] for k in kinds)


def test_persons_are_distinct_adults_with_valid_numbers() -> None:
    people = make_people(5_000, 3, AS_OF)
    ids = people.id_list(np.arange(len(people)))
    assert len(set(ids)) == len(ids)
    for number in ids:
        born = ric.parse(number, AS_OF).birth_date
        assert (AS_OF - born).days // 366 >= 18


def test_legal_representatives_were_adults_when_the_subject_was_registered(
    register: list[dict[str, str]],
) -> None:
    for r in register:
        born = ric.parse(r["法定代表人证件号码"], AS_OF).birth_date
        registered = dt.date.fromisoformat(r["成立日期"])
        assert (registered - born).days >= 18 * 365, r
