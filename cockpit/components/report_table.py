"""A plain table of a query's rows, each column a header and how to show a
row's cell: the inspector's lists (overdue petitions, repeated problems,
unanswered queries, …). Drawn as one HtmlBlock (cockpit.components.markup):
a cell is text (escaped there) or Markup (links, badges) built with it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dash import html

from cockpit.components.markup import HtmlBlock, Markup, tag
from cockpit.components.tables import MAX_ROWS

ROWS_SHOWN = 30


@dataclass(frozen=True)
class Col:
    header: str
    # a row (a namedtuple from DataFrame.itertuples) -> the cell: text, Markup or a list of them
    cell: Callable[[Any], Any]
    num: bool = False  # right-aligned figures


def report_table(
    df: pd.DataFrame,
    columns: Sequence[Col],
    empty: str,
    *,
    limit: int | None = None,
    row_class: Callable[[Any], str | None] | None = None,
    table_id: str | None = None,
) -> html.Div:
    """``df`` as a table of at most MAX_ROWS rows. ``limit``: the query's own
    limit, so a full answer says there may be more."""
    if df.empty:
        return html.Div(empty, className="list-empty")
    shown = df.head(MAX_ROWS)
    rows = [
        tag(
            "tr",
            [tag("td", col.cell(r), class_="num" if col.num else None) for col in columns],
            class_=row_class(r) if row_class else None,
        )
        for r in shown.itertuples(index=False)
    ]
    total = len(df)
    more = limit is not None and total >= limit  # the query stopped at its limit: there may be more
    if more:
        note = f"{limit} 条以上，显示前 {min(total, MAX_ROWS)} 条"
    elif total > MAX_ROWS:
        note = f"共 {total} 条，显示前 {MAX_ROWS} 条"
    else:
        note = f"共 {total} 条"
    head = tag("thead", tag("tr", [tag("th", c.header, class_="num" if c.num else None) for c in columns]))

    def table(body: list) -> Markup:
        return tag(
            "table", head, tag("tbody", body), class_="table table-sm table-hover align-middle cockpit-table"
        )

    # The first ROWS_SHOWN rows until 显示更多: 100 rows of the 诉求预警关联 list
    # were 1,600 DOM nodes.
    more = {}
    if len(rows) > ROWS_SHOWN + 5:
        more = {"expanded": table(rows), "expand_label": f"显示更多（共 {len(rows)} 条）"}
    block = HtmlBlock(
        table(rows[:ROWS_SHOWN] if more else rows),
        id=table_id,
        className="table-responsive table-scroll",
        **more,
    )
    return html.Div([block, html.Div(note, className="table-note")])
