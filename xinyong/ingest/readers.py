"""Streaming readers for the files departments send: CSV, XLSX and JSON lines.

Every reader yields one data row at a time. CSV, JSON lines and large
workbooks are streamed, so a file of ten million rows needs no more memory than
a file of ten; a workbook up to :data:`WHOLE_XLSX_BYTES` is read whole by a
reader ten times faster (an XLSX sheet holds at most about a million rows).
Rows are numbered from 1 in the order they appear after the header: row N of a
CSV file is its N-th record after the header line (a record with a quoted line
break still counts once), row N of a sheet is sheet row N + 1, row N of a
JSON-lines file is line N. Blank rows keep their number but yield nothing to
ingest.

CSV encodings: UTF-8 (with or without a byte-order mark), GBK and GB18030,
declared by the mapping or detected from the first 64 KiB. GBK is read as
GB18030, its superset, so a GBK file with a few GB18030-only characters
still reads. Bytes that do not decode reject their row (``row.encoding``)
instead of stopping the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A data row: its number and its cells, or a problem that makes it unreadable.
Row = tuple[int, list[Any] | None, str | None]
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".jsonl": "jsonl"}
_SAMPLE = 1 << 16
_REPLACEMENT = "\ufffd"


class ReaderError(ValueError):
    """The file cannot be read at all (unknown format, no header, no such sheet)."""


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` for a BOM; ``utf-8`` if the sample is UTF-8 but for a few stray bytes
    (those rows are rejected later); otherwise ``gb18030``.

    Chinese text in GBK decoded as UTF-8 breaks on nearly every character, so a
    handful of bad sequences means a UTF-8 file with damaged rows, not a GBK file.
    """
    with open(path, "rb") as f:
        head = f.read(_SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("utf-8", errors="replace")
        broken = text.count(_REPLACEMENT)
        if broken > 4 and broken * 200 > len(text):  # more than 0.5%: not UTF-8
            return "gb18030"
    return "utf-8"


def file_format(path: Path) -> str:
    """``csv``, ``xlsx`` or ``jsonl`` from the file name."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        known = ", ".join(sorted(FORMATS))
        raise ReaderError(f"{path.name}: unknown file type {path.suffix!r} (known: {known})")
    return found


@dataclass
class Table:
    """An open file: its headers and an iterator over its data rows."""

    headers: list[str]
    rows: Iterator[Row]
    encoding: str | None = None
    _closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        """Release the file."""
        for closer in self._closers:
            closer()
        self._closers.clear()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_table(path: Path, encoding: str = "auto", sheet: str | None = None) -> Table:
    """Open ``path`` for streaming; ``encoding`` applies to CSV (``auto`` detects it)."""
    kind = file_format(path)
    if kind == "csv":
        return _csv(path, encoding)
    if kind == "jsonl":
        return _jsonl(path)
    return _xlsx(path, sheet)


class _Decoding:
    """Counts bytes that did not decode (as U+FFFD) so that only their rows are rejected."""

    def __init__(self) -> None:
        self.broken = False

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        self.broken = True
        if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decoding only
            raise exc
        return _REPLACEMENT, exc.end


def _csv(path: Path, encoding: str) -> Table:
    chosen = detect_encoding(path) if encoding == "auto" else encoding
    if chosen == "gbk":
        chosen = "gb18030"
    handler = _Decoding()
    name = f"xinyong-ingest-{id(handler)}"
    codecs.register_error(name, handler)
    f = open(path, encoding=chosen, errors=name, newline="")  # noqa: SIM115
    reader = csv.reader(f)
    headers = next(reader, None)
    if headers is None:
        f.close()
        raise ReaderError(f"{path.name}: the file is empty (no header row)")
    if headers and headers[0].startswith("\ufeff"):
        headers[0] = headers[0][1:]
    width = len(headers)

    def rows() -> Iterator[Row]:
        number = 0
        for cells in reader:
            number += 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if handler.broken and any(_REPLACEMENT in c for c in cells):
                yield number, None, f"bytes that are not {chosen}"
            elif len(cells) != width:
                yield number, None, f"{len(cells)} fields where the header has {width}"
            else:
                yield number, cells, None

    return Table(headers, rows(), chosen, [f.close])


def _jsonl(path: Path) -> Table:
    f = open(path, encoding="utf-8-sig")  # noqa: SIM115
    first: dict[str, Any] | None = None
    lines = enumerate(f, 1)
    pending: list[tuple[int, str]] = []
    for number, line in lines:
        pending.append((number, line))
        if line.strip():
            try:
                loaded = json.loads(line)
            except ValueError:
                loaded = None
            if isinstance(loaded, dict):
                first = loaded
            break
    if first is None:
        f.close()
        raise ReaderError(f"{path.name}: the first line is not a JSON object, so no field names")
    headers = list(first)

    def rows() -> Iterator[Row]:
        for number, line in [*pending, *lines]:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(item, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, [item.get(h) for h in headers], None

    return Table(headers, rows(), "utf-8", [f.close])


#: XLSX files up to this size are read whole by calamine (a Rust reader, about ten times
#: faster than openpyxl; it holds the sheet in memory, some 14 times the file's size);
#: larger ones stream through openpyxl, so memory stays bounded whatever the file.
WHOLE_XLSX_BYTES = 64 << 20


def _xlsx(path: Path, sheet: str | None) -> Table:
    if path.stat().st_size <= WHOLE_XLSX_BYTES:
        return _xlsx_whole(path, sheet)
    return _xlsx_streamed(path, sheet)


def _xlsx_whole(path: Path, sheet: str | None) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook, WorksheetNotFound

    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        raise ReaderError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    try:
        ws = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
    except WorksheetNotFound:
        raise ReaderError(f"{path.name}: no sheet named {sheet!r}") from None
    except CalamineError as exc:  # a damaged sheet: its cells are read here
        raise ReaderError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    finally:
        book.close()  # the sheet's cells are read; the file is not needed any more
    # The same values openpyxl gives, so both readers feed the same transforms: calamine
    # gives "" for an empty cell, a float for every number and a date for a date cell.
    return _sheet(path, ([_openpyxl_value(v) for v in row] for row in ws.iter_rows()), [])


def _openpyxl_value(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _xlsx_streamed(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, SyntaxError, KeyError) as exc:
        raise ReaderError(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except KeyError:
        book.close()
        raise ReaderError(f"{path.name}: no sheet named {sheet!r}") from None
    return _sheet(path, _parsed(path, ws.iter_rows(values_only=True)), [book.close])


def _parsed(path: Path, cells: Iterator[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """A streamed sheet's rows; XML that breaks off midway is a reader error, not a crash."""
    try:
        yield from cells
    except SyntaxError as exc:  # xml.etree's ParseError and lxml's errors derive from it
        raise ReaderError(f"{path.name}: not a readable XLSX workbook ({exc})") from None


def _sheet(path: Path, cells: Iterator[Sequence[Any]], closers: list[Any]) -> Table:
    """A sheet's table from its rows of cell values (the first row is the header)."""
    header_row = next(cells, None)
    if header_row is None:
        for close in closers:
            close()
        raise ReaderError(f"{path.name}: the sheet is empty (no header row)")
    headers = [("" if h is None else str(h)).strip() for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)

    def rows() -> Iterator[Row]:
        for number, values in enumerate(cells, 1):
            row = list(values[:width])
            if any(v is not None for v in values[width:]):
                yield number, None, f"values beyond the {width} columns of the header"
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            row.extend([None] * (width - len(row)))
            yield number, row, None

    return Table(headers, rows(), None, closers)
