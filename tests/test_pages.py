"""Pages and callbacks, called directly (no browser) on the hand-worked store
of tests/fixture_city.py in SQLite: these tests are about Python, not SQL."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import dash
import pandas as pd
import pytest
from dash import no_update
from sqlalchemy import func, insert, select, update

from cockpit.app import create_app
from cockpit.components.refresh import freshness
from cockpit.ids import QueueIds, RegionIds, RulesIds, ScreenIds, ShellIds, VillageIds
from cockpit.pages import not_found_404, queue, region, rules, screen, shell
from cockpit.pages.detail import petition, warning
from cockpit.pages.queue.callbacks import navigate_filters, render_queues
from cockpit.pages.queue.filters import QueueFilters
from cockpit.pages.region.callbacks import (
    navigate_category,
    navigate_preset,
    navigate_range,
    render_region,
    render_village,
)
from cockpit.pages.screen.callbacks import next_focus, render_screen
from cockpit.pages.screen.panels import PANELS, SLOT_IDS, SLOT_TITLE_IDS
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import evaluate
from cockpit.settings import DEFAULT_SCREEN_PANELS, SCREEN_PANELS, Settings, SettingsError
from cockpit.store.schema import petitions, refresh_state, warnings
from queries.refresh import RefreshStatus
from queries.scope import Scope
from queries.warnings import RULE_STATISTICS_COLUMNS, rule_statistics
from tests import fixture_city as city
from tests import fixture_records, maps
from tests.layout import hrefs, ids, text, walk
from tests.viewers import KIOSK, LEADER, add_account, as_viewer, login

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-20"}


@pytest.fixture
def app(sqlite_engine):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    return create_app(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)


@pytest.fixture
def in_request(app):
    with as_viewer(app, LEADER):
        yield app


def record_refresh(engine, version: str, at: datetime | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(refresh_state.delete())
        conn.execute(
            insert(refresh_state),
            {
                "job": "refresh",
                "refreshed_at": at or datetime.now(UTC),
                "data_version": version,
                "duration_ms": 12,
                "error": None,
            },
        )


# --- the app ---------------------------------------------------------------


def test_the_app_registers_every_page(app):
    paths = {page.get("path_template") or page["path"] for page in dash.page_registry.values()}
    assert {"/screen", "/", "/region/<code>", "/warnings", "/petition/<petition_id>"} <= paths
    assert "/warning/<warning_id>" in paths and "/rules" in paths
    assert app.title == "监督驾驶舱"


@pytest.fixture
def client(app, sqlite_engine):
    """A test client logged in as a city leader."""
    add_account(sqlite_engine)
    return login(app)


def test_the_index_page_loads_nothing_from_the_internet(client):
    html = client.get("/screen").get_data(as_text=True)
    assert "/assets/vendor/bootstrap.min.css" in html
    # Every script and stylesheet comes from this server. (Not a search for
    # "cdn": Dash's random page hash once contained those three letters.)
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls and all(url.startswith("/") for url in urls), urls
    assert "https://" not in html


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/", 200),
        ("/screen", 200),
        ("/rules", 200),
        ("/404", 404),
        ("/warnings?overdue=1", 200),
        (f"/region/{city.V1}?window=month", 200),
        ("/petition/1", 200),
        ("/warning/7", 200),
        ("/rules", 200),
        ("/nowhere", 404),
        ("/region/000000000000", 404),
        ("/petition/999", 404),
        ("/petition/abc", 404),
        ("/warning/99999999999999999999999", 404),
        ("/region/a/b", 404),
        ("/inspect", 200),
        (f"/inspect/{city.V1}?section=disclosure", 200),
        ("/inspect/000000000000", 404),
        ("/inspect/a/b", 404),
    ],
)
def test_page_urls_answer_honest_status_codes(client, path, code):
    response = client.get(path)
    assert response.status_code == code
    # Either way the browser gets the app, which draws the page or the not-found message.
    assert "_dash-config" in response.get_data(as_text=True)


def test_the_app_knows_its_root_region(app):
    from cockpit.context import current

    with app.server.app_context():
        assert current().root_code == city.CITY


# --- freshness -------------------------------------------------------------


def status(age_seconds: float, error: str | None = None) -> RefreshStatus:
    at = datetime(2026, 11, 20, 6, 5, 30, tzinfo=UTC)  # 14:05:30 in Shanghai
    return RefreshStatus("refresh", at, "v1", 10, error), at + timedelta(seconds=age_seconds)


def test_freshness_says_when_the_data_was_refreshed():
    refreshed, now = status(30)
    fresh = freshness(refreshed, now, stale_after_seconds=120)
    assert fresh.text == "数据更新于 14:05:30"
    assert not fresh.stale


def test_freshness_says_plainly_when_the_data_is_stale():
    refreshed, now = status(600)
    fresh = freshness(refreshed, now, stale_after_seconds=120)
    assert fresh.text == "数据已超过 10 分钟未刷新"
    assert fresh.stale


def test_freshness_says_when_there_was_never_a_refresh():
    fresh = freshness(None, datetime.now(UTC), stale_after_seconds=120)
    assert fresh.text == "数据准备中：首次刷新完成后自动更新"
    assert fresh.stale


def test_freshness_mentions_a_failed_refresh():
    refreshed, now = status(10, error="boom")
    assert "出错" in freshness(refreshed, now, stale_after_seconds=120).text


# --- the shell's poll ------------------------------------------------------


def test_the_poll_publishes_a_new_data_version_only_when_it_changed(in_request, sqlite_engine):
    record_refresh(sqlite_engine, "v2")
    version, indicator, key = shell.poll_refresh(1, "v1", None)
    assert version == "v2"
    assert "数据更新于" in text(indicator)
    assert key is not no_update


def test_the_poll_changes_nothing_when_nothing_changed(in_request, sqlite_engine):
    record_refresh(sqlite_engine, "v2")
    _version, _indicator, key = shell.poll_refresh(1, "v1", None)
    assert shell.poll_refresh(2, "v2", key) == (no_update, no_update, no_update)


def test_the_shell_starts_from_the_current_version(in_request, sqlite_engine):
    record_refresh(sqlite_engine, "v7")
    layout = shell.layout()
    store = next(n for n in walk(layout) if n["props"].get("id") == ShellIds.DATA_VERSION)
    assert store["props"]["data"] == "v7"


# --- the wall screen -------------------------------------------------------


def test_the_screen_layout_has_every_panel_and_the_title(in_request):
    layout = screen.layout()
    assert {ScreenIds.MAP, ScreenIds.KPIS, *SLOT_IDS, *SLOT_TITLE_IDS} <= ids(layout)
    assert "示例市 小微权力监督驾驶舱" in text(layout)
    assert ShellIds.REFRESH_STATUS in ids(layout)


def test_the_screen_renders_the_root_and_a_focused_region(in_request):
    root = render_screen("v1", city.CITY)
    assert root[0] == "示例市 · 全域"
    assert "5日办结率" in text(root[1])
    assert root[2].data  # the map has polygons
    focused = render_screen("v1", city.JIA)
    assert focused[0] == "甲镇"
    # The default slots: categories, trend, ranking, red (a title and a body
    # each), then the ticker and today's figures.
    *slots, ticker, today = focused[4:]
    assert list(slots[::2]) == ["高频问题 TOP6", "5日办结率趋势", "村办结率最低", "最新红色预警"]
    assert [b.id for b in slots[1::2]] == [
        ScreenIds.CATEGORIES,
        ScreenIds.TREND,
        ScreenIds.RANKING,
        ScreenIds.RED_LIST,
    ]
    assert "今日" in text(today) and "受理" in text(today)
    assert "反映" in text(ticker) or "预警" in text(ticker)


def test_the_rotation_cycles_through_regions_and_wraps():
    rotation = [city.CITY, city.EAST, city.QINGLAN]
    assert next_focus(1, rotation, city.CITY) == city.EAST
    assert next_focus(2, rotation, city.QINGLAN) == city.CITY
    assert next_focus(1, [city.CITY], city.CITY) is no_update


# --- the inspector's region pages -----------------------------------------


def test_the_root_page_shows_analytics_with_a_window_selector(in_request):
    layout = region.home_layout(window="month")
    assert {RegionIds.MAP, RegionIds.RANKING, RegionIds.PARAMS, "window-preset"} <= ids(layout)
    params = next(n for n in walk(layout) if n["props"].get("id") == RegionIds.PARAMS)["props"]["data"]
    assert params == {"code": city.CITY, "window": {"window": "month"}}


def test_a_town_page_has_a_breadcrumb_keeping_the_window(in_request):
    layout = region.layout(code=city.JIA, **NOVEMBER)
    assert "示例市" in text(layout) and "东区" in text(layout)
    assert "/?from=2026-11-01&to=2026-11-20" in hrefs(layout)
    assert f"/region/{city.EAST}?from=2026-11-01&to=2026-11-20" in hrefs(layout)


def test_a_village_gets_the_village_page(in_request):
    layout = region.layout(code=city.V1, window="month")
    assert {VillageIds.PETITIONS, VillageIds.WARNINGS, VillageIds.PARAMS} <= ids(layout)
    assert RegionIds.MAP not in ids(layout)


def test_an_unknown_region_gets_a_not_found_page_with_a_link_back(in_request):
    layout = region.layout(code="123")
    assert "未找到该地区" in text(layout)
    assert "/" in hrefs(layout)


def test_a_bad_window_gets_a_message_not_a_stack_trace(in_request):
    for query in ({"window": "fortnight"}, {"from": "2026-11-01"}, {"from": "x", "to": "y"}):
        layout = region.layout(code=city.JIA, **query)
        assert "时间范围有误" in text(layout)


def test_the_region_panels_are_filled_for_the_window(in_request):
    kpis, fig_map, categories, trend, handling, ranking, red, warning_categories = render_region(
        "v1", {"code": city.CITY, "window": NOVEMBER}
    )
    assert "受理诉求" in text(kpis)
    assert "10" in text(kpis)  # P1-P7, P9, P10, P11
    # Weakest 5-day share first: 东区 62.5%, then 青岚市 100%; every cell links to its region.
    links = hrefs(ranking)
    east = f"/region/{city.EAST}?from=2026-11-01&to=2026-11-20"
    qinglan = f"/region/{city.QINGLAN}?from=2026-11-01&to=2026-11-20"
    assert links[0] == east and links[-1] == qinglan
    assert set(links) == {east, qinglan}
    assert "预警6" in text(red)
    # Every child region drawn, located by its code.
    assert sorted(maps.values(fig_map)) == sorted([city.EAST, city.QINGLAN])
    assert categories.data[0].y[-1] == "道路"
    assert sum(trend.data[0].y) == 10
    assert handling.data[0].x[0] == "1天内"
    # No category chosen: the categories are listed, none marked.
    assert "村级用工" in text(warning_categories) and "selected" not in json.dumps(
        warning_categories.to_plotly_json(), default=str
    )


def test_a_ten_year_window_shows_the_whole_history(in_request, sqlite_engine):
    """A term of office or a city's whole imported history is one custom
    window (it stopped at 1,098 days); a century and a day is refused."""
    decade = {"from": "2016-12-01", "to": "2026-11-30"}
    layout = region.layout(code=city.CITY, **decade)
    assert "时间范围有误" not in text(layout)
    with sqlite_engine.connect() as conn:
        received = conn.execute(select(func.count()).select_from(petitions)).scalar_one()
    kpis, _map, _categories, trend, *_ = render_region("v1", {"code": city.CITY, "window": decade})
    assert f"受理诉求{received}件" in text(kpis).replace(" ", "")
    assert sum(trend.data[0].y) == received  # by month: 120 of them
    assert len(trend.data[0].x) == 120
    too_long = region.layout(code=city.CITY, **{"from": "1900-01-01", "to": "2026-11-30"})
    assert "时间范围不能超过 100 年" in text(too_long)


def test_the_all_time_window_counts_everything_and_trends_from_the_first_month(in_request, sqlite_engine):
    """全部: every petition the store holds; its trend starts at the store's
    first month (September 2026 in the fixture), not at the window's 1980."""
    with sqlite_engine.connect() as conn:
        received = conn.execute(select(func.count()).select_from(petitions)).scalar_one()
    layout = region.layout(code=city.CITY, window="all")
    assert "时间范围有误" not in text(layout)
    kpis, _map, _categories, trend, *_ = render_region("v1", {"code": city.CITY, "window": {"window": "all"}})
    assert f"受理诉求{received}件" in text(kpis).replace(" ", "")
    assert sum(trend.data[0].y) == received
    assert str(trend.data[0].x[0]).startswith("2026-09")


