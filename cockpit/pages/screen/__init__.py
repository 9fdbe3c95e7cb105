"""The wall screen, /screen: a fixed 1920x1080 dark canvas, scaled to fit."""

from cockpit.pages.screen.callbacks import register_callbacks
from cockpit.pages.screen.layout import layout

__all__ = ["layout", "register_callbacks"]
