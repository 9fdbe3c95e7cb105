"""Logging in and out, and a wall screen signing in with its token, in a
browser (under the cockpit's Content-Security-Policy: any violation is a
console error, which fails the test)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from cockpit.auth.users import set_password
from cockpit.components import urls
from cockpit.ids import QueueIds, ScreenIds
from tests.browser.helpers import KIOSK_TOKEN, LEADER, LEADER_NAME, css

pytestmark = pytest.mark.browser


def test_a_visitor_logs_in_lands_where_they_were_going_and_logs_out(start_cockpit, sample_city):
    cockpit = start_cockpit(sample_city, user=None)
    cockpit.driver.get(cockpit.base + urls.WARNINGS)
    cockpit.wait_for_location(urls.LOGIN, {"next": urls.WARNINGS})
    cockpit.wait_visible("#username")
    cockpit.screenshot("login")

    cockpit.driver.find_element(By.CSS_SELECTOR, "#username").send_keys(LEADER)
    cockpit.driver.find_element(By.CSS_SELECTOR, "#password").send_keys("not-the-password")
    cockpit.driver.find_element(By.CSS_SELECTOR, "form.auth-form button[type=submit]").click()
    cockpit.wait_text(".auth-message", lambda t: "用户名或密码错误" in t, "no login error shown")

    cockpit.user = LEADER
    cockpit.open(urls.WARNINGS, css(QueueIds.RED))  # logs in through the form, then goes on
    cockpit.wait_for_location(urls.WARNINGS)
    assert cockpit.text(".navbar-user-name") == LEADER_NAME
    assert cockpit.text(".navbar-user-role") == "市纪委监委领导"
    cockpit.check()

    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, ".navbar-logout"))
    cockpit.wait_for_location(urls.LOGIN)
    cockpit.driver.get(cockpit.base + urls.WARNINGS)
    cockpit.wait_for_location(urls.LOGIN, {"next": urls.WARNINGS})
    cockpit.check()


def test_a_wall_screen_signs_in_with_its_token_and_shows_the_screen(start_cockpit, sample_city):
    cockpit = start_cockpit(sample_city, user=None)
    cockpit.driver.get(cockpit.base + urls.kiosk_href(KIOSK_TOKEN))
    cockpit.wait_for_location(urls.SCREEN)
    cockpit.wait_visible(css(ScreenIds.CANVAS))
    kpis = cockpit.wait_kpis(ScreenIds.KPIS)
    assert "受理诉求" in kpis
    cockpit.wait_visible(f"{css(ScreenIds.MAP)} .choroplethlayer path.choroplethlocation")
    cockpit.wait(
        lambda: cockpit.texts(f"{css(ScreenIds.RANKING)} .rank-name") or None, "the ranking stayed empty"
    )
    cockpit.check()  # every screen callback ran: none was refused


def test_a_wrong_token_gets_a_chinese_page(start_cockpit, sample_city):
    cockpit = start_cockpit(sample_city, user=None)
    cockpit.console.missing_document = cockpit.base + urls.kiosk_href("no-such-token")
    cockpit.driver.get(cockpit.base + urls.kiosk_href("no-such-token"))
    assert cockpit.text(".auth-title") == "大屏链接无效"
    cockpit.check()
    # And with no session the wall screen asks for a login.
    cockpit.console.missing_document = None
    cockpit.driver.get(cockpit.base + urls.SCREEN)
    cockpit.wait_for_location(urls.LOGIN, {"next": urls.SCREEN})


def test_an_open_page_whose_session_ends_goes_to_the_login_page(start_cockpit, city_copy):
    cockpit = start_cockpit(city_copy, poll_seconds=1)
    cockpit.open(urls.WARNINGS, css(QueueIds.RED))
    with city_copy.engine.begin() as conn:
        set_password(conn, LEADER, "a-new-password-77")  # ends every session of the account
    cockpit.wait_for_location(urls.LOGIN, {"next": urls.WARNINGS})
    # The one console entry allowed: the poll the server refused.
    refused = [e["message"] for e in cockpit.duo.get_logs() or []]
    assert all("status of 401" in message for message in refused), refused
    cockpit.wait_visible("#username")