def test_the_pages_use_the_stores_own_level_words(in_request, sqlite_engine):
    from cockpit.store.meta import set_level_words

    with sqlite_engine.begin() as conn:
        set_level_words(conn, {"county": "区"})
    assert "各区5日办结率（点击地图进入）" in text(region.layout(code=city.CITY, **NOVEMBER))
    assert "区排名" in text(region.layout(code=city.CITY, **NOVEMBER))
    assert "县（市、区）" not in text(region.layout(code=city.EAST, **NOVEMBER))


def test_the_region_page_keeps_a_warning_category_in_its_links(in_request):
    layout = region.layout(code=city.JIA, category="三资支出", **NOVEMBER)
    params = next(n for n in walk(layout) if n["props"].get("id") == RegionIds.PARAMS)["props"]["data"]
    assert params == {"code": city.JIA, "window": NOVEMBER, "category": "三资支出"}
    dropdown = next(n for n in walk(layout) if n["props"].get("id") == RegionIds.CATEGORY)["props"]
    assert dropdown["value"] == "三资支出"
    # The catalogue's categories first, then the store's own (fixture_city's are all in it).
    choices = [o["value"] for o in dropdown["options"]]
    assert choices[: len(catalogue_categories())] == catalogue_categories()
    assert "三资支出" in choices and len(choices) == len(set(choices))
    assert "「三资支出」未处置预警" in text(layout)
    assert (
        f"/region/{city.EAST}?from=2026-11-01&to=2026-11-20&category=%E4%B8%89%E8%B5%84%E6%94%AF%E5%87%BA"
        in hrefs(layout)
    )


