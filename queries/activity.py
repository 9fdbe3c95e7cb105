"""What just happened: the newest petitions received and warnings raised,
for the wall screen's ticker, and today's counts beside it.

Aggregate-level facts only, fit for a screen in a room that anyone may
walk into (a kiosk): when, which town and village, the petition's category
or the warning's rule and colour, a warning's amount as a band (never the
figure, never a name, a summary or a title). Definitions in docs/metrics.md,
"The wall screen's ticker".
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, select

from cockpit.lifecycle import WARNING
from cockpit.store.schema import petitions, regions, warnings
from cockpit.timewindow import Window, preset_window
from queries import petitions as petition_queries
from queries import warnings as warning_queries
from queries._common import to_local
from queries.personal import shown_frame
from queries.scope import Scope, in_scope

ACTIVITY_COLUMNS = [
    "at",
    "kind",
    "town_name",
    "village_name",
    "category",
    "rule_code",
    "colour",
    "amount_band",
]
# Upper bounds (yuan, exclusive) and labels of the amount bands a kiosk may see.
AMOUNT_BANDS = (
    (1_000, "千元以下"),
    (10_000, "1千至1万元"),
    (50_000, "1万至5万元"),
    (200_000, "5万至20万元"),
    (None, "20万元以上"),
)


def amount_band(amount) -> str:
    """The band an amount falls in ("1万至5万元"); "" without an amount."""
    if amount is None or (isinstance(amount, float) and pd.isna(amount)):
        return ""
    value = Decimal(str(amount))
    for upper, label in AMOUNT_BANDS:
        if upper is None or value < upper:
            return label
    return ""


def _places():
    village = regions.alias("village")
    town = regions.alias("town")
    return village, town


def newest_activity(conn: Connection, scope: Scope, limit: int = 12) -> pd.DataFrame:
    """The ``limit`` newest events in the scope, newest first: petitions by
    receipt, warnings by raising (any colour they have now).

    Columns: at (local time), kind ("petition" or "warning"), town_name,
    village_name, category (the petition's or the warning's), rule_code
    (warnings), colour (a warning's red / yellow / green now), amount_band
    (a warning's amount as a band, amount_band; "" without one).
    """
    village, town = _places()
    received = conn.execute(
        select(petitions.c.received_at, petitions.c.category, village.c.name, town.c.name)
        .join(village, village.c.code == petitions.c.village_code)
        .outerjoin(town, town.c.code == village.c.parent_code)
        .where(in_scope(petitions.c.village_code, scope))
        .order_by(petitions.c.received_at.desc(), petitions.c.id.desc())
        .limit(limit)
    ).all()
    raised = conn.execute(
        select(
            warnings.c.raised_at,
            warnings.c.category,
            village.c.name,
            town.c.name,
            warnings.c.rule_code,
            warnings.c.status,
            warnings.c.amount,
        )
        .join(village, village.c.code == warnings.c.village_code)
        .outerjoin(town, town.c.code == village.c.parent_code)
        .where(in_scope(warnings.c.village_code, scope))
        .order_by(warnings.c.raised_at.desc(), warnings.c.id.desc())
        .limit(limit)
    ).all()
    rows = [
        {"at": at, "kind": "petition", "town_name": t, "village_name": v, "category": category,
         "rule_code": "", "colour": "", "amount_band": ""}
        for at, category, v, t in received
    ] + [
        {"at": at, "kind": "warning", "town_name": t, "village_name": v, "category": category,
         "rule_code": rule, "colour": WARNING.status(status).colour, "amount_band": amount_band(amount)}
        for at, category, v, t, rule, status, amount in raised
    ]  # fmt: skip
    df = pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)
    if df.empty:
        return df
    df = to_local(df, ["at"]).sort_values("at", ascending=False, kind="stable").head(limit)
    return shown_frame(df.reset_index(drop=True), scope)


def today_counts(conn: Connection, scope: Scope, now: datetime | None = None) -> dict[str, int]:
    """Today so far (local day, Asia/Shanghai): petitions received, warnings
    raised, warnings disposed (turned green)."""
    today: Window = preset_window("today", now)
    received = petition_queries.count_received(conn, scope, today).iloc[0]
    counts = warning_queries.warning_status_counts(conn, scope, today).iloc[0]
    return {
        "received": int(received["received"]),
        "raised": int(counts["raised"]),
        "disposed": int(counts["green"]),
    }
