"""Petitions linked to warnings (诉求与预警关联): where residents complain about
what a rule flagged. Definitions: docs/metrics.md, "Petitions linked to warnings".

A petition P and a warning W are linked when they belong to the same village
and either

- **named** (点名): P's summary contains, as an exact substring, a name of W's
  (``warning_names``): a person or firm its evidence values or its records
  name, or the name of the project it is about (also without a trailing
  bracketed period, 村道硬化（2026年10月） -> 村道硬化); only names of two Han
  characters or more; whenever either was filed; or
- **topic** (同类): P's category maps to W's category in ``TOPIC_MAP`` and
  received_at and raised_at lie at most ``days`` × 24 hours apart.

A pair is one link: named when both hold. Warnings about a petition itself
(subject ``petition``: 信访超期, 重复信访) are never linked: their subject is
the petition.

How it is computed: SQL narrows to the villages concerned and reads their
petitions and warnings (and the records the warnings name, one query per
table per 500 ids); the matching runs in Python per village, in
O(warnings × petitions) substring tests per village (docs/metrics.md,
"Cost").
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import pandas as pd
from sqlalchemy import Connection, and_, or_, select

from cockpit.lifecycle import WARNING_SEVERITIES
from cockpit.store import records as _records  # noqa: F401 - registers the record tables
from cockpit.store.schema import metadata, petitions, regions, warnings
from cockpit.timewindow import Window
from queries._common import frame, to_local, within
from queries.personal import column_kind, mask_name, shown_frame
from queries.scope import Scope, in_scope, require_records

LINK_DAYS = 30

# Petition category (sample_db/catalog.py) -> the warning categories
# (cockpit/rules/catalogue.yaml) it is about. Categories not listed link by
# name only.
PROJECT_CATEGORIES = ("拆分发包", "廉洁承诺", "竞争不足", "围标串标", "公示期不足")
TOPIC_MAP: Mapping[str, tuple[str, ...]] = {
    "惠民补贴发放": ("惠民资金", "发放时效", "重复领取", "面积虚报"),
    "低保评定": ("惠民资金", "重复领取"),
    "医疗救助": ("惠民资金", "发放时效"),
    "危房改造": ("惠民资金", "发放时效"),
    "土地承包与流转": ("面积虚报", "三资支出"),
    "征地拆迁补偿": ("三资支出",),
    "集体资金使用": ("三资支出", "拆分发包", "亲属回避"),
    "村务公开": ("三务公开", "公开质询"),
    "工程项目质量": (*PROJECT_CATEGORIES, "亲属回避"),
    "道路硬化与维修": PROJECT_CATEGORIES,
    "村干部作风": ("亲属回避", "村级用工"),
}
# Warnings whose subject is the petition itself are not linked to petitions.
UNLINKED_SUBJECTS = ("petition",)
# The table of records each kind of warning subject is (warnings.subject_type).
SUBJECT_TABLES = {
    "labour": "labour", "payment": "payments", "payout": "payouts", "project": "projects",
    "seal": "seal_uses", "disclosure": "disclosures", "query": "public_queries",
}  # fmt: skip
# The columns of each record table that hold a party's name (person or firm)
# and, for projects, the project's own name. A payment's applicant is the
# village bookkeeper on every payment, so naming the bookkeeper is no sign of
# any one payment: only the payee counts.
NAME_COLUMNS = {
    "payments": ("payee",),
    "labour": ("worker",),
    "payouts": ("recipient",),
    "projects": ("winner",),
    "seal_uses": ("applicant",),
    "cadres": ("name",),
    "cadre_relatives": ("name",),
    "deaths": ("name",),
    "public_servants": ("name",),
    "land_contracts": ("household",),
}
PROJECT_NAME_COLUMNS = {"projects": "name"}
# In evidence values: "project" is a project's name (person/firm names by queries.personal.column_kind).
PROJECT_VALUE = "project"

NAMED, TOPIC = "named", "topic"
BASIS_LABELS = {NAMED: "点名反映", TOPIC: "同类事项"}
LINK_COLUMNS = [
    "warning_id", "warning_external_id", "warning_category", "warning_title", "warning_status",
    "severity", "petition_id", "petition_external_id", "petition_category", "petition_summary",
    "received_at", "raised_at", "village_name", "basis", "matched",
]  # fmt: skip
SUMMARY_COLUMNS = ["linked_warnings", "linked_petitions", "named_links", "topic_links"]

_NAME_LIST = re.compile(r"[、,，;；/]")
_TRAILING_BRACKETS = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")
_CHUNK = 500


def _han_count(text: str) -> int:
    return sum(1 for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff")


@lru_cache(maxsize=1 << 16)
def usable_name(name: str) -> bool:
    """A name that may match: two Han characters or more, not already masked."""
    return _han_count(name) >= 2 and "某" not in name and "*" not in name


@lru_cache(maxsize=1 << 16)
def project_names(name: str) -> tuple[str, ...]:
    """A project's name and its stem without a trailing bracketed period."""
    name = name.strip()
    stem = _TRAILING_BRACKETS.sub("", name).strip()
    return tuple(n for n in dict.fromkeys((name, stem)) if usable_name(n))


