"""The departments that furnish data, and the feeds each one sends.

A feed is one department's regular delivery of one record type, in the file format,
encoding and date style that department really uses: market regulation exports GBK CSV
from an old system, the tax bureau sends Excel, the court pushes JSON lines. Ingestion
must cope with all of them, so the data set reproduces the mix. ``mapping`` names the
column mapping an ingester should apply; ``share`` is the feed's part of ``--records``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.synth.codes import make_uscc
from xinyong.synth.regions import Region

ORGS = ("9/1", "9/2", "9/3", "5/1", "5/2", "5/3", "1/2", "3/1", "8/1", "N/2")


@dataclass(frozen=True)
class Department:
    """A furnishing department; its name and document prefix depend on the region."""

    key: str
    template: str  #: name pattern over ``{full}``, ``{city}``, ``{district}``
    short: str  #: abbreviation in document numbers (京海**市监**罚)
    serial: int  #: distinguishes its organisation code

    def name(self, reg: Region) -> str:
        """The department's name in region ``reg``."""
        return self.template.format(full=reg.full_name, city=reg.city, district=reg.district_short)

    def uscc(self, reg: Region) -> str:
        """The department's own code: a government organ (1/1) registered in ``reg``."""
        return make_uscc("1", "1", reg.code, f"0000{self.serial:04d}")

    def doc_prefix(self, reg: Region) -> str:
        """Start of its document numbers, e.g. 京海市监."""
        return reg.doc_prefix + self.short


DEPARTMENTS: dict[str, Department] = {
    d.key: d
    for d in (
        Department("mr", "{full}市场监督管理局", "市监", 101),
        Department("tax", "国家税务总局{full}税务局", "税", 102),
        Department("court", "{full}人民法院", "法", 103),
        Department("ee", "{city}生态环境局{district}分局", "环", 104),
        Department("em", "{full}应急管理局", "应急", 105),
        Department("hc", "{full}住房和城乡建设委员会", "建", 106),
        Department("cm", "{full}城市管理综合行政执法局", "城管", 107),
        Department("hw", "{full}卫生健康委员会", "卫", 108),
        Department("drc", "{full}发展和改革委员会", "发改", 109),
    )
}


@dataclass(frozen=True)
class Feed:
    """One department's delivery of one record type."""

    key: str
    department: str
    record_type: str  #: catalog record-type id
    builder: str  #: record builder in :mod:`xinyong.synth.records`
    mapping: str  #: ingestion mapping name
    fmt: str  #: ``csv``, ``xlsx`` or ``jsonl``
    encoding: str  #: ``gbk``, ``utf-8`` or ``utf-8-sig``
    date_style: str  #: a key of :data:`xinyong.synth.dates.STYLES`
    share: float
    kinds: tuple[str, ...]  #: subject kinds the department acts on
    sectors: tuple[str, ...] = ()  #: preferred sectors, when the register has them
    persons: float = 0.0  #: share of rows about natural persons
    six_decimals: bool = False  #: amounts written as decimal(18,6), e.g. 0.350000

    @property
    def ext(self) -> str:
        """File name extension."""
        return self.fmt


_P, _L = "double-publicity-penalty-cn", "double-publicity-licence-cn"
FEEDS: tuple[Feed, ...] = (
    Feed(
        "mr-penalty",
        "mr",
        "administrative_penalty",
        "penalty",
        _P,
        "csv",
        "gbk",
        "iso",
        0.13,
        ("9/1", "9/2", "9/3"),
        persons=0.02,
    ),
    Feed(
        "mr-licence",
        "mr",
        "administrative_licence",
        "licence",
        _L,
        "csv",
        "gbk",
        "slash",
        0.20,
        ("9/1", "9/2", "9/3"),
    ),
    Feed(
        "mr-abnormal",
        "mr",
        "abnormal_operation_entry",
        "abnormal",
        "samr-abnormal-operation-cn",
        "csv",
        "gbk",
        "iso",
        0.08,
        ("9/1", "9/3"),
    ),
    Feed(
        "mr-serious",
        "mr",
        "serious_dishonesty_entry",
        "serious",
        "samr-serious-violation-cn",
        "csv",
        "gbk",
        "iso",
        0.005,
        ("9/1",),
    ),
    Feed(
        "cm-penalty",
        "cm",
        "administrative_penalty",
        "penalty",
        _P,
        "csv",
        "gbk",
        "cn",
        0.06,
        ("9/2", "9/1"),
        ("shop", "food"),
        persons=0.4,
    ),
    Feed(
        "ee-penalty",
        "ee",
        "administrative_penalty",
        "penalty",
        _P,
        "csv",
        "utf-8-sig",
        "compact",
        0.04,
        ("9/1",),
        ("make", "chem", "build", "env", "logistics"),
        six_decimals=True,
    ),
    Feed(
        "em-penalty",
        "em",
        "administrative_penalty",
        "penalty",
        _P,
        "xlsx",
        "utf-8",
        "excel-serial",
        0.03,
        ("9/1",),
        ("make", "chem", "build", "logistics"),
        six_decimals=True,
    ),
    Feed(
        "hc-penalty",
        "hc",
        "administrative_penalty",
        "penalty",
        _P,
        "csv",
        "utf-8",
        "iso",
        0.03,
        ("9/1",),
        ("build", "estate"),
    ),
    Feed(
        "hc-licence",
        "hc",
        "administrative_licence",
        "licence",
        _L,
        "xlsx",
        "utf-8",
        "excel-date",
        0.05,
        ("9/1",),
        ("build", "estate"),
    ),
    Feed(
        "hw-licence",
        "hw",
        "administrative_licence",
        "licence",
        _L,
        "csv",
        "utf-8-sig",
        "slash",
        0.04,
        ("9/1", "9/2", "5/2", "1/2"),
        ("food", "service", "shop", "public"),
    ),
    Feed(
        "tax-rating",
        "tax",
        "tax_credit_rating",
        "tax",
        "tax-credit-rating-cn",
        "xlsx",
        "utf-8",
        "excel-date",
        0.12,
        ("9/1", "9/3"),
    ),
    Feed(
        "court-defaulter",
        "court",
        "court_judgment_defaulter",
        "court",
        "court-defaulter-spc-json",
        "jsonl",
        "utf-8",
        "cn",
        0.08,
        ("9/1", "9/2"),
        persons=0.3,
    ),
    Feed(
        "drc-commitment",
        "drc",
        "credit_commitment",
        "commitment",
        "credit-commitment-cn",
        "csv",
        "utf-8",
        "iso",
        0.11,
        ORGS,
    ),
    Feed(
        "drc-honour",
        "drc",
        "honour",
        "honour",
        "honour-json",
        "jsonl",
        "utf-8",
        "iso",
        0.025,
        ("9/1", "5/1", "5/2", "1/2"),
    ),
)
