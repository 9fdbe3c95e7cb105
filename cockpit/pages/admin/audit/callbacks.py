"""The audit page's callback: a changed filter goes into the URL (from the newest entry)."""

from __future__ import annotations

from dash import Dash, Input, Output

from cockpit.ids import AdminIds, PageIds
from cockpit.pages.admin.audit.forms import AuditFilters
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.params import text


def navigate_filters(action: str | None, actor: str | None) -> str:
    require_admin()
    action, actor = text(action, "操作类型"), text(actor, "操作人")
    return AuditFilters.from_query({"action": action, "actor": actor}).href()


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(PageIds.NAV, "href", allow_duplicate=True),
        Input(AdminIds.AUDIT_ACTION, "value"),
        Input(AdminIds.AUDIT_ACTOR, "value"),
        prevent_initial_call=True,
    )(navigate_filters)
