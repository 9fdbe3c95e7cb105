"""Figure builders: hand-made DataFrames in, plotly Figures out, no browser."""

from __future__ import annotations

import itertools
import json
import math
from datetime import date

import pandas as pd
import pytest

from cockpit import figures
from cockpit.figures.geo import bounds, feature_collection, mercator_y, simplified
from cockpit.figures.theme import EMPTY_TEXT, FONT_FAMILY
from cockpit.figures.trends import count_tick
from tests import maps


def square(x: float, y: float, size: float = 0.1) -> str:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def regions_frame(names=("东城街道", "西山镇", "南湖镇")) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"33010200{i}000" for i in range(len(names))],
            "name": list(names),
            "level": "town",
            "centroid_lon": [120.05 + 0.1 * i for i in range(len(names))],
            "centroid_lat": [30.05] * len(names),
            "boundary": [square(120.0 + 0.1 * i, 30.0) for i in range(len(names))],
        }
    )


def metrics_frame(regions: pd.DataFrame, shares=(0.95, 0.82, math.nan)) -> pd.DataFrame:
    n = len(regions)
    return pd.DataFrame(
        {
            "code": regions["code"],
            "name": regions["name"],
            "received": [40, 25, 0][:n],
            "closed_within": [38, 20, 0][:n],
            "late": [2, 4, 0][:n],
            "in_progress": [0, 1, 0][:n],
            "share_5d": list(shares)[:n],
            "open": [3, 5, 0][:n],
            "overdue": [0, 2, 0][:n],
            "median_hours": [20.5, 60.0, math.nan][:n],
            "red": [1, 4, 0][:n],
            "yellow": [2, 1, 0][:n],
            "green": [9, 3, 0][:n],
        }
    )


def empty_message(fig) -> str | None:
    annotations = fig.layout.annotations
    return annotations[0].text if annotations else None


EMPTY_FRAMES = {
    "top_categories_bar": pd.DataFrame(
        columns=["category", "received", "share_of_received", "closed_within", "share_5d"]
    ),
    "handling_distribution_bar": pd.DataFrame(
        {"bucket": ["0-1", "15+"], "label": ["1天内", "15天以上"], "count": [0, 0]}
    ),
    "share_trend": pd.DataFrame(
        columns=["period", "received", "closed_within", "late", "in_progress", "share"]
    ),
    "warnings_trend": pd.DataFrame({"period": [date(2026, 11, 2)], "raised": [0], "disposed": [0]}),
}


@pytest.mark.parametrize("builder", sorted(EMPTY_FRAMES))
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_builder_says_there_is_no_data_instead_of_failing(builder, theme):
    fig = getattr(figures, builder)(EMPTY_FRAMES[builder], theme)
    assert empty_message(fig) == EMPTY_TEXT
    assert len(fig.data) == 0


def test_the_map_says_so_when_no_region_has_a_boundary():
    regions = regions_frame().assign(boundary=None)
    fig = figures.region_map(regions, metrics_frame(regions), "share_5d", "dark")
    assert empty_message(fig) == "暂无边界数据"


def test_the_map_draws_one_polygon_per_region_keyed_by_code():
    regions = regions_frame()
    fig = figures.region_map(regions, metrics_frame(regions), "share_5d", "light")
    # The region without a share (no petitions) is drawn grey, in its own layer.
    assert maps.values(fig) == dict(zip(regions["code"], [0.95, 0.82, None], strict=True))
    grey, coloured = maps.layers(fig)
    assert list(grey.locations) == [regions["code"][2]] and grey.showscale is False
    assert [f["id"] for f in coloured.geojson["features"]] == list(regions["code"])
    assert coloured.featureidkey == "id"
    assert maps.colour_bar(fig).tickformat == ".0%"


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_share_over_a_handful_of_petitions_is_grey_not_red(theme):
    """One late petition of one is 0%: no signal. Under 5 decided the region
    is grey, its hover says why, and the map says what grey means."""
    regions = regions_frame()
    metrics = metrics_frame(regions, shares=(0.95, 0.0, math.nan))
    metrics.loc[1, ["received", "closed_within", "late", "in_progress"]] = [2, 0, 1, 1]
    fig = figures.region_map(regions, metrics, "share_5d", theme)
    assert maps.values(fig) == dict(zip(regions["code"], [0.95, None, None], strict=True))
    _template, data = maps.hover(fig, regions["code"][1])
    assert data[2] == "样本不足（1 件有结果）"
    assert "样本不足" in fig.layout.annotations[0].text
    # Counting metrics colour it as before: the rule is about the share.
    assert maps.values(figures.region_map(regions, metrics, "received", theme))[regions["code"][1]] == 2


