"""Streaming writers for the formats departments send: CSV, XLSX and JSON lines.

Rows arrive a chunk at a time and leave straight for the disk, so memory does not grow
with the number of records. XLSX files are split into parts (Excel has a row limit, and
departments send periodic extracts), written with openpyxl's write-only mode, and saved
with fixed zip timestamps and document properties: the same parameters must give
byte-identical files, and a zip normally records the time it was written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

from xinyong.synth.dates import Cell

#: Most data rows in one XLSX part.
XLSX_PART_ROWS = 200_000


class Sink(Protocol):
    """Where a feed's rows go."""

    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Append rows."""

    def close(self) -> list[tuple[str, int]]:
        """Finish every file; return (relative path, data rows) per file."""


def part_names(stem: str, ext: str, total: int, part_rows: int | None) -> list[str]:
    """File names of a feed: one file, or numbered parts when rows exceed ``part_rows``."""
    if part_rows is None or total <= part_rows:
        return [f"{stem}.{ext}"]
    count = -(-total // part_rows)
    return [f"{stem}-{i:03d}.{ext}" for i in range(1, count + 1)]


class CsvSink:
    """A CSV file in the feed's encoding; GBK refuses characters it cannot encode."""

    def __init__(self, root: Path, name: str, encoding: str, headers: Sequence[str]) -> None:
        self.name, self.rows = name, 0
        self.file: IO[str] = open(root / name, "w", encoding=encoding, newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file)
        self.writer.writerow(headers)

    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Append rows.

        Generated text rarely needs CSV quoting, so rows are joined directly and the
        result checked by counting separators; any chunk where a field holds a comma,
        quote or line break goes through the csv module instead. The bytes are the same
        either way.
        """
        if rows:
            try:
                text = "\r\n".join([",".join(row) for row in rows]) + "\r\n"  # type: ignore[arg-type]
            except TypeError:
                text = ""
            width = len(rows[0]) - 1
            n = len(rows)
            plain = text.count(",") == width * n and '"' not in text
            if plain and text.count("\n") == n and text.count("\r") == n:
                self.file.write(text)
                self.rows += n
                return
        self.writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> list[tuple[str, int]]:
        """Close the file."""
        self.file.close()
        return [(self.name, self.rows)]


class JsonlSink:
    """One JSON object per line, keys in header order, UTF-8 without escapes."""

    def __init__(self, root: Path, name: str, keys: Sequence[str]) -> None:
        self.name, self.keys, self.rows = name, tuple(keys), 0
        self.file: IO[str] = open(root / name, "w", encoding="utf-8", newline="\n")  # noqa: SIM115

    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Append rows."""
        keys, dumps = self.keys, json.dumps
        self.file.write(
            "".join(
                dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False) + "\n" for row in rows
            )
        )
        self.rows += len(rows)

    def close(self) -> list[tuple[str, int]]:
        """Close the file."""
        self.file.close()
        return [(self.name, self.rows)]


class XlsxSink:
    """Workbooks of at most ``part_rows`` data rows each, written in write-only mode."""

    def __init__(
        self,
        root: Path,
        names: list[str],
        headers: Sequence[str],
        sheet: str,
        stamp: dt.datetime,
        part_rows: int = XLSX_PART_ROWS,
    ) -> None:
        self.root, self.names, self.headers, self.sheet = root, names, tuple(headers), sheet
        self.stamp, self.part_rows = stamp, part_rows
        self.done: list[tuple[str, int]] = []
        self.book: Any = None
        self.ws: Any = None
        self.rows = 0

    def write(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Append rows, starting a new part whenever one is full."""
        i = 0
        while i < len(rows):
            if self.book is None or self.rows == self.part_rows:
                self._next_part()
            take = min(len(rows) - i, self.part_rows - self.rows)
            append = self.ws.append
            for row in rows[i : i + take]:
                append(row)
            self.rows += take
            i += take

    def close(self) -> list[tuple[str, int]]:
        """Save the last part."""
        if self.book is None:
            self._next_part()
        self._save()
        return self.done

    def _next_part(self) -> None:
        if self.book is not None:
            self._save()
        self.book = Workbook(write_only=True)
        self.ws = self.book.create_sheet(title=self.sheet)
        self.ws.append(self.headers)
        self.rows = 0

    def _save(self) -> None:
        name = self.names[len(self.done)]
        props = self.book.properties
        props.created = props.modified = self.stamp
        props.creator = "xinyong synth"
        archive = _FixedTimeZip(self.root / name, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        archive.stamp = self.stamp.timetuple()[:6]
        ExcelWriter(self.book, archive).save()
        self.done.append((name, self.rows))
        self.book = self.ws = None


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry one timestamp, so equal content gives equal bytes."""

    stamp: tuple[int, int, int, int, int, int] = (2020, 1, 1, 0, 0, 0)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(  # type: ignore[override]
        self, zinfo_or_arcname: str | zipfile.ZipInfo, data: bytes | str, *args: Any, **kw: Any
    ) -> None:
        """Write a member under the fixed timestamp."""
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kw)

    def write(  # type: ignore[override]
        self, filename: str, arcname: str | None = None, *args: Any, **kw: Any
    ) -> None:
        """Copy a file in as a member under the fixed timestamp."""
        info = self._info(arcname or Path(filename).name)
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
