"""The inspector analytics page (/inspect, 督查分析), called directly on a
SQLite store holding the hand-worked fixtures of its figures: fixture_city
with the disclosures and queries of fixture_disclosure, the petitions of
fixture_recurrence and the records, warnings and petitions of fixture_links.

The figures themselves are checked by hand in tests/test_queries_*.py on
the three databases; these tests check that every section shows them, at
city, town and village level, to whom and with which links."""

from __future__ import annotations

from datetime import date

import pytest

from cockpit.app import create_app
from cockpit.components.urls import inspect_href
from cockpit.ids import InspectIds
from cockpit.pages import inspect
from cockpit.pages.inspect import callbacks
from cockpit.pages.inspect.sections import DEFAULT_SECTION, SECTIONS
from cockpit.pages.params import BadRequestError, inspect_params
from cockpit.settings import Settings
from cockpit.store.factories import write_petitions, write_warnings
from cockpit.timewindow import custom_window
from queries import disclosure, escalation, links, overdue, public_queries, recurrence, satisfaction
from queries.scope import AggregatesOnlyError, OutOfScopeError, Scope
from tests import fixture_city as city
from tests import fixture_disclosure, fixture_links, fixture_recurrence
from tests.layout import hrefs, ids, text
from tests.viewers import INSPECTOR, KIOSK, LEADER, TOWN, as_viewer

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-20"}
LEVELS = {"city": city.CITY, "town": city.JIA, "village": city.V1}


def load(conn) -> None:
    fixture_disclosure.load(conn)
    fixture_links._records(conn)
    write_warnings(conn, fixture_links.WARNINGS)
    write_petitions(conn, fixture_links.PETITIONS)
    write_petitions(conn, fixture_recurrence.PETITIONS)


@pytest.fixture
def app(sqlite_engine, monkeypatch):
    with sqlite_engine.begin() as conn:
        load(conn)
    monkeypatch.setattr(callbacks, "now", lambda: city.NOW)  # the fixtures' "now"
    return create_app(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)


def render(app, code: str, section: str, viewer=LEADER, window=NOVEMBER) -> list:
    with as_viewer(app, viewer):
        return callbacks.render_section("v1", {"code": code, "window": window, "section": section})


def page(app, viewer=LEADER, **query):
    with as_viewer(app, viewer):
        if "code" in query:
            return inspect.layout(**query)
        return inspect.home_layout(**query)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_renders_at_city_town_and_village_level(app, section, level):
    cards = render(app, LEVELS[level], section)
    assert cards and "暂无" not in text(cards[0])  # the KPI row comes first and has figures
    assert "Traceback" not in text(cards)


def test_the_page_has_a_tab_per_section_keeping_the_window(app):
    layout = page(app, code=city.JIA, section="overdue", **NOVEMBER)
    links_ = hrefs(layout)
    for key in SECTIONS:
        assert inspect_href(city.JIA, city.CITY, {**NOVEMBER, "section": key}) in links_
    assert InspectIds.BODY in ids(layout) and InspectIds.PARAMS in ids(layout)
    assert "甲镇 · 督查分析" in text(layout)
    # The breadcrumb goes back up to the city's analytics, same section and window.
    assert inspect_href(city.CITY, city.CITY, {**NOVEMBER, "section": "overdue"}) in links_


def test_sections_counted_at_now_say_so_instead_of_a_window_selector(app):
    at_now = text(page(app, code=city.CITY, section="overdue"))
    assert "统计时点：当前" in at_now
    windowed = text(page(app, code=city.CITY, section="disclosure"))
    assert "统计时点：当前" not in windowed and "时间范围" in windowed


def test_the_home_page_starts_at_the_viewers_region_with_the_first_section(app):
    assert "示例市 · 督查分析" in text(page(app))
    assert "甲镇 · 督查分析" in text(page(app, TOWN))
    assert SECTIONS[DEFAULT_SECTION].label in text(page(app))


def scope(code: str) -> Scope:
    return Scope(code, LEADER)


def test_the_overdue_section_shows_the_queries_figures_and_links_each_petition(app, conn):
    cards = render(app, city.CITY, "overdue")
    counts = overdue.overdue_counts(conn, scope(city.CITY), city.NOW).iloc[0]
    assert f"超期未办结{int(counts.overdue)}件" in text(cards[0]).replace(" ", "")
    late = overdue.overdue_petitions(conn, scope(city.CITY), city.NOW)
    assert len(late) > 0
    assert {f"/petition/{i}" for i in late["id"]} <= set(hrefs(cards))