@lru_cache(maxsize=1 << 16)
def party_names(value: str) -> tuple[str, ...]:
    """The people or firms a name value holds (甲、乙 is two)."""
    parts = (p.strip() for p in _NAME_LIST.split(value))
    return tuple(p for p in parts if usable_name(p))


@dataclass
class _Warning:
    id: int
    village_code: str
    category: str
    raised_at: datetime
    refs: list[tuple[str, str]]
    # name -> "person" (a person's or firm's) or "project"
    names: dict[str, str] = field(default_factory=dict)
    row: Mapping | None = None


@dataclass(frozen=True)
class _Petition:
    id: int
    village_code: str
    category: str
    received_at: datetime
    summary: str
    row: Mapping | None = None


@dataclass(frozen=True)
class Link:
    warning_id: int
    petition_id: int
    basis: str
    matched: str | None
    kind: str | None  # "person" or "project" for a named link


def _add(names: dict[str, str], found: Iterable[str], kind: str) -> None:
    for name in found:
        names.setdefault(name, kind)


def _parse_evidence(raw) -> dict:
    if not raw:
        return {}
    try:
        evidence = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return {}
    return evidence if isinstance(evidence, dict) else {}


def _warning_of(row: Mapping) -> _Warning:
    """A candidate warning with the names its evidence values hold and the
    records (table, external_id) whose names are still to be read."""
    evidence = _parse_evidence(row["evidence"])
    names: dict[str, str] = {}
    values = evidence.get("values")
    if isinstance(values, dict):
        for column, value in values.items():
            if not isinstance(value, str):
                continue
            if column == PROJECT_VALUE:
                _add(names, project_names(value), "project")
            elif column_kind(column) == "name":
                _add(names, party_names(value), "person")
    refs = []
    subject = SUBJECT_TABLES.get(row["subject_type"])
    if subject and row["subject_id"]:
        refs.append((subject, str(row["subject_id"])))
    records = evidence.get("records")
    for ref in records if isinstance(records, list) else []:
        if isinstance(ref, dict) and ref.get("external_id") is not None:
            refs.append((str(ref.get("table")), str(ref["external_id"])))
    return _Warning(row["id"], row["village_code"], row["category"], row["raised_at"], refs, names, row)


