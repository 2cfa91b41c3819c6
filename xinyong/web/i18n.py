"""The portal's words in Chinese (the default) and English.

Catalog items carry their own bilingual labels; this table holds only the
portal's own wording. A missing key shows the key itself, which a test catches.
"""

from __future__ import annotations

from collections.abc import Callable

from xinyong.catalog import Label

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    "site": ("公共信用信息公示", "Public credit information"),
    "skip": ("跳到正文", "Skip to content"),
    "nav.search": ("查询", "Search"),
    "nav.sources": ("数据来源", "Data sources"),
    "nav.signin": ("登录", "Sign in"),
    "nav.signout": ("退出", "Sign out"),
    "nav.me": ("我的信息", "My records"),
    "nav.activate": ("开通账户", "Open an account"),
    "lang.switch": ("English", "中文"),
    "search.label": (
        "企业名称或统一社会信用代码",
        "Organisation name or unified social credit code",
    ),
    "search.button": ("查询", "Search"),
    "search.hint": (
        "支持全角半角、空格、繁体字；按名称或代码查询。",
        "Full- or half-width, spaces and traditional characters are all fine.",
    ),
    "search.none": ("没有找到匹配的主体。", "No organisation matches."),
    "search.suggest": ("您是不是要找：", "Did you mean:"),
    "search.code_fix": (
        "校验码可能有误，正确的代码是：",
        "The check character looks wrong; did you mean:",
    ),
    "search.more": ("下一页", "Next page"),
    "search.prev": ("上一页", "Previous page"),
    "subject.basics": ("登记信息", "Registration"),
    "subject.code": ("统一社会信用代码", "Unified social credit code"),
    "subject.kind": ("主体类型", "Kind"),
    "subject.region": ("登记地区划", "Region"),
    "subject.registered": ("入库时间", "In the ledger since"),
    "subject.id_masked": ("身份证件号码（已遮盖）", "Identity number (masked)"),
    "subject.records": ("信用记录", "Credit records"),
    "subject.no_records": ("当前没有公示的信用记录。", "No credit records are published now."),
    "subject.whole_category": ("查看本类全部记录", "All records of this kind"),
    "subject.all_categories": ("返回全部类别", "Back to every kind of record"),
    "record.source": ("来源部门", "Source department"),
    "record.basis": ("法律依据", "Legal basis"),
    "record.document": ("文书号", "Document number"),
    "record.decided": ("决定日期", "Decided on"),
    "record.window": ("公示期", "Publicity window"),
    "record.until": ("至", "until"),
    "record.no_end": ("长期", "no end date"),
    "record.unknown_window": ("公示期待核定", "window not determined"),
    "record.disputed": ("核查中", "Under verification"),
    "record.disputed_help": (
        "该记录存在异议，正在核查；核查结束前不用于任何评价或措施。",
        "An objection to this record is being verified; it is used for nothing until decided.",
    ),
    "record.status": ("状态", "Status"),
    "sources.title": ("数据来源与数据质量", "Data sources and data quality"),
    "sources.batches": ("批次", "Batches"),
    "sources.received": ("收到", "Received"),
    "sources.accepted": ("入库", "Accepted"),
    "sources.rejected": ("退回", "Rejected"),
    "sources.on_time": ("按时率", "On time"),
    "signin.title": ("主体登录", "Sign in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.button": ("登录", "Sign in"),
    "activate.title": ("开通主体账户", "Open your account"),
    "activate.code": (
        "开通码（由平台运营方寄送）",
        "Activation code (sent by the platform operator)",
    ),
    "activate.button": ("开通", "Open account"),
    "activate.help": (
        "账户只能通过运营方核实身份后签发的开通码与主体关联，知道代码并不足够。",
        "An account is linked to an organisation only through an activation code the "
        "operator issues after checking who you are; knowing the code is not enough.",
    ),
    "me.title": ("本主体掌握的全部信息", "Everything held about you"),
    "me.access_log": (
        "查询记录：谁在何时为何查看了您的信息",
        "Who looked at your record, when and why",
    ),
    "me.when": ("时间", "When"),
    "me.who": ("查询方", "Who"),
    "me.purpose": ("用途", "Purpose"),
    "me.action": ("操作", "Action"),
    "me.outcome": ("结果", "Outcome"),
    "me.no_log": ("暂无记录。", "Nothing yet."),
    "me.cases": ("我的异议、修复与列入程序", "Your objections, repairs and listing procedures"),
    "me.no_cases": ("暂无程序。", "No procedures."),
    "case.kind": ("程序", "Procedure"),
    "case.state": ("状态", "State"),
    "case.opened": ("受理日期", "Opened"),
    "case.due": ("期限", "Deadline"),
    "case.record": ("记录", "Record"),
    "objection.open": ("对此记录提出异议", "Object to this record"),
    "objection.grounds": ("异议理由（必填）", "Grounds (required)"),
    "objection.statement": (
        "情况说明（可选，将随记录展示）",
        "Statement (optional, shown with the record)",
    ),
    "objection.button": ("提交异议", "File objection"),
    "record.statements": ("主体说明", "The subject's statement"),
    "value.active": ("有效", "active"),
    "value.withdrawn": ("已撤销", "withdrawn"),
    "value.repaired": ("已修复", "repaired"),
    "value.expired": ("已到期", "expired"),
    "value.objection": ("异议", "objection"),
    "value.repair": ("信用修复", "credit repair"),
    "value.listing": ("列入名单", "listing"),
    "value.verifying": ("核查中", "being verified"),
    "value.escalated": ("已督办", "escalated"),
    "value.confirmed": ("维持", "confirmed"),
    "value.corrected": ("已更正", "corrected"),
    "value.department_reply": ("部门答复", "department's reply"),
    "value.granted": ("准许", "granted"),
    "value.denied": ("拒绝", "refused"),
    "value.read_records": ("查看记录", "read records"),
    "value.read_access_log": ("查看查询记录", "read the access log"),
    "value.read_cases": ("查看程序", "read procedures"),
    "value.file_objection": ("提出异议", "filed an objection"),
    "value.sign_in": ("登录", "signed in"),
    "value.activate": ("开通账户", "opened the account"),
    "value.issue_activation": ("签发开通码", "issued an activation code"),
    "nav.lists": ("信用名单", "Credit lists"),
    "lists.title": ("红名单、黑名单与重点关注名单", "Red, black and watch lists"),
    "lists.authority": ("认定机关", "Kept by"),
    "lists.duration": ("默认期限", "Default term"),
    "lists.none": ("名单中暂无主体。", "Nobody is on this list now."),
    "lists.region": ("行政区划代码", "Division code"),
    "lists.filter": ("筛选", "Filter"),
    "standing.title": ("名单与信用评价", "Lists and grades"),
    "standing.period": ("有效期", "In force"),
    "standing.measures": ("联合奖惩措施", "Joint measures"),
    "standing.rule": ("依据规则", "Rule"),
    "standing.explain": ("查看决定说明", "Why: the decision explained"),
    "standing.evidence": ("所依据的记录", "Records relied on"),
    "standing.decided_by": ("决定人", "Decided by"),
    "standing.policy": ("规则集", "Policy"),
    "decision.title": ("决定说明", "Decision explained"),
    "value.red": ("红名单", "red list"),
    "value.black": ("黑名单", "black list"),
    "value.watch": ("重点关注", "watch list"),
    "value.list_entry": ("列入名单", "list entry"),
    "value.grade": ("信用等级", "grade"),
    "nav.publicity": ("双公示", "Licences and penalties"),
    "publicity.penalties": ("行政处罚公示", "Administrative penalties"),
    "publicity.licences": ("行政许可公示", "Administrative licences"),
    "publicity.none": ("暂无公示信息。", "Nothing published."),
    "repair.open": ("申请信用修复", "Apply for credit repair"),
    "repair.proof": (
        "已纠正失信行为的证明（必填）",
        "Proof that the breach was corrected (required)",
    ),
    "repair.commitment": ("信用承诺（必填）", "Credit commitment (required)"),
    "repair.button": ("提交修复申请", "Apply"),
    "repair.from": ("可申请修复日期", "Repair possible from"),
    "case.refusals": ("不予受理的理由", "Refused because"),
    "value.applied": ("已申请", "applied"),
    "value.refused": ("不予受理", "refused"),
    "value.forwarded": ("已转送", "forwarded"),
    "value.approved": ("已修复", "approved"),
    "value.repair_feedback": ("平台反馈", "platform feedback"),
    "sources.reasons": ("退回原因", "Reasons"),
    "sources.working_days": ("个工作日内", "working days"),
    "case.steps": ("办理过程", "Steps"),
    "value.opened": ("受理", "opened"),
    "value.disputed": ("标注核查中", "marked under verification"),
    "error.title": ("出错了", "Something went wrong"),
    "error.field": ("字段", "Field"),
    "home.lead": (
        "查询企业和其他组织的行政许可、行政处罚、名单等公共信用信息。",
        "Look up licences, penalties, list entries and other public credit information "
        "about organisations.",
    ),
}


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` in ``lang``."""
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = MESSAGES.get(key)
        return pair[index] if pair else key

    return t


def value_in(lang: str) -> Callable[[str | None], str]:
    """``tv(code)``: the wording of a status, step or outcome code, or the code itself."""
    t = translator(lang)

    def tv(code: str | None) -> str:
        if not code:
            return ""
        key = f"value.{code}"
        found = t(key)
        return code if found == key else found

    return tv


def label_in(lang: str) -> Callable[[Label | None], str]:
    """``label(Label)`` in ``lang``."""

    def label(value: Label | None) -> str:
        if value is None:
            return ""
        return value.en if lang == "en" else value.zh

    return label