@pytest.fixture
def conn(app, sqlite_engine):
    with sqlite_engine.connect() as found:
        yield found


def test_the_figures_on_each_section_are_the_queries(app, conn):
    window = custom_window(date(2026, 11, 1), date(2026, 11, 20), now=city.NOW)
    s = scope(city.CITY)
    expected = {
        "escalation": escalation.escalation_summary(conn, s, window).iloc[0],
        "satisfaction": satisfaction.satisfaction_summary(conn, s, window).iloc[0],
        "disclosure": disclosure.disclosure_summary(conn, s, window, city.NOW).iloc[0],
        "queries": public_queries.public_query_summary(conn, s, window, city.NOW).iloc[0],
        "recurrence": recurrence.repeated_problem_count(conn, s, city.NOW).iloc[0],
        "links": links.link_summary(conn, s, window).iloc[0],
    }
    kpis = {section: text(render(app, city.CITY, section)[0]).replace(" ", "") for section in expected}
    assert f"期内诉求{int(expected['escalation'].received):,}件" in kpis["escalation"]
    assert f"评价{int(expected['satisfaction'].rated)}件" in kpis["satisfaction"]
    assert f"应公开事项{int(expected['disclosure'].due)}项" in kpis["disclosure"]
    assert f"质询{int(expected['queries'].asked)}件" in kpis["queries"]
    assert f"重复反映的问题{int(expected['recurrence'].problems)}个" in kpis["recurrence"]
    assert f"有群众反映的预警{int(expected['links'].linked_warnings)}条" in kpis["links"]


def test_the_links_section_puts_each_warning_beside_its_petitions(app):
    cards = render(app, city.CITY, "links")
    found = set(hrefs(cards))
    assert any(h.startswith("/warning/") for h in found) and any(h.startswith("/petition/") for h in found)


def test_a_village_sees_its_disclosure_items_by_period(app):
    cards = render(app, city.V1, "disclosure", window={"window": "year"})
    assert "公开事项 × 期间" in text(cards)


def test_a_town_officer_sees_its_town_and_is_refused_elsewhere(app):
    assert "甲镇 · 督查分析" in text(page(app, TOWN, code=city.JIA, section="overdue"))
    assert "无权访问" in text(page(app, TOWN, code=city.YI, section="overdue"))
    assert render(app, city.JIA, "overdue", viewer=TOWN)
    with pytest.raises(OutOfScopeError):
        render(app, city.YI, "overdue", viewer=TOWN)


def test_an_inspector_sees_only_the_regions_assigned(app):
    assert render(app, city.V3, "recurrence", viewer=INSPECTOR)
    assert "无权访问" in text(page(app, INSPECTOR, code=city.JIA, section="overdue"))


def test_a_wall_screen_is_refused(app):
    assert "大屏不可访问" in text(page(app, KIOSK, code=city.CITY))
    with pytest.raises(AggregatesOnlyError):
        render(app, city.CITY, "overdue", viewer=KIOSK)


def test_bad_urls_get_a_page_not_an_error(app):
    assert "没有名为" in text(page(app, code=city.CITY, section="nonsense"))
    assert "不存在" in text(page(app, code="990199999999"))
    assert "时间范围有误" in text(page(app, code=city.CITY, window="nonsense"))


def test_the_params_store_is_checked():
    good = {"code": city.CITY, "window": {"window": "month"}, "section": "overdue"}
    assert inspect_params(good, SECTIONS)["section"] == "overdue"
    for bad in ({**good, "section": "x"}, {**good, "extra": 1}, {**good, "section": None}, "x", None):
        with pytest.raises(BadRequestError):
            inspect_params(bad, SECTIONS)


def test_a_list_cut_at_its_querys_limit_says_there_may_be_more():
    import pandas as pd

    from cockpit.components.report_table import Col, report_table

    columns = (Col("n", lambda r: r.n),)
    assert "共 3 条" in text(report_table(pd.DataFrame({"n": [1, 2, 3]}), columns, "无", limit=200))
    cut = text(report_table(pd.DataFrame({"n": range(200)}), columns, "无", limit=200))
    assert "200 条以上，显示前 100 条" in cut
    assert text(report_table(pd.DataFrame({"n": []}), columns, "无")) == "无"
