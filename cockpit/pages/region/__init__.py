"""The inspector's region pages: analytics for a region with children,
the village page for a region without."""

from cockpit.pages.region.callbacks import register_callbacks
from cockpit.pages.region.layout import home_layout, layout

__all__ = ["home_layout", "layout", "register_callbacks"]
