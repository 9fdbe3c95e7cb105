"""The new-token form's values, and the URL a wall screen opens."""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.auth.users import AccountError
from cockpit.components.urls import kiosk_href


@dataclass(frozen=True)
class NewToken:
    name: str
    region_code: str | None  # None: the cockpit's root


def new_token(name: str | None, region: str | None, root_code: str) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise AccountError("请填写大屏名称（如：指挥中心大屏）。")
    if len(name) > 64:
        raise AccountError("大屏名称最多 64 个字。")
    return NewToken(name=name, region_code=None if not region or region == root_code else region)


def kiosk_url(host_url: str, token: str) -> str:
    """The address to open on the wall screen: the server's, then /kiosk/<token>."""
    return host_url.rstrip("/") + kiosk_href(token)
