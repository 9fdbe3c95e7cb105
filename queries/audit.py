"""Reading the audit log (written by cockpit.auth.audit)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, select

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


def logged_since(conn: Connection, action: str, actor: str, target: str, since: datetime) -> bool:
    """Whether ``actor`` has an ``action`` entry about ``target`` since ``since``."""
    query = (
        select(audit_log.c.id)
        .where(
            audit_log.c.action == action,
            audit_log.c.actor == actor,
            audit_log.c.at >= since,
            audit_log.c.target == target,
        )
        .limit(1)
    )
    return conn.execute(query).first() is not None
