"""Accounts and wall-screen tokens in the store.

Passwords are kept as scrypt hashes (werkzeug.security, which Flask brings);
tokens as SHA-256 digests, shown once when made. ``load_viewer`` turns a
session's user id back into a ``Viewer`` on every request, so a deactivated
account or a changed password ends its sessions at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from cockpit.store.access import kiosk_tokens, user_regions, users
from cockpit.store.schema import regions
from queries.scope import ROOT_ROLES, USER_ROLES, Viewer

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
HASH_METHOD = "scrypt"
# Checked against when the username is unknown, so both answers take as long.
_DUMMY_HASH = generate_password_hash("not-a-password", method=HASH_METHOD)


class AccountError(ValueError):
    """A request about accounts we refuse; the message is for the user."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    regions: tuple[str, ...]


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位。"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名。"
    if len(set(password)) < 5:
        return "密码过于简单（不同字符太少）。"
    return None


def _check_regions(conn: Connection, role: str, codes: tuple[str, ...]) -> None:
    if role in ROOT_ROLES:
        if codes:
            raise AccountError("市领导和管理员可见全域，无需指定地区。")
        return
    if not codes:
        raise AccountError("乡镇纪检干部和监督检查室干部必须指定至少一个地区。")
    if role == "town" and len(codes) != 1:
        raise AccountError("乡镇纪检干部只能指定一个乡镇（街道）。")
    known = set(conn.execute(select(regions.c.code).where(regions.c.code.in_(codes))).scalars())
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise AccountError(f"地区代码不存在：{', '.join(unknown)}")


def create_user(
    conn: Connection,
    username: str,
    password: str,
    role: str,
    regions: tuple[str, ...] | list[str] = (),
    display_name: str = "",
    now: datetime | None = None,
) -> int:
    """A new active account; raises AccountError on a bad name, role, region
    or a weak password."""
    username = username.strip()
    codes = tuple(dict.fromkeys(c.strip() for c in regions if c.strip()))
    if not USERNAME.match(username):
        raise AccountError("用户名须为 2–64 位字母、数字或 _ . @ -。")
    if role not in USER_ROLES:
        raise AccountError(f"未知角色 {role!r}（可选 {', '.join(USER_ROLES)}）。")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise AccountError(f"用户名 {username} 已存在。")
    _check_regions(conn, role, codes)
    now = now or datetime.now(UTC)
    user_id = conn.execute(
        insert(users).values(
            username=username,
            display_name=display_name.strip() or username,
            role=role,
            password_hash=generate_password_hash(password, method=HASH_METHOD),
            active=True,
            created_at=now,
            password_changed_at=now,
        )
    ).inserted_primary_key[0]
    if codes:
        conn.execute(insert(user_regions), [{"user_id": user_id, "region_code": c} for c in codes])
    return int(user_id)


def set_password(conn: Connection, username: str, password: str, now: datetime | None = None) -> None:
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    done = conn.execute(
        update(users)
        .where(users.c.username == username)
        .values(
            password_hash=generate_password_hash(password, method=HASH_METHOD),
            password_changed_at=now or datetime.now(UTC),
        )
    )
    if not done.rowcount:
        raise AccountError(f"没有用户 {username}。")


def set_active(conn: Connection, username: str, active: bool, now: datetime | None = None) -> None:
    """Deactivate or reactivate an account. Either way every session begun
    before now ends for good (``sessions_valid_after``): a reactivated account
    starts from a fresh login, never from a cookie kept from before."""
    done = conn.execute(
        update(users)
        .where(users.c.username == username)
        .values(active=active, sessions_valid_after=now or datetime.now(UTC))
    )
    if not done.rowcount:
        raise AccountError(f"没有用户 {username}。")


def set_regions(conn: Connection, username: str, codes: tuple[str, ...] | list[str]) -> None:
    account = get_account(conn, username)
    if account is None:
        raise AccountError(f"没有用户 {username}。")
    codes = tuple(dict.fromkeys(c.strip() for c in codes if c.strip()))
    _check_regions(conn, account.role, codes)
    conn.execute(delete(user_regions).where(user_regions.c.user_id == account.id))
    if codes:
        conn.execute(insert(user_regions), [{"user_id": account.id, "region_code": c} for c in codes])