def catalogue_categories() -> list[str]:
    return list(dict.fromkeys(rule.category for rule in load_catalogue().values()))


def test_a_warning_category_colours_the_map_and_orders_the_ranking(in_request):
    _kpis, fig_map, _top, _trend, _handling, ranking, _red, by_category = render_region(
        "v1", {"code": city.CITY, "window": NOVEMBER, "category": "惠民资金"}
    )
    # 惠民资金: W5 open under 青岚市, nothing open under 东区 (W4 was disposed in October).
    assert maps.values(fig_map) == {city.EAST: 0, city.QINGLAN: 1}
    assert "惠民资金" in maps.colour_bar(fig_map).title.text
    category = "&category=%E6%83%A0%E6%B0%91%E8%B5%84%E9%87%91"
    assert hrefs(ranking)[0] == f"/region/{city.QINGLAN}?from=2026-11-01&to=2026-11-20{category}"
    assert "未处置" in text(ranking) and "期内新增" in text(ranking)
    # The category table: every category of the city, the chosen one marked and linking back to 全部.
    (table,) = [n["props"]["html"] for n in walk(by_category) if n["type"] == "HtmlBlock"]
    selected = re.findall(r'<tr class="selected" data-href="([^"]*)"><td><a [^>]*>([^<]*)</a>', table)
    assert selected == [("/?from=2026-11-01&amp;to=2026-11-20", "惠民资金")]
    assert {"村级用工", "三资支出", "公章使用", "惠民资金"} <= set(text(by_category).split())


