"""The sample city's demo accounts and wall-screen token (README, "账号与登录").

Only on a store the sample generator built (store_meta generator=sample),
and never in production: one account per role, all with one published
password, and a wall-screen token with a fixed, published value. An account
or token an administrator deactivated or revoked stays so: only missing ones
are created.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, select

from cockpit.auth import audit
from cockpit.auth.production import store_generator
from cockpit.auth.users import create_kiosk_token, create_user, get_account, list_kiosk_tokens
from cockpit.settings import Settings
from cockpit.store.schema import regions

log = logging.getLogger(__name__)

DEMO_PASSWORD = "cockpit-demo-2026"
DEMO_KIOSK_TOKEN = "sample-wall-screen"
DEMO_KIOSK_NAME = "示例大屏（演示）"
ACTOR = "demo"


def _first(conn: Connection, level: str, parent: str | None = None, limit: int = 1) -> list[str]:
    query = select(regions.c.code).where(regions.c.level == level).order_by(regions.c.code).limit(limit)
    if parent is not None:
        query = query.where(regions.c.parent_code == parent)
    return list(conn.execute(query).scalars())


def demo_accounts(conn: Connection) -> list[tuple[str, str, tuple[str, ...], str]]:
    """(username, role, regions, display name) of each demo account: a city
    leader, an administrator, the officer of the first town (by code) and an
    inspector of two villages in the first two towns."""
    towns = _first(conn, "town", limit=2)
    villages = tuple(v for town in towns for v in _first(conn, "village", parent=town))
    return [
        ("demo-leader", "leader", (), "示例领导"),
        ("demo-admin", "admin", (), "示例管理员"),
        ("demo-town", "town", tuple(towns[:1]), "示例乡镇干部"),
        ("demo-inspector", "inspector", villages, "示例检查室干部"),
    ]


def ensure_demo_accounts(settings: Settings, engine: Engine) -> bool:
    """Create whatever demo account or token is missing, on a sample store
    outside production; whether the store is one (so they exist)."""
    if settings.production or store_generator(engine) != "sample":
        return False
    with engine.begin() as conn:
        for username, role, codes, name in demo_accounts(conn):
            if get_account(conn, username) is None:
                create_user(conn, username, DEMO_PASSWORD, role, codes, display_name=name)
                audit.record(conn, ACTOR, "user_admin", username, f"创建示例账号（{role}）")
                log.info("created the demo account %s", username)
        if not any(t["name"] == DEMO_KIOSK_NAME for t in list_kiosk_tokens(conn)):
            create_kiosk_token(conn, DEMO_KIOSK_NAME, token=DEMO_KIOSK_TOKEN)
            audit.record(conn, ACTOR, "kiosk_admin", DEMO_KIOSK_NAME, "创建示例大屏令牌")
    return True
