"""Record builders, one per record type, looked up by the name a feed gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from xinyong.synth.layout import Layout
from xinyong.synth.records import court, licence, lists, penalty, pledges, tax
from xinyong.synth.records.common import Batch, FeedContext


@dataclass(frozen=True)
class Builder:
    """A record type's layout, its chunk builder and, if limited, its capacity."""

    layout: Layout
    build: Callable[[FeedContext, np.random.Generator, int], Batch]
    capacity: Callable[[FeedContext], int] | None = None


BUILDERS: dict[str, Builder] = {
    "penalty": Builder(penalty.LAYOUT, penalty.build),
    "licence": Builder(licence.LAYOUT, licence.build),
    "abnormal": Builder(lists.ABNORMAL_LAYOUT, lists.build_abnormal),
    "serious": Builder(lists.SERIOUS_LAYOUT, lists.build_serious),
    "tax": Builder(tax.LAYOUT, tax.build, tax.capacity),
    "court": Builder(court.LAYOUT, court.build),
    "commitment": Builder(pledges.COMMITMENT_LAYOUT, pledges.build_commitments),
    "honour": Builder(pledges.HONOUR_LAYOUT, pledges.build_honours),
}
