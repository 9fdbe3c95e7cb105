"""Pieces both detail pages use."""

from __future__ import annotations

from dash import html
from sqlalchemy import Connection

from cockpit.components.breadcrumb import breadcrumb
from cockpit.context import current
from queries.regions import region_path


def record_id(raw: str | None) -> int | None:
    """The id in the URL, or None if it is not a positive whole number."""
    if raw is None or not str(raw).isdigit():
        return None
    value = int(raw)
    return value if 0 < value < 2**63 else None


def village_crumbs(conn: Connection, village_code: str) -> html.Nav | None:
    """Breadcrumb to the record's village; None if it is outside the root."""
    root = current().root_code
    path = region_path(conn, village_code, root)
    return breadcrumb(path, root, {}) if path else None


def field_list(fields: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in fields:
        items += [html.Dt(label), html.Dd(value if value not in (None, "") else "—")]
    return html.Dl(items, className="field-list")
