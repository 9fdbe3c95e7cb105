"""The warning category (预警类别) the region page is coloured by: kept in the
URL as ``?category=…``, chosen from a dropdown, listed in a compact table.

No category (全部) is the page as it always was: the map coloured by the
5-day share. With one, the map and the ranking follow that category's open
warnings (docs/metrics.md, "By warning category").
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from dash import dcc, html
from sqlalchemy import Connection

from cockpit.components.format import fmt_int
from cockpit.components.markup import HtmlBlock, link, tag
from cockpit.components.ranking_table import CATEGORY
from cockpit.components.urls import region_href
from cockpit.ids import RegionIds
from cockpit.pages.common import first_value
from cockpit.rules.catalogue import CatalogueError, load_catalogue
from queries.scope import Scope
from queries.warnings import warning_filter_options

CATEGORY_KEY = "category"
ALL_LABEL = "全部"
CATEGORY_MAP_METRIC = "category_open"  # cockpit.figures.MAP_METRICS


def with_category_counts(child_metrics, category_counts):
    """child_region_metrics plus one category's warnings as category_* columns."""
    counts = (
        category_counts.drop(columns=["name"])
        .add_prefix(CATEGORY)
        .rename(columns={f"{CATEGORY}code": "code"})
    )
    return child_metrics.merge(counts, on="code", how="left")


def category_arg(query: Mapping) -> str | None:
    """The category named in a URL query, or None (全部)."""
    value = (first_value(query.get(CATEGORY_KEY)) or "").strip()
    return value or None


def link_args(window_args: Mapping[str, str], category: str | None) -> dict[str, str]:
    """The query every link on the page carries: the window, and the category if any."""
    return {**window_args, **({CATEGORY_KEY: category} if category else {})}


def category_choices(conn: Connection, scope: Scope, chosen: str | None = None) -> list[str]:
    """The categories an inspector can pick: the rule catalogue's, in its
    order, then any other the store's warnings in scope carry (the sample's,
    another system's), then the chosen one should it be neither."""
    try:
        catalogue = [rule.category for rule in load_catalogue().values()]
    except (CatalogueError, OSError):  # a broken catalogue is reported on /rules; offer the store's
        catalogue = []
    stored = warning_filter_options(conn, scope)["categories"]
    extra = [chosen] if chosen else []
    return list(dict.fromkeys([*catalogue, *stored, *extra]))


def category_selector(choices: list[str], chosen: str | None) -> html.Div:
    return html.Div(
        [
            html.Span("预警类别", className="selector-label"),
            dcc.Dropdown(
                id=RegionIds.CATEGORY,
                options=[{"label": c, "value": c} for c in choices],
                value=chosen,
                placeholder=ALL_LABEL,
                clearable=True,
                searchable=False,
                className="category-dropdown",
            ),
        ],
        className="category-selector",
    )


def with_category(pathname: str | None, search: str | None, category: str | None) -> str:
    """The page's URL with ``category`` set (None: removed), every other
    query key kept."""
    query = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != CATEGORY_KEY]
    if category:
        query.append((CATEGORY_KEY, category))
    path = pathname or "/"
    return f"{path}?{urlencode(query)}" if query else path


def category_table(
    df: pd.DataFrame, code: str, root_code: str, window_args: Mapping[str, str], chosen: str | None
) -> html.Div | HtmlBlock:
    """``df``: queries.warnings.warning_categories. Each category links to the
    page coloured by it (a click anywhere on its row); the chosen one is
    marked and links back to 全部. One HtmlBlock."""
    if df.empty:
        return html.Div("暂无预警", className="list-empty")
    rows = []
    for record in df.to_dict("records"):
        category = record["category"]
        selected = category == chosen
        href = region_href(code, root_code, link_args(window_args, None if selected else category))
        cells = [tag("td", link(href, category, title="取消" if selected else "按此类别着色"))]
        for key in ("open", "overdue", "raised", "green"):
            tone = "tone-bad" if key == "overdue" and record[key] else None
            cells.append(tag("td", fmt_int(record[key]), class_=tone))
        rows.append(tag("tr", cells, class_="selected" if selected else None, data_href=href))
    head = tag(
        "thead", tag("tr", [tag("th", h) for h in ("类别", "未处置", "超期", "期内新增", "期内已处置")])
    )
    table = tag(
        "table", head, tag("tbody", rows), class_="table table-sm table-hover ranking-table category-table"
    )
    return HtmlBlock(table, className="ranking-scroll")
