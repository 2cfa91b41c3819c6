"""The columns of a feed and the role each plays.

Fault injection is generic: it corrupts "the code column" or "the main date", whatever
the column is called in a given feed. A layout names those roles once per record type,
so faults, ground truth and the manifest agree on which header means what.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Values of the operation column (操作类型): new record, correction, revocation.
OPS_CN = ("新增", "更正", "撤销")
#: The same for JSON feeds from systems that speak in insert/update/delete.
OPS_IUD = ("I", "U", "D")


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

    def column(self, index: int | None) -> str | None:
        """Header of column ``index`` (None stays None)."""
        return None if index is None else self.headers[index]
