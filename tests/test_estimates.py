"""An estimated percentile says so wherever it is shown (docs/metrics.md,
"Handling time"): the KPI card, the ranking table, the map's hover."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from cockpit import figures
from cockpit.components.format import fmt_bound, fmt_duration_estimate
from cockpit.components.kpi import kpi_row
from cockpit.components.ranking_table import ranking_table
from queries.kpis import Kpis
from queries.petitions import CHILD_METRIC_COLUMNS
from tests import maps
from tests.layout import text
from tests.test_figures import metrics_frame, regions_frame

KPIS = Kpis(
    received=10, received_today=0, open=1, overdue=0, share=0.9, in_progress=0, late=1, closed=9,
    median_hours=26.4, median_bound_hours=0.0, red=0, yellow=0, green=0, raised=0,
)  # fmt: skip


def test_the_bound_reads_in_words_and_an_exact_figure_says_nothing_more():
    assert fmt_bound(2.0) == "估计值，误差 ≤ 2.0 小时"
    assert fmt_bound(24.0) == "估计值，误差 ≤ 24.0 小时"
    assert fmt_bound(math.inf) == "估计值"
    assert fmt_bound(0.0) == fmt_bound(math.nan) == ""
    assert fmt_duration_estimate(26.4, 2.0) == "≈26.4 小时"
    assert fmt_duration_estimate(26.4, 0.0) == "26.4 小时"
    assert fmt_duration_estimate(math.nan, 2.0) == "—"


def test_the_median_card_says_when_it_is_an_estimate():
    exact = text(kpi_row(KPIS)[3])
    assert "已办结 9 件" in exact and "估计" not in exact
    estimated = text(kpi_row(replace(KPIS, median_bound_hours=2.0))[3])
    assert "26.4" in estimated and "估计值，误差 ≤ 2.0 小时" in estimated


def _children() -> pd.DataFrame:
    rows = [
        ("t1", "甲镇", 100, 90, 10, 0, 0.9, 5, 1, 30.0, 0, 0, 0, 2.0),
        ("t2", "乙镇", 50, 45, 5, 0, 0.9, 2, 0, 12.0, 0, 0, 0, 0.0),
    ]
    return pd.DataFrame(rows, columns=CHILD_METRIC_COLUMNS)


def test_the_ranking_table_marks_estimated_medians():
    shown = text(ranking_table(_children(), "city", {}))
    assert "≈30.0 小时" in shown
    assert "12.0 小时" in shown and "≈12.0" not in shown


def test_the_map_hover_marks_estimated_medians():
    regions = regions_frame()
    metrics = metrics_frame(regions).assign(median_bound_hours=[2.0, 0.0, math.nan])
    fig = figures.region_map(regions, metrics, "share_5d", "light")
    estimated, exact, missing = (maps.hover(fig, code)[1][5] for code in regions["code"])
    assert (estimated, exact, missing) == ("≈20.5 小时", "60.0 小时", "—")