def test_choosing_a_category_changes_the_url_and_keeps_the_window():
    params = {"code": city.JIA, "window": NOVEMBER}
    search = "?from=2026-11-01&to=2026-11-20"
    url = navigate_category("三资支出", params, f"/region/{city.JIA}", search)
    assert (
        url
        == f"/region/{city.JIA}?from=2026-11-01&to=2026-11-20&category=%E4%B8%89%E8%B5%84%E6%94%AF%E5%87%BA"
    )
    cleared = navigate_category(
        None, {**params, "category": "三资支出"}, f"/region/{city.JIA}", url[url.index("?") :]
    )
    assert cleared == f"/region/{city.JIA}?from=2026-11-01&to=2026-11-20"
    assert navigate_category(None, params, "/", search) is no_update
    # A new window keeps the category.
    assert (
        navigate_preset("year", "/", "?window=month&category=%E4%B8%89") == "/?window=year&category=%E4%B8%89"
    )


def test_the_screen_map_can_follow_a_warning_category(app, sqlite_engine):
    settings = Settings(database_url=str(sqlite_engine.url), screen_map_metric="category:村级用工")
    with as_viewer(create_app(settings, sqlite_engine), LEADER):
        panels = render_screen("v1", city.CITY)
    # 村级用工: W1 is open in 一村 (东区); W3 was disposed.
    assert maps.values(panels[2]) == {city.EAST: 1, city.QINGLAN: 0}
    assert panels[3] == "各县（市、区）「村级用工」未处置预警"


