"""Who sees what, called directly (no HTTP): every role × every region level
× every page, callback and export that takes a region or a record. A region
outside the viewer's regions is refused, never merely hidden; a wall-screen
kiosk gets aggregates only. (tests/test_access_http.py sends the same
requests over HTTP, hand-made callback requests included.)"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from cockpit.app import create_app
from cockpit.components.export import download_pack
from cockpit.pages import queue, region, rules, screen, weekly
from cockpit.pages.detail import petition, warning
from cockpit.pages.queue.callbacks import render_queues
from cockpit.pages.queue.filters import QueueFilters
from cockpit.pages.region.callbacks import render_region, render_village
from cockpit.pages.screen.callbacks import render_screen
from cockpit.settings import Settings
from cockpit.store.schema import petitions, warnings
from queries.scope import AccessDeniedError, AggregatesOnlyError, OutOfScopeError
from tests import fixture_city as city
from tests.viewers import ALL, KIOSK, VILLAGE_INSPECTOR, as_viewer

LEVELS = {
    "city": [city.CITY],
    "county": [city.EAST, city.QINGLAN],
    "town": [city.JIA, city.YI, city.BING],
    "village": [city.V1, city.V2, city.V3, city.V4],
}
EVERY_REGION = [code for codes in LEVELS.values() for code in codes]
VILLAGES = set(LEVELS["village"])
# Worked out by hand from tests/viewers.py and the fixture's tree: a town
# officer of 甲镇 sees 甲镇 and its villages 一村, 二村; the inspector of 三村
# and 丙镇 sees those and 四村 under 丙镇; nobody else sees anything above.
ALLOWED = {
    "leader": set(EVERY_REGION),
    "admin": set(EVERY_REGION),
    "kiosk": set(EVERY_REGION),
    "town": {city.JIA, city.V1, city.V2},
    "inspector": {city.V3, city.BING, city.V4},
    "v1-inspector": {city.V1},
}
VIEWERS = {**ALL, "v1-inspector": VILLAGE_INSPECTOR}
MONTH = {"window": "month"}
CASES = [(role, level, code) for role in VIEWERS for level, codes in LEVELS.items() for code in codes]


def case_id(case) -> str:
    role, level, code = case
    return f"{role}-{level}-{code[-6:]}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from cockpit.store import create_store, make_engine

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('access') / 'store.sqlite3'}")
    create_store(engine)
    with engine.begin() as conn:
        city.load(conn)
    yield create_app(Settings(database_url=str(engine.url), demo=False), engine)
    engine.dispose()


def dumped(component) -> str:
    """The whole layout as JSON: every prop, not only the text it shows."""
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      default=lambda c: c.to_plotly_json() if hasattr(c, "to_plotly_json") else str(c),
                      ensure_ascii=False)  # fmt: skip


def refused_page(component) -> bool:
    return "无权访问" in dumped(component)


def allowed(role: str, code: str) -> bool:
    return code in ALLOWED[role]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_region_page_and_its_panels_are_refused_outside_the_viewers_regions(app, case):
    role, _level, code = case
    viewer = VIEWERS[role]
    with as_viewer(app, viewer):
        params = {"code": code, "window": MONTH}
        if role == "kiosk" and code in VILLAGES and allowed(role, code):
            # The page draws the village's lists of records: refused whole
            # (a kiosk session cannot ask for it at all: cockpit.auth.kiosk).
            with pytest.raises(AggregatesOnlyError):
                region.layout(code=code, **MONTH)
        else:
            page = region.layout(code=code, **MONTH)
            assert refused_page(page) is not allowed(role, code)
        render = render_village if code in VILLAGES else render_region
        if not allowed(role, code):
            with pytest.raises(OutOfScopeError):
                render("v1", params)
        elif role == "kiosk" and code in VILLAGES:
            with pytest.raises(AggregatesOnlyError):  # a village page lists records
                render("v1", params)
        else:
            assert render("v1", params)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_warning_queue_is_refused_outside_the_viewers_regions(app, case):
    role, _level, code = case
    with as_viewer(app, VIEWERS[role]):
        if role == "kiosk" and allowed(role, code):
            # The page draws lists of warnings: refused whole (and a kiosk
            # session cannot ask for it at all: cockpit.auth.kiosk).
            with pytest.raises(AggregatesOnlyError):
                queue.layout(region=code)
        else:
            assert refused_page(queue.layout(region=code)) is not allowed(role, code)
        params = QueueFilters(region=code).to_store()
        if not allowed(role, code):
            with pytest.raises(OutOfScopeError):
                render_queues("v1", params)
        elif role == "kiosk":
            with pytest.raises(AggregatesOnlyError):
                render_queues("v1", params)
        else:
            assert render_queues("v1", params)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_wall_screen_is_refused_outside_the_viewers_regions(app, case):
    role, _level, code = case
    with as_viewer(app, VIEWERS[role]):
        page = dumped(screen.layout(region=code))
        assert ("不在您的管辖范围内" in page) is not allowed(role, code)
        if allowed(role, code):
            assert render_screen("v1", code)
        else:
            with pytest.raises(OutOfScopeError):
                render_screen("v1", code)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_weekly_pack_is_refused_outside_the_viewers_regions(app, case):
    role, _level, code = case
    with as_viewer(app, VIEWERS[role]):
        assert refused_page(weekly.layout(region=code)) is not allowed(role, code)
        if role == "kiosk":
            with pytest.raises(AccessDeniedError):
                download_pack(1, "2026-W46", code)
        elif not allowed(role, code):
            with pytest.raises(OutOfScopeError):
                download_pack(1, "2026-W46", code)
        # An allowed pack is built by tests/test_export_pages.py (it needs Chromium).


def _records(app, table) -> list[tuple[int, str]]:
    with app.server.extensions["cockpit"].engine.connect() as conn:
        return [
            tuple(row) for row in conn.execute(select(table.c.id, table.c.village_code).order_by(table.c.id))
        ]


@pytest.mark.parametrize("role", list(VIEWERS))
def test_a_petition_or_warning_outside_the_viewers_regions_is_not_shown(app, role):
    viewer = VIEWERS[role]
    for page, table in ((petition, petitions), (warning, warnings)):
        for record_id, village in _records(app, table):
            with as_viewer(app, viewer):
                shown = dumped(page.layout(str(record_id)))
            visible = allowed(role, village) and role != "kiosk"
            assert ("未找到" not in shown) is visible, (role, table.name, record_id, village)


def test_the_home_page_is_the_viewers_own_region(app):
    with as_viewer(app, ALL["town"]):
        page = dumped(region.home_layout(**MONTH))
    assert "甲镇" in page and "无权访问" not in page
    # Its breadcrumb starts at the town: no link up to the city or the county.
    assert f"/region/{city.EAST}" not in page
    # Links to "/" are the town's own page coloured by a warning category only.
    assert all("category=" in href for href in re.findall(r'"href": "(/\?[^"]*)"', page.replace("甲镇", "")))


def test_the_kiosk_screen_shows_no_warning_titles_or_amounts(app):
    with as_viewer(app, KIOSK):
        panels = dumped(render_screen("v1", city.CITY))
    assert "预警6" not in panels and "6,000" not in panels
    assert "公章使用预警" in panels  # the red list names the category instead


def test_the_rules_page_counts_the_viewers_own_region_only(app):
    # 甲镇's villages 一村, 二村 have warnings 1, 2, 3 and 7 (rules R-01, R-02,
    # ); 三村 and 四村 are not the town's.
    with as_viewer(app, ALL["town"]):
        page = dumped(rules.layout())
    assert "统计范围：甲镇" in page
    assert all(f"R-0{n}" in page for n in (1, 2, 3, 7))
    assert not any(f"R-0{n}" in page for n in (4, 5, 6))
    with as_viewer(app, ALL["leader"]):
        page = dumped(rules.layout())
    assert "统计范围：示例市" in page and all(f"R-0{n}" in page for n in range(1, 8))
