"""Questions about warnings (预警) and their red / yellow / green queues.
Definitions: docs/metrics.md."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, true

from cockpit.lifecycle import WARNING, WARNING_OWNER_KINDS, WARNING_SEVERITIES
from cockpit.store import records as _records  # noqa: F401 - registers the record tables
from cockpit.store.schema import metadata, region_tree, regions, warning_events, warnings
from cockpit.store.sqlfuncs import local_day
from cockpit.timewindow import TZ, Window
from queries._common import count_if, frame, period_of, to_local, trend_periods, within
from queries.links import linked_petition_counts, priority_label, priority_rank, raised_priority
from queries.personal import mask_record, mask_text, person_names, shown_frame, shown_record
from queries.scope import Scope, child_of_village, in_scope, require_records, villages_in
from queries.snapshot import snapshot_first

COLOUR_STATUS = {status.colour: status.code for status in WARNING.statuses}
RED, YELLOW, GREEN = COLOUR_STATUS["red"], COLOUR_STATUS["yellow"], COLOUR_STATUS["green"]

QUEUE_COLUMNS = [
    "id", "external_id", "raised_at", "status", "colour", "status_label", "category", "rule_code", "title",
    "severity", "severity_label", "village_code", "village_name", "town_name", "owner_kind",
    "owner_kind_label", "owner_name", "due_at", "age_hours", "overdue", "amount",
]  # fmt: skip


STATUS_COUNT_COLUMNS = ["red", "yellow", "green", "raised", "overdue"]


def _count_statuses(
    conn: Connection, window: Window, group: ColumnElement | None, from_, where
) -> pd.DataFrame:
    """The five status counts, per ``group`` (or in one row when None).

    Three small queries, each narrowed by an index (status, disposed_at,
    raised_at), rather than one pass that would have to read every warning
    ever raised in scope.
    """
    keys = [group.label("code")] if group is not None else []
    grouping = [group] if group is not None else []

    def run(columns, condition):
        query = select(*keys, *columns).select_from(from_).where(where, condition).group_by(*grouping)
        return frame(conn.execute(query).all(), ["code"] * bool(keys) + [c.name for c in columns])

    open_now = run(
        [
            count_if(warnings.c.status == RED).label("red"),
            count_if(warnings.c.status == YELLOW).label("yellow"),
            count_if(warnings.c.due_at < window.now).label("overdue"),
        ],
        warnings.c.status.in_(WARNING.open_codes),
    )
    green = run(
        [func.count().label("green")],
        and_(warnings.c.status == GREEN, within(warnings.c.disposed_at, window)),
    )
    raised = run([func.count().label("raised")], within(warnings.c.raised_at, window))
    if group is None:
        merged = pd.concat([open_now, green, raised], axis=1)
    else:
        merged = open_now.merge(green, on="code", how="outer").merge(raised, on="code", how="outer")
    merged[STATUS_COUNT_COLUMNS] = merged[STATUS_COUNT_COLUMNS].fillna(0).astype("int64")
    return merged[["code"] * bool(keys) + STATUS_COUNT_COLUMNS]


@snapshot_first("warning_status_counts")
def warning_status_counts(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """How many warnings are red, yellow and green?

    One row: red (new now, whenever raised), yellow (pending now, whenever
    raised), green (disposed within the window), raised (raised within the
    window), overdue (open now and past due at the window's ``now``).
    """
    return _count_statuses(conn, window, None, warnings, in_scope(warnings.c.village_code, scope))


@snapshot_first("warning_counts_by_child")
def warning_counts_by_child(
    conn: Connection, scope: Scope, window: Window, category: str | None = None
) -> pd.DataFrame:
    """warning_status_counts per direct child region: columns code, red,
    yellow, green, raised, overdue (children with no warnings are absent);
    only warnings of ``category`` when one is given."""
    mapping = child_of_village(scope).subquery()
    joined = warnings.join(mapping, mapping.c.village_code == warnings.c.village_code)
    where = warnings.c.category == category if category else true()
    return _count_statuses(conn, window, mapping.c.child_code, joined, where)


CATEGORY_COUNT_COLUMNS = ["open", "red", "yellow", "overdue", "raised", "green"]


def _with_open(df: pd.DataFrame) -> pd.DataFrame:
    df["open"] = (df["red"] + df["yellow"]).astype("int64")
    return df


def child_region_category_warnings(
    conn: Connection, scope: Scope, window: Window, category: str
) -> pd.DataFrame:
    """How do the scope's direct child regions compare on one warning category?

    One row per direct child region, ordered as the store orders regions
    (zeros when it has none). Columns: code, name, then CATEGORY_COUNT_COLUMNS:
    open (= red + yellow, open now, whenever raised), red, yellow, overdue
    (open and past due at the window's ``now``), raised (raised within the
    window) and green (disposed within the window), all counting only
    warnings whose category is ``category``.
    """
    children = conn.execute(
        select(regions.c.code, regions.c.name)
        .where(regions.c.parent_code == scope.region_code)
        .order_by(regions.c.sort_order, regions.c.code)
    ).all()
    base = pd.DataFrame(children, columns=["code", "name"])
    counts = warning_counts_by_child(conn, scope, window, category)
    df = base.merge(counts, on="code", how="left")
    counts_only = [c for c in CATEGORY_COUNT_COLUMNS if c != "open"]
    df[counts_only] = df[counts_only].fillna(0).astype("int64")
    return _with_open(df)[["code", "name", *CATEGORY_COUNT_COLUMNS]]


@snapshot_first("warning_categories")
def warning_categories(conn: Connection, scope: Scope, window: Window) -> pd.DataFrame:
    """Which warning categories weigh on the region?

    One row per category with a warning in scope that is open now, or was
    raised or disposed within the window. Columns: category, then
    CATEGORY_COUNT_COLUMNS (as in child_region_category_warnings). Most open
    first, then most raised, then by category.
    """
    df = _count_statuses(
        conn, window, warnings.c.category, warnings, in_scope(warnings.c.village_code, scope)
    ).rename(columns={"code": "category"})
    df = _with_open(df)[["category", *CATEGORY_COUNT_COLUMNS]]
    df = df[df[CATEGORY_COUNT_COLUMNS].sum(axis=1) > 0]
    return df.sort_values(["open", "raised", "category"], ascending=[False, False, True], ignore_index=True)


def _queue_select():
    village = regions.alias("village")
    town = regions.alias("town")
    return (
        select(
            warnings.c.id,
            warnings.c.external_id,
            warnings.c.raised_at,
            warnings.c.status,
            warnings.c.category,
            warnings.c.rule_code,
            warnings.c.title,
            warnings.c.severity,
            warnings.c.village_code,
            village.c.name.label("village_name"),
            town.c.name.label("town_name"),
            warnings.c.owner_kind,
            warnings.c.owner_name,
            warnings.c.due_at,
            warnings.c.disposed_at,
            warnings.c.amount,
            warnings.c.evidence,
        )
        .join(village, village.c.code == warnings.c.village_code)
        .outerjoin(town, town.c.code == village.c.parent_code)
    )


def _queue_frame(rows, now: datetime, scope: Scope) -> pd.DataFrame:
    """QUEUE_COLUMNS from rows of _queue_select; titles masked unless the
    scope is unmasked (they name the people in the warning's evidence)."""
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    df["colour"] = df["status"].map(lambda s: WARNING.status(s).colour)
    df["status_label"] = df["status"].map(lambda s: WARNING.status(s).label)
    df["severity_label"] = df["severity"].map(lambda s: WARNING_SEVERITIES.get(s, s))
    df["owner_kind_label"] = df["owner_kind"].map(lambda k: WARNING_OWNER_KINDS.get(k, k))
    ends = [d if pd.notna(d) else now for d in df["disposed_at"]]
    df["age_hours"] = [
        (end - raised).total_seconds() / 3600 for end, raised in zip(ends, df["raised_at"], strict=True)
    ]
    df["overdue"] = [
        WARNING.status(s).is_open and due < now for s, due in zip(df["status"], df["due_at"], strict=True)
    ]
    df["amount"] = pd.to_numeric(df["amount"]).astype("float64")
    names = None if scope.unmasked else [_evidence_names(raw) for raw in df["evidence"]]
    return shown_frame(to_local(df, ["raised_at", "due_at"])[QUEUE_COLUMNS], scope, names)


def _evidence_names(raw) -> list[str]:
    """The people a warning's evidence (its JSON column) names in its values."""
    evidence = get_warning_evidence({"evidence": raw})
    return person_names(evidence["values"]) if evidence else []


# warning_queue's columns: QUEUE_COLUMNS, then how many petitions are linked
# to the warning (queries.links) and the priority that makes (its severity
# one step higher when residents complain about the same matter).
WARNING_QUEUE_COLUMNS = [*QUEUE_COLUMNS, "linked_petitions", "priority", "priority_label"]


def _queue_conditions(
    scope: Scope,
    now: datetime,
    status: str | None,
    category: str | None,
    owner_kind: str | None,
    overdue_only: bool,
) -> list[ColumnElement[bool]]:
    """warning_queue's filters."""
    where = [in_scope(warnings.c.village_code, scope)]
    if status:
        where.append(warnings.c.status == status)
    if category:
        where.append(warnings.c.category == category)
    if owner_kind:
        where.append(warnings.c.owner_kind == owner_kind)
    if overdue_only:
        where += [warnings.c.status.in_(WARNING.open_codes), warnings.c.due_at < now]
    return where


def warning_queue(
    conn: Connection,
    scope: Scope,
    now: datetime,
    status: str | None = None,
    category: str | None = None,
    owner_kind: str | None = None,
    overdue_only: bool = False,
    limit: int = 200,
    link_days: int = 30,
) -> pd.DataFrame:
    """Which warnings are in a queue, most pressing first?

    ``status`` picks the queue (new / pending / disposed; None: all).
    Columns WARNING_QUEUE_COLUMNS: QUEUE_COLUMNS, then linked_petitions (the
    petitions linked to the warning, queries.links.linked_petition_counts,
    topic links within ``link_days``), priority (the severity, one step
    higher when linked_petitions > 0: low -> medium -> high, high stays
    high) and priority_label (高 / 中 / 低). age_hours runs from raising to
    disposal, or to ``now`` while open; overdue = open and past due at
    ``now``. Titles masked unless the scope is unmasked (queries.personal).

    Order: the disposed queue by disposal, most recent first (then id
    descending); every other queue (and None) by priority, highest first,
    then oldest raised first, then id. The priority is known only once the
    links are, so every warning under the filters is ranked before the
    first ``limit`` are read.
    """
    require_records(scope)
    where = _queue_conditions(scope, now, status, category, owner_kind, overdue_only)
    if status == GREEN:
        query = _queue_select().where(*where).order_by(warnings.c.disposed_at.desc(), warnings.c.id.desc())
        rows = conn.execute(query.limit(limit)).mappings().all()
        counts = linked_petition_counts(conn, scope, [r["id"] for r in rows], link_days)
    else:
        keys = conn.execute(
            select(warnings.c.id, warnings.c.severity, warnings.c.raised_at).where(*where)
        ).all()
        counts = linked_petition_counts(conn, scope, [k.id for k in keys], link_days)
        ranked = sorted(
            keys, key=lambda k: (-priority_rank(raised_priority(k.severity, counts[k.id])), k.raised_at, k.id)
        )
        position = {k.id: i for i, k in enumerate(ranked[:limit])}
        found = conn.execute(_queue_select().where(warnings.c.id.in_(list(position)))).mappings().all()
        rows = sorted(found, key=lambda r: position[r["id"]])
    df = _queue_frame(rows, now, scope)
    df["linked_petitions"] = pd.Series([counts.get(i, 0) for i in df["id"]], index=df.index, dtype="int64")
    df["priority"] = [
        raised_priority(s, n) for s, n in zip(df["severity"], df["linked_petitions"], strict=True)
    ]
    df["priority_label"] = [priority_label(p) for p in df["priority"]]
    return df[WARNING_QUEUE_COLUMNS]


@snapshot_first("warning_queue_counts")
def warning_queue_counts(
    conn: Connection,
    scope: Scope,
    now: datetime,
    category: str | None = None,
    owner_kind: str | None = None,
    overdue_only: bool = False,
) -> dict[str, int]:
    """How long is each queue under the same filters as ``warning_queue``?

    A dict from every warning status code (new / pending / disposed) to its
    count, zeros included.
    """
    query = select(warnings.c.status, func.count()).where(in_scope(warnings.c.village_code, scope))
    if category:
        query = query.where(warnings.c.category == category)
    if owner_kind:
        query = query.where(warnings.c.owner_kind == owner_kind)
    if overdue_only:
        query = query.where(warnings.c.status.in_(WARNING.open_codes), warnings.c.due_at < now)
    counts = dict(conn.execute(query.group_by(warnings.c.status)).all())
    return {code: int(counts.get(code, 0)) for code in WARNING.codes}


def newest_red_warnings(conn: Connection, scope: Scope, limit: int = 10) -> pd.DataFrame:
    """The newest warnings still in the red (new) queue, newest first.

    Columns: id, raised_at, village_name, town_name, category, rule_code,
    title (masked unless the scope is unmasked), amount, amount_band
    (queries.activity.amount_band). A viewer who may see aggregates only (a
    wall screen) gets no warning's own words: its title is its category,
    its amount and id are left out (the band stays).
    """
    from queries.activity import amount_band

    query = (
        _queue_select()
        .where(in_scope(warnings.c.village_code, scope), warnings.c.status == RED)
        .order_by(warnings.c.raised_at.desc(), warnings.c.id.desc())
        .limit(limit)
    )
    df = _queue_frame(conn.execute(query).mappings().all(), datetime.now(UTC), scope)
    df = df[["id", "raised_at", "village_name", "town_name", "category", "rule_code", "title", "amount"]]
    df = df.assign(amount_band=[amount_band(a) for a in df["amount"]])
    if not scope.viewer.records:
        df = df.assign(id=None, title=df["category"] + "预警", amount=float("nan"))
    return df


@snapshot_first("warning_filter_options", timed=False)
def warning_filter_options(conn: Connection, scope: Scope) -> dict[str, list[str]]:
    """Values the warning queue can be filtered by, within the scope: the
    categories and owner kinds of the warnings ever raised there."""
    where = in_scope(warnings.c.village_code, scope)
    categories = conn.execute(
        select(warnings.c.category).where(where).distinct().order_by(warnings.c.category)
    )
    owners = conn.execute(
        select(warnings.c.owner_kind).where(where).distinct().order_by(warnings.c.owner_kind)
    )
    return {"categories": list(categories.scalars()), "owner_kinds": list(owners.scalars())}


def warning_village(conn: Connection, warning_id: int) -> str | None:
    """The village a warning is about (to authorize a request for it), or None."""
    return conn.execute(select(warnings.c.village_code).where(warnings.c.id == warning_id)).scalar()


def get_warning(conn: Connection, scope: Scope, warning_id: int) -> dict | None:
    """One warning in the scope with all its columns plus village_name, or
    None. Unless the scope is unmasked, its title and note are masked (phone
    and identity numbers, the people its evidence names) and so are the
    ``values`` in its evidence JSON (see get_warning_evidence)."""
    require_records(scope)
    query = (
        select(warnings, regions.c.name.label("village_name"))
        .join(regions, regions.c.code == warnings.c.village_code)
        .where(warnings.c.id == warning_id, in_scope(warnings.c.village_code, scope))
    )
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    if scope.unmasked:
        return dict(row)
    names = _evidence_names(row["evidence"])
    return {**shown_record(row, scope, names=names), "evidence": _masked_evidence(row["evidence"], names)}


def _masked_evidence(raw, names: list[str]):
    """A warning's evidence JSON with its ``values`` masked."""
    if not raw:
        return raw
    try:
        evidence = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return mask_text(raw, names) if isinstance(raw, str) else None
    if not isinstance(evidence, dict):
        return None
    if isinstance(evidence.get("values"), dict):
        evidence["values"] = mask_record(evidence["values"], names=names)
    return json.dumps(evidence, ensure_ascii=False, sort_keys=True)


def warning_trail(conn: Connection, scope: Scope, warning_id: int) -> pd.DataFrame:
    """Every transition of one warning in the scope, oldest first.

    Columns: at, kind, kind_label, from_status, to_status, to_status_label,
    actor, note. Notes masked unless the scope is unmasked (phone and
    identity numbers, the people the evidence names); actors are officials
    and units, shown as they are.
    """
    e = warning_events
    query = (
        select(e.c.at, e.c.kind, e.c.from_status, e.c.to_status, e.c.actor, e.c.note, warnings.c.evidence)
        .join(warnings, warnings.c.id == e.c.warning_id)
        .where(e.c.warning_id == warning_id, in_scope(warnings.c.village_code, scope))
        .order_by(e.c.at, e.c.id)
    )
    require_records(scope)
    df = pd.DataFrame(
        conn.execute(query).all(),
        columns=["at", "kind", "from_status", "to_status", "actor", "note", "evidence"],
    )
    if not scope.unmasked and len(df):
        names = _evidence_names(df["evidence"].iloc[0])
        df["note"] = [mask_text(note, names) for note in df["note"]]
    df["kind_label"] = df["kind"].map(lambda k: WARNING.transition(k).label)
    df["to_status_label"] = df["to_status"].map(lambda s: WARNING.status(s).label)
    columns = ["at", "kind", "kind_label", "from_status", "to_status", "to_status_label", "actor", "note"]
    return to_local(df, ["at"])[columns]


def village_warnings(conn: Connection, scope: Scope, window: Window, limit: int = 500) -> pd.DataFrame:
    """Warnings about the scope (one village) raised in the window, plus any
    still open from before it, newest first. Columns QUEUE_COLUMNS (titles
    masked unless the scope is unmasked)."""
    require_records(scope)
    query = (
        _queue_select()
        .where(
            in_scope(warnings.c.village_code, scope),
            or_(within(warnings.c.raised_at, window), warnings.c.status.in_(WARNING.open_codes)),
        )
        .order_by(warnings.c.raised_at.desc(), warnings.c.id.desc())
        .limit(limit)
    )
    return _queue_frame(conn.execute(query).mappings().all(), window.now, scope)


@snapshot_first("warnings_raised_trend")
def warnings_raised_trend(conn: Connection, scope: Scope, window: Window, freq: str = "day") -> pd.DataFrame:
    """How many warnings were raised and disposed per day (or ISO week, or
    month) of the window?

    Columns: period (date, Asia/Shanghai), raised, disposed. Every period
    present.
    """
    raised_day = local_day(warnings.c.raised_at).label("day")
    disposed_day = local_day(warnings.c.disposed_at).label("day")
    scoped = in_scope(warnings.c.village_code, scope)
    raised = conn.execute(
        select(raised_day, func.count())
        .where(scoped, within(warnings.c.raised_at, window))
        .group_by(raised_day)
    ).all()
    disposed = conn.execute(
        select(disposed_day, func.count())
        .where(scoped, within(warnings.c.disposed_at, window))
        .group_by(disposed_day)
    ).all()
    days = [pd.Timestamp(day).date() for day, _ in (*raised, *disposed)]
    periods = trend_periods(window, freq, days)
    out = pd.DataFrame({"period": periods, "raised": 0, "disposed": 0}).set_index("period")
    for column, rows in (("raised", raised), ("disposed", disposed)):
        for day, count in rows:
            out.loc[period_of(pd.Timestamp(day).date(), freq), column] += int(count)
    return out.reset_index().astype({"raised": "int64", "disposed": "int64"})


RECORD_TABLES = (
    "payments", "labour", "payouts", "projects", "seal_uses", "disclosures", "public_queries",
    "deaths", "public_servants", "land_contracts", "cadres", "cadre_relatives", "petitions",
)  # fmt: skip


def get_warning_evidence(row: dict) -> dict | None:
    """The warning's evidence (rule_code, rule_version, thresholds, values,
    records) parsed from its JSON column; None when it has none or it is not
    readable (warnings not raised by the engine). On a row from get_warning
    the ``values`` are masked as its scope asks (get_warning masks them)."""
    raw = row.get("evidence")
    if not raw:
        return None
    try:
        evidence = json.loads(raw) if isinstance(raw, str) else dict(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(evidence, dict):
        return None
    records = evidence.get("records")
    return {
        "rule_code": evidence.get("rule_code") or row.get("rule_code"),
        "rule_version": evidence.get("rule_version") or row.get("rule_version"),
        "thresholds": evidence.get("thresholds") if isinstance(evidence.get("thresholds"), dict) else {},
        "values": evidence.get("values") if isinstance(evidence.get("values"), dict) else {},
        "records": [r for r in records if isinstance(r, dict)] if isinstance(records, list) else [],
    }


def get_linked_records(conn: Connection, scope: Scope, records: list[dict]) -> list[dict]:
    """The business records a warning's evidence names, in order: each as
    {table, external_id, row}; row is the record's columns (times in
    Asia/Shanghai) or None when the record is no longer in the store (or
    belongs to a village outside the scope). Rows as
    queries.personal.shown_record gives them: masked unless the scope is
    unmasked, a petition's reporter only for viewers who may see reporters."""
    require_records(scope)
    found = []
    for ref in records:
        name, external_id = ref.get("table"), ref.get("external_id")
        table = metadata.tables.get(name) if name in RECORD_TABLES else None
        row = None
        if table is not None and external_id is not None:
            query = select(table).where(table.c.external_id == str(external_id))
            hit = conn.execute(query).mappings().first()
            village = hit.get("village_code") if hit is not None else None
            if village is not None and not _under(conn, scope, village):
                hit = None
            if hit is not None:
                row = {
                    key: value.astimezone(TZ) if isinstance(value, datetime) else value
                    for key, value in hit.items()
                    if key not in ("id", "updated_at")
                }
                row = shown_record(row, scope, table=name)
        found.append({"table": name, "external_id": external_id, "row": row})
    return found


def _under(conn: Connection, scope: Scope, village_code: str) -> bool:
    return (
        conn.execute(villages_in(scope).where(region_tree.c.descendant_code == village_code)).first()
        is not None
    )


RULE_STATISTICS_COLUMNS = [
    "rule_code", "category", "red", "yellow", "green", "hits", "disposed", "false_alarms",
    "false_alarm_share",
]  # fmt: skip


@snapshot_first("rule_statistics", timed=False)
def rule_statistics(conn: Connection, scope: Scope) -> pd.DataFrame:
    """Per rule, over every warning in scope ever raised (not a window
    figure): red / yellow / green now, hits (warnings raised), disposed,
    false_alarms (disposed with disposition false_alarm) and
    false_alarm_share = false_alarms / disposed (NaN when none disposed).
    One row per rule_code found in the store, sorted by rule_code; category
    is the one its warnings carry (the alphabetically last, should they
    differ)."""
    w = warnings.c
    query = (
        select(
            w.rule_code,
            func.max(w.category),
            count_if(w.status == RED),
            count_if(w.status == YELLOW),
            count_if(w.status == GREEN),
            func.count(),
            count_if(w.disposition == "false_alarm"),
        )
        .where(in_scope(w.village_code, scope))
        .group_by(w.rule_code)
        .order_by(w.rule_code)
    )
    return _rule_statistics_frame(conn.execute(query).all())


def _rule_statistics_frame(rows) -> pd.DataFrame:
    """rule_statistics' frame from rows of (rule_code, category, red, yellow,
    green, hits, false_alarms)."""
    counts = ["red", "yellow", "green", "hits", "false_alarms"]
    df = frame(rows, ["rule_code", "category", *counts], ints=counts)
    df["disposed"] = df["green"]
    df["false_alarm_share"] = (df["false_alarms"] / df["disposed"].where(df["disposed"] > 0)).astype(
        "float64"
    )
    return df[RULE_STATISTICS_COLUMNS]


# The table of records each kind of rule subject is (the catalogue's ``subject``).
SUBJECT_TABLES = {
    "labour": "labour", "payment": "payments", "payout": "payouts", "project": "projects",
    "seal": "seal_uses", "disclosure": "disclosures", "query": "public_queries", "petition": "petitions",
}  # fmt: skip
HIT_RATE_COLUMNS = ["rule_code", "subject", "records", "hits", "hit_rate"]


@snapshot_first("rule_hit_rates", timed=False)
def rule_hit_rates(conn: Connection, scope: Scope, subjects: Mapping[str, str]) -> pd.DataFrame:
    """What share of the records it checks did each rule flag?

    ``subjects`` maps rule codes to the kind of record each checks (the
    catalogue's ``subject``: labour, payment, …; SUBJECT_TABLES). One row per
    rule in ``subjects``, then per other rule found among the warnings in
    scope (its subject being its warnings' subject_type), sorted by
    rule_code. records = rows of the subject's table in scope, whenever
    written; hits = the rule's warnings in scope, ever raised; hit_rate =
    hits / records (NaN when there are no records, or the subject is not a
    table of records).
    """
    w = warnings.c
    found = conn.execute(
        select(w.rule_code, func.max(w.subject_type), func.count())
        .where(in_scope(w.village_code, scope))
        .group_by(w.rule_code)
    ).all()
    records = {}
    for subject in sorted(set(_rules(found, subjects).values()) & set(SUBJECT_TABLES)):
        table = metadata.tables[SUBJECT_TABLES[subject]]
        query = select(func.count()).select_from(table).where(in_scope(table.c.village_code, scope))
        records[subject] = int(conn.execute(query).scalar_one())
    return _hit_rate_frame(found, subjects, records)


def _rules(found, subjects: Mapping[str, str]) -> dict[str, str]:
    """The rules in ``subjects``, then those with warnings (``found``), with their subjects."""
    return dict(subjects) | {code: subject for code, subject, _count in found if code not in subjects}


def _hit_rate_frame(found, subjects: Mapping[str, str], records: Mapping[str, int]) -> pd.DataFrame:
    """rule_hit_rates' frame from ``found`` (rule_code, subject_type, hits)
    per rule with warnings, the rules' ``subjects`` and the ``records`` per
    subject."""
    hits = {code: int(count) for code, _subject, count in found}
    rows = [
        (code, subject, records.get(subject), hits.get(code, 0))
        for code, subject in sorted(_rules(found, subjects).items())
    ]
    df = pd.DataFrame(rows, columns=HIT_RATE_COLUMNS[:-1])
    df["records"] = pd.to_numeric(df["records"]).astype("Int64")
    df["hits"] = df["hits"].astype("int64")
    df["hit_rate"] = (df["hits"] / df["records"].where(df["records"] > 0)).astype("float64")
    return df[HIT_RATE_COLUMNS]
