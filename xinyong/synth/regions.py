"""The regions a synthetic data set can be set in.

Names of departments, document numbers and court case numbers all depend on where a
data set lives: a Haidian penalty is numbered 京海市监罚〔2025〕12号 and a Haidian court
case (2024)京0108执345号. A generic code-to-name lookup cannot supply those short forms,
so each supported district carries them here as data.

>>> haidian = region("110108")
>>> haidian.full_name, haidian.court_code, haidian.city_code, haidian.doc_prefix
('北京市海淀区', '京0108', '110000', '京海')
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A county-level district and the short forms its documents use."""

    code: str  #: GB/T 2260 code of the district, e.g. ``110108``
    province: str  #: province name as court lists write it, e.g. 北京
    province_abbr: str  #: one-character province abbreviation used in numbers, e.g. 京
    city: str  #: city name with its suffix, e.g. 北京市
    city_short: str  #: the city as it appears in company names, e.g. 北京
    district: str  #: district name with its suffix, e.g. 海淀区
    district_short: str  #: district without the suffix, e.g. 海淀
    doc_prefix: str  #: abbreviation in document numbers, e.g. 京海 in 京海市监罚
    towns: tuple[str, ...]  #: towns and sub-districts, for villages and street offices

    @property
    def full_name(self) -> str:
        """City and district as written at the head of a name: 北京市海淀区."""
        return self.city + self.district

    @property
    def court_code(self) -> str:
        """The court's code in case numbers: province abbreviation and last four digits."""
        return self.province_abbr + self.code[2:]

    @property
    def city_code(self) -> str:
        """The code of the registration authority one level up (city or municipality)."""
        if self.code[:2] in MUNICIPALITIES:
            return self.code[:2] + "0000"
        return self.code[:4] + "00"


#: Province-level municipalities, whose districts are registered directly under the city.
MUNICIPALITIES = ("11", "12", "31", "50")

REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region(
            "110108",
            "北京",
            "京",
            "北京市",
            "北京",
            "海淀区",
            "海淀",
            "京海",
            ("温泉镇", "苏家坨镇", "上庄镇", "西北旺镇", "四季青镇", "海淀镇"),
        ),
        Region(
            "110105",
            "北京",
            "京",
            "北京市",
            "北京",
            "朝阳区",
            "朝阳",
            "京朝",
            ("金盏乡", "孙河乡", "崔各庄乡", "东坝乡", "豆各庄乡", "黑庄户乡"),
        ),
        Region(
            "310115",
            "上海",
            "沪",
            "上海市",
            "上海",
            "浦东新区",
            "浦东",
            "沪浦",
            ("川沙新镇", "高桥镇", "北蔡镇", "合庆镇", "唐镇", "曹路镇"),
        ),
        Region(
            "440305",
            "广东",
            "粤",
            "深圳市",
            "深圳",
            "南山区",
            "南山",
            "深南",
            ("南头街道", "南山街道", "沙河街道", "蛇口街道", "招商街道", "西丽街道"),
        ),
        Region(
            "330106",
            "浙江",
            "浙",
            "杭州市",
            "杭州",
            "西湖区",
            "西湖",
            "杭西",
            ("留下街道", "转塘街道", "三墩镇", "双浦镇", "蒋村街道", "西溪街道"),
        ),
        Region(
            "510107",
            "四川",
            "川",
            "成都市",
            "成都",
            "武侯区",
            "武侯",
            "成武",
            ("簇桥街道", "机投桥街道", "金花桥街道", "华兴街道", "晋阳街道", "红牌楼街道"),
        ),
    )
}


def region(code: str) -> Region:
    """The supported region with this code; the error lists the ones there are."""
    try:
        return REGIONS[code]
    except KeyError:
        known = ", ".join(f"{c} ({r.full_name})" for c, r in REGIONS.items())
        raise ValueError(f"unsupported region {code!r}; supported: {known}") from None
