"""Addresses the cockpit does not know, and bad input in the URL: a plain
Chinese message with a way back, never a stack trace."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MESSAGE = ".message-card"
NOT_ERRORS = ("Traceback", "Error", "Exception", "undefined", "null")


def assert_message(cockpit, title: str, detail: str | None = None) -> None:
    cockpit.wait_text(".message-title", lambda t: t == title, f"message should be {title}")
    if detail is not None:
        assert detail in cockpit.text(".message-detail")
    body = cockpit.text("body")
    assert not [word for word in NOT_ERRORS if word in body], body
    assert cockpit.texts(f"{MESSAGE} a.btn"), "the message offers no way back"
    cockpit.check()


def test_unknown_addresses_show_a_chinese_not_found_page(cockpit):
    cockpit.open("/region/000000000000", MESSAGE, missing=True)
    assert_message(cockpit, "未找到该地区", "地区代码 000000000000 不存在")
    cockpit.screenshot("not-found-region")

    cockpit.open("/no/such/page", MESSAGE, missing=True)
    assert_message(cockpit, "未找到该页面", "（404）")

    cockpit.open("/petition/99999999", MESSAGE, missing=True)
    assert_message(cockpit, "未找到该诉求", "99999999")

    cockpit.open("/warning/not-a-number", MESSAGE, missing=True)
    assert_message(cockpit, "未找到该预警", "not-a-number")


def test_a_bad_time_window_shows_a_clear_message(cockpit):
    root = cockpit.city.root.code
    cockpit.open(f"/region/{root}?from=2026-13-01&to=x", MESSAGE)
    assert_message(cockpit, "时间范围有误", "日期格式应为 YYYY-MM-DD")
    cockpit.screenshot("bad-window")

    cockpit.open(f"/region/{root}?window=fortnight", MESSAGE)
    assert_message(cockpit, "时间范围有误", "未知的时间范围")

    cockpit.open(f"/region/{root}?from=2026-10-31&to=2026-10-01", MESSAGE)
    assert_message(cockpit, "时间范围有误", "结束日期早于开始日期")
