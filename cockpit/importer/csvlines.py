"""A CSV file's lines for csv.reader, each row held to MAX_ROW_CHARS.

csv.reader keeps a whole row in memory, fails on a field over its limit
(``field larger than field limit``) and cannot go on after that, and a line
read whole can be as big as the file. ``RowLines`` feeds the reader the
file's physical lines, counting the characters of the row being read: within
MAX_ROW_CHARS they pass as they are; past it, the row is *oversized* and the
rest of it is still fed, so csv finds where it ends (quotes and all), but
with every run of ordinary characters squeezed to one, so nothing big is
held. The reader's caller asks ``end_row()`` after each row whether that row
was oversized, and what it held up to the limit. A row whose squeezed rest
is itself over the limit (a line of a million separators, a quote left open
to the end of a big file) cannot be skipped safely: the file is refused.
Only csv's own dialect matters here (the quote ", no escape character).
"""

from __future__ import annotations

import csv
import io
import re

from cockpit.importer.limits import MAX_ROW_CHARS, RefusedFileError

CHUNK = 1 << 16


class RowLines:
    """An iterator of lines for csv.reader (module docstring)."""

    def __init__(self, handle, delimiter: str, name: str, limit: int = MAX_ROW_CHARS) -> None:
        self.handle, self.delimiter, self.name, self.limit = handle, delimiter, name, limit
        self.ordinary = re.compile(f'[^{re.escape(delimiter)}"\r\n]+')
        self.filler = "y" if delimiter == "x" else "x"  # what a run of ordinary characters becomes
        self.kept = io.StringIO(newline="")  # the row's text, up to the limit
        self.used = 0
        self.squeezed: int | None = None  # characters fed since the limit, once past it
        self.ahead = ""  # a character read after a CR, to see whether an LF follows
        self.line = 0  # physical lines given to the reader
        self.row_line = 1  # the line the row being read began on
        if csv.field_size_limit() < 2 * limit + CHUNK:
            csv.field_size_limit(2 * limit + CHUNK)  # process-wide; no field here comes near it

    def __iter__(self) -> RowLines:
        return self

    def __next__(self) -> str:
        self.line += 1
        if self.squeezed is not None:
            return self._squeeze(self._read(CHUNK))
        line = self._read(self.limit - self.used + 1)
        if self.used + len(line) <= self.limit:
            self.used += len(line)
            self.kept.write(line)
            return line
        room = self.limit - self.used
        self.kept.write(line[:room])
        self.squeezed = 0
        return line[:room] + self._squeeze(line[room:])

    def end_row(self) -> list[str] | None:
        """Start the next row; for an oversized row just read, its fields up
        to the limit, the last one cut there (else None)."""
        fields = None
        if self.squeezed is not None:
            self.kept.seek(0)
            fields = next(csv.reader(self.kept, delimiter=self.delimiter), [""])
        self.kept.seek(0)
        self.kept.truncate()
        self.used, self.squeezed = 0, None
        self.row_line = self.line + 1
        return fields

    def _read(self, size: int) -> str:
        """Up to ``size`` characters of the current physical line (a CR and
        its LF kept together); StopIteration at the end of the file."""
        ahead, self.ahead = self.ahead, ""
        # A CR read ahead is a line of its own; any other character begins the next line.
        line = ahead if ahead == "\r" else ahead + self.handle.readline(max(size - len(ahead), 0))
        if not line:
            raise StopIteration
        if line.endswith("\r"):
            self.ahead = self.handle.read(1)
            if self.ahead == "\n":
                line, self.ahead = line + "\n", ""
        return line

    def _squeeze(self, line: str) -> str:
        """The rest of a physical line with its ordinary characters
        squeezed, read in pieces so a long line is never held whole."""
        parts = [self._squeezed(line)]
        while not line.endswith(("\n", "\r")):
            try:
                line = self._read(CHUNK)
            except StopIteration:
                break
            parts.append(self._squeezed(line))
        return "".join(parts)

    def _squeezed(self, piece: str) -> str:
        squeezed = self.ordinary.sub(self.filler, piece)
        self.squeezed += len(squeezed)
        if self.squeezed > self.limit:
            raise RefusedFileError(
                f"{self.name} line {self.row_line}: a row runs past {self.limit:,} characters with too "
                "many separators or quotes to skip it (an unclosed quote?)",
                f"{self.name} 第 {self.row_line} 行起的一行超过 {self.limit:,} 字，"
                "且无法跳过（是否有未闭合的引号？）",
            )
        return squeezed