def test_the_map_is_svg_with_no_base_map_and_nothing_fetched():
    regions = regions_frame()
    fig = figures.region_map(regions, metrics_frame(regions), "share_5d", "dark")
    assert {trace.type for trace in fig.data} == {"choropleth", "scattergeo"}  # no WebGL, no tiles
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    assert "http" not in fig.to_json()


def test_each_region_hovers_its_figures_and_links_where_told():
    regions = regions_frame()
    links = {code: f"/region/{code}" for code in regions["code"][:2]}
    fig = figures.region_map(regions, metrics_frame(regions), "share_5d", "light", links=links)
    template, data = maps.hover(fig, regions["code"][0])
    assert template.startswith("<b>%{customdata[0]}</b>") and data[2] == "95.0%"
    assert maps.links(fig) == links


def test_every_region_is_labelled_in_svg_text_with_a_halo():
    regions = regions_frame(names=("东城街道", "A区3号", "南湖镇"))
    fig = figures.region_map(regions, metrics_frame(regions), "received", "dark")
    assert maps.labels(fig) == ["东城街道", "A区3号", "南湖镇"]
    (label_trace,) = [trace for trace in fig.data if trace.type == "scattergeo"]
    assert label_trace.textfont.shadow and label_trace.textfont.size >= 20  # the wall screen's


def test_the_outlines_are_simplified_to_what_the_map_can_show():
    turn = [i / 500 * math.tau for i in range(500)]
    ring = [[round(120 + 0.1 * math.cos(a), 5), round(30 + 0.1 * math.sin(a), 5)] for a in turn]
    ring.append(ring[0])
    collection = {"features": [{"id": "x", "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    (feature,) = simplified(collection, tolerance=0.2 / 2000)["features"]
    assert feature["id"] == "x" and 20 < len(feature["geometry"]["coordinates"][0]) < 200
    # Without a tolerance every vertex stays; the anticlockwise ring (GeoJSON's
    # convention) comes out clockwise, as d3 draws an outer ring.
    (feature,) = simplified(collection)["features"]
    assert feature["geometry"]["coordinates"][0] == ring[::-1]


def signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


@pytest.mark.parametrize("turn", [1, -1])
def test_every_outer_ring_is_wound_clockwise_and_every_hole_anticlockwise(turn):
    outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]][::turn]
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]][::turn]
    multi = {"type": "MultiPolygon", "coordinates": [[outer, hole], [[[5, 5], [6, 5], [6, 6], [5, 5]]]]}
    (feature,) = simplified({"features": [{"id": "x", "geometry": multi}]})["features"]
    for polygon in feature["geometry"]["coordinates"]:
        assert signed_area(polygon[0]) < 0  # clockwise
        assert all(signed_area(ring) > 0 for ring in polygon[1:])


@pytest.mark.parametrize("metric", sorted(figures.MAP_METRICS))
def test_the_map_can_colour_by_every_setting_metric(metric):
    regions = regions_frame()
    fig = figures.region_map(regions, metrics_frame(regions), metric, "dark")
    assert len(fig.data) >= 2


def test_the_map_can_colour_by_one_warning_categorys_open_warnings():
    regions = regions_frame()
    metrics = metrics_frame(regions).assign(
        category_open=[2, 0, 5], category_overdue=[1, 0, 0], category_raised=3
    )
    fig = figures.region_map(regions, metrics, "category_open", "light", category="三资支出")
    assert maps.values(fig) == dict(zip(regions["code"], [2, 0, 5], strict=True))
    assert maps.colour_bar(fig).title.text == "三资支出<br>未处置预警"
    assert maps.colour_bar(fig).dtick == 1  # whole warnings only
    template, data = maps.hover(fig, regions["code"][0])
    assert "%{customdata[11]}预警：未处置" in template
    assert data[8:] == (2, 1, 3, "三资支出")


def test_the_map_bounds_take_every_ring():
    regions = regions_frame()
    box = bounds(feature_collection(regions)["features"])
    assert box == pytest.approx((120.0, 30.0, 120.3, 30.1))
    assert mercator_y(0.0) == pytest.approx(0.0)
    assert 31.0 < mercator_y(30.05) < 32.0  # degrees, stretched at 30°N


