"""The inspector's analytics (督查分析): /inspect and /inspect/<code>."""

from cockpit.pages.inspect.callbacks import register_callbacks
from cockpit.pages.inspect.layout import home_layout, layout

__all__ = ["home_layout", "layout", "register_callbacks"]