def test_every_panel_the_setting_offers_exists():
    assert set(PANELS) == set(SCREEN_PANELS)


def test_the_screen_panels_setting_takes_four_different_panels_or_refuses():
    chosen = Settings.from_env({"COCKPIT_SCREEN_PANELS": "escalation, overdue,disclosure,queries"})
    assert chosen.screen_panels == ("escalation", "overdue", "disclosure", "queries")
    assert Settings.from_env({}).screen_panels == ("categories", "trend", "ranking", "red")
    # Five, as configured before the map grew: the third (under the map) is dropped.
    old = Settings.from_env({"COCKPIT_SCREEN_PANELS": "categories,handling,trend,ranking,red"})
    assert old.screen_panels == ("categories", "handling", "ranking", "red")
    for bad in (
        "escalation",
        "a,b,c,d",
        "red,red,trend,ranking",
        "red,trend,ranking,handling,links,overdue",
    ):
        with pytest.raises(SettingsError, match="COCKPIT_SCREEN_PANELS"):
            Settings.from_env({"COCKPIT_SCREEN_PANELS": bad})


@pytest.mark.parametrize("focus", [city.CITY, city.JIA, city.V1])
def test_a_wall_screen_can_show_the_inspector_analytics_as_panels(sqlite_engine, focus):
    """Every analytics panel renders for a kiosk (aggregates only: a record
    list would raise AggregatesOnlyError) at city, town and village focus."""
    analytics = [key for key in SCREEN_PANELS if key not in DEFAULT_SCREEN_PANELS]
    with sqlite_engine.begin() as conn:
        city.load(conn)
    for start in range(0, len(analytics), 4):
        chosen = analytics[start : start + 4]
        settings = Settings(database_url=str(sqlite_engine.url), screen_panels=tuple(chosen))
        with as_viewer(create_app(settings, sqlite_engine), KIOSK):
            panels = render_screen("v1", focus)[4:-2]
        for key, title, body in zip(chosen, panels[::2], panels[1::2], strict=True):
            assert isinstance(title, str) and title, key
            if key in analytics:
                assert body.id == (
                    ScreenIds.HANDLING if key == "handling" else f"{ScreenIds.PANEL_GRAPH}-{key}"
                )
                if key == "links":  # four figures, not a chart
                    assert "有群众反映的预警" in text(body)
                elif key == "handling":
                    assert body.figure.data or body.figure.layout.annotations, key
                else:  # a list of what needs attention, or why it is empty
                    assert text(body), key


def test_the_screen_map_metric_setting_takes_a_category_or_refuses_nonsense():
    assert (
        Settings.from_env({"COCKPIT_SCREEN_MAP_METRIC": "category:三资支出"}).screen_map_metric
        == "category:三资支出"
    )
    for bad in ("category:", "category: ", "三资支出", "share"):
        with pytest.raises(SettingsError, match="COCKPIT_SCREEN_MAP_METRIC"):
            Settings.from_env({"COCKPIT_SCREEN_MAP_METRIC": bad})