def test_top_categories_puts_the_most_frequent_on_top():
    df = pd.DataFrame(
        {
            "category": ["道路", "低保", "环境"],
            "received": [30, 12, 20],
            "share_of_received": [0.48, 0.19, 0.32],
            "closed_within": [27, 10, 19],
            "share_5d": [0.9, 0.83, 0.95],
        }
    )
    fig = figures.top_categories_bar(df, "dark")
    bar = fig.data[0]
    assert bar.orientation == "h"
    # Plotly draws the last y category at the top.
    assert list(bar.y) == ["低保", "环境", "道路"]
    assert list(bar.x) == [12, 20, 30]


def test_handling_distribution_keeps_bucket_order_and_colours_by_time_limit():
    df = pd.DataFrame(
        {
            "bucket": ["0-1", "1-2", "2-3", "3-5", "5-10", "10-15", "15+"],
            "label": ["1天内", "1-2天", "2-3天", "3-5天", "5-10天", "10-15天", "15天以上"],
            "count": [40, 20, 10, 5, 3, 1, 1],
        }
    )
    fig = figures.handling_distribution_bar(df, "light")
    bar = fig.data[0]
    assert list(bar.x) == list(df["label"])
    colours = list(bar.marker.color)
    assert len(set(colours[:4])) == 1  # all within the 5-day limit
    assert colours[4] != colours[0] and colours[6] != colours[4]


def test_share_trend_leaves_gaps_where_nothing_could_be_judged():
    df = pd.DataFrame(
        {
            "period": [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)],
            "received": [10, 0, 4],
            "closed_within": [9, 0, 0],
            "late": [1, 0, 0],
            "in_progress": [0, 0, 4],
            "share": [0.9, math.nan, math.nan],
        }
    )
    fig = figures.share_trend(df, "dark", freq="week")
    bars, line = fig.data
    assert bars.type == "bar" and line.type == "scatter"
    assert line.y[0] == 0.9 and math.isnan(line.y[1])
    assert line.connectgaps is False
    assert fig.layout.yaxis.tickformat == ".0%"


def test_share_trend_draws_periods_still_inside_their_5_days_as_provisional():
    df = pd.DataFrame(
        {
            "period": [date(2026, 11, d) for d in (16, 17, 18, 19)],
            "received": [10, 8, 6, 5],
            "closed_within": [9, 7, 6, 4],
            "late": [1, 1, 0, 0],
            "in_progress": [0, 0, 2, 3],
            "share": [0.9, 7 / 8, 1.0, 0.8],
        }
    )
    fig = figures.share_trend(df, "light", freq="day")
    bars, settled, provisional = fig.data
    assert bars.type == "bar"
    assert (settled.name, provisional.name) == ("5日办结率", "暂定（含未满5日）")
    assert list(settled.y[:2]) == [0.9, 7 / 8] and all(math.isnan(v) for v in settled.y[2:])
    # The dotted line starts from the last settled point so the two join.
    assert math.isnan(provisional.y[0]) and list(provisional.y[1:]) == [7 / 8, 1.0, 0.8]
    assert provisional.line.dash == "dot" and settled.line.dash == "solid"


def test_warnings_trend_shows_raised_and_disposed_side_by_side():
    df = pd.DataFrame(
        {"period": [date(2026, 11, 2), date(2026, 11, 9)], "raised": [5, 3], "disposed": [2, 6]}
    )
    fig = figures.warnings_trend(df, "light", freq="week")
    assert [trace.name for trace in fig.data] == ["新增预警", "处置完毕"]
    assert fig.layout.barmode == "group"


@pytest.mark.parametrize(("largest", "step"), [(0, 1), (1, 1), (4, 1), (9, 5), (40, 10), (130, 50)])
def test_count_ticks_are_round_whole_numbers(largest, step):
    assert count_tick(largest) == step


def test_the_themes_differ_and_use_system_chinese_fonts():
    regions = regions_frame()
    dark = figures.region_map(regions, metrics_frame(regions), "share_5d", "dark")
    light = figures.region_map(regions, metrics_frame(regions), "share_5d", "light")
    assert dark.layout.font.color != light.layout.font.color
    assert dark.layout.font.size > light.layout.font.size  # read from across the room
    assert "WenQuanYi Micro Hei" in FONT_FAMILY and "Microsoft YaHei" in FONT_FAMILY
    assert dark.layout.font.family == FONT_FAMILY


def test_an_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="theme"):
        figures.get_theme("blue")
