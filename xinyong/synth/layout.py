"""The columns of a feed and the role each plays.

Fault injection is generic: it corrupts "the code column" or "the main date", whatever
the column is called in a given feed. A layout names those roles once per record type,
so faults, ground truth and the manifest agree on which header means what.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xinyong.synth.dates import Cell

#: Values of the operation column (操作类型): new record, correction, revocation.
OPS_CN = ("新增", "更正", "撤销")
#: The same for JSON feeds from systems that speak in insert/update/delete.
OPS_IUD = ("I", "U", "D")
#: The operation column every CSV and XLSX feed appends to the standard's columns.
OP_HEADER = "操作类型"


@dataclass(frozen=True)
class Layout:
    """Headers of a record type and the columns that faults and ground truth address."""

    headers: tuple[str, ...]
    key: tuple[int, ...]  #: columns that identify the record (document or case number)
    op: int  #: operation column
    code: int | None = None  #: the subject's USCC (or a person's ID number)
    name: int | None = None  #: the subject's name
    kind: int | None = None  #: counterpart category (行政相对人类别)
    date: int | None = None  #: the main date
    start: int | None = None  #: start of a window that must not end before it starts
    end: int | None = None  #: end of that window
    amount: int | None = None  #: a fine in 10,000 yuan
    end_is_deadline: bool = True  #: the end may lie after the anchor date (a validity end)
    choices: tuple[tuple[int, tuple[str, ...]], ...] = ()  #: enumerated, amendable columns
    ops: tuple[str, str, str] = OPS_CN

    @classmethod
    def named(
        cls,
        headers: Sequence[str],
        key: Sequence[str],
        op: str = OP_HEADER,
        choices: Mapping[str, tuple[str, ...]] | None = None,
        end_is_deadline: bool = True,
        ops: tuple[str, str, str] = OPS_CN,
        **roles: str,
    ) -> Layout:
        """A layout whose roles are given by header name rather than position."""
        where = {h: i for i, h in enumerate(headers)}
        return cls(
            headers=tuple(headers),
            key=tuple(where[k] for k in key),
            op=where[op],
            choices=tuple((where[c], v) for c, v in (choices or {}).items()),
            end_is_deadline=end_is_deadline,
            ops=ops,
            **{role: where[h] for role, h in roles.items()},
        )

    def column(self, index: int | None) -> str | None:
        """Header of column ``index`` (None stays None)."""
        return None if index is None else self.headers[index]

    def rows(self, columns: Mapping[str, Sequence[Cell]]) -> list[tuple[Cell, ...]]:
        """Rows from named columns, in header order; a missing column is an error."""
        return list(zip(*(columns[h] for h in self.headers), strict=True))
