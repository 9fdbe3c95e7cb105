"""The administrator's pages (系统管理): accounts (/admin), wall-screen tokens
(/admin/kiosk), rule thresholds (/admin/thresholds), importing data
(/admin/import) and the audit log (/admin/audit); docs/admin.md.

Every layout and every callback first asks ``guard.require_admin``: anyone
but an administrator is refused (the web layer answers 403), however the
request was made. Every change is written to the audit log in the same
transaction as the change itself.
"""

from __future__ import annotations

from dash import Dash

from cockpit.pages.admin import accounts, audit, imports, kiosk, thresholds


def register_callbacks(app: Dash) -> None:
    accounts.register_callbacks(app)
    kiosk.register_callbacks(app)
    thresholds.register_callbacks(app)
    imports.register_callbacks(app)
    audit.register_callbacks(app)


__all__ = ["accounts", "audit", "imports", "kiosk", "register_callbacks", "thresholds"]
