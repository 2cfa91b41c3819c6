"""Name folding: full-width forms and brackets, exactly as a character table would fold them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xinyong.ingest.text_transforms import _BRACKETS, _FOLD, fold_name

#: Text drawn mostly from the characters folding touches, among Chinese and ASCII.
_NAMES = st.text(
    st.sampled_from(
        [chr(c) for c in _FOLD]
        + list("()（） \t北京市海淀区科技有限公司ABCabc0123-")
        + [chr(0xFF0F), chr(0xFF1A), chr(0xFF20), chr(0xFF3B), chr(0xFF40), chr(0xFF5B)]
    ),
    max_size=24,
)


def _by_table(value: str) -> str:
    return value.translate(_FOLD).strip().translate(_BRACKETS)


@given(_NAMES)
def test_fold_name_is_the_character_table(value: str) -> None:
    assert fold_name(value) == _by_table(value)


def test_fold_name_examples() -> None:
    assert fold_name("北京市海淀区祥拓电子商务有限公司") == "北京市海淀区祥拓电子商务有限公司"
    assert fold_name("　ＡＢＣ科技（北京）有限公司　") == "ABC科技（北京）有限公司"
    assert fold_name("北京１２３号店(海淀分店)") == "北京123号店（海淀分店）"
    assert fold_name("ＸＹ ｚ") == "XY z"
    assert fold_name(" Acme (Beijing) ") == "Acme （Beijing）"
    assert fold_name("Ａ／Ｂ") == "A／B"  # only letters, digits and the ideographic space fold
