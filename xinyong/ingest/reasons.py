"""Why a row was rejected or held: machine-readable codes with Chinese and English text.

A department clerk must be able to fix a rejected row from the reject file alone,
and an operator must be able to count rejects by cause across departments. So
every rejected row gets one code from this closed table (the codes the
synthetic data set's ground truth uses for the same faults), plus a message in
both languages naming the row, the column, the catalog field and what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal["reject", "hold"]


@dataclass(frozen=True)
class Reason:
    """One reason code: what it means, in both languages, and what happens to the row."""

    code: str
    zh: str
    en: str
    outcome: Outcome = "reject"


_TABLE = (
    Reason("uscc.missing", "统一社会信用代码为空", "the unified social credit code is missing"),
    Reason(
        "uscc.length",
        "统一社会信用代码位数不对",
        "the unified social credit code has the wrong length",
    ),
    Reason(
        "uscc.format",
        "统一社会信用代码含不允许的字符",
        "the unified social credit code contains a character not allowed there",
    ),
    Reason(
        "uscc.component",
        "统一社会信用代码的登记管理部门、机构类别或行政区划不存在",
        "a part of the unified social credit code (authority, type or region) does not exist",
    ),
    Reason(
        "uscc.checksum",
        "统一社会信用代码校验码错误",
        "a check character of the unified social credit code is wrong",
    ),
    Reason(
        "ric.missing", "自然人的身份证件号码为空", "the natural person's identity number is missing"
    ),
    Reason("ric.length", "公民身份号码位数不对", "the identity number has the wrong length"),
    Reason(
        "ric.format",
        "公民身份号码含不允许的字符",
        "the identity number contains a character not allowed there",
    ),
    Reason(
        "ric.component",
        "公民身份号码的地区码或出生日期不存在",
        "the identity number's region or birth date does not exist",
    ),
    Reason(
        "ric.checksum", "公民身份号码校验码错误", "the identity number's check character is wrong"
    ),
    Reason("date.invalid", "日期无法识别", "not a date in any accepted format"),
    Reason("date.impossible", "日期不存在", "the date does not exist"),
    Reason("date.future", "日期晚于今天", "the date lies in the future"),
    Reason(
        "date.too_early",
        "日期早于1949年10月1日",
        "the date is before 1 October 1949, when no authority of the Republic existed",
    ),
    Reason(
        "date.end_before_start", "结束日期早于开始日期", "the end date is before the start date"
    ),
    Reason("amount.invalid", "金额不是数字", "the amount is not a number"),
    Reason("amount.negative", "金额为负数", "the amount is negative"),
    Reason(
        "amount.unit_suspect",
        "金额疑似以元填入万元栏",
        "the amount looks like yuan entered in a 10,000-yuan column",
    ),
    Reason("field.missing", "必填项为空", "a required field is empty"),
    Reason("field.invalid", "取值不符合要求", "the value is not allowed for this field"),
    Reason("field.too_long", "内容超过最大长度", "the value is longer than the field allows"),
    Reason(
        "field.out_of_range",
        "数值超出允许范围",
        "the number is outside the range the field allows",
    ),
    Reason(
        "subject.kind_mismatch",
        "行政相对人类别与代码所示主体类型不符",
        "the counterpart category contradicts the kind of subject the code belongs to",
    ),
    Reason(
        "subject.kind_not_allowed",
        "此类信息不适用于该类主体",
        "this record type does not apply to this kind of subject",
    ),
    Reason(
        "subject.unknown",
        "主体未登记",
        "the subject is not registered and automatic registration is off",
    ),
    Reason(
        "record.unknown",
        "要撤销的记录不存在",
        "the row revokes a record the platform does not hold",
    ),
    Reason("operation.invalid", "操作类型无法识别", "the operation is not one the mapping knows"),
    Reason("row.malformed", "行的格式错误", "the row is malformed"),
    Reason(
        "row.encoding",
        "该行无法按文件编码解码",
        "the row could not be decoded in the file's encoding",
    ),
    Reason(
        "record.objection_upheld",
        "该记录因异议成立已撤回，再次报送需人工审核",
        "the record was withdrawn after an objection was upheld; a person must decide on it",
        "hold",
    ),
    Reason(
        "record.withdrawn",
        "该记录已撤回，再次报送的内容不同，需人工审核",
        "the record was withdrawn and arrives again with other values; a person must decide",
        "hold",
    ),
    Reason(
        "record.disputed",
        "该记录处于异议处理中，更正待异议处理后决定",
        "the record is under objection; the change waits for a person",
        "hold",
    ),
)

REASONS: dict[str, Reason] = {r.code: r for r in _TABLE}


@dataclass(frozen=True)
class Fault:
    """What is wrong with one row: the reason code, where, and the specific detail."""

    code: str
    field: str | None
    column: str | None
    value: str | None  #: the cell as sent (masked for personal identifiers)
    detail_zh: str
    detail_en: str

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"unknown reason code {self.code!r}")


def fault(
    code: str,
    field: str | None,
    column: str | None,
    value: Any,
    detail_zh: str | None = None,
    detail_en: str | None = None,
) -> Fault:
    """A fault with the reason's own wording unless a more specific detail is given."""
    reason = REASONS[code]
    text = None if value is None or value == "" else str(value)
    return Fault(code, field, column, text, detail_zh or reason.zh, detail_en or reason.en)


def messages(row: int, item: Fault) -> tuple[str, str]:
    """(Chinese, English) message naming the data row, the column and the field."""
    where_zh = f"第{row}行"
    where_en = f"row {row}"
    if item.column:
        where_zh += f"，{item.column}"
        where_en += f", column {item.column}"
    if item.field:
        where_zh += f"（{item.field}）"
        where_en += f" ({item.field})"
    shown = f"：“{item.value}”" if item.value is not None else ""
    shown_en = f": {item.value!r}" if item.value is not None else ""
    return f"{where_zh}{shown}，{item.detail_zh}", f"{where_en}{shown_en}: {item.detail_en}"


def reject_line(row: int, faults: list[Fault], key: str | None) -> dict[str, Any]:
    """One line of the rejects file: the first fault decides the reason; all are listed."""
    first = faults[0]
    zh, en = messages(row, first)
    line: dict[str, Any] = {
        "row": row,
        "reason": first.code,
        "field": first.field,
        "column": first.column,
        "value": first.value,
        "message_zh": zh,
        "message_en": en,
        "key": key,
    }
    if len(faults) > 1:
        line["also"] = [
            {"reason": f.code, "field": f.field, "column": f.column} for f in faults[1:]
        ]
    return line
