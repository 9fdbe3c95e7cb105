"""The wall screen, /screen, in a browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cockpit.components.wall import rule_name
from cockpit.ids import ScreenIds, ShellIds
from cockpit.refresh import refresh
from queries.scope import Scope
from queries.warnings import newest_red_warnings
from tests.browser.helpers import add_petition, css, number

pytestmark = pytest.mark.browser

MAP_CANVAS = f"{css(ScreenIds.MAP)} .choroplethlayer path.choroplethlocation"
RECEIVED = "受理诉求"


def open_screen(cockpit) -> dict[str, str]:
    """Load /screen; return its KPIs once the panels are filled."""
    cockpit.open("/screen", css(ScreenIds.CANVAS))
    kpis = cockpit.wait_kpis(ScreenIds.KPIS)
    cockpit.wait_visible(MAP_CANVAS)
    return kpis


def test_screen_shows_title_kpis_map_ranking_and_red_list(cockpit):
    city = cockpit.city
    kpis = open_screen(cockpit)

    assert cockpit.text(".screen-title") == f"{city.root.name} 小微权力监督驾驶舱"
    assert cockpit.text(css(ScreenIds.FOCUS_NAME)) == f"{city.root.name} · 全域"
    assert cockpit.text(css(ShellIds.REFRESH_STATUS)).startswith("数据更新于")
    # The window's figures, then the state now (docs/screen.md).
    assert list(kpis) == [
        RECEIVED,
        "5日办结率",
        "办理时长中位数",
        "已处置预警",
        "未办结诉求",
        "红色预警",
        "黄色预警",
    ]
    assert cockpit.texts(".kpi-group-caption")[1] == "当前状态"
    assert cockpit.texts(".kpi-group-caption")[0].startswith("近30天")
    assert 0 < number(kpis[RECEIVED]) < 5000
    assert number(kpis["未办结诉求"]) >= 0
    assert 0 <= float(kpis["5日办结率"]) <= 100
    assert float(kpis["办理时长中位数"]) > 0
    assert all(number(kpis[colour]) >= 0 for colour in ("红色预警", "黄色预警", "已处置预警"))

    # The map: an SVG choropleth of the towns, each town named on it.
    cockpit.wait(lambda: cockpit.map_point(ScreenIds.MAP, city.towns[0]), "the map never showed the towns")
    assert cockpit.text(css(ScreenIds.MAP_TITLE)) == "各乡镇（街道）5日办结率"
    labels = cockpit.texts(f"{css(ScreenIds.MAP)} .trace.scattergeo text")
    assert sorted(labels) == sorted(t.name for t in city.towns)

    # The ranking: one row per town (four, fewer than the rows it shows),
    # lowest share first, small samples after.
    names = cockpit.texts(f"{css(ScreenIds.RANKING)} .rank-name")
    assert sorted(names) == sorted(t.name for t in city.towns)
    shares = cockpit.texts(f"{css(ScreenIds.RANKING)} .rank-share")
    assert len(shares) == len(names) and all(s.endswith("%") or s in ("样本不足", "暂无") for s in shares)
    ranked = [float(s.rstrip("%")) for s in shares if s.endswith("%")]
    assert ranked == sorted(ranked)

    # The red list: the newest red warnings by rule (a long list scrolls, so it holds each twice).
    with city.engine.connect() as conn:
        newest = newest_red_warnings(conn, Scope(city.root.code), limit=8)
    newest_red = {
        rule_name(code) or f"{category}预警"
        for code, category in zip(newest["rule_code"], newest["category"], strict=True)
    }
    assert newest_red, "the sample city has no red warning"
    shown = cockpit.wait(
        lambda: set(cockpit.texts(f"{css(ScreenIds.RED_LIST)} .red-title")) or None, "the red list is empty"
    )
    assert shown == newest_red
    wait_for_canvas_fitted(cockpit, 1920, 1080)  # the design size: not scaled
    cockpit.check()
    cockpit.screenshot("screen")


def test_screen_counts_a_new_petition_without_reloading(start_cockpit, city_copy):
    cockpit = start_cockpit(city_copy, poll_seconds=1)
    before = number(open_screen(cockpit)[RECEIVED])
    cockpit.driver.execute_script("window.__sameDocument = true;")

    village = city_copy.villages[city_copy.towns[0].code][0]
    add_petition(
        city_copy,
        village,
        "SQ-BROWSER-LIVE-1",
        datetime.now(UTC) - timedelta(seconds=1),
        category="道路交通",
        summary="浏览器测试：新受理的诉求",
    )
    refresh(city_copy.engine)

    cockpit.wait(
        lambda: number(cockpit.kpis(ScreenIds.KPIS).get(RECEIVED) or "0") == before + 1,
        f"受理诉求 stayed at {before}",
        timeout=15,
    )
    # The figure rolled to its new value: its card is marked while it glows.
    changed = cockpit.driver.execute_script(
        "return Array.from(document.querySelectorAll('.screen-kpis .figure-changed .kpi-label'))"
        ".map(e => e.textContent);"
    )
    assert RECEIVED in changed
    assert cockpit.driver.execute_script("return window.__sameDocument === true;"), "the page reloaded"
    cockpit.check()


def wait_for_canvas_fitted(cockpit, width: int, height: int) -> None:
    """The 1920x1080 canvas is scaled to fit a ``width`` x ``height`` viewport,
    centred, and the page has no scrollbars."""
    scale = min(width / 1920, height / 1080)

    def fitted():
        left, top, w, h = cockpit.driver.execute_script(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
            "return [r.left, r.top, r.width, r.height];",
            css(ScreenIds.CANVAS),
        )
        return (
            abs(w - 1920 * scale) < 1
            and abs(h - 1080 * scale) < 1
            and abs(left - (width - w) / 2) < 1
            and abs(top - (height - h) / 2) < 1
        )

    cockpit.wait(fitted, f"the canvas was not fitted to {width}x{height}")
    sizes = cockpit.driver.execute_script(
        "const d = document.documentElement; return [d.scrollWidth, d.scrollHeight, innerWidth, innerHeight];"
    )
    assert sizes[0] <= sizes[2] and sizes[1] <= sizes[3], f"scrollbars: {sizes}"


def test_screen_scales_to_a_smaller_window_without_scrollbars(cockpit):
    cockpit.set_viewport(1280, 720)
    open_screen(cockpit)
    wait_for_canvas_fitted(cockpit, 1280, 720)
    cockpit.set_viewport(1000, 700)  # another shape: fitted to the width, centred vertically
    wait_for_canvas_fitted(cockpit, 1000, 700)
    cockpit.check()


def test_stale_data_covers_the_screen_with_a_banner(start_cockpit, city_copy):
    from sqlalchemy import update

    from cockpit.store.schema import refresh_state

    cockpit = start_cockpit(city_copy)
    with city_copy.engine.begin() as conn:  # the refresh stopped twelve minutes ago
        conn.execute(update(refresh_state).values(refreshed_at=datetime.now(UTC) - timedelta(minutes=12)))
    cockpit.open("/screen", css(ScreenIds.CANVAS))
    banner = f"{css(ScreenIds.CANVAS)} .refresh-stale"
    cockpit.wait_text(banner, lambda t: "分钟未刷新" in t, "the stale banner")
    top, width, height, size = cockpit.driver.execute_script(
        "const e = document.querySelector(arguments[0]); const r = e.getBoundingClientRect();"
        "return [r.top, r.width, r.height, parseFloat(getComputedStyle(e).fontSize)];",
        banner,
    )
    # Across the middle of the 1920x1080 canvas, in type readable from the back of the room.
    assert width > 1400 and top < 540 < top + height and size >= 56
    cockpit.check()
