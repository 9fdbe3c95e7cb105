"""city › town › village, each a link keeping the current time window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dash import dcc, html

from cockpit.components.urls import region_href
from queries.regions import Region


def breadcrumb(path: Sequence[Region], root_code: str, window_args: Mapping[str, str]) -> html.Nav:
    items = []
    for i, region in enumerate(path):
        last = i == len(path) - 1
        content = (
            region.name
            if last
            else dcc.Link(region.name, href=region_href(region.code, root_code, window_args))
        )
        items.append(html.Li(content, className="breadcrumb-item active" if last else "breadcrumb-item"))
    return html.Nav(html.Ol(items, className="breadcrumb mb-0"), **{"aria-label": "breadcrumb"})
