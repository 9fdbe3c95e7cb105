"""Text from the data reaches plotly.js as text, never as markup.

plotly.js draws every text it is given (tick labels, bar text, hover text,
legend names, annotations, colour-bar and axis titles, Sankey labels) as
pseudo-HTML: ``<a href="http://…">`` becomes a live link, ``<b>``, ``<i>``,
``<span style>`` and ``<br>`` take effect, in the browser and in the images
kaleido draws for the weekly pack (whose SVGs are put into the PDF as they
are). Region names, categories, handling units and the other strings in the
store may hold anything.

So every public figure builder is decorated with ``@escapes_data``: before the
builder runs, every ``str`` argument and every string cell of every DataFrame
or Series argument has ``&``, ``<`` and ``>`` replaced by ``&amp;``, ``&lt;``
and ``&gt;``. plotly.js splits a text into tags and the text between them
first, then decodes those entities in the text only (svg_text_utils:
``convertEntities``, which knows ``&amp; &lt; &gt; &nbsp; &mu; &times; &plusmn;
&deg;`` and numeric ones, not ``&quot;``), so escaped data is shown exactly as
it was typed and can never open a tag. The builders' own markup (the
``<b>%{y}</b><br>…`` of a hovertemplate, a ``<br>`` in a title), written in
their code, is untouched and keeps working; values substituted into a
template (``%{y}``, ``%{customdata[0]}``) are the escaped data, drawn the
same way.

What the builders must do in return: draw data text only from their
arguments, and put it into hover text through ``customdata`` (never into the
template string itself, where ``%{…}`` in the data would be substituted).
Map labels are SVG text (``scattergeo``), drawn like any other plotly text.

A builder calling another builder (compliance_map → region_map) hands on data
that is already escaped; only the outermost call escapes, so nothing is
escaped twice.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

import pandas as pd

P = ParamSpec("P")
R = TypeVar("R")

# True while a decorated builder runs: its arguments are escaped already.
_escaped: ContextVar[bool] = ContextVar("figure_data_escaped", default=False)


def escape_text(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` as entities; quotes are left as
    they are (plotly.js would show ``&quot;`` literally)."""
    return html.escape(text, quote=False)


def _escape_cell(value: object) -> object:
    return escape_text(value) if isinstance(value, str) else value


def escape_series(series: pd.Series) -> pd.Series:
    """A copy of ``series`` with its string values escaped (the categories of
    a categorical included); ``series`` itself if it holds no strings."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        if categories.dtype == object or pd.api.types.is_string_dtype(categories.dtype):
            return series.cat.rename_categories([_escape_cell(c) for c in categories])
        return series
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        return series.map(_escape_cell, na_action="ignore")
    return series


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every string cell escaped; numbers, dates and
    the column labels and index (which builders never draw) as they are."""
    out = df.copy(deep=False)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        escaped = escape_series(column)
        if escaped is not column:
            out.isetitem(i, escaped.array)  # by position: no index alignment
    return out


def escape_argument(value: object) -> object:
    """An argument as a builder gets it: strings, frames and series escaped,
    anything else (themes, numbers, MapMetrics, callables) as it is."""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, pd.DataFrame):
        return escape_frame(value)
    if isinstance(value, pd.Series):
        return escape_series(value)
    return value


def escapes_data(builder: Callable[P, R]) -> Callable[P, R]:
    """Decorate a figure builder so it gets its arguments escaped (see the
    module's docstring). tests/test_figures_hostile_text.py fails for a
    builder in cockpit.figures without it."""

    @functools.wraps(builder)
    def escaping(*args: P.args, **kwargs: P.kwargs) -> R:
        if _escaped.get():
            return builder(*args, **kwargs)
        token = _escaped.set(True)
        try:
            return builder(
                *(escape_argument(a) for a in args), **{k: escape_argument(v) for k, v in kwargs.items()}
            )
        finally:
            _escaped.reset(token)

    escaping.escapes_data = True  # type: ignore[attr-defined]
    return escaping
