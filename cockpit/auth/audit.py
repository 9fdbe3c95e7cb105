"""The audit log: who did what, when, from where. Append-only (the store's
triggers refuse UPDATE and DELETE; see revision 0004)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import flask
from sqlalchemy import Connection, insert

from cockpit.store.access import audit_log
from queries.audit import logged_since
from queries.scope import Viewer

# What is logged (docs/security.md, "Audit log"), with its label on /admin/audit.
ACTIONS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_throttled": "登录受限",
    "logout": "退出",
    "kiosk_login": "大屏接入",
    "view_village": "查看村（社区）",
    "view_petition": "查看诉求",
    "view_warning": "查看预警",
    "unmask": "查看未脱敏信息",
    "export": "导出",
    "threshold": "修改阈值",
    "user_admin": "账号管理",
    "kiosk_admin": "大屏令牌管理",
    "denied": "越权访问被拒",
    "import": "导入数据",
}


def record(
    conn: Connection,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    role: str = "",
    ip: str = "",
    at: datetime | None = None,
) -> None:
    """Append one entry (in the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        insert(audit_log).values(
            at=at or datetime.now(UTC),
            actor=actor[:96],
            role=role[:32],
            action=action,
            target=str(target)[:255],
            detail=detail,
            ip=ip[:64],
        )
    )


def client_ip() -> str:
    """The client's address as the web server saw it (after ProxyFix, when
    COCKPIT_PROXY_HOPS trusts a proxy); empty outside a request."""
    return (flask.request.remote_addr or "") if flask.has_request_context() else ""


def record_by(conn: Connection, who: Viewer, action: str, target: str = "", detail: str = "") -> None:
    """Append what ``who`` did in this request, in the caller's transaction
    (so a change and its entry are written together or not at all)."""
    record(conn, who.name, action, target, detail, role=who.role, ip=client_ip())


def log_request(
    action: str, target: str = "", detail: str = "", actor: str | None = None, role: str = ""
) -> None:
    """Append one entry about this request in its own short transaction (page
    reads stay read-only): by the request's viewer, or by ``actor`` (a login
    before there is a viewer)."""
    from cockpit.context import current, viewer

    if actor is None:
        who = viewer()
        actor, role = who.name, who.role
    with current().engine.begin() as conn:
        record(conn, actor, action, target, detail, role=role, ip=client_ip())


def log_view_once(action: str, target: str, within: timedelta) -> None:
    """Append one entry about this request by its viewer, unless the viewer
    has one of ``action`` about ``target`` within the last ``within`` (a
    page kept open redraws its lists at every data change; once is enough)."""
    from cockpit.context import current, viewer

    who, now = viewer(), datetime.now(UTC)
    with current().engine.begin() as conn:
        if not logged_since(conn, action, who.name[:96], str(target)[:255], now - within):
            record(conn, who.name, action, target, role=who.role, ip=client_ip(), at=now)