def _account(conn: Connection, row) -> Account:
    codes = conn.execute(
        select(user_regions.c.region_code)
        .where(user_regions.c.user_id == row.id)
        .order_by(user_regions.c.region_code)
    ).scalars()
    return Account(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        active=bool(row.active),
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
        regions=tuple(codes),
    )


def get_account(conn: Connection, username: str) -> Account | None:
    row = conn.execute(select(users).where(users.c.username == username)).first()
    return _account(conn, row) if row else None


def list_accounts(conn: Connection) -> list[Account]:
    return [_account(conn, row) for row in conn.execute(select(users).order_by(users.c.username))]


def has_users(conn: Connection) -> bool:
    return conn.execute(select(users.c.id).limit(1)).first() is not None


def authenticate(conn: Connection, username: str, password: str) -> Account | None:
    """The active account whose password this is, or None (unknown user,
    wrong password, inactive account: the caller says the same for all)."""
    row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(row.password_hash, password) or not row.active:
        return None
    return _account(conn, row)


def end_sessions(conn: Connection, user_id: int, now: datetime | None = None) -> None:
    """Logging out ends every session of the account begun before now, on
    any browser: a copied cookie is worthless afterwards."""
    conn.execute(
        update(users).where(users.c.id == user_id).values(sessions_valid_after=now or datetime.now(UTC))
    )


def session_stamp(account: Account) -> str:
    """Kept in the session: a new password or deactivation ends old sessions."""
    return account.password_changed_at.isoformat()


def viewer_of(account: Account, root_code: str) -> Viewer:
    granted = (root_code,) if account.role in ROOT_ROLES else account.regions
    return Viewer(
        name=account.username,
        role=account.role,
        regions=granted,
        user_id=account.id,
        display_name=account.display_name,
    )


def load_viewer(
    conn: Connection, user_id: int, stamp: str, root_code: str, login_at: float | None = None
) -> Viewer | None:
    """The viewer of a session begun at ``login_at`` (seconds since the
    epoch), or None if its account is gone or inactive, its password changed
    since, or the user logged out (anywhere) since."""
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None or not row.active:
        return None
    ended = row.sessions_valid_after
    if ended is not None and (login_at is None or login_at < ended.timestamp()):
        return None
    account = _account(conn, row)
    if session_stamp(account) != stamp:
        return None
    return viewer_of(account, root_code)


# --- wall-screen tokens -------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_kiosk_token(
    conn: Connection,
    name: str,
    region_code: str | None = None,
    now: datetime | None = None,
    token: str | None = None,
) -> str:
    """A new wall-screen token (returned once; only its digest is stored)."""
    if region_code and not conn.execute(select(regions.c.code).where(regions.c.code == region_code)).first():
        raise AccountError(f"地区代码不存在：{region_code}")
    token = token or secrets.token_urlsafe(24)
    conn.execute(
        insert(kiosk_tokens).values(
            name=name.strip() or "大屏",
            token_hash=_digest(token),
            region_code=region_code or None,
            created_at=now or datetime.now(UTC),
            revoked_at=None,
        )
    )
    return token


def revoke_kiosk_token(conn: Connection, token_id: int, now: datetime | None = None) -> None:
    conn.execute(
        update(kiosk_tokens)
        .where(kiosk_tokens.c.id == token_id, kiosk_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now or datetime.now(UTC))
    )


def list_kiosk_tokens(conn: Connection) -> list[dict]:
    rows = conn.execute(select(kiosk_tokens).order_by(kiosk_tokens.c.id))
    return [dict(row._mapping) for row in rows]


def kiosk_token_id(conn: Connection, token: str) -> int | None:
    """The id of the live token ``token``, or None."""
    row = conn.execute(
        select(kiosk_tokens.c.id).where(
            kiosk_tokens.c.token_hash == _digest(token), kiosk_tokens.c.revoked_at.is_(None)
        )
    ).first()
    return row.id if row else None


def load_kiosk_viewer(conn: Connection, token_id: int, root_code: str) -> Viewer | None:
    """The viewer of a wall-screen session, or None once its token is revoked."""
    row = conn.execute(
        select(kiosk_tokens).where(kiosk_tokens.c.id == token_id, kiosk_tokens.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return Viewer(name=f"kiosk:{row.name}", role="kiosk", regions=(row.region_code or root_code,))
