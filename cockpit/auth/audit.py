"""The audit log: who did what, when, from where. Append-only (the store's
triggers refuse UPDATE and DELETE; see revision 0004)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert

from cockpit.store.access import audit_log

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
