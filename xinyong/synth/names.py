"""Chinese organisation names, built the way registrars build them.

An enterprise name is region + trade name (字号) + industry + legal form, e.g.
北京鑫盛科技有限公司 or 鑫盛（北京）科技有限公司. Individual businesses often carry the
operator's name (海淀区张伟便利店); branches append a place and 分公司 to the parent's name;
social organisations, public institutions and government organs follow their own
patterns. Resolution and name normalisation are tested against these shapes, so they
must look like the register, including full-width brackets.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from xinyong.synth import words
from xinyong.synth.regions import Region

_TRADE = tuple(dict.fromkeys(words.TRADE))
_FORMS = tuple(f for f, _ in words.FORMS)
_FORM_WEIGHTS = tuple(w for _, w in words.FORMS)
_OTHER_CITIES = ("上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "武汉", "成都", "西安")

#: Builds one candidate name: (random source, region, helper text) -> name.
Builder = Callable[[random.Random, Region, str], str]


def trade_name(rnd: random.Random, length: int = 2) -> str:
    """A trade name (字号) of ``length`` characters."""
    return "".join(rnd.choice(_TRADE) for _ in range(length))


def industry(rnd: random.Random) -> int:
    """Index of an industry word in :data:`words.INDUSTRIES`."""
    return rnd.randrange(len(words.INDUSTRIES))


def enterprise(rnd: random.Random, reg: Region, industry_word: str, trade_len: int = 2) -> str:
    """An enterprise name in one of the registrar's usual layouts."""
    trade = trade_name(rnd, trade_len)
    form = rnd.choices(_FORMS, _FORM_WEIGHTS)[0]
    if form == "合伙企业（有限合伙）":
        industry_word = rnd.choice(("投资管理", "创业投资", "股权投资", "企业管理"))
    elif form == "个人独资企业":
        form = rnd.choice(("中心", "商行", "经营部"))
    layout = rnd.random()
    if layout < 0.7:
        return f"{reg.city_short}{trade}{industry_word}{form}"
    if layout < 0.85:
        return f"{trade}（{reg.city_short}）{industry_word}{form}"
    return f"{reg.full_name}{trade}{industry_word}{form}"


def branch(rnd: random.Random, reg: Region, parent: str) -> str:
    """A branch name: the parent's name plus place and 分公司 (or 营业部)."""
    if not parent:
        city = rnd.choice(_OTHER_CITIES)
        parent = f"{city}{trade_name(rnd)}{rnd.choice(words.INDUSTRIES)[0]}有限公司"
        return f"{parent}{reg.city_short}分公司"
    place = rnd.choice((reg.district_short, reg.city_short, *reg.towns[:2]))
    return f"{parent}{place}{rnd.choice(('分公司', '分公司', '营业部'))}"


def individual(rnd: random.Random, reg: Region, operator: str) -> str:
    """An individual business: often the operator's name, otherwise a trade name."""
    shop = rnd.choice(words.SHOPS)
    if rnd.random() < 0.4:
        return f"{reg.district}{operator}{shop}"
    return f"{reg.full_name}{trade_name(rnd, rnd.choice((2, 2, 3)))}{shop}"


def _cooperative(rnd: random.Random, reg: Region, _: str) -> str:
    product = rnd.choice(words.COOP_PRODUCTS)
    if rnd.random() < 0.5:
        return f"{reg.full_name}{trade_name(rnd)}{product}专业合作社"
    return f"{reg.city_short}{trade_name(rnd)}{product}农民专业合作社"


def _association(rnd: random.Random, reg: Region, _: str) -> str:
    topic = rnd.choice(words.ASSOCIATION_TOPICS)
    prefix = reg.full_name if rnd.random() < 0.3 else reg.full_name + trade_name(rnd)
    return prefix + topic + rnd.choice(words.ASSOCIATIONS)


def _non_enterprise(rnd: random.Random, reg: Region, _: str) -> str:
    return f"{reg.full_name}{trade_name(rnd)}{rnd.choice(words.NON_ENTERPRISES)}"


def _foundation(rnd: random.Random, reg: Region, _: str) -> str:
    return f"{reg.city_short}{trade_name(rnd)}{rnd.choice(words.FOUNDATIONS)}"


def _organ(rnd: random.Random, reg: Region, _: str) -> str:
    if rnd.random() < 0.2:
        return reg.full_name + rnd.choice(words.ORGANS)
    return f"{reg.full_name}{trade_name(rnd)}{rnd.choice(words.STREET_OFFICES)}"


def _institution(rnd: random.Random, reg: Region, _: str) -> str:
    return f"{reg.full_name}{trade_name(rnd)}{rnd.choice(words.INSTITUTIONS)}"


def _law_firm(rnd: random.Random, reg: Region, _: str) -> str:
    return f"{rnd.choice((reg.city_short, reg.city))}{trade_name(rnd)}律师事务所"


def _notary(rnd: random.Random, reg: Region, _: str) -> str:
    if rnd.random() < 0.2:
        return f"{reg.city}{reg.district_short}公证处"
    return f"{reg.city}{trade_name(rnd)}公证处"


def _union(rnd: random.Random, reg: Region, parent: str) -> str:
    if parent:
        return parent + "工会委员会"
    return f"{reg.full_name}{trade_name(rnd)}{rnd.choice(words.INDUSTRIES)[0]}行业工会联合会"


def _collective(rnd: random.Random, reg: Region, _: str) -> str:
    town = rnd.choice(reg.towns)
    return f"{reg.full_name}{town}{trade_name(rnd)}村股份经济合作社"


def _military(rnd: random.Random, reg: Region, _: str) -> str:
    return f"军队{reg.city_short}{trade_name(rnd)}离职干部休养所"


def _other(rnd: random.Random, reg: Region, _: str) -> str:
    estate = rnd.choice(("小区", "家园", "花园", "嘉园"))
    return f"{reg.full_name}{trade_name(rnd)}{estate}业主委员会"


#: Name builders for the entity kinds that are not built from an industry word.
BUILDERS: dict[str, Builder] = {
    "9/3": _cooperative,
    "5/1": _association,
    "5/2": _non_enterprise,
    "5/3": _foundation,
    "1/1": _organ,
    "1/2": _institution,
    "3/1": _law_firm,
    "3/2": _notary,
    "8/1": _union,
    "N/2": _collective,
    "N/3": _collective,
    "A/1": _military,
    "Y/1": _other,
}


def renamed(rnd: random.Random, reg: Region, current: str, industry_word: str) -> str:
    """A plausible former name: another trade name or another industry word."""
    if industry_word and industry_word in current and rnd.random() < 0.5:
        other = rnd.choice(words.INDUSTRIES)[0]
        if other != industry_word:
            return current.replace(industry_word, other, 1)
    return enterprise(rnd, reg, industry_word or "商贸")
