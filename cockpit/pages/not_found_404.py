"""Any URL the cockpit does not know. Dash pages shows the page registered
under a module whose name ends in "not_found_404"."""

from __future__ import annotations

from dash import html

from cockpit.components.messages import not_found
from cockpit.components.navbar import page_frame
from cockpit.pages.common import connect, current_freshness


def layout(**_kwargs) -> html.Div:
    with connect() as conn:
        fresh = current_freshness(conn)
    return page_frame("", fresh, not_found("页面", "您访问的地址不存在（404）。"))
