"""The headline numbers of a region in a window, shared by the wall screen,
the inspector pages and the weekly pack: one call per figure into
``queries.petitions`` and ``queries.warnings`` (definitions in
docs/metrics.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from cockpit.timewindow import Window
from queries import petitions, warnings
from queries.scope import Scope


@dataclass(frozen=True)
class Kpis:
    """The headline numbers of a region in a window (see load_kpis)."""

    received: int
    received_today: int
    open: int
    overdue: int
    share: float
    in_progress: int
    late: int
    closed: int
    median_hours: float
    median_bound_hours: float  # 0: exact (handling_time_summary)
    red: int
    yellow: int
    green: int
    raised: int  # warnings raised in the window


def load_kpis(conn: Connection, scope: Scope, window: Window) -> Kpis:
    received = petitions.count_received(conn, scope, window).iloc[0]
    backlog = petitions.open_backlog(conn, scope, window.now).iloc[0]
    sla = petitions.share_closed_within_5_days(conn, scope, window).iloc[0]
    timing = petitions.handling_time_summary(conn, scope, window).iloc[0]
    counts = warnings.warning_status_counts(conn, scope, window).iloc[0]
    return Kpis(
        received=int(received["received"]),
        received_today=int(received["received_today"]),
        open=int(backlog["open"]),
        overdue=int(backlog["overdue"]),
        share=float(sla["share"]),
        in_progress=int(sla["in_progress"]),
        late=int(sla["late"]),
        closed=int(timing["closed"]),
        median_hours=float(timing["median_hours"]),
        median_bound_hours=float(timing["median_bound_hours"]),
        red=int(counts["red"]),
        yellow=int(counts["yellow"]),
        green=int(counts["green"]),
        raised=int(counts["raised"]),
    )
