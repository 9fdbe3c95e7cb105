"""/admin/kiosk (大屏令牌): the wall screens' tokens, a form to make one (its
URL shown once), and 撤销 per live token."""

from cockpit.pages.admin.kiosk.callbacks import register_callbacks
from cockpit.pages.admin.kiosk.layout import layout

__all__ = ["layout", "register_callbacks"]
