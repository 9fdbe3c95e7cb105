"""The cockpit's URLs, built in one place so every link agrees with the routes."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

SCREEN = "/screen"
HOME = "/"
WARNINGS = "/warnings"
RULES = "/rules"
INSPECT = "/inspect"  # + /<code>: the inspector's analytics of a region (督查分析)
WEEKLY = "/weekly"
ARCHIVED_PACKS = "/exports/weekly"  # + /<file name>: a pack from the archive
ADMIN = "/admin"  # administrators only: accounts, wall-screen tokens, audit log
LOGIN = "/login"
LOGOUT = "/logout"
KIOSK = "/kiosk"  # + /<token>: a wall screen signs in with its token


def _with_query(path: str, query: Mapping[str, str] | None) -> str:
    query = {k: v for k, v in (query or {}).items() if v not in (None, "", False)}
    return f"{path}?{urlencode(query)}" if query else path


def region_href(code: str, root_code: str, window_args: Mapping[str, str] | None = None) -> str:
    """The analytics page of a region; the root region lives at "/"."""
    path = HOME if code == root_code else f"/region/{code}"
    return _with_query(path, window_args)


def inspect_href(code: str, home: str, query: Mapping[str, str] | None = None) -> str:
    """The inspector's analytics of a region (``query``: window and section);
    the viewer's home region lives at /inspect."""
    path = INSPECT if code == home else f"{INSPECT}/{code}"
    return _with_query(path, query)


def petition_href(petition_id: int) -> str:
    return f"/petition/{int(petition_id)}"


def warning_href(warning_id: int) -> str:
    return f"/warning/{int(warning_id)}"


def warnings_href(filters: Mapping[str, str] | None = None) -> str:
    return _with_query(WARNINGS, filters)


def archived_pack_href(name: str) -> str:
    return f"{ARCHIVED_PACKS}/{quote(name)}"


def login_href(next_path: str = "") -> str:
    """The login page, back to ``next_path`` afterwards."""
    return _with_query(LOGIN, {"next": next_path} if next_path and next_path != HOME else None)


def kiosk_href(token: str) -> str:
    return f"{KIOSK}/{quote(token, safe='')}"


def with_query(path: str, query: Mapping[str, str] | None) -> str:
    return _with_query(path, query)
