"""The warning queues, /warnings: red, yellow and green side by side."""

from cockpit.pages.queue.callbacks import register_callbacks
from cockpit.pages.queue.layout import layout

__all__ = ["layout", "register_callbacks"]
