"""The vectorised path must give the scalar verdict, error and value on every input."""

from __future__ import annotations

import datetime as dt
import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ids_strategies import (
    TODAY,
    noise,
    real_usccs,
    ric_near_misses,
    uscc_near_misses,
    valid_rics,
    valid_usccs,
)

from xinyong.ids import bulk, orgcode, regno15, ric, uscc
from xinyong.ids.errors import ValidationError


def _scalar_error(validate: object, code: str) -> ValidationError | None:
    assert callable(validate)
    try:
        validate(code)
    except ValidationError as exc:
        return exc
    return None


def _assert_agrees(result: bulk.BulkResult, codes: list[str], validate: object) -> None:
    assert len(result) == len(codes)
    for index, code in enumerate(codes):
        expected = _scalar_error(validate, code)
        assert bool(result.valid[index]) is (expected is None), code
        got = result.error(index)
        if expected is None:
            assert got is None
            assert callable(validate)
            assert result.value(index) == validate(code)
        else:
            assert got is not None
            assert type(got) is type(expected), code
            assert (got.reason_zh, got.reason_en) == (expected.reason_zh, expected.reason_en)
            assert result.value(index) is None


@st.composite
def mutated(draw: st.DrawFn, codes: st.SearchStrategy[str], alphabet: str) -> str:
    """A code with one character replaced (often, but not always, invalid)."""
    code = draw(codes)
    position = draw(st.integers(0, len(code) - 1))
    return code[:position] + draw(st.sampled_from(alphabet)) + code[position + 1 :]


uscc_inputs = st.one_of(
    valid_usccs(),
    st.sampled_from(real_usccs()),
    mutated(valid_usccs(), uscc.ALPHABET + "IOSVZ#"),
    st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=19),
    noise,
    valid_usccs().map(lambda code: f" {code[:8]}-{code[8:].lower()} "),
)


@settings(max_examples=300)
@given(st.lists(uscc_inputs, max_size=40))
def test_bulk_uscc_agrees_with_scalar(codes: list[str]) -> None:
    _assert_agrees(bulk.check_uscc(codes), codes, uscc.validate)


@settings(max_examples=300)
@given(st.lists(uscc_near_misses(), min_size=1, max_size=5))
def test_bulk_uscc_agrees_on_near_misses(batches: list[list[str]]) -> None:
    codes = [code for batch in batches for code in batch]
    _assert_agrees(bulk.check_uscc(codes), codes, uscc.validate)


def _ric_validate(code: str) -> str:
    return ric.validate(code, TODAY)


def _future_ric(offset: int) -> str:
    born = TODAY + dt.timedelta(days=offset)
    body = "110105" + born.strftime("%Y%m%d") + "123"
    return body + ric.calc_check(body)


ric_inputs = st.one_of(
    valid_rics(),
    mutated(valid_rics(), "0123456789X"),
    valid_rics().map(lambda number: number[:6] + number[8:17]),  # legacy 15-digit form
    st.text(alphabet="0123456789", min_size=15, max_size=18),
    st.text(alphabet="0123456789", min_size=17, max_size=17).map(lambda body: body + "X"),
    st.integers(-2, 2).map(_future_ric),
    noise,
)


@settings(max_examples=300)
@given(st.lists(ric_inputs, max_size=40))
def test_bulk_ric_agrees_with_scalar(codes: list[str]) -> None:
    _assert_agrees(bulk.check_ric(codes, TODAY), codes, _ric_validate)


@settings(max_examples=300)
@given(st.lists(ric_near_misses(), min_size=1, max_size=5))
def test_bulk_ric_agrees_on_near_misses(batches: list[list[str]]) -> None:
    codes = [code for batch in batches for code in batch]
    _assert_agrees(bulk.check_ric(codes, TODAY), codes, _ric_validate)


@given(st.lists(st.one_of(valid_usccs().map(lambda code: code[8:17]), noise), max_size=20))
def test_bulk_orgcode_agrees_with_scalar(codes: list[str]) -> None:
    _assert_agrees(bulk.check("orgcode", codes), codes, orgcode.validate)


def test_bulk_regno15_agrees_with_scalar() -> None:
    codes = ["510000000391563", "330106000129005", "abc", "990106000129004"]
    _assert_agrees(bulk.check("regno15", codes), codes, regno15.validate)


def test_bulk_handles_empty_and_all_invalid_batches() -> None:
    assert len(bulk.check_uscc([])) == 0
    result = bulk.check_uscc(["x", "é" * 18, "９１１１００００６０００３７３４１Ｌ"])
    assert result.valid.tolist() == [False, False, True]
    assert [index for index, _ in result.errors()] == [0, 1]


def test_bulk_errors_hold_no_reference_cycle() -> None:
    # An error kept with its traceback would keep the traceback's frames, and with
    # them the caller's whole chunk, alive in a cycle until a full garbage collection:
    # a rejected code in every chunk then made ingestion a tenth slower.
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = bulk.check_uscc(["x", "911100006000373410"])
        errors = [error for _, error in result.errors()]
        assert [type(error).__name__ for error in errors] == ["InvalidLength", "InvalidChecksum"]
        assert all(error.__traceback__ is None for error in errors)
        kept = weakref.ref(result)
        del result
        assert kept() is None
    finally:
        if collecting:
            gc.enable()


def test_bulk_ric_date_rules_use_the_given_day() -> None:
    number = "44011320141005001X"
    assert bulk.check_ric([number], dt.date(2014, 10, 5)).valid.tolist() == [True]
    assert bulk.check_ric([number], dt.date(2014, 10, 4)).valid.tolist() == [False]


def test_bulk_check_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown"):
        bulk.check("iban", ["x"])


@pytest.mark.parametrize("date", ["19000229", "20000229", "20240229", "20230229", "20240230"])
def test_bulk_ric_leap_years(date: str) -> None:
    codes = [f"110105{date}001{char}" for char in "0123456789X"]
    _assert_agrees(bulk.check_ric(codes, TODAY), codes, _ric_validate)
    assert bulk.check_ric(codes, TODAY).valid.any() is np.bool_(date in ("20000229", "20240229"))


@pytest.mark.parametrize("junk", ["I", "O", "S", "V", "Z", "#"])
def test_bulk_uscc_rejects_foreign_characters_whatever_the_checks(junk: str) -> None:
    # Every combination of both check characters around a foreign character, so
    # a vector path that let one through on an arithmetic coincidence would show.
    head = "91110000"
    codes = [
        head + "60003734"[:position] + junk + "60003734"[position + 1 :] + org + check
        for position in range(8)
        for org in "0123456789X"
        for check in uscc.ALPHABET
    ]
    result = bulk.check_uscc(codes)
    assert not result.valid.any()
    _assert_agrees(result, codes, uscc.validate)
