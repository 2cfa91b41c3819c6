"""Notice texts in Chinese and English.

Templates are plain ``str.format`` text with named fields; a field the caller
did not supply renders as a visible placeholder rather than failing, so a
missing detail shows up in review instead of blocking a legally required
notice. The Chinese text is the authoritative one; English is a courtesy.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("zh", "en")

#: (template, language) -> (title, body).
TEMPLATES: Mapping[tuple[str, str], tuple[str, str]] = {
    ("listing_notice", "zh"): (
        "信用事项事先告知书（案件 {case_id}）",
        "{subject_name}：\n"
        "根据规则 {rule_id}（{policy_id} 版本 {policy_version}），拟将你方列入：{target}。\n"
        "依据：{legal_basis}\n所依据的记录：{records}\n理由：{reasons}\n"
        "你方有权在收到本告知书之日起 {window} 内陈述、申辩或申请听证。"
        "期限届满或收到你方意见后，由非提出人的审核人员作出决定。",
    ),
    ("listing_notice", "en"): (
        "Prior notice of a proposed credit measure (case {case_id})",
        "{subject_name}:\n"
        "Under rule {rule_id} ({policy_id} version {policy_version}) it is proposed to enter you "
        "on: {target}.\nLegal basis: {legal_basis}\nRecords relied on: {records}\n"
        "Reasons: {reasons}\nYou may make a statement, a defence or request a hearing within "
        "{window} of receiving this notice. A reviewer other than the proposer decides only "
        "after that window closes or your answer is on file.",
    ),
    ("listing_decision", "zh"): (
        "信用事项决定书（案件 {case_id}）",
        "{subject_name}：\n经审核，决定：{outcome}。{period}\n理由：{reason}\n"
        "如不服，可依法申请行政复议或提起行政诉讼；符合条件的，可申请信用修复。",
    ),
    ("listing_decision", "en"): (
        "Decision on a credit measure (case {case_id})",
        "{subject_name}:\nAfter review it is decided: {outcome}. {period}\nReasons: {reason}\n"
        "You may apply for administrative review or sue; where the conditions are met, you may "
        "apply for credit repair.",
    ),
    ("listing_lifted", "zh"): (
        "信用事项解除通知（案件 {case_id}）",
        "{subject_name}：\n{target} 已于 {day} 解除。原因：{reason}",
    ),
    ("listing_lifted", "en"): (
        "Credit measure lifted (case {case_id})",
        "{subject_name}:\n{target} was lifted on {day}. Reason: {reason}",
    ),
    ("listing_suspended", "zh"): (
        "信用事项中止执行通知（案件 {case_id}）",
        "{subject_name}：\n{target}（案件 {case_id}）所依据的记录 {document_no} 正在异议处理中"
        "（案件 {objection_id}），该事项自 {day} 起中止执行，处理期间相关惩戒措施不予适用。\n"
        "异议处理完毕后，记录经确认的恢复执行，经更正或撤回的予以解除；"
        "原期满日期 {ends_on} 不变，中止期间不顺延。\n理由：{reason}",
    ),
    ("listing_suspended", "en"): (
        "Credit measure suspended (case {case_id})",
        "{subject_name}:\nRecord {document_no}, on which {target} (case {case_id}) relies, is "
        "under objection (case {objection_id}). From {day} the listing is suspended: it has no "
        "effect and its measures do not apply while the objection runs.\nIf the record is "
        "confirmed the listing resumes; if it is corrected or withdrawn the listing is lifted. "
        "The end date {ends_on} does not move: the time suspended is not added.\n"
        "Reasons: {reason}",
    ),
    ("listing_suspended_to_department", "zh"): (
        "信用事项中止执行通知（案件 {case_id}）",
        "{source_name}：\n{subject_name} 的 {target}（案件 {case_id}）所依据的记录 {document_no} "
        "正在异议处理中（案件 {objection_id}）。该事项自 {day} 起中止执行，"
        "处理期间请勿适用相关联合惩戒措施；原期满日期 {ends_on} 不变。\n理由：{reason}",
    ),
    ("listing_suspended_to_department", "en"): (
        "Credit measure suspended (case {case_id})",
        "{source_name}:\nRecord {document_no}, on which {target} of {subject_name} (case "
        "{case_id}) relies, is under objection (case {objection_id}). From {day} the listing is "
        "suspended: do not apply its joint measures while the objection runs. The end date "
        "{ends_on} does not move.\nReasons: {reason}",
    ),
    ("listing_resumed", "zh"): (
        "信用事项恢复执行通知（案件 {case_id}）",
        "{subject_name}：\n记录 {document_no} 经信息提供单位核查确认（异议案件 {objection_id}），"
        "{target}（案件 {case_id}）自 {day} 起恢复执行，至 {ends_on} 期满，中止期间不顺延。\n"
        "理由：{reason}",
    ),
    ("listing_resumed", "en"): (
        "Credit measure resumed (case {case_id})",
        "{subject_name}:\nThe furnishing department confirmed record {document_no} (objection "
        "case {objection_id}). From {day} {target} (case {case_id}) is in force again until "
        "{ends_on}; the time suspended is not added.\nReasons: {reason}",
    ),
    ("listing_resumed_to_department", "zh"): (
        "信用事项恢复执行通知（案件 {case_id}）",
        "{source_name}：\n记录 {document_no} 的异议（案件 {objection_id}）已以确认结案，"
        "{subject_name} 的 {target}（案件 {case_id}）自 {day} 起恢复执行，至 {ends_on} 期满。\n"
        "理由：{reason}",
    ),
    ("listing_resumed_to_department", "en"): (
        "Credit measure resumed (case {case_id})",
        "{source_name}:\nThe objection to record {document_no} (case {objection_id}) ended with "
        "the record confirmed. From {day} {target} of {subject_name} (case {case_id}) is in "
        "force again until {ends_on}.\nReasons: {reason}",
    ),
    ("objection_received", "zh"): (
        "异议受理通知（案件 {case_id}）",
        "{subject_name}：\n你方对记录 {document_no} 的异议已于 {day} 受理。"
        "该记录已标注“异议处理中”，"
        "处理期间不用于任何规则、评价或惩戒措施。信息提供单位应于 {due_on} 前答复。",
    ),
    ("objection_received", "en"): (
        "Objection received (case {case_id})",
        "{subject_name}:\nYour objection to record {document_no} was received on {day}. The "
        "record is marked as under verification and is not used by any rule, grade or measure "
        "meanwhile. The furnishing department must answer by {due_on}.",
    ),
    ("objection_to_department", "zh"): (
        "异议核查通知（案件 {case_id}）",
        "{source_name}：\n信用主体对你单位报送的记录 {document_no} 提出异议：{grounds}\n"
        "请于 {due_on} 前核查并答复（确认、更正或撤回）。逾期未答复的，该记录继续停止使用并上报。",
    ),
    ("objection_to_department", "en"): (
        "Objection to verify (case {case_id})",
        "{source_name}:\nThe subject objects to record {document_no} that you furnished: "
        "{grounds}\nPlease verify and answer (confirm, correct or withdraw) by {due_on}. "
        "Without an answer the record stays out of use and the case is escalated.",
    ),
    ("objection_escalated", "zh"): (
        "异议逾期未答复（案件 {case_id}）",
        "对记录 {document_no} 的异议未在 {due_on} 前得到答复，已上报。该记录继续停止使用。",
    ),
    ("objection_escalated", "en"): (
        "Objection not answered in time (case {case_id})",
        "The objection to record {document_no} was not answered by {due_on} and has been "
        "escalated. The record stays out of use.",
    ),
    ("objection_outcome", "zh"): (
        "异议处理结果（案件 {case_id}）",
        "{subject_name}：\n你方对记录 {document_no} 的异议处理结果：{outcome}。理由：{reason}\n"
        "你方可以对该记录添加说明，说明将与记录一并展示。",
    ),
    ("objection_outcome", "en"): (
        "Outcome of your objection (case {case_id})",
        "{subject_name}:\nOutcome of your objection to record {document_no}: {outcome}. "
        "Reasons: {reason}\nYou may add a statement to the record; it is shown wherever the "
        "record is shown.",
    ),
    ("repair_received", "zh"): (
        "信用修复申请受理（案件 {case_id}）",
        "{subject_name}：\n你方对记录 {document_no} 的信用修复申请已受理，将于 {due_on} 前反馈。",
    ),
    ("repair_received", "en"): (
        "Credit-repair application received (case {case_id})",
        "{subject_name}:\nYour application to repair record {document_no} was received; you will "
        "have feedback by {due_on}.",
    ),
    ("repair_to_authority", "zh"): (
        "信用修复待决定（案件 {case_id}）",
        "{source_name}：\n记录 {document_no} 的信用修复申请已通过初审，请于 {due_on} 前作出决定。",
    ),
    ("repair_to_authority", "en"): (
        "Credit repair to decide (case {case_id})",
        "{source_name}:\nThe application to repair record {document_no} passed the platform's "
        "check; please decide by {due_on}.",
    ),
    ("repair_outcome", "zh"): (
        "信用修复结果（案件 {case_id}）",
        "{subject_name}：\n记录 {document_no} 的信用修复申请结果：{outcome}。理由：{reason}",
    ),
    ("repair_outcome", "en"): (
        "Outcome of your credit-repair application (case {case_id})",
        "{subject_name}:\nOutcome of the application to repair record {document_no}: "
        "{outcome}. Reasons: {reason}",
    ),
}


class _Visible(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def template_names() -> set[str]:
    """Every template, by name."""
    return {name for name, _ in TEMPLATES}


def render(template: str, language: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """The (title, body) of ``template`` in ``language`` (falling back to Chinese)."""
    lang = language if (template, language) in TEMPLATES else "zh"
    try:
        title, body = TEMPLATES[(template, lang)]
    except KeyError:
        raise ValueError(f"no notice template {template!r}") from None
    values = _Visible({k: "" if v is None else v for k, v in params.items()})
    formatter = string.Formatter()
    return formatter.vformat(title, (), values), formatter.vformat(body, (), values)
