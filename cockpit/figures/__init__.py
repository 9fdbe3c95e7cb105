"""Pure figure builders: a DataFrame in, a plotly Figure out.

One builder per chart, shared by the wall screen (``theme="dark"``), the
inspector pages (``theme="light"``) and exports. Builders never query and
never fail on an empty DataFrame: they show "暂无数据" instead.
"""

from cockpit.figures.categories import top_categories_bar
from cockpit.figures.handling import handling_distribution_bar
from cockpit.figures.region_map import MAP_METRICS, region_map
from cockpit.figures.theme import DARK, LIGHT, PRINT, empty_figure, get_theme
from cockpit.figures.trends import share_trend, warnings_trend

__all__ = [
    "DARK",
    "LIGHT",
    "MAP_METRICS",
    "PRINT",
    "empty_figure",
    "get_theme",
    "handling_distribution_bar",
    "region_map",
    "share_trend",
    "top_categories_bar",
    "warnings_trend",
]
