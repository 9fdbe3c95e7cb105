"""What every administrator's page shares: its URL, the row of sub-tabs
under the navbar, and the ids of per-row controls."""

from __future__ import annotations

from dash import dcc, html

from cockpit.components import urls
from cockpit.components.navbar import page_frame
from cockpit.components.refresh import Freshness
from cockpit.ids import AdminIds

ACCOUNTS_URL = urls.ADMIN
KIOSK_URL = f"{urls.ADMIN}/kiosk"
THRESHOLDS_URL = f"{urls.ADMIN}/thresholds"
IMPORT_URL = f"{urls.ADMIN}/import"
AUDIT_URL = f"{urls.ADMIN}/audit"
TABS = (
    ("accounts", "账号", ACCOUNTS_URL),
    ("kiosk", "大屏令牌", KIOSK_URL),
    ("thresholds", "阈值", THRESHOLDS_URL),
    ("import", "导入数据", IMPORT_URL),
    ("audit", "审计日志", AUDIT_URL),
)
TITLE = "系统管理"


def row_id(kind: AdminIds, key: object) -> dict:
    """The pattern-matching id of one row's control: ``key`` is an account's
    or a token's id, a rule parameter's "RULE:param", or dash.MATCH."""
    return {"type": str(kind), "key": key}


def tabs(active: str) -> html.Nav:
    return html.Nav(
        [
            dcc.Link(label, href=href, className="nav-link active" if key == active else "nav-link")
            for key, label, href in TABS
        ],
        className="nav nav-tabs admin-tabs",
    )


def admin_frame(active: str, fresh: Freshness, *children) -> html.Div:
    """An administrator's page: the navbar (管理 active), the title, the sub-tabs."""
    return page_frame(
        "admin",
        fresh,
        html.H1(TITLE, className="page-title"),
        tabs(active),
        html.Div(list(children), className="admin-body"),
    )


def message(text: str, ok: bool) -> html.Div:
    """A one-line result under a form: green when done, red when refused."""
    return html.Div(text, className="admin-ok" if ok else "admin-error", role="status")
