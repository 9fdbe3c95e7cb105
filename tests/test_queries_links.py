"""Petitions linked to warnings (queries.links) and the raised priority in the
warning queue, against links worked out by hand in tests/fixture_links.py,
on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from cockpit.store.schema import petitions, warnings
from cockpit.timewindow import custom_window
from queries import links as q
from queries import warnings as qw
from queries.scope import AggregatesOnlyError, Scope
from tests import fixture_links
from tests.conftest import ALL_DATABASES, hand_worked_store
from tests.fixture_city import CITY, JIA, NOW, QINGLAN, V1, V2, V3, V4, window
from tests.viewers import KIOSK, LEADER, TOWN


@pytest.fixture(scope="module", params=ALL_DATABASES)
def store(request, database_urls):
    yield from hand_worked_store(request, database_urls, fixture_links.load)


@pytest.fixture(scope="module")
def ids(store):
    """External id -> id, for warnings and petitions."""
    with store.connect() as conn:
        found = dict(conn.execute(select(warnings.c.external_id, warnings.c.id)).all())
        found |= dict(conn.execute(select(petitions.c.external_id, petitions.c.id)).all())
    return found


def pairs(df) -> list[tuple]:
    return list(zip(df["warning_external_id"], df["petition_external_id"], df["basis"], strict=True))


# All eleven links of fixture_links (days = 30).
ALL_LINKS = {
    ("LW1", "LP1", "named"),
    ("LW2", "LP2", "topic"),
    ("LW6", "LP2", "topic"),
    ("LW3", "LP3", "named"),
    ("LW3", "LP4", "topic"),
    ("LW2", "LP6", "named"),
    ("LW6", "LP6", "topic"),
    ("LW4", "LP7", "named"),
    ("LW5", "LP8", "topic"),
    ("LW6", "LP10", "topic"),
    ("LW2", "LP10", "topic"),
}


def test_the_city_lists_named_links_first_then_the_newest_warning(store):
    with store.connect() as conn:
        df = q.petition_warning_links(conn, Scope(CITY), window())
    assert list(df.columns) == q.LINK_COLUMNS
    # Every link but LW6-LP10 (raised 10-25, received 10-20: both before the window).
    # Named by raised_at desc: LW4 11-17, LW3 11-16, LW1 11-14, LW2 11-10.
    # Topic by raised_at desc: LW3 11-16 (LP4), LW2 11-10 (LP2 11-05, then LP10 10-20),
    # LW5 11-03, LW6 10-25 (LP6 11-15, then LP2 11-05).
    assert pairs(df) == [
        ("LW4", "LP7", "named"),
        ("LW3", "LP3", "named"),
        ("LW1", "LP1", "named"),
        ("LW2", "LP6", "named"),
        ("LW3", "LP4", "topic"),
        ("LW2", "LP2", "topic"),
        ("LW2", "LP10", "topic"),
        ("LW5", "LP8", "topic"),
        ("LW6", "LP6", "topic"),
        ("LW6", "LP2", "topic"),
    ]
    first = df.iloc[0].to_dict()
    assert (first["warning_category"], first["petition_category"], first["village_name"]) == (
        "公章使用",
        "村干部作风",
        "三村",
    )
    assert (first["warning_status"], first["severity"]) == ("new", "low")
    assert str(first["raised_at"]) == "2026-11-17 09:00:00+08:00"
    assert str(first["received_at"]) == "2026-11-18 15:00:00+08:00"
    # Topic links carry no name; a project's name is no personal data.
    assert df.loc[df["basis"] == "topic", "matched"].isna().all()
    assert df.loc[df["petition_external_id"] == "LP3", "matched"].tolist() == ["村道硬化"]


def test_the_limit_keeps_the_first_rows(store):
    with store.connect() as conn:
        df = q.petition_warning_links(conn, Scope(CITY), window(), limit=3)
    assert pairs(df) == [("LW4", "LP7", "named"), ("LW3", "LP3", "named"), ("LW1", "LP1", "named")]


def test_a_pair_counts_when_either_side_is_in_the_window(store):
    with store.connect() as conn:
        # [10-20 00:00, 10-25 00:00): LP10 at 10-20 00:00 (the start is in); LW6 at 10-25 09:00 is out.
        from_midnight = q.petition_warning_links(
            conn, Scope(CITY), custom_window(date(2026, 10, 20), date(2026, 10, 24), NOW)
        )
        # [10-10, 10-20 00:00): LP10 is at the end, which is out; LP4 10-17 09:00 is in.
        to_midnight = q.petition_warning_links(
            conn, Scope(CITY), custom_window(date(2026, 10, 10), date(2026, 10, 19), NOW)
        )
        # 10-25 only: LW6 raised in it pairs with LP2, LP6 and LP10.
        lw6_day = q.petition_warning_links(
            conn, Scope(CITY), custom_window(date(2026, 10, 25), date(2026, 10, 25), NOW)
        )
        quiet = q.petition_warning_links(
            conn, Scope(CITY), custom_window(date(2026, 1, 1), date(2026, 1, 31), NOW)
        )
    assert pairs(from_midnight) == [("LW2", "LP10", "topic"), ("LW6", "LP10", "topic")]
    assert pairs(to_midnight) == [("LW3", "LP4", "topic")]
    assert pairs(lw6_day) == [("LW6", "LP6", "topic"), ("LW6", "LP2", "topic"), ("LW6", "LP10", "topic")]
    assert quiet.empty and list(quiet.columns) == q.LINK_COLUMNS  # fmt: skip


def test_topic_links_reach_exactly_days_apart(store):
    with store.connect() as conn:
        thirty = q.links_for_warning(conn, Scope(CITY), _id(conn, "LW3"))
        twenty = q.petition_warning_links(
            conn, Scope(CITY), custom_window(date(2026, 10, 1), date(2026, 11, 20), NOW), days=20
        )
    # LP4 is exactly 30 days before LW3: linked; LP5 one minute earlier: not.
    assert pairs(thirty) == [("LW3", "LP3", "named"), ("LW3", "LP4", "topic")]
    # With 20 days: LW3-LP4 (30 d), LW6-LP6 (21 d) and LW2-LP10 (21 d 9 h) drop;
    # named links do not depend on the days.
    assert set(pairs(twenty)) == ALL_LINKS - {
        ("LW3", "LP4", "topic"),
        ("LW6", "LP6", "topic"),
        ("LW2", "LP10", "topic"),
    }  # fmt: skip


def test_other_villages_and_petition_warnings_are_not_linked(store, ids):
    with store.connect() as conn:
        lp9 = q.links_for_petition(conn, Scope(CITY), ids["LP9"])
        lp5 = q.links_for_petition(conn, Scope(CITY), ids["LP5"])
        counts = q.linked_petition_counts(conn, Scope(CITY), [ids[f"LW{n}"] for n in range(1, 8)])
        city_own = q.linked_petition_counts(conn, Scope(CITY), range(1, 8))
    # LP9 (三村) names 龚静 and 陈小红, whose warnings are in 一村.
    assert lp9.empty and lp5.empty
    assert {ext: counts[ids[ext]] for ext in ("LW1", "LW2", "LW3", "LW4", "LW5", "LW6", "LW7")} == {
        "LW1": 1,  # LP1
        "LW2": 3,  # LP2, LP6, LP10
        "LW3": 2,  # LP3, LP4
        "LW4": 1,  # LP7
        "LW5": 1,  # LP8
        "LW6": 3,  # LP2, LP6, LP10
        "LW7": 0,  # about a petition: never linked
    }
    # fixture_city's W1-W7 link to nothing.
    assert city_own == dict.fromkeys(range(1, 8), 0)


def test_detail_views_list_both_sides(store, ids):
    with store.connect() as conn:
        lw2 = q.links_for_warning(conn, Scope(CITY), ids["LW2"])
        lp6 = q.links_for_petition(conn, Scope(CITY), ids["LP6"])
        lp2 = q.links_for_petition(conn, Scope(V1), ids["LP2"])
        elsewhere = q.links_for_warning(conn, Scope(V4), ids["LW2"])
    # Named first, then the newest petition: LP6 (named), LP2 11-05, LP10 10-20.
    assert pairs(lw2) == [("LW2", "LP6", "named"), ("LW2", "LP2", "topic"), ("LW2", "LP10", "topic")]
    # Named first, then the newest warning: LW2 (named), LW6 10-25.
    assert pairs(lp6) == [("LW2", "LP6", "named"), ("LW6", "LP6", "topic")]
    assert pairs(lp2) == [("LW2", "LP2", "topic"), ("LW6", "LP2", "topic")]
    assert lw2["warning_id"].unique().tolist() == [ids["LW2"]]
    assert lw2["petition_id"].tolist() == [ids["LP6"], ids["LP2"], ids["LP10"]]
    # 四村 cannot see 一村's warning.
    assert elsewhere.empty


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        # 甲镇 = 一村 + 二村: links 1-7 and 11 (10 is outside the window).
        (
            JIA,
            [("LW3", "LP3"), ("LW1", "LP1"), ("LW2", "LP6"), ("LW3", "LP4"), ("LW2", "LP2"),
             ("LW2", "LP10"), ("LW6", "LP6"), ("LW6", "LP2")],
        ),
        (V3, [("LW4", "LP7")]),
        (QINGLAN, [("LW5", "LP8")]),
        (V2, [("LW3", "LP3"), ("LW3", "LP4")]),
    ],
)  # fmt: skip
def test_links_are_limited_to_the_scope(store, region, expected):
    with store.connect() as conn:
        df = q.petition_warning_links(conn, Scope(region), window())
    assert [(w, p) for w, p, _basis in pairs(df)] == expected


def test_the_summary_counts_linked_warnings_petitions_and_links(store):
    with store.connect() as conn:
        city = q.link_summary(conn, Scope(CITY), window())
        town = q.link_summary(conn, Scope(JIA), window())
        village = q.link_summary(conn, Scope(V4), window())
        kiosk = q.link_summary(conn, Scope(CITY, KIOSK), window())
        quiet = q.link_summary(conn, Scope(CITY), custom_window(date(2026, 1, 1), date(2026, 1, 31), NOW))
    # City: the ten links of the window list; warnings LW1-LW6; petitions LP1, LP2, LP3,
    # LP4, LP6, LP7, LP8, LP10; named 4 (LW1-LP1, LW3-LP3, LW2-LP6, LW4-LP7), topic 6.
    assert city.to_dict("records") == [
        {"linked_warnings": 6, "linked_petitions": 8, "named_links": 4, "topic_links": 6}
    ]
    # 甲镇: LW1, LW2, LW3, LW6; LP1, LP2, LP3, LP4, LP6, LP10; named 3, topic 5.
    assert town.to_dict("records") == [
        {"linked_warnings": 4, "linked_petitions": 6, "named_links": 3, "topic_links": 5}
    ]
    assert village.to_dict("records") == [
        {"linked_warnings": 1, "linked_petitions": 1, "named_links": 0, "topic_links": 1}
    ]
    assert kiosk.equals(city)  # an aggregate: a wall screen may have it
    assert quiet.to_dict("records") == [
        {"linked_warnings": 0, "linked_petitions": 0, "named_links": 0, "topic_links": 0}
    ]
    assert all(str(t) == "int64" for t in city.dtypes)


def test_a_kiosk_gets_no_lists_of_links(store, ids):
    kiosk = Scope(CITY, KIOSK)
    with store.connect() as conn:
        for call in (
            lambda: q.petition_warning_links(conn, kiosk, window()),
            lambda: q.links_for_warning(conn, kiosk, ids["LW2"]),
            lambda: q.links_for_petition(conn, kiosk, ids["LP6"]),
        ):
            with pytest.raises(AggregatesOnlyError):
                call()


def test_names_are_masked_unless_unmasked(store, ids):
    with store.connect() as conn:
        masked = q.links_for_petition(conn, Scope(CITY, LEADER), ids["LP6"])
        leader = q.links_for_petition(conn, Scope(CITY, LEADER, unmasked=True), ids["LP6"])
        town = q.links_for_petition(conn, Scope(JIA, TOWN, unmasked=True), ids["LP6"])
        seal = q.links_for_warning(conn, Scope(CITY, LEADER), ids["LW4"])
        firm = q.links_for_warning(conn, Scope(CITY, LEADER), ids["LW5"])
    named = masked.iloc[0]
    assert named["matched"] == "陈某"
    assert named["petition_summary"] == "张某反映陈某已去世仍在领低保金，请回电 138****1111。"
    assert named["warning_title"] == "陈某 已死亡，仍发放低保金 800.00 元"
    full = leader.iloc[0]
    assert full["matched"] == "陈小红"
    assert full["petition_summary"] == fixture_links.LP6_REPORTER["summary"]
    assert full["warning_title"] == "陈小红 已死亡，仍发放低保金 800.00 元"
    # A town officer may unmask but not see who filed a real-name petition.
    shown = town.iloc[0]
    assert shown["matched"] == "陈小红"
    assert shown["petition_summary"] == "张某反映陈小红已去世仍在领低保金，请回电 138****1111。"
    # The seal's applicant comes from the record, and is masked in the petition too.
    assert (
        seal.iloc[0]["matched"] == "王某"
        and seal.iloc[0]["petition_summary"] == "反映王某未经审批私自使用公章。"
    )
    # A firm's name is no personal data: 恒通砂石场 stays in the title.
    assert firm.iloc[0]["warning_title"] == "向 恒通砂石场 支付 2940.00 元（接待费），无审批记录"


def test_names_need_two_han_characters():
    assert q.party_names("龚静、李、Tom、王某") == ("龚静",)
    assert q.project_names("村道硬化（2026年10月）") == ("村道硬化（2026年10月）", "村道硬化")
    assert q.project_names("路灯") == ("路灯",)


def test_the_priority_is_raised_one_step_when_petitions_are_linked():
    assert [q.raised_priority(s, 1) for s in ("low", "medium", "high")] == ["medium", "high", "high"]
    assert [q.raised_priority(s, 0) for s in ("low", "medium", "high")] == ["low", "medium", "high"]


def test_the_red_queue_puts_raised_priorities_first(store):
    with store.connect() as conn:
        red = qw.warning_queue(conn, Scope(CITY), NOW, status="new")
        yellow = qw.warning_queue(conn, Scope(CITY), NOW, status="pending")
        green = qw.warning_queue(conn, Scope(CITY), NOW, status="disposed")
        top = qw.warning_queue(conn, Scope(CITY), NOW, status="new", limit=2)
        village = qw.warning_queue(conn, Scope(V1), NOW, status="new")
    assert list(red.columns) == qw.WARNING_QUEUE_COLUMNS
    # High: LW5 (medium + 1 petition, 11-03), LW2 (high, 11-10), LW1 (medium + 1, 11-14).
    # Medium: W5 (09-20), W1 (11-15), LW4 (low + 1, 11-17), W6 (11-19), LW7 (11-13, about a petition)...
    # LW7 is medium and raised 11-13: between W5 and W1.
    assert red["external_id"].tolist() == ["LW5", "LW2", "LW1", "W5", "LW7", "W1", "LW4", "W6"]
    rows = red.set_index("external_id")
    assert rows.loc["LW4", ["severity", "linked_petitions", "priority", "priority_label"]].tolist() == [
        "low", 1, "medium", "中"
    ]  # fmt: skip
    assert rows.loc["LW2", ["severity", "linked_petitions", "priority"]].tolist() == ["high", 3, "high"]
    assert rows.loc["W5", ["linked_petitions", "priority"]].tolist() == [0, "medium"]
    assert str(red["linked_petitions"].dtype) == "int64"
    # The limit applies after the ranking.
    assert top["external_id"].tolist() == ["LW5", "LW2"]
    # Pending: W2 (medium, 11-10) and LW3 (low + 2 petitions = medium, 11-16).
    assert yellow["external_id"].tolist() == ["W2", "LW3"]
    assert yellow["priority"].tolist() == ["medium", "medium"]
    # The disposed queue keeps its order (most recently disposed first) and shows the links.
    assert green["external_id"].tolist() == ["W3", "W7", "LW6", "W4"]
    assert green.set_index("external_id").loc["LW6", "linked_petitions"] == 3
    # 一村: LW2 and LW1 high; LW7 (11-13) and W1 (11-15) medium.
    assert village["external_id"].tolist() == ["LW2", "LW1", "LW7", "W1"]


def _id(conn, external_id: str) -> int:
    return conn.execute(select(warnings.c.id).where(warnings.c.external_id == external_id)).scalar_one()


# --- the pages (SQLite: these are about Python, not SQL) ---------------------


@pytest.fixture
def page_app(sqlite_engine, monkeypatch):
    from cockpit.app import create_app
    from cockpit.settings import Settings

    with sqlite_engine.begin() as conn:
        fixture_links.load(conn)
    monkeypatch.setattr("cockpit.pages.queue.callbacks.now", lambda: NOW)
    app = create_app(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)
    with sqlite_engine.connect() as conn:
        found = dict(conn.execute(select(warnings.c.external_id, warnings.c.id)).all())
        found |= dict(conn.execute(select(petitions.c.external_id, petitions.c.id)).all())
    return app, found


def test_the_queue_marks_warnings_residents_complain_about(page_app):
    from cockpit.pages.queue.callbacks import render_queues
    from cockpit.pages.queue.filters import QueueFilters
    from tests.layout import hrefs, text
    from tests.viewers import as_viewer

    app, found = page_app
    with as_viewer(app, LEADER):
        red, yellow, _green, *_counts = render_queues("v1", QueueFilters().to_store())
    order = ["LW5", "LW2", "LW1", "W5", "LW7", "W1", "LW4", "W6"]
    assert hrefs(red) == [f"/warning/{found[ext]}" for ext in order]
    shown = text(red)
    # LW5, LW2, LW1 and LW4 each have petitions linked (1, 3, 1, 1).
    assert shown.count("群众反映") == 4 and "群众反映 3" in shown
    assert "群众反映" in text(yellow)  # LW3: 2 petitions


def test_the_warning_page_lists_the_linked_petitions_masked(page_app):
    from cockpit.pages.detail import warning
    from tests.layout import hrefs, text
    from tests.viewers import as_viewer

    app, found = page_app
    from dash import html

    from cockpit.pages.detail.callbacks import unmask

    with as_viewer(app, LEADER):
        masked = warning.layout(warning_id=str(found["LW2"]))
        full = html.Div(unmask(1, {"kind": "warning", "id": str(found["LW2"])}))  # the page's button
        none = warning.layout(warning_id="1")
    shown = text(masked)
    assert "相关群众诉求（3）" in shown and "点名反映：陈某" in shown and "同类事项" in shown
    assert "陈小红" not in shown and "张大山" not in shown
    for ext in ("LP6", "LP2", "LP10"):
        assert f"/petition/{found[ext]}" in hrefs(masked)
    assert "点名反映：陈小红" in text(full)
    assert "暂无相关群众诉求" in text(none)


def test_the_petition_page_lists_the_linked_warnings(page_app):
    from cockpit.pages.detail import petition
    from tests.layout import hrefs, text
    from tests.viewers import as_viewer

    app, found = page_app
    with as_viewer(app, LEADER):
        page = petition.layout(petition_id=str(found["LP6"]))
        alone = petition.layout(petition_id=str(found["LP9"]))
    shown = text(page)
    assert "相关预警（2）" in shown and "陈某 已死亡" in shown and "陈小红" not in shown
    assert {f"/warning/{found['LW2']}", f"/warning/{found['LW6']}"} <= set(hrefs(page))
    assert "暂无相关预警" in text(alone)


def test_naming_the_bookkeeper_does_not_link_every_payment(sqlite_engine):
    """The bookkeeper applies for every payment (payments.applicant): a
    petition naming 赵会计 is no report about ZC1, whose payee is a firm."""
    from cockpit.store.factories import build_petition, write_petitions
    from tests.fixture_city import local

    with sqlite_engine.begin() as conn:
        fixture_links.load(conn)
        tip = build_petition(
            external_id="LP-BOOKKEEPER",
            village_code=V4,
            received_at=local(9, 1, 9),  # long before LW5: no topic link either
            category="邻里纠纷",
            unit="村委会",
            summary="反映赵会计态度不好。",
        )
        write_petitions(conn, [tip])
    with sqlite_engine.connect() as conn:
        petition_id = conn.execute(
            select(petitions.c.id).where(petitions.c.external_id == "LP-BOOKKEEPER")
        ).scalar_one()
        assert q.links_for_petition(conn, Scope(CITY, LEADER), petition_id).empty
