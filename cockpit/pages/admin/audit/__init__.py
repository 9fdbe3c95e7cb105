"""/admin/audit (审计日志): the audit log, newest first, 200 entries a page,
filtered by action and actor (both in the URL, so a view can be shared)."""

from cockpit.pages.admin.audit.callbacks import register_callbacks
from cockpit.pages.admin.audit.layout import layout

__all__ = ["layout", "register_callbacks"]
