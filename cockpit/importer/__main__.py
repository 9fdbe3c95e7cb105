"""Import a city's export into the store of COCKPIT_DATABASE_URL (or --url).

    python -m cockpit.importer FILE --mapping MAP.yaml [--dry-run]
    python -m cockpit.importer FILE --mapping MAP.yaml --keep-good --rejects rejects.csv
    python -m cockpit.importer FILE --mapping MAP.yaml --history   # years of closed cases
    python -m cockpit.importer --regions regions.csv [--mapping regions.yaml]
                               [--boundaries areas.geojson --code-property adcode]

Exit status: 0 written (with --keep-good, the bad rows went to --rejects);
1 rows were rejected and nothing was written; 2 the mapping, the file or a
setting is unusable. Every bad row is listed on standard output, progress
goes to standard error. docs/import.md describes the mapping file.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence

from sqlalchemy import Connection, Engine

from cockpit.importer.load import import_file
from cockpit.importer.mapping import MappingError, load_mapping
from cockpit.importer.report import Summary

ACTOR = "cli"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cockpit.importer", description="导入诉求、预警、业务数据与地区"
    )
    parser.add_argument("file", nargs="?", help="the CSV or XLSX file to import")
    parser.add_argument("--mapping", help="the mapping file (YAML, see docs/import.md)")
    parser.add_argument(
        "--keep-good", action="store_true", help="load the good rows even when some are rejected"
    )
    parser.add_argument("--rejects", help="write the rejected rows to this CSV file")
    parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    parser.add_argument(
        "--history",
        action="store_true",
        help="old records (a backfill): raise no warning about petitions already closed (docs/import.md)",
    )
    parser.add_argument("--url", help="the store's SQLAlchemy URL (default: COCKPIT_DATABASE_URL)")
    parser.add_argument(
        "--progress-every", type=int, default=10_000, metavar="N", help="a progress line every N rows"
    )
    parser.add_argument("--regions", help="a regions CSV/XLSX (code, name, level, parent_code)")
    parser.add_argument("--boundaries", help="a GeoJSON FeatureCollection of region outlines")
    parser.add_argument(
        "--code-property",
        default="code",
        help="the feature property holding the region code; several, comma-separated: the first present",
    )
    return parser


def _audit(target: str):
    """Write the audit entry in the import's own transaction."""

    def on_commit(conn: Connection, outcome: Summary | str) -> None:
        from cockpit.auth import audit

        if isinstance(outcome, Summary):
            detail = f"{outcome.target}：{outcome.text().splitlines()[1]}"
        else:
            detail = "regions：" + outcome.replace("\n", "；")
        audit.record(conn, ACTOR, "import", target, detail)

    return on_commit


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(engine: Engine, argv: Sequence[str]) -> int:
    """Carry out one import on ``engine``; prints its report; the exit status."""
    args = _parser().parse_args(list(argv))
    if args.regions or args.boundaries:
        from cockpit.importer.regions import RegionImportError, import_regions

        try:
            report = import_regions(
                engine,
                regions_path=args.regions,
                mapping_path=args.mapping,
                boundaries_path=args.boundaries,
                code_property=args.code_property,
                dry_run=args.dry_run,
                on_commit=_audit(args.regions or args.boundaries),
            )
        except RegionImportError as error:
            print(f"未写入 / refused: {error}")
            return 1
        print(report)
        return 0
    mapping = load_mapping(args.mapping)
    summary = import_file(
        engine,
        args.file,
        mapping,
        keep_good=args.keep_good,
        dry_run=args.dry_run,
        rejects_path=args.rejects,
        progress=_progress,
        progress_every=args.progress_every,
        on_commit=_audit(args.file),
        history=args.history,
    )
    for reject in summary.rejects:
        print(reject)
    if summary.rejected > len(summary.rejects):
        print(f"……另有 {summary.rejected - len(summary.rejects)} 行被拒绝，见 --rejects 文件")
    print(summary.text())
    return 1 if summary.rejected and not summary.committed else 0


def main(argv: Sequence[str] | None = None) -> int:
    from cockpit.main import open_store
    from cockpit.settings import Settings, SettingsError

    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)  # usage errors before the store is opened
    if not (args.regions or args.boundaries) and not (args.file and args.mapping):
        _parser().error("give FILE and --mapping, or --regions / --boundaries")
    try:
        settings = Settings.from_env()
        if args.url:
            settings = dataclasses.replace(settings, database_url=args.url)
        engine = open_store(settings)
    except SettingsError as error:
        print(f"配置错误 / bad setting: {error}", file=sys.stderr)
        return 2
    try:
        return run(engine, argv)
    except (MappingError, OSError) as error:
        print(f"无法导入 / cannot import: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
