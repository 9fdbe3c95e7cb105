"""Build a weekly pack as a ZIP, and keep the archive of packs built by the
scheduler.

A pack's ZIP holds::

    周报_青岚市_330781000000_2026-W46/
        周报_青岚市_330781000000_2026-W46.pdf
        数据_青岚市_330781000000_2026-W46.xlsx
        图表/01-map-share_各乡镇（街道）5日办结率.png
        ...

Archived packs are ``<archive>/<stem>.zip``; only names made by ``file_stem``
(no separators, no dots but the extension) are ever served back.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from cockpit.export import pdf, xlsx
from cockpit.export.content import Pack, collect
from cockpit.export.render import Image, Renderer
from cockpit.export.week import IsoWeek
from cockpit.store.engine import consistent
from queries.scope import SYSTEM, Viewer

log = logging.getLogger(__name__)

PNG_SCALE = 2  # PNGs at twice the chart's CSS size: 2800 px wide
_ARCHIVE_NAME = re.compile(r"^周报_[^/\\.]{1,80}_\d{1,20}_\d{4}-W\d{2}\.zip$")


@dataclass(frozen=True)
class BuiltPack:
    pack: Pack
    zip_bytes: bytes
    seconds: dict[str, float]  # collect, images, pdf, xlsx, zip

    @property
    def filename(self) -> str:
        return f"{self.pack.file_stem}.zip"


def _safe(text: str) -> str:
    """A file-name-safe version of a chart title."""
    return re.sub(r"[\\/:*?\"<>|\s]+", "", text)[:40]


def build_pack(
    engine: Engine,
    region_code: str,
    week: IsoWeek,
    renderer: Renderer,
    now: datetime | None = None,
    viewer: Viewer = SYSTEM,
) -> BuiltPack:
    """One week of one region as a ZIP, as ``viewer`` may see it (the
    scheduler's archive: the system). Raises content.RegionNotFoundError for
    an unknown region, queries.scope.OutOfScopeError for a region outside the
    viewer's, and render.ExportUnavailableError when Chromium cannot run."""
    now = now or datetime.now(UTC)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with engine.connect() as conn:
        pack = collect(consistent(conn), region_code, week, now, viewer)
    seconds["collect"] = time.perf_counter() - started

    mark = time.perf_counter()
    # Every chart as a PNG; the PDF takes SVG (vector, selectable text), the
    # maps included (they are SVG outlines since they left MapLibre).
    vector = list(pack.charts)
    drawn = renderer.images(
        [Image(c.figure, "png", *c.size, PNG_SCALE) for c in pack.charts]
        + [Image(c.figure, "svg", *c.size) for c in vector]
    )  # one batch, so the two tabs stay busy
    pngs, svgs = (
        drawn[: len(pack.charts)],
        dict(zip((c.slug for c in vector), drawn[len(pack.charts) :], strict=True)),
    )
    seconds["images"] = time.perf_counter() - mark
    drawings = {
        c.slug: (svgs[c.slug], "svg") if c.slug in svgs else (png, "png")
        for c, png in zip(pack.charts, pngs, strict=True)
    }

    mark = time.perf_counter()
    document = renderer.pdf(pdf.pack_html(pack, drawings, now))
    seconds["pdf"] = time.perf_counter() - mark

    mark = time.perf_counter()
    workbook = xlsx.pack_workbook(pack, now)
    seconds["xlsx"] = time.perf_counter() - mark

    mark = time.perf_counter()
    stem = pack.file_stem
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}/{stem}.pdf", document)
        archive.writestr(f"{stem}/数据_{stem.removeprefix('周报_')}.xlsx", workbook)
        for chart, png in zip(pack.charts, pngs, strict=True):
            # PNGs are already compressed: store them.
            archive.writestr(f"{stem}/图表/{chart.slug}_{_safe(chart.title)}.png", png, zipfile.ZIP_STORED)
    seconds["zip"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    log.info("weekly pack %s built in %.1f s (%s)", stem, seconds["total"], _timings(seconds))
    return BuiltPack(pack, out.getvalue(), seconds)


def _timings(seconds: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items() if k != "total")


# --- the archive -------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedPack:
    name: str
    size: int
    modified: datetime

    @property
    def week_code(self) -> str:
        return self.name.rsplit("_", 1)[-1].removesuffix(".zip")


def archive_pack(built: BuiltPack, folder: Path) -> Path:
    """Write the pack into the archive folder atomically (a half-written file
    is never listed)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / built.filename
    partial = folder / f".{built.filename}.part"
    partial.write_bytes(built.zip_bytes)
    partial.replace(target)
    return target


def list_archive(folder: Path) -> list[ArchivedPack]:
    """Archived packs, newest week first."""
    if not folder.is_dir():
        return []
    packs = [
        ArchivedPack(p.name, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime, UTC))
        for p in folder.iterdir()
        if p.is_file() and _ARCHIVE_NAME.match(p.name)
    ]
    return sorted(packs, key=lambda p: (p.week_code, p.name), reverse=True)


def archived_path(folder: Path, name: str) -> Path | None:
    """The archived pack called ``name``, or None for any other name (never a
    path outside the folder)."""
    if not _ARCHIVE_NAME.match(name):
        return None
    path = folder / name
    return path if path.is_file() else None


def build_last_week(
    engine: Engine, root_code: str, folder: Path, renderer: Renderer, now: datetime | None = None
) -> Path:
    """The scheduler's Monday job: last full week of the root region, archived.
    Building it again (a retry, a second run) overwrites the same file."""
    now = now or datetime.now(UTC)
    built = build_pack(engine, root_code, IsoWeek.last_full(now), renderer, now)
    return archive_pack(built, folder)