def test_the_village_panels_list_petitions_and_warnings_with_links(in_request):
    kpis, petition_trend, warning_trend, petitions, warnings = render_village(
        "v1", {"code": city.V1, "window": NOVEMBER}
    )
    assert sorted(hrefs(petitions)) == [f"/petition/{i}" for i in range(1, 6)]
    assert "/warning/1" in hrefs(warnings)
    assert "超期" in text(petitions)
    assert "5日办结率" in text(kpis)
    assert sum(petition_trend.data[0].y) == 5  # P1-P5
    assert [trace.name for trace in warning_trend.data] == ["新增预警", "处置完毕"]


def test_each_polygon_links_to_its_region_keeping_the_window_and_category(in_request):
    # A click opens the link its trace carries (assets/cockpit.js mapDrill).
    _kpis, fig_map, *_rest = render_region("v1", {"code": city.EAST, "window": {"window": "month"}})
    assert maps.links(fig_map)[city.JIA] == f"/region/{city.JIA}?window=month"
    params = {"code": city.EAST, "window": {"window": "month"}, "category": "村级用工"}
    _kpis, fig_map, *_rest = render_region("v1", params)
    assert (
        maps.links(fig_map)[city.JIA]
        == f"/region/{city.JIA}?window=month&category=%E6%9D%91%E7%BA%A7%E7%94%A8%E5%B7%A5"
    )


def test_choosing_a_window_changes_the_url():
    assert navigate_preset("year", f"/region/{city.JIA}") == f"/region/{city.JIA}?window=year"
    assert navigate_preset("custom", "/") is no_update
    assert navigate_range("2026-10-01", "2026-10-31", "/") == "/?from=2026-10-01&to=2026-10-31"
    assert navigate_range("2026-10-01", None, "/") is no_update
    assert navigate_range("2026-10-31", "2026-10-01", "/") is no_update


# --- warning queues --------------------------------------------------------


@pytest.fixture
def at_fixture_now(monkeypatch):
    """The queues judge "overdue" against the fixture's clock, not today's."""
    monkeypatch.setattr("cockpit.pages.queue.callbacks.now", lambda: city.NOW)


def test_the_queues_are_split_by_colour(in_request, at_fixture_now):
    red, yellow, green, *counts = render_queues("v1", QueueFilters().to_store())
    assert counts == ["3 条", "1 条", "3 条"]
    assert hrefs(red) == ["/warning/5", "/warning/1", "/warning/6"]  # oldest first
    assert hrefs(yellow) == ["/warning/2"]
    assert set(hrefs(green)) == {"/warning/3", "/warning/4", "/warning/7"}
    assert text(red).count("超期") == 2  # W5 and W1 are past due


def test_the_queues_follow_the_filters(in_request, at_fixture_now):
    red, yellow, green, *counts = render_queues("v1", QueueFilters(region=city.JIA, overdue=True).to_store())
    assert counts == ["1 条", "0 条", "0 条"]
    assert hrefs(red) == ["/warning/1"]
    assert hrefs(yellow) == [] and hrefs(green) == []
    assert "没有符合条件的预警" in text(green)


def test_queue_filters_go_into_the_url():
    assert navigate_filters(city.JIA, "村级用工", None, True) == (
        f"/warnings?region={city.JIA}&category=%E6%9D%91%E7%BA%A7%E7%94%A8%E5%B7%A5&overdue=1"
    )
    assert navigate_filters(None, None, None, False) == "/warnings"
    filters = QueueFilters.from_query({"region": city.JIA, "overdue": "1"})
    assert filters == QueueFilters(region=city.JIA, overdue=True)


def test_the_queue_page_offers_towns_and_villages_and_keeps_filters(in_request):
    layout = queue.layout(region=city.V1, overdue="1")
    dropdown = next(n for n in walk(layout) if n["props"].get("id") == QueueIds.REGION)["props"]
    values = [option["value"] for option in dropdown["options"]]
    assert city.V1 in values and city.EAST in values
    # Every level of a four-level hierarchy can be picked, branches first.
    assert city.JIA in values and values.index(city.JIA) < values.index(city.V1)
    labels = {option["value"]: option["label"] for option in dropdown["options"]}
    assert labels[city.EAST] == "东区（全部）" and labels[city.JIA] == "东区 · 甲镇（全部）"
    assert labels[city.V1] == "甲镇 · 一村"
    assert dropdown["value"] == city.V1


