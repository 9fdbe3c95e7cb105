"""The administrator's pages (/admin, /admin/kiosk, /admin/thresholds,
/admin/audit) and the thresholds they set, called directly (no browser).

Pages and callbacks run inside a request with a viewer on ``flask.g``, as the
web layer leaves it; the thresholds' store, the refresh using them and the
audit log's refusal to be rewritten run on every database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import dash
import flask
import pytest
from dash.exceptions import PreventUpdate
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import DBAPIError

from cockpit.app import create_app
from cockpit.auth.audit import ACTIONS, record
from cockpit.auth.users import (
    authenticate,
    create_kiosk_token,
    create_user,
    get_account,
    kiosk_token_id,
    list_kiosk_tokens,
)
from cockpit.pages import rules
from cockpit.pages.admin import accounts, audit, kiosk, thresholds
from cockpit.pages.admin.accounts.callbacks import create_account, reset_password, toggle_account
from cockpit.pages.admin.audit.callbacks import navigate_filters
from cockpit.pages.admin.kiosk.callbacks import create_token, revoke_token
from cockpit.pages.admin.thresholds.callbacks import reset_threshold, save_threshold
from cockpit.refresh import refresh
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.thresholds import (
    ThresholdError,
    list_overrides,
    load_overrides,
    set_threshold,
)
from cockpit.rules.thresholds import (
    reset_threshold as reset_stored,
)
from cockpit.settings import Settings
from cockpit.store.access import audit_log, rule_thresholds
from cockpit.store.schema import rule_state, warnings
from queries.audit import audit_entries
from queries.scope import AccessDeniedError, Viewer
from tests import fixture_city as city
from tests import fixture_records
from tests.layout import text, walk

ADMIN = Viewer(name="admin", role="admin", regions=(city.CITY,), display_name="管理员")
OTHERS = {
    "leader": Viewer(name="leader", role="leader", regions=(city.CITY,)),
    "town": Viewer(name="jia", role="town", regions=(city.JIA,)),
    "inspector": Viewer(name="insp", role="inspector", regions=(city.EAST,)),
    "kiosk": Viewer(name="kiosk:大厅", role="kiosk", regions=(city.CITY,)),
}
IP = "10.1.2.3"
GOOD_PASSWORD = "Qingl4n-2026!"
PAGES = {
    "accounts": accounts.layout,
    "kiosk": kiosk.layout,
    "thresholds": thresholds.layout,
    "audit": audit.layout,
}


@pytest.fixture
def app(sqlite_engine):
    with sqlite_engine.begin() as conn:
        city.load(conn)
        create_user(conn, "admin", "Adm1n-secret-x", "admin", display_name="管理员")
        create_user(conn, "zhang.san", "Zh4ngsan-pass", "town", [city.JIA], "张三")
    return create_app(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)


@contextmanager
def viewing(app, who: Viewer | None) -> Iterator[None]:
    """A request from ``IP`` by ``who`` (None: nobody logged in)."""
    with app.server.test_request_context(environ_base={"REMOTE_ADDR": IP}):
        if who is not None:
            flask.g.viewer = who
        yield


def logged(engine: Engine, action: str | None = None) -> list[dict]:
    with engine.connect() as conn:
        return audit_entries(conn, action=action).to_dict("records")


def account_row_id(engine: Engine, username: str) -> dict:
    with engine.connect() as conn:
        return {"type": "admin-account-toggle", "key": get_account(conn, username).id}


# --- who may ---------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_an_administrator_sees_each_admin_page(app, page):
    with viewing(app, ADMIN):
        shown = text(PAGES[page]())
    assert "系统管理" in shown
    assert all(tab in shown for tab in ("账号", "大屏令牌", "阈值", "审计日志"))


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("page", PAGES)
def test_every_other_role_is_refused_each_admin_page(app, page, role):
    with viewing(app, OTHERS[role]), pytest.raises(AccessDeniedError, match="仅系统管理员可访问"):
        PAGES[page]()


def registered(path: str):
    return next(page["layout"] for page in dash.page_registry.values() if page["path"] == path)


def test_the_admin_pages_are_registered(app):
    paths = {page["path"] for page in dash.page_registry.values()}
    assert {"/admin", "/admin/kiosk", "/admin/thresholds", "/admin/audit"} <= paths


@pytest.mark.parametrize("path", ["/admin", "/admin/kiosk", "/admin/thresholds", "/admin/audit"])
def test_a_user_who_types_an_admin_url_is_told_no_and_it_is_logged(app, sqlite_engine, path):
    with viewing(app, OTHERS["inspector"]):
        shown = text(registered(path)())
    assert "无权访问" in shown and "仅系统管理员可访问" in shown and "审计日志" not in shown
    [entry] = logged(sqlite_engine, "denied")
    assert (entry["actor"], entry["role"], entry["target"], entry["ip"]) == ("insp", "inspector", path, IP)


def test_a_wall_screen_or_nobody_is_refused_an_admin_page_by_the_web_layer(app):
    for who in (OTHERS["kiosk"], None):
        with viewing(app, who), pytest.raises(AccessDeniedError):
            registered("/admin")()


def test_nobody_logged_in_is_refused_an_admin_page(app):
    with viewing(app, None), pytest.raises(AccessDeniedError, match="请先登录"):
        accounts.layout()


def _callbacks(engine: Engine) -> dict:
    """Every admin callback, with arguments that would change something."""
    toggle = account_row_id(engine, "zhang.san")
    key = {"type": "admin-reset-confirm", "key": toggle["key"]}
    return {
        "create_account": lambda: create_account(1, "li.si", "", "inspector", [city.EAST], GOOD_PASSWORD),
        "toggle_account": lambda: toggle_account(1, "deactivate", toggle),
        "reset_password": lambda: reset_password(1, GOOD_PASSWORD, key),
        "create_token": lambda: create_token(1, "大厅大屏", city.CITY),
        "revoke_token": lambda: revoke_token(1, {"type": "admin-kiosk-revoke", "key": 1}),
        "save_threshold": lambda: save_threshold(1, 8, {"type": "x", "key": "LAB-02:min_hours"}),
        "reset_threshold": lambda: reset_threshold(1, {"type": "x", "key": "LAB-02:min_hours"}),
        "navigate_filters": lambda: navigate_filters("login", "admin"),
    }


@pytest.mark.parametrize("role", [*OTHERS, None])
def test_every_admin_callback_refuses_anyone_but_an_administrator(app, sqlite_engine, role):
    """A hand-made POST to a callback runs the function: it must refuse, and change nothing."""
    with sqlite_engine.begin() as conn:
        create_kiosk_token(conn, "旧大屏")
    for name, call in _callbacks(sqlite_engine).items():
        with viewing(app, OTHERS.get(role)), pytest.raises(AccessDeniedError):
            call()
            pytest.fail(f"{name} ran for {role}")
    with sqlite_engine.connect() as conn:
        assert get_account(conn, "li.si") is None
        assert get_account(conn, "zhang.san").active
        assert authenticate(conn, "zhang.san", "Zh4ngsan-pass") is not None
        assert [t["revoked_at"] for t in list_kiosk_tokens(conn)] == [None]
        assert list_overrides(conn) == []
    assert logged(sqlite_engine) == []


def test_a_callback_without_a_click_does_nothing(app, sqlite_engine):
    with viewing(app, ADMIN), pytest.raises(PreventUpdate):
        create_account(None, "li.si", "", "inspector", [city.EAST], GOOD_PASSWORD)


# --- accounts --------------------------------------------------------------


def test_the_accounts_page_lists_each_account_with_its_role_and_regions(app):
    with viewing(app, ADMIN):
        shown = text(accounts.layout())
    assert "zhang.san" in shown and "张三" in shown and "乡镇纪检干部" in shown and "甲镇" in shown
    assert "admin" in shown and "系统管理员" in shown and "全域" in shown
    assert "创建账号" in shown and "至少 10 位" in shown


def test_creating_an_account_stores_it_and_logs_who_did_it(app, sqlite_engine):
    with viewing(app, ADMIN):
        table, note, *fields = create_account(
            1, "li.si", "李四", "inspector", [city.EAST, city.V4], GOOD_PASSWORD
        )
    assert "已创建账号 li.si" in text(note)
    assert "li.si 李四 监督检查室干部 东区、丙镇 · 四村 启用" in text(table)
    assert fields == ["", "", None, [], ""]
    with sqlite_engine.connect() as conn:
        account = authenticate(conn, "li.si", GOOD_PASSWORD)
    assert (account.role, account.display_name, account.regions) == (
        "inspector",
        "李四",
        (city.EAST, city.V4),
    )
    [entry] = logged(sqlite_engine, "user_admin")
    assert (entry["actor"], entry["role"], entry["target"], entry["ip"]) == ("admin", "admin", "li.si", IP)
    assert entry["detail"] == f"创建账号（监督检查室干部：东区（{city.EAST}）、四村（{city.V4}））"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (("li.si", "", "inspector", [city.EAST], "short1!"), "密码至少 10 位"),
        (("li.si", "", "inspector", [city.EAST], "li.si-li.si-2026"), "密码不能包含用户名"),
        (("li.si", "", "inspector", [city.EAST], "aaaaaaaaaaaa"), "不同字符太少"),
        (("li.si", "", None, [city.EAST], GOOD_PASSWORD), "请选择角色"),
        (("", "", "inspector", [city.EAST], GOOD_PASSWORD), "请填写用户名"),
        (("li si", "", "inspector", [city.EAST], GOOD_PASSWORD), "用户名须为"),
        (("zhang.san", "", "inspector", [city.EAST], GOOD_PASSWORD), "已存在"),
        (("li.si", "", "town", [city.JIA, city.YI], GOOD_PASSWORD), "只能指定一个乡镇"),
        (("li.si", "", "inspector", [], GOOD_PASSWORD), "必须指定至少一个地区"),
        (("li.si", "", "leader", [city.JIA], GOOD_PASSWORD), "无需指定地区"),
    ],
)
def test_a_bad_new_account_is_refused_with_the_reason(app, sqlite_engine, fields, problem):
    with viewing(app, ADMIN):
        table, note, *kept = create_account(1, *fields)
    assert problem in text(note) and "admin-error" in json.dumps(note.to_plotly_json())
    assert table is not None and all(field is not None for field in kept)  # no_update: the form is kept
    with sqlite_engine.connect() as conn:
        assert get_account(conn, "li.si") is None
    assert logged(sqlite_engine) == []


def test_deactivating_and_reactivating_an_account_is_logged(app, sqlite_engine):
    row = account_row_id(sqlite_engine, "zhang.san")
    with viewing(app, ADMIN):
        badge, label, intent, colour, _note = toggle_account(1, "deactivate", row)
    assert (text(badge), label, intent, colour) == ("已停用", "启用", "activate", "outline-success")
    with sqlite_engine.connect() as conn:
        assert not get_account(conn, "zhang.san").active
        assert authenticate(conn, "zhang.san", "Zh4ngsan-pass") is None
    with viewing(app, ADMIN):
        badge, label, intent, _colour, _note = toggle_account(2, "activate", row)
    assert (text(badge), label, intent) == ("启用", "停用", "deactivate")
    with sqlite_engine.connect() as conn:
        assert get_account(conn, "zhang.san").active
    details = [(e["target"], e["detail"]) for e in logged(sqlite_engine, "user_admin")]
    assert details == [("zhang.san", "启用账号"), ("zhang.san", "停用账号")]


def test_a_second_click_on_a_stale_button_changes_nothing(app, sqlite_engine):
    row = account_row_id(sqlite_engine, "zhang.san")
    with viewing(app, ADMIN):
        toggle_account(1, "deactivate", row)
        toggle_account(2, "deactivate", row)
    assert len(logged(sqlite_engine, "user_admin")) == 1


def test_an_administrator_cannot_deactivate_itself(app, sqlite_engine):
    with viewing(app, ADMIN):
        *_, note = toggle_account(1, "deactivate", account_row_id(sqlite_engine, "admin"))
        page = accounts.layout()
    assert "不能停用自己的账号" in text(note)
    own = [n for n in walk(page) if n["props"].get("title") == "不能停用自己的账号"]
    assert len(own) == 1 and own[0]["props"]["disabled"] is True
    with sqlite_engine.connect() as conn:
        assert get_account(conn, "admin").active
    assert logged(sqlite_engine) == []


def test_resetting_a_password_takes_effect_and_is_logged(app, sqlite_engine):
    key = {"type": "admin-reset-confirm", "key": account_row_id(sqlite_engine, "zhang.san")["key"]}
    with viewing(app, ADMIN):
        note, cleared = reset_password(1, GOOD_PASSWORD, key)
    assert "密码已重设" in text(note) and cleared == ""
    with sqlite_engine.connect() as conn:
        assert authenticate(conn, "zhang.san", GOOD_PASSWORD) is not None
        assert authenticate(conn, "zhang.san", "Zh4ngsan-pass") is None
    [entry] = logged(sqlite_engine, "user_admin")
    assert (entry["target"], entry["detail"]) == ("zhang.san", "重设密码")
    assert GOOD_PASSWORD not in json.dumps(logged(sqlite_engine), default=str)


def test_a_weak_reset_password_is_refused(app, sqlite_engine):
    key = {"type": "admin-reset-confirm", "key": account_row_id(sqlite_engine, "zhang.san")["key"]}
    with viewing(app, ADMIN):
        note, _kept = reset_password(1, "abc", key)
    assert "密码至少 10 位" in text(note)
    with sqlite_engine.connect() as conn:
        assert authenticate(conn, "zhang.san", "Zh4ngsan-pass") is not None
    assert logged(sqlite_engine) == []


# --- wall-screen tokens ----------------------------------------------------


def test_a_new_kiosk_token_is_shown_once_and_only_its_digest_kept(app, sqlite_engine):
    with viewing(app, ADMIN):
        alert, table, name = create_token(1, "指挥中心大屏", city.JIA)
        page_after = text(kiosk.layout())
    url = text(alert).split("http://localhost/kiosk/")[1].split()[0]
    token = url.strip()
    assert "只显示这一次" in text(alert) and name == ""
    assert "指挥中心大屏 东区 · 甲镇" in text(table)
    with sqlite_engine.connect() as conn:
        token_id = kiosk_token_id(conn, token)
        [stored] = list_kiosk_tokens(conn)
    assert token_id == stored["id"] and stored["region_code"] == city.JIA
    assert token not in page_after and token not in json.dumps(stored, default=str)
    [entry] = logged(sqlite_engine, "kiosk_admin")
    assert token not in json.dumps(entry, default=str)
    assert (entry["target"], entry["ip"]) == (str(token_id), IP)
    assert entry["detail"] == f"创建大屏令牌「指挥中心大屏」，地区 甲镇（{city.JIA}）"


def test_a_kiosk_token_needs_a_name(app, sqlite_engine):
    with viewing(app, ADMIN):
        note, *_ = create_token(1, "  ", city.CITY)
    assert "请填写大屏名称" in text(note)
    assert logged(sqlite_engine) == []


def test_revoking_a_kiosk_token_ends_it_and_is_logged_once(app, sqlite_engine):
    with viewing(app, ADMIN):
        alert, _table, _name = create_token(1, "大厅", None)
    token = text(alert).split("/kiosk/")[1].split()[0]
    with sqlite_engine.connect() as conn:
        token_id = kiosk_token_id(conn, token)
    button = {"type": "admin-kiosk-revoke", "key": token_id}
    with viewing(app, ADMIN):
        status, disabled = revoke_token(1, button)
        revoke_token(2, button)
    assert "已撤销" in text(status) and disabled is True
    with sqlite_engine.connect() as conn:
        assert kiosk_token_id(conn, token) is None
    assert [e["detail"] for e in logged(sqlite_engine, "kiosk_admin")] == [
        "撤销大屏令牌「大厅」",
        "创建大屏令牌「大厅」，地区 示例市（990100000000）",
    ]


# --- thresholds ------------------------------------------------------------

KEY = {"type": "admin-threshold-save", "key": "LAB-02:min_hours"}


def test_the_thresholds_page_shows_every_parameter_with_default_and_value_in_force(app, sqlite_engine):
    with viewing(app, ADMIN):
        save_threshold(1, 8, KEY)
        page = thresholds.layout()
    shown = text(page)
    catalogue = load_catalogue()
    for rule in catalogue.values():
        assert rule.code in shown and rule.name in shown
        for param in rule.params:
            assert param.description in shown
    assert "其中 1 个已修改" in shown and "已修改" in shown
    inputs = {
        n["props"]["id"]["key"]: n["props"]["value"]
        for n in walk(page)
        if isinstance(n["props"].get("id"), dict) and n["props"]["id"]["type"] == "admin-threshold-value"
    }
    assert len(inputs) == sum(len(rule.params) for rule in catalogue.values())
    assert inputs["LAB-02:min_hours"] == 8 and inputs["LAB-01:grace_hours"] == 0
    assert inputs["FUN-04:relations"] == "配偶、子女、父母、兄弟姐妹"


def test_a_saved_threshold_is_stored_shown_on_the_rules_page_and_logged(app, sqlite_engine):
    rule = load_catalogue()["LAB-02"]
    with viewing(app, ADMIN):
        cell, note, value = save_threshold(1, 8, KEY)
        rules_page = text(rules.layout())
    assert "8" in text(cell) and "已修改" in text(cell) and "admin 于" in text(cell)
    assert "已保存" in text(note) and value == 8
    with sqlite_engine.connect() as conn:
        assert load_overrides(conn) == {"LAB-02": {"min_hours": 8}}
    assert "（默认 4）" in rules_page and rule.version({"min_hours": 8}) in rules_page
    assert rule.version() not in rules_page
    [entry] = logged(sqlite_engine, "threshold")
    assert (entry["actor"], entry["role"], entry["ip"]) == ("admin", "admin", IP)
    assert (entry["target"], entry["detail"]) == ("LAB-02:min_hours", "4 → 8")


@pytest.mark.parametrize(
    ("key", "raw", "problem"),
    [
        ("LAB-02:min_hours", -1, "不能为负数"),
        ("LAB-02:min_hours", None, "请输入一个数"),
        ("LAB-02:min_hours", "abc", "“abc”不是数字"),
        ("LAB-03:check_registry", 2, "只能为 1（是）或 0（否）"),
        ("SEAL-02:work_end_hour", 25, "须在 0 到 24 时之间"),
        ("FUN-04:relations", " 、, ", "请输入至少一个词"),
        ("LAB-02:no_such", 1, "没有参数 no_such"),
        ("NOPE-01:min_hours", 1, "没有规则 NOPE-01"),
    ],
)
def test_a_bad_threshold_is_refused_with_a_message(app, sqlite_engine, key, raw, problem):
    with viewing(app, ADMIN):
        _cell, note, _value = save_threshold(1, raw, {"type": "admin-threshold-save", "key": key})
    assert problem in text(note) and "admin-error" in json.dumps(note.to_plotly_json())
    with sqlite_engine.connect() as conn:
        assert list_overrides(conn) == []
    assert logged(sqlite_engine) == []


def test_a_list_threshold_takes_words_separated_any_way(app, sqlite_engine):
    key = {"type": "admin-threshold-save", "key": "FUN-04:relations"}
    with viewing(app, ADMIN):
        _cell, _note, value = save_threshold(1, "配偶，子女 父母", key)
    assert value == "配偶、子女、父母"
    with sqlite_engine.connect() as conn:
        assert load_overrides(conn) == {"FUN-04": {"relations": ["配偶", "子女", "父母"]}}
    assert logged(sqlite_engine, "threshold")[0]["detail"] == "配偶、子女、父母、兄弟姐妹 → 配偶、子女、父母"


def test_resetting_a_threshold_deletes_its_override(app, sqlite_engine):
    with viewing(app, ADMIN):
        save_threshold(1, 8, KEY)
        cell, note, value = reset_threshold(1, KEY)
    assert "已恢复默认值 4" in text(note) and value == 4 and "已修改" not in text(cell)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(rule_thresholds)).scalar() == 0
    assert [e["detail"] for e in logged(sqlite_engine, "threshold")] == ["8 → 4（默认值）", "4 → 8"]


def test_saving_the_value_in_force_changes_nothing(app, sqlite_engine):
    with viewing(app, ADMIN):
        _cell, note, _value = save_threshold(1, 4, KEY)
        reset_threshold(1, KEY)
    assert "未作修改" in text(note)
    assert logged(sqlite_engine) == []


# --- the thresholds' store, on every database ------------------------------


def test_a_threshold_set_to_its_default_leaves_no_row(engine):
    rule = load_catalogue()["LAB-02"]
    with engine.begin() as conn:
        assert set_threshold(conn, rule, "min_hours", 8.0, "admin") is True
        assert load_overrides(conn) == {"LAB-02": {"min_hours": 8}}  # a whole number is kept as one
        assert set_threshold(conn, rule, "min_hours", 8, "admin") is False
        assert set_threshold(conn, rule, "min_hours", 4.0, "admin") is True
        assert list_overrides(conn) == []
        assert reset_stored(conn, rule, "min_hours", "admin") is False
    assert rule.version({"min_hours": 8.0}) != rule.version() == rule.version({"min_hours": 4})


def test_a_stored_threshold_the_catalogue_no_longer_has_is_ignored(engine):
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            rule_thresholds.insert(),
            [
                {"rule_code": "GONE-01", "param": "x", "value": "1", "changed_by": "a", "changed_at": now},
                {"rule_code": "LAB-02", "param": "gone", "value": "1", "changed_by": "a", "changed_at": now},
                {
                    "rule_code": "LAB-02",
                    "param": "min_amount",
                    "value": '"abc"',
                    "changed_by": "a",
                    "changed_at": now,
                },
                {
                    "rule_code": "LAB-02",
                    "param": "min_hours",
                    "value": "6.5",
                    "changed_by": "a",
                    "changed_at": now,
                },
            ],
        )
        assert load_overrides(conn) == {"LAB-02": {"min_hours": 6.5}}


def test_set_threshold_refuses_a_bad_value(engine):
    rule = load_catalogue()["FUN-04"]
    with engine.begin() as conn, pytest.raises(ThresholdError, match="须为一个或多个词"):
        set_threshold(conn, rule, "relations", [], "admin")


def raised(engine: Engine, rule_code: str) -> set[str]:
    with engine.connect() as conn:
        query = select(warnings.c.subject_id).where(warnings.c.rule_code == rule_code)
        return set(conn.execute(query).scalars())


def test_refresh_raises_warnings_with_the_thresholds_in_force(engine):
    """LAB-01 with 72 h' grace no longer flags L2 (started two days before it
    was filed); LAB-02 moved from 4 to 8 hours flags L6 (declared 6 h after
    filing) on the next refresh, though L6 has not changed since."""
    catalogue = load_catalogue()
    with engine.begin() as conn:
        city.load(conn)
        fixture_records.load(conn)
        set_threshold(conn, catalogue["LAB-01"], "grace_hours", 72, "admin")
    refresh(engine, now=fixture_records.NOW)
    assert raised(engine, "LAB-01") == set()
    assert raised(engine, "LAB-02") == {"L3"}
    with engine.begin() as conn:
        set_threshold(conn, catalogue["LAB-02"], "min_hours", 8, "admin")
    refresh(engine, now=fixture_records.NOW + timedelta(minutes=5))
    assert raised(engine, "LAB-02") == {"L3", "L6"}
    with engine.connect() as conn:
        versions = dict(conn.execute(select(rule_state.c.rule_code, rule_state.c.rule_version)).all())
    assert versions["LAB-02"] == catalogue["LAB-02"].version({"min_hours": 8})
    assert versions["LAB-01"] == catalogue["LAB-01"].version({"grace_hours": 72})


# --- the audit log ---------------------------------------------------------


def _log(engine: Engine, entries: list[tuple[str, str]], start: datetime) -> None:
    with engine.begin() as conn:
        for i, (actor, action) in enumerate(entries):
            record(conn, actor, action, target=f"T{i}", ip=IP, at=start + timedelta(minutes=i))


def test_the_audit_page_lists_entries_newest_first_in_beijing_time(app, sqlite_engine):
    _log(
        sqlite_engine,
        [("zhang.san", "login"), ("admin", "threshold")],
        datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    )
    with viewing(app, ADMIN):
        page = audit.layout()
    shown = text(page)
    assert shown.index("2026-12-01 09:01:00") < shown.index("2026-12-01 09:00:00")
    assert "修改阈值" in shown and "登录" in shown and "zhang.san" in shown and IP in shown
    assert "本页 2 条" in shown and "更早" not in shown


def test_the_audit_page_filters_by_action_and_actor(app, sqlite_engine):
    _log(
        sqlite_engine,
        [("zhang.san", "login"), ("admin", "login"), ("zhang.san", "export")],
        datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    )
    with viewing(app, ADMIN):
        by_action = text(audit.layout(action="login"))
        by_actor = text(audit.layout(actor="zhang.san"))
        both = text(audit.layout(action="login", actor="zhang.san"))
        unknown = text(audit.layout(action="rm -rf"))
        href = navigate_filters("login", " zhang.san ")
    assert "T0" in by_action and "T1" in by_action and "T2" not in by_action
    assert "T0" in by_actor and "T2" in by_actor and "T1" not in by_actor
    assert "T0" in both and "T1" not in both and "T2" not in both
    assert "本页 3 条" in unknown
    assert href == "/admin/audit?action=login&actor=zhang.san"


def test_the_audit_page_goes_back_200_entries_at_a_time(app, sqlite_engine):
    _log(sqlite_engine, [("admin", "login")] * 205, datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    with viewing(app, ADMIN):
        first = audit.layout()
        older = [n["props"]["href"] for n in walk(first) if n["props"].get("id") == "admin-audit-older"]
        assert len(older) == 1 and older[0].startswith("/admin/audit?before=")
        before = older[0].split("before=")[1]
        second = text(audit.layout(before=before))
    assert "本页 200 条" in text(first)
    assert "本页 5 条（已到最早）" in second and "T4 " in second + " " and "T5 " not in second + " "
    assert "最新" in second


def test_every_action_has_a_label_in_the_filter(app):
    with viewing(app, ADMIN):
        page = audit.layout()
    [dropdown] = [n for n in walk(page) if n["props"].get("id") == "admin-audit-action"]
    assert [o["value"] for o in dropdown["props"]["options"]] == list(ACTIONS)


def test_the_audit_log_refuses_update_and_delete(engine):
    at = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        record(conn, "admin", "threshold", "LAB-02:min_hours", "4 → 8", role="admin", ip=IP, at=at)
    for statement in (update(audit_log).values(detail="4 → 4"), delete(audit_log)):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.actor, audit_log.c.detail)).all()
    assert [tuple(row) for row in rows] == [("admin", "4 → 8")]
