"""The new-account form's values, as cockpit.auth.users.create_user takes them."""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.auth.users import MIN_PASSWORD_LENGTH, AccountError
from queries.scope import ROLE_LABELS, USER_ROLES

PASSWORD_RULE = f"至少 {MIN_PASSWORD_LENGTH} 位，不含用户名，不同字符不少于 5 个。"
REGION_RULE = (
    "乡镇纪检干部选一个乡镇（街道），监督检查室干部选一个或多个地区，市领导和管理员可见全域、不选地区。"
)
TOGGLES = {"deactivate": False, "activate": True}  # a 停用 / 启用 button's value -> active


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    role: str
    regions: tuple[str, ...]
    password: str


def role_options() -> list[dict]:
    return [{"label": ROLE_LABELS[role], "value": role} for role in USER_ROLES]


def new_account(
    username: str | None,
    display_name: str | None,
    role: str | None,
    regions: list[str] | str | None,
    password: str | None,
) -> NewAccount:
    """The form's fields, or AccountError naming the one missing (create_user
    checks the rest: the name's form, the regions, the password's strength)."""
    if not (username or "").strip():
        raise AccountError("请填写用户名。")
    if not role:
        raise AccountError("请选择角色。")
    if not password:
        raise AccountError("请填写初始密码。")
    if isinstance(regions, str):
        regions = [regions]
    return NewAccount(
        username=(username or "").strip(),
        display_name=(display_name or "").strip(),
        role=role,
        regions=tuple(regions or ()),
        password=password,
    )


def toggle_target(intent: str | None) -> bool:
    """Whether a 停用 / 启用 button asks for the account to be active."""
    if intent not in TOGGLES:
        raise AccountError("未知操作。")
    return TOGGLES[intent]