def test_the_queue_page_refuses_a_region_outside_the_root(in_request):
    assert "筛选的地区不存在" in text(queue.layout(region="999"))


# --- detail pages and 404 --------------------------------------------------


def test_a_petition_shows_its_trail(in_request):
    layout = petition.layout(petition_id="7")
    assert "诉求 P7" in text(layout)
    assert "上报上级" in text(layout) and "办结" in text(layout)


def test_a_warning_shows_its_lifecycle(in_request):
    layout = warning.layout(warning_id="3")
    assert "预警3" in text(layout)
    assert "签收处置" in text(layout) and "处置完毕" in text(layout)


def test_a_warning_without_evidence_says_so(in_request):
    layout = warning.layout(warning_id="3")
    assert "预警依据" in text(layout)
    assert "未记录规则依据" in text(layout)


def _raise_rule_warnings(engine) -> dict[str, int]:
    """Load the business records, run the engine: subject id -> warning id."""
    with engine.begin() as conn:
        fixture_records.load(conn)
        evaluate(conn, fixture_records.NOW)
        rows = conn.execute(
            select(warnings.c.subject_id, warnings.c.id).where(warnings.c.rule_version.is_not(None))
        ).all()
    return dict(rows)


def test_a_rule_raised_warning_shows_its_rule_thresholds_values_and_records(in_request, sqlite_engine):
    ids_by_subject = _raise_rule_warnings(sqlite_engine)
    shown = text(warning.layout(warning_id=str(ids_by_subject["L3"])))
    rule = load_catalogue()["LAB-02"]
    assert "预警依据" in shown and "未记录规则依据" not in shown
    assert "LAB-02" in shown and rule.name in shown and rule.version() in shown
    assert "生效阈值" in shown and rule.params[0].description in shown and "4 小时" in shown
    assert "涉及数值" in shown and "王某" in shown and "2026-11-05 09:00" in shown
    assert "关联业务记录" in shown and "村级用工" in shown and "L3" in shown


def test_a_warning_shows_every_linked_record_and_a_missing_one_plainly(in_request, sqlite_engine):
    ids_by_subject = _raise_rule_warnings(sqlite_engine)
    shown = text(warning.layout(warning_id=str(ids_by_subject["PO2"])))
    assert "惠民资金" in shown and "死亡登记" in shown and "陈某" in shown
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(warnings)
            .where(warnings.c.id == ids_by_subject["PO2"])
            .values(
                evidence=json.dumps(
                    {"rule_code": "SUB-01", "records": [{"table": "payouts", "external_id": "X"}]}
                )
            )
        )
    shown = text(warning.layout(warning_id=str(ids_by_subject["PO2"])))
    assert "该记录已不在库中" in shown and "X" in shown and "本规则无阈值参数" in shown
    with sqlite_engine.begin() as conn:
        conn.execute(
            update(warnings).where(warnings.c.id == ids_by_subject["PO2"]).values(evidence="not json")
        )
    assert "未记录规则依据" in text(warning.layout(warning_id=str(ids_by_subject["PO2"])))


def test_a_warning_about_a_petition_links_the_petition(in_request, sqlite_engine):
    evidence = {
        "rule_code": "PET-01",
        "thresholds": {},
        "values": {},
        "records": [{"table": "petitions", "external_id": "P7"}],
    }
    with sqlite_engine.begin() as conn:
        conn.execute(update(warnings).where(warnings.c.id == 3).values(evidence=json.dumps(evidence)))
    shown = text(warning.layout(warning_id="3"))
    assert "关联业务记录" in shown and "信访" in shown and "P7" in shown and "低保" in shown
    assert "该记录已不在库中" not in shown


# --- rule catalogue ----------------------------------------------------------


