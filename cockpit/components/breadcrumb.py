"""city › town › village, each a link keeping the current time window."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dash import dcc, html

from cockpit.components.urls import region_href
from queries.regions import Region


def breadcrumb(
    path: Sequence[Region],
    root_code: str,
    window_args: Mapping[str, str],
    href: Callable[[str, str, Mapping[str, str]], str] = region_href,
) -> html.Nav:
    """Links up the path; ``href(code, root_code, args)`` builds each link
    (default: the region pages)."""
    items = []
    for i, region in enumerate(path):
        last = i == len(path) - 1
        content = (
            region.name if last else dcc.Link(region.name, href=href(region.code, root_code, window_args))
        )
        items.append(html.Li(content, className="breadcrumb-item active" if last else "breadcrumb-item"))
    return html.Nav(html.Ol(items, className="breadcrumb mb-0"), **{"aria-label": "breadcrumb"})
