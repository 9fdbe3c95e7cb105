"""What an import did: counts, rejects by reason, and the rejects file."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cockpit.export.cells import csv_text
from cockpit.importer.values import REASONS

MAX_KEPT_REJECTS = 10_000  # kept in memory for the report; the rejects file has them all
MAX_DETAIL = 200  # characters of the offending value kept in a reject (the row has it whole)


@dataclass(frozen=True)
class Reject:
    file: str
    line: int
    column: str
    reason: str
    detail: str = ""

    def __post_init__(self) -> None:
        if len(self.detail) > MAX_DETAIL:
            object.__setattr__(self, "detail", self.detail[:MAX_DETAIL] + "…")

    def __str__(self) -> str:
        detail = f"（{self.detail}）" if self.detail else ""
        return f"{self.file} 第 {self.line} 行 [{self.column}] {self.reason}: {REASONS[self.reason]}{detail}"


@dataclass
class Summary:
    file: str
    target: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # rows (a row with two problems counts once here, twice in by_reason)
    set_aside: int = 0  # second copies of an id, left out under the mapping's duplicates policy
    by_reason: Counter = field(default_factory=Counter)
    rejects: list[Reject] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False

    @property
    def good(self) -> int:
        return self.read - self.rejected - self.set_aside

    def add_reject(self, reject: Reject) -> None:
        self.by_reason[reject.reason] += 1
        if len(self.rejects) < MAX_KEPT_REJECTS:
            self.rejects.append(reject)

    def text(self) -> str:
        """The summary a person reads after an import."""
        if self.committed:
            outcome = "已写入"
        elif self.dry_run:
            outcome = "试运行，未写入"
        else:
            outcome = "有被拒绝的行，未写入任何数据（全部或全不）"
        lines = [
            f"{self.file} → {self.target}: {outcome}",
            f"读取 {self.read} 行：新增 {self.inserted}，更新 {self.updated}，未变 {self.unchanged}，"
            f"拒绝 {self.rejected}" + (f"，同编号舍弃 {self.set_aside}" if self.set_aside else ""),
        ]
        lines.extend(f"  {reason} {REASONS[reason]}: {n}" for reason, n in sorted(self.by_reason.items()))
        return "\n".join(lines)


class RejectsFile:
    """The rejects CSV (UTF-8 with BOM, so Excel opens it): the original
    columns, then 行号, 列, 原因, 说明; one line per problem. A text cell
    that a spreadsheet would take for a formula gets a leading single quote
    (cockpit.export.cells; the CSV reader takes it off again)."""

    def __init__(self, path: str | Path, header: list[str]) -> None:
        self.handle = Path(path).open("w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.handle)
        self.header = header
        self._row([*header, "行号", "列", "原因", "说明"])

    def write(self, cells: dict[str, object], reject: Reject) -> None:
        original = ["" if cells.get(h) is None else cells.get(h) for h in self.header]
        detail = REASONS[reject.reason] + (f"：{reject.detail}" if reject.detail else "")
        self._row([*original, reject.line, reject.column, reject.reason, detail])

    def _row(self, values: list[object]) -> None:
        self.writer.writerow([csv_text(v) for v in values])

    def close(self) -> None:
        self.handle.close()
