"""Violations, legal bases and licences each department deals in, loaded from data.

The text lives in ``data/vocab.yaml`` so that a reviewer who knows the law can correct a
provision without reading code. Each violation names the provision it breaches, the one
the penalty rests on, the fine range in yuan and the heavier measure, if any, that
Administrative Penalty Law Art. 9 allows for serious cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Violation:
    """One kind of violation a department penalises."""

    kind: str  #: 违法行为类型
    fact: str  #: what the party did, for 违法事实
    breached: str  #: the provision breached
    basis: str  #: the provision the penalty rests on (处罚依据)
    low: int  #: smallest fine, yuan
    high: int  #: largest fine, yuan
    heavy: str = ""  #: heavier measure for serious cases, e.g. 吊销许可证件
    warning: bool = True  #: whether a warning alone is possible


@dataclass(frozen=True)
class LicenceKind:
    """A licence a department grants and how its documents are numbered."""

    title: str  #: 行政许可决定文书名称
    category: str  #: 许可类别
    certificate: str  #: 许可证书名称
    number: str  #: pattern over {region} {prefix} {year} {serial} {code} {ymd}
    content: str  #: 许可内容
    years: int  #: validity in years; 0 means long-term (有效期至 2099-12-31)


def _load() -> dict[str, Any]:
    text = resources.files("xinyong.synth").joinpath("data/vocab.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


_DATA = _load()
VIOLATIONS: dict[str, tuple[Violation, ...]] = {
    dept: tuple(Violation(**v) for v in items) for dept, items in _DATA["violations"].items()
}
LICENCES: dict[str, tuple[LicenceKind, ...]] = {
    dept: tuple(LicenceKind(**v) for v in items) for dept, items in _DATA["licences"].items()
}
