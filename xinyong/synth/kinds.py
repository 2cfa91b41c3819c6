"""The kinds of subject a region's register holds, and how common each is.

Shares follow the national picture: nearly all registered subjects are enterprises
(9/1) and individual businesses (9/2); cooperatives, social organisations, public
institutions, organs and the letter-led authorities (N agriculture, A military, Y other)
make up the rest. The kind decides the first two characters of the code, the counterpart
category a double-publicity feed writes, and which departments ever act on the subject.
"""

from __future__ import annotations

from dataclasses import dataclass

#: 行政相对人类别 values in double-publicity feeds.
LEGAL_PERSON = "法人及非法人组织"
INDIVIDUAL_BUSINESS = "个体工商户"
NATURAL_PERSON = "自然人"


@dataclass(frozen=True)
class Kind:
    """One registration authority and entity type pair (positions 1 and 2 of the code)."""

    authority: str
    entity_type: str
    label: str  #: the type as registers name it
    share: float  #: fraction of the register
    prefix: str  #: two-character prefix of newly issued organisation-code bodies
    since: int  #: earliest registration year generated

    @property
    def code(self) -> str:
        """``authority/type``, e.g. ``9/1``: the key used across the generator."""
        return f"{self.authority}/{self.entity_type}"

    @property
    def counterpart(self) -> str:
        """The 行政相对人类别 that a correct feed writes for this kind."""
        return INDIVIDUAL_BUSINESS if self.code == "9/2" else LEGAL_PERSON


KINDS: tuple[Kind, ...] = (
    Kind("9", "1", "企业", 0.55, "MA", 1993),
    Kind("9", "2", "个体工商户", 0.35, "MA", 1998),
    Kind("9", "3", "农民专业合作社", 0.02, "MA", 2007),
    Kind("5", "1", "社会团体", 0.012, "MJ", 1990),
    Kind("5", "2", "民办非企业单位", 0.015, "MJ", 1998),
    Kind("5", "3", "基金会", 0.002, "MJ", 2004),
    Kind("1", "1", "机关", 0.004, "MB", 1985),
    Kind("1", "2", "事业单位", 0.017, "MB", 1985),
    Kind("3", "1", "律师执业机构", 0.0075, "MD", 1995),
    Kind("3", "2", "公证处", 0.0005, "MD", 1990),
    Kind("8", "1", "基层工会", 0.01, "MC", 1995),
    Kind("N", "2", "村级集体经济组织", 0.0097, "MF", 2018),
    Kind("N", "3", "乡镇级集体经济组织", 0.0005, "MF", 2018),
    Kind("A", "1", "军队事业单位", 0.0003, "MG", 1990),
    Kind("Y", "1", "其他", 0.0015, "MH", 2000),
)

KIND_INDEX: dict[str, int] = {k.code: i for i, k in enumerate(KINDS)}

#: Share of enterprises that are branches, and share of subjects renamed once.
BRANCH_SHARE = 0.06
RENAMED_SHARE = {"9/1": 0.05, "9/2": 0.02, "5/1": 0.03, "5/2": 0.03}


def allocate(total: int) -> list[int]:
    """How many subjects of each kind make ``total``: largest remainder, deterministic."""
    exact = [k.share * total for k in KINDS]
    counts = [int(x) for x in exact]
    order = sorted(range(len(KINDS)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