def test_the_rules_page_lists_every_catalogue_rule_with_its_thresholds(in_request):
    layout = rules.layout()
    shown = text(layout)
    catalogue = load_catalogue()
    assert "预警规则" in shown and RulesIds.TABLE in ids(layout)
    for rule in catalogue.values():
        assert rule.code in shown and rule.name in shown and rule.description in shown
        assert rule.version() in shown
        for param in rule.params:
            assert param.description in shown
    assert f"规则目录共 {len(catalogue)} 条规则" in shown
    # The fixture's own warnings (R-01 … R-07) are not in the catalogue: listed too.
    assert "R-04" in shown and "目录外规则" in shown and "另有 7 条目录外规则" in shown


def test_the_rules_page_counts_a_rules_warnings(in_request, sqlite_engine):
    _raise_rule_warnings(sqlite_engine)
    with sqlite_engine.connect() as conn:
        stats = rule_statistics(conn, Scope(city.CITY))
    rows = {row["code"]: row for row in rules.rule_rows(load_catalogue(), stats)}
    assert (rows["LAB-03"]["red"], rows["LAB-03"]["hits"]) == (2, 2)
    assert rows["R-04"]["rule"] is None and rows["R-04"]["false_alarm_share"] == 1.0
    assert [code for code in rows][: len(load_catalogue())] == list(load_catalogue())
    assert "100.0%" in text(rules.layout())


def test_the_rules_page_shows_each_rules_hit_rate_over_the_records_it_checks(in_request, sqlite_engine):
    _raise_rule_warnings(sqlite_engine)
    rows = {}
    for node in walk(rules.layout()):
        if node["type"] == "Tr":
            shown = " ".join(text(node).split())
            rows.update({code: shown for code in ("LAB-03", "PET-01") if f" {code} " in f" {shown} "})
    # LAB-03 flags L4 and L5 of the city's 9 labour rows; PET-01 P3, P4, P12 of 12 petitions.
    assert "22.2% 共 9 条用工" in rows["LAB-03"]
    assert "25.0% 共 12 条信访" in rows["PET-01"]


def test_the_navbar_links_the_rules_page(in_request):
    assert "/rules" in hrefs(rules.layout()) and "预警规则" in text(rules.layout())


def test_a_rule_with_no_warnings_shows_zeros(in_request):
    rows = {row["code"]: row for row in rules.rule_rows(load_catalogue(), rule_statistics_empty())}
    assert all(row["hits"] == 0 for row in rows.values())
    assert (
        rules.fmt_within(timedelta(hours=72)) == "3 天" and rules.fmt_within(timedelta(hours=36)) == "36 小时"
    )


def rule_statistics_empty():
    return pd.DataFrame(columns=RULE_STATISTICS_COLUMNS)


@pytest.mark.parametrize("bad", ["abc", "0", "999", "-1", None])
def test_a_bad_petition_or_warning_id_is_not_found(in_request, bad):
    assert "未找到该诉求" in text(petition.layout(petition_id=bad))
    assert "未找到该预警" in text(warning.layout(warning_id=bad))


def test_an_unknown_url_gets_the_404_page(in_request):
    assert "404" in text(not_found_404.layout())


def test_the_screen_can_be_pinned_to_one_region(in_request):
    layout = screen.layout(region=city.JIA)
    focus = next(n for n in walk(layout) if n["props"].get("id") == ScreenIds.FOCUS)
    assert focus["props"]["data"] == city.JIA


def test_the_screen_refuses_a_region_outside_the_root(in_request):
    layout = screen.layout(region="42")
    assert "未找到该地区" in text(layout)
    assert "/screen" in hrefs(layout)


@pytest.mark.parametrize(
    ("days", "scale", "freq"),
    [(30, "root", "day"), (30, "region", "week"), (30, "village", "week"), (120, "village", "month")],
)
def test_trends_use_periods_that_fit_the_window_and_the_region(days, scale, freq):
    from cockpit.pages.common import trend_freq
    from cockpit.timewindow import custom_window

    first = datetime(2026, 1, 1).date()
    window = custom_window(first, first + timedelta(days=days - 1))
    assert trend_freq(window, scale) == freq
