"""/admin/thresholds (阈值设置): every rule's parameters with their default
and the value in force, and per parameter 保存 / 恢复默认."""

from cockpit.pages.admin.thresholds.callbacks import register_callbacks
from cockpit.pages.admin.thresholds.layout import layout

__all__ = ["layout", "register_callbacks"]
