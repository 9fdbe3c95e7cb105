"""Reading the audit log (written by cockpit.auth.audit)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, func, select

from cockpit.store.access import audit_log


def audit_entries(
    conn: Connection,
    limit: int = 200,
    action: str | None = None,
    actor: str | None = None,
    before_id: int | None = None,
) -> pd.DataFrame:
    """The newest entries first, optionally of one action or actor; ``before_id``
    pages back."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action:
        query = query.where(audit_log.c.action == action)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if before_id:
        query = query.where(audit_log.c.id < before_id)
    rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[c.name for c in audit_log.columns])


def count_since(
    conn: Connection, action: str, since: datetime, actor: str | None = None, ip: str | None = None
) -> int:
    """How many ``action`` entries since ``since``, by one actor and/or from one address."""
    query = (
        select(func.count())
        .select_from(audit_log)
        .where(audit_log.c.action == action, audit_log.c.at >= since)
    )
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if ip is not None:
        query = query.where(audit_log.c.ip == ip)
    return int(conn.execute(query).scalar() or 0)
