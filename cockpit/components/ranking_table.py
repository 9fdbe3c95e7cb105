"""The inspector's ranking of child regions: a table whose every row is a link
to that region (click anywhere on a row to drill down; middle-click opens a tab)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from dash import html

from cockpit.components.format import fmt_duration_estimate, fmt_int, fmt_share
from cockpit.components.kpi import share_tone
from cockpit.components.markup import HtmlBlock, Markup, link, tag
from cockpit.components.urls import region_href

# Rows drawn until 显示全部: a town's 45 villages were 1,100 DOM nodes.
ROWS_SHOWN = 15
COLUMNS = (
    ("name", "名称"),
    ("received", "受理"),
    ("share_5d", "5日办结率"),
    ("closed_within", "5日内办结"),
    ("late", "超过5日"),
    ("in_progress", "办理中"),
    ("open", "未办结"),
    ("overdue", "超期"),
    ("median_hours", "时长中位数"),
    ("red", "红色预警"),
    ("yellow", "黄色预警"),
    ("green", "绿色预警"),
)
# With a warning category chosen: that category's counts first (the
# queries.warnings.child_region_category_warnings columns, prefixed
# category_), then the petition figures for context.
CATEGORY = "category_"
CATEGORY_COLUMNS = (
    ("name", "名称"),
    (f"{CATEGORY}open", "未处置"),
    (f"{CATEGORY}red", "红色"),
    (f"{CATEGORY}yellow", "黄色"),
    (f"{CATEGORY}overdue", "超期"),
    (f"{CATEGORY}raised", "期内新增"),
    (f"{CATEGORY}green", "期内已处置"),
    ("received", "受理诉求"),
    ("share_5d", "5日办结率"),
)


def _cell(column: str, record: dict) -> str:
    value = record[column]
    if column == "name":
        return str(value)
    if column == "share_5d":
        return fmt_share(value)
    if column == "median_hours":
        return fmt_duration_estimate(value, record.get("median_bound_hours"))
    return fmt_int(value)


def ranking_order(df: pd.DataFrame) -> pd.DataFrame:
    """Weakest 5-day share first (they need attention); regions with nothing
    to judge yet last."""
    return (
        df.assign(_s=df["share_5d"].fillna(2.0))
        .sort_values(["_s", "received"], ascending=[True, False])
        .drop(columns="_s")
    )


def category_ranking_order(df: pd.DataFrame) -> pd.DataFrame:
    """Most open warnings of the category first, then most overdue, then most
    raised in the window (docs/metrics.md)."""
    keys = [f"{CATEGORY}open", f"{CATEGORY}overdue", f"{CATEGORY}raised"]
    return df.sort_values(keys, ascending=False, kind="stable")


def ranking_table(
    df: pd.DataFrame, root_code: str, window_args: Mapping[str, str], category: str | None = None
) -> html.Div | HtmlBlock:
    """``df``: queries.petitions.child_region_metrics; with a ``category``,
    also its warnings per region as category_* columns, which then order the
    table. ``window_args``: the query every row's link carries.

    One HtmlBlock (cockpit.components.markup), not a component per cell; the
    first ROWS_SHOWN rows (the weakest) until 显示全部 asks for the rest. A
    click anywhere on a row opens its region; the name is the row's link
    (middle-click: a new tab)."""
    if df.empty:
        return html.Div("暂无下级地区", className="list-empty")
    columns = CATEGORY_COLUMNS if category else COLUMNS
    ordered = category_ranking_order(df) if category else ranking_order(df)
    rows = []
    for record in ordered.to_dict("records"):
        href = region_href(record["code"], root_code, window_args)
        cells = []
        for column, _label in columns:
            tone = None
            if column == "share_5d":
                tone = f"tone-{share_tone(record[column])}"
            elif column in ("overdue", f"{CATEGORY}overdue", f"{CATEGORY}red") and record[column]:
                tone = "tone-bad"
            shown = _cell(column, record)
            cells.append(tag("td", link(href, shown) if column == "name" else shown, class_=tone))
        rows.append(tag("tr", cells, data_href=href))
    head = tag("thead", tag("tr", [tag("th", label) for _column, label in columns]))

    def table(body: list[Markup]) -> Markup:
        return tag("table", head, tag("tbody", body), class_="table table-sm table-hover ranking-table")

    if len(rows) <= ROWS_SHOWN + 2:  # hiding one or two rows saves nothing
        return HtmlBlock(table(rows), className="ranking-scroll")
    return HtmlBlock(
        table(rows[:ROWS_SHOWN]),
        className="ranking-scroll",
        expanded=table(rows),
        expand_label=f"显示全部 {len(rows)} 个",
    )
