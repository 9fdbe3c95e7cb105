"""/admin (账号管理): the accounts, a form to create one, and per account
停用 / 启用 and 重设密码."""

from cockpit.pages.admin.accounts.callbacks import register_callbacks
from cockpit.pages.admin.accounts.layout import layout

__all__ = ["layout", "register_callbacks"]