def _read_record_names(conn: Connection, found: list[_Warning]) -> None:
    """Add to each warning the names its records hold (one query per table
    and 500 external ids)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for w in found:
        for table, external_id in w.refs:
            if table in NAME_COLUMNS:
                wanted[table].add(external_id)
    names: dict[tuple[str, str], dict[str, str]] = {}
    for table_name, ids in wanted.items():
        table = metadata.tables[table_name]
        project = PROJECT_NAME_COLUMNS.get(table_name)
        columns = [table.c[c] for c in NAME_COLUMNS[table_name]]
        if project:
            columns.append(table.c[project].label("_project"))
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            query = select(table.c.external_id, *columns).where(
                table.c.external_id.in_(ordered[start : start + _CHUNK])
            )
            for hit in conn.execute(query).mappings():
                held: dict[str, str] = {}
                if project and isinstance(hit["_project"], str):
                    _add(held, project_names(hit["_project"]), "project")
                for column in NAME_COLUMNS[table_name]:
                    if isinstance(hit[column], str):
                        _add(held, party_names(hit[column]), "person")
                names[(table_name, hit["external_id"])] = held
    for w in found:
        for ref in w.refs:
            for name, kind in names.get(ref, {}).items():
                w.names.setdefault(name, kind)


def _warning_columns(full: bool) -> list:
    columns = [
        warnings.c.id,
        warnings.c.village_code,
        warnings.c.category,
        warnings.c.raised_at,
        warnings.c.subject_type,
        warnings.c.subject_id,
        warnings.c.evidence,
    ]
    if full:
        columns += [
            warnings.c.external_id,
            warnings.c.title,
            warnings.c.status,
            warnings.c.severity,
            regions.c.name.label("village_name"),
        ]
    return columns


def _petition_columns(full: bool) -> list:
    columns = [
        petitions.c.id,
        petitions.c.village_code,
        petitions.c.category,
        petitions.c.received_at,
        petitions.c.summary,
    ]
    if full:
        columns += [petitions.c.external_id, petitions.c.real_name, petitions.c.reporter_name]
    return columns


def _load_warnings(conn: Connection, where, full: bool) -> list[_Warning]:
    query = select(*_warning_columns(full)).where(warnings.c.subject_type.not_in(UNLINKED_SUBJECTS), *where)
    if full:
        query = query.join(regions, regions.c.code == warnings.c.village_code)
    found = [_warning_of(row) for row in conn.execute(query).mappings()]
    _read_record_names(conn, found)
    return found


def _load_petitions(conn: Connection, where, full: bool) -> list[_Petition]:
    query = select(*_petition_columns(full)).where(*where)
    return [
        _Petition(r["id"], r["village_code"], r["category"], r["received_at"], r["summary"] or "", r)
        for r in conn.execute(query).mappings()
    ]


def match(
    found_warnings: Iterable[_Warning],
    found_petitions: Iterable[_Petition],
    days: int,
    window: Window | None = None,
) -> list[Link]:
    """Every link between the warnings and the petitions, village by village.

    Named when a name of the warning's is in the summary (the longest such
    name is ``matched``; ties alphabetical); else topic when the categories
    map and the two lie within ``days`` × 24 h of each other (inclusive).
    With a ``window``, only pairs where the warning was raised in it or the
    petition received in it.

    Cost: per village, one substring test per (distinct warning name,
    petition), then one set test per (warning, petition) pair considered.
    """
    limit = timedelta(days=days)
    found_warnings = list(found_warnings)

    def inside(at: datetime) -> bool:
        return window is None or window.start <= at < window.end

    everyone: dict[str, list[_Petition]] = defaultdict(list)
    in_window: dict[str, list[_Petition]] = defaultdict(list)
    for p in found_petitions:
        everyone[p.village_code].append(p)
        if inside(p.received_at):
            in_window[p.village_code].append(p)
    village_names: dict[str, set[str]] = defaultdict(set)
    for w in found_warnings:
        village_names[w.village_code].update(w.names)
    hits: dict[int, set[str]] = {}
    for village, ps in everyone.items():
        names = village_names.get(village, ())
        for p in ps:
            hits[p.id] = {n for n in names if n in p.summary} if p.summary else set()
    links = []
    for w in found_warnings:
        candidates = everyone if inside(w.raised_at) else in_window
        for p in candidates.get(w.village_code, ()):
            common = hits[p.id].intersection(w.names) if hits[p.id] else ()
            if common:
                hit = min(common, key=lambda n: (-len(n), n))
                links.append(Link(w.id, p.id, NAMED, hit, w.names[hit]))
            elif w.category in TOPIC_MAP.get(p.category, ()) and abs(p.received_at - w.raised_at) <= limit:
                links.append(Link(w.id, p.id, TOPIC, None, None))
    return links


def _window_links(
    conn: Connection, scope: Scope, window: Window, days: int, full: bool
) -> tuple[list[Link], dict[int, _Warning], dict[int, _Petition]]:
    """The links where the warning was raised in the window or the petition
    received in it, with the warnings and petitions they join."""
    # A warning raised before or after the window links only to a petition
    # received in it, and the other way round: read only what can pair.
    warned = select(warnings.c.village_code).where(
        in_scope(warnings.c.village_code, scope),
        within(warnings.c.raised_at, window),
        warnings.c.subject_type.not_in(UNLINKED_SUBJECTS),
    )
    petitioned = select(petitions.c.village_code).where(
        in_scope(petitions.c.village_code, scope), within(petitions.c.received_at, window)
    )
    found_w = _load_warnings(
        conn,
        [
            in_scope(warnings.c.village_code, scope),
            or_(
                and_(
                    within(warnings.c.raised_at, window),
                    warnings.c.village_code.in_(petitioned.union(warned)),
                ),
                warnings.c.village_code.in_(petitioned),
            ),
        ],
        full,
    )
    found_p = _load_petitions(
        conn,
        [
            in_scope(petitions.c.village_code, scope),
            or_(within(petitions.c.received_at, window), petitions.c.village_code.in_(warned)),
        ],
        full,
    )
    ws = {w.id: w for w in found_w}
    ps = {p.id: p for p in found_p}
    links = match(found_w, found_p, days, window)
    return links, ws, ps


def _link_frame(links: list[Link], ws: Mapping[int, _Warning], ps: Mapping[int, _Petition], scope: Scope):
    """LINK_COLUMNS, masked as the scope asks: the warning's title and the
    petition's summary mask the people the warning names and the petition's
    reporter (queries.personal.shown_frame); ``matched`` is a person's name
    masked unless the scope is unmasked (a project's name is shown)."""
    if not links:
        return pd.DataFrame(columns=LINK_COLUMNS)
    rows, names = [], []
    for link in links:
        w, p = ws[link.warning_id], ps[link.petition_id]
        rows.append(
            {
                "warning_id": w.id,
                "warning_external_id": w.row["external_id"],
                "warning_category": w.category,
                "title": w.row["title"],
                "warning_status": w.row["status"],
                "severity": w.row["severity"],
                "petition_id": p.id,
                "petition_external_id": p.row["external_id"],
                "petition_category": p.category,
                "summary": p.summary,
                "received_at": p.received_at,
                "raised_at": w.raised_at,
                "village_name": w.row["village_name"],
                "basis": link.basis,
                "matched": _shown_match(link, p, scope),
                "reporter_name": p.row["reporter_name"] if p.row["real_name"] else None,
            }
        )
        names.append([n for n, kind in w.names.items() if kind == "person"])
    df = pd.DataFrame(rows)
    df = shown_frame(df, scope, None if scope.unmasked else names)
    df = df.rename(columns={"title": "warning_title", "summary": "petition_summary"})
    df["warning_id"] = df["warning_id"].astype("int64")
    df["petition_id"] = df["petition_id"].astype("int64")
    return to_local(df, ["received_at", "raised_at"])[LINK_COLUMNS]


def _shown_match(link: Link, p: _Petition, scope: Scope) -> str | None:
    if link.matched is None or link.kind == "project":
        return link.matched
    reporter = p.row["reporter_name"] if p.row["real_name"] else None
    hidden_reporter = not scope.viewer.may_see_reporter and reporter and link.matched in reporter
    return link.matched if scope.unmasked and not hidden_reporter else mask_name(link.matched)


def _named_first(links: list[Link], ws, ps, newest: str) -> list[Link]:
    """Named links first, then the newest ``newest`` ("raised" or
    "received") first; ties by the other's time, newest first, then ids."""

    def key(link: Link):
        raised, received = ws[link.warning_id].raised_at, ps[link.petition_id].received_at
        first, second = (raised, received) if newest == "raised" else (received, raised)
        return (
            link.basis != NAMED,
            -first.timestamp(),
            -second.timestamp(),
            -link.warning_id,
            -link.petition_id,
        )

    return sorted(links, key=key)


def petition_warning_links(
    conn: Connection, scope: Scope, window: Window, days: int = LINK_DAYS, limit: int = 200
) -> pd.DataFrame:
    """Which petitions concern the same matter as a warning?

    Every linked pair in the scope where the warning was raised in the
    window or the petition was received in it. Columns LINK_COLUMNS:
    warning_id, warning_external_id, warning_category, warning_title
    (masked), warning_status, severity, petition_id, petition_external_id,
    petition_category, petition_summary (masked), received_at, raised_at
    (Asia/Shanghai), village_name, basis ("named" / "topic"), matched (the
    name found, masked unless the scope is unmasked; None for topic).
    Named links first, then the most recently raised warning first (ties:
    newest petition, then ids descending); at most ``limit`` rows.
    """
    require_records(scope)
    links, ws, ps = _window_links(conn, scope, window, days, full=True)
    return _link_frame(_named_first(links, ws, ps, "raised")[:limit], ws, ps, scope)


def linked_petition_counts(
    conn: Connection, scope: Scope, warning_ids: Iterable[int], days: int = LINK_DAYS
) -> dict[int, int]:
    """How many petitions are linked to each warning (whenever received)?

    A dict with every id asked for: the number of distinct petitions linked
    to it; 0 for a warning with none, outside the scope or about a
    petition. An aggregate: no personal data, no record-level check."""
    ids = sorted({int(i) for i in warning_ids})
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    found_w: list[_Warning] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found_w += _load_warnings(
            conn, [warnings.c.id.in_(chunk), in_scope(warnings.c.village_code, scope)], full=False
        )
    villages = sorted({w.village_code for w in found_w})
    found_p: list[_Petition] = []
    for start in range(0, len(villages), _CHUNK):
        found_p += _load_petitions(
            conn, [petitions.c.village_code.in_(villages[start : start + _CHUNK])], full=False
        )
    for link in match(found_w, found_p, days):
        counts[link.warning_id] += 1
    return counts


def links_for_warning(conn: Connection, scope: Scope, warning_id: int, days: int = LINK_DAYS) -> pd.DataFrame:
    """The petitions linked to one warning in the scope (whenever received),
    for its detail page. Columns LINK_COLUMNS; named first, then the newest
    petition first. Empty when the warning is not in the scope."""
    require_records(scope)
    found_w = _load_warnings(
        conn, [warnings.c.id == warning_id, in_scope(warnings.c.village_code, scope)], full=True
    )
    if not found_w:
        return pd.DataFrame(columns=LINK_COLUMNS)
    found_p = _load_petitions(conn, [petitions.c.village_code == found_w[0].village_code], full=True)
    ws, ps = {w.id: w for w in found_w}, {p.id: p for p in found_p}
    links = _named_first(match(found_w, found_p, days), ws, ps, "received")
    return _link_frame(links, ws, ps, scope)


def links_for_petition(
    conn: Connection, scope: Scope, petition_id: int, days: int = LINK_DAYS
) -> pd.DataFrame:
    """The warnings linked to one petition in the scope (whenever raised),
    for its detail page. Columns LINK_COLUMNS; named first, then the newest
    warning first. Empty when the petition is not in the scope."""
    require_records(scope)
    found_p = _load_petitions(
        conn, [petitions.c.id == petition_id, in_scope(petitions.c.village_code, scope)], full=True
    )
    if not found_p:
        return pd.DataFrame(columns=LINK_COLUMNS)
    found_w = _load_warnings(conn, [warnings.c.village_code == found_p[0].village_code], full=True)
    ws, ps = {w.id: w for w in found_w}, {p.id: p for p in found_p}
    links = _named_first(match(found_w, found_p, days), ws, ps, "raised")
    return _link_frame(links, ws, ps, scope)


def linked_person_names(conn: Connection, scope: Scope, petition_id: int, days: int = LINK_DAYS) -> list[str]:
    """The people (not firms, not projects) the petition's summary names that
    a linked warning names too, unmasked: for the petition's page to mask
    them in the summary it shows (queries.personal.mask_text) unless its
    scope is unmasked. Empty when the petition is not in the scope."""
    require_records(scope)
    found_p = _load_petitions(
        conn, [petitions.c.id == petition_id, in_scope(petitions.c.village_code, scope)], full=False
    )
    if not found_p:
        return []
    found_w = _load_warnings(conn, [warnings.c.village_code == found_p[0].village_code], full=False)
    summary = found_p[0].summary
    names = {n for w in found_w for n, kind in w.names.items() if kind == "person" and n in summary}
    return sorted(names, key=lambda n: (-len(n), n))


def link_summary(conn: Connection, scope: Scope, window: Window, days: int = LINK_DAYS) -> pd.DataFrame:
    """How many warnings and petitions are linked, over the same pairs as
    petition_warning_links (no limit)?

    One row: linked_warnings (distinct warnings with a link), linked_petitions
    (distinct petitions), named_links, topic_links (pairs by basis; their sum
    is the number of pairs). An aggregate: a wall screen may show it."""
    links, _ws, _ps = _window_links(conn, scope, window, days, full=False)
    return _summary_frame(links)


def _summary_frame(links: list[Link]) -> pd.DataFrame:
    row = (
        len({link.warning_id for link in links}),
        len({link.petition_id for link in links}),
        sum(link.basis == NAMED for link in links),
        sum(link.basis == TOPIC for link in links),
    )
    return frame([row], SUMMARY_COLUMNS, ints=SUMMARY_COLUMNS)


def link_report(
    conn: Connection, scope: Scope, window: Window, days: int = LINK_DAYS, limit: int = 200
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """link_summary and petition_warning_links together, from one reading
    of the links (the inspector's page shows both; each costs the same)."""
    require_records(scope)
    links, ws, ps = _window_links(conn, scope, window, days, full=True)
    pairs = _link_frame(_named_first(links, ws, ps, "raised")[:limit], ws, ps, scope)
    return _summary_frame(links), pairs


# Raising a warning's priority when residents complain about the same matter.
SEVERITY_ORDER = ("low", "medium", "high")


def raised_priority(severity: str, linked: int) -> str:
    """The warning's severity, one step higher when ``linked`` > 0 (low ->
    medium -> high; high stays high; an unknown severity stays as it is)."""
    if linked <= 0 or severity not in SEVERITY_ORDER:
        return severity
    return SEVERITY_ORDER[min(SEVERITY_ORDER.index(severity) + 1, len(SEVERITY_ORDER) - 1)]


def priority_rank(priority: str) -> int:
    """high 2, medium 1, low 0, anything else -1 (sorted last)."""
    return SEVERITY_ORDER.index(priority) if priority in SEVERITY_ORDER else -1


def priority_label(priority: str) -> str:
    return WARNING_SEVERITIES.get(priority, priority)
