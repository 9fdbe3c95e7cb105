"""Personal data is masked by default; unmasking is a logged action.

The pure masking functions (queries.personal), every record query function
for each role (on the three databases), and the detail pages with their
audit entries (SQLite: these are about Python).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from dash import html
from sqlalchemy import Engine, insert, select

from cockpit.app import create_app
from cockpit.ids import DetailIds
from cockpit.pages.detail import petition, warning
from cockpit.pages.detail.callbacks import unmask
from cockpit.rules.engine import evaluate
from cockpit.settings import Settings
from cockpit.store import create_store, make_engine
from cockpit.store.access import audit_log
from cockpit.store.schema import warning_events, warnings
from queries import petitions as qp
from queries import warnings as qw
from queries.personal import (
    REPORTER_HIDDEN,
    mask_frame,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_record,
    mask_text,
    person_names,
)
from queries.scope import AggregatesOnlyError, Scope, Viewer, authorize
from tests import fixture_city, fixture_records
from tests.conftest import ALL_DATABASES, _fresh_store
from tests.fixture_city import CITY, NOW, V1, V2, V3, window
from tests.layout import hrefs, ids, text
from tests.viewers import ADMIN, INSPECTOR, KIOSK, LEADER, TOWN, as_viewer

P7_SUMMARY_MASKED = "欧阳某反映低保评定不公，请回电 139****5678，身份证号 330***********1234。"


# --- the pure functions ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("林小明", "林某"),
        ("林三", "林某"),
        ("林", "某"),
        ("欧阳晓明", "欧阳某"),
        ("司马光", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("上官婉儿", "上官某"),
        ("欧阳", "欧某"),  # two characters: surname 欧, given name 阳
        (" 王五 ", "王某"),
        ("John Smith", "J***"),
        ("", ""),
        (None, None),
    ],
)
def test_a_name_keeps_only_its_surname(name, masked):
    assert mask_name(name) == masked


def test_a_firms_name_is_not_personal_and_is_shown_as_it_is():
    assert mask_name("恒通砂石场") == "恒通砂石场"
    assert mask_name("贾海华工程队") == "贾海华工程队"
    assert mask_name("镇中心小学") == "镇中心小学"
    assert mask_name("某建材店") == "某建材店"
    assert mask_name("永盛农资店、张小三") == "永盛农资店、张某"


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138 **** 1234"),
        ("0571-87654321", "057*-****4321"),
        ("057187654321", "057*****4321"),
        ("(0571)87654321", "(057*)****4321"),
        ("87654321", "****4321"),
        ("12345", "*****"),
        (None, None),
    ],
)
def test_a_phone_number_keeps_its_first_three_and_last_four_digits(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("330102199001011234", "330***********1234"),
        ("33010219900101123X", "330***********123X"),
        ("330102900101123", "330********1123"),
        ("1234", "****"),
    ],
)
def test_an_id_number_keeps_its_first_three_and_last_four_characters(number, masked):
    assert mask_id_number(number) == masked


def test_masking_twice_changes_nothing():
    for fn, value in (
        (mask_name, "欧阳晓明"),
        (mask_name, "John"),
        (mask_phone, "13812341234"),
        (mask_phone, "0571-87654321"),
        (mask_id_number, "330102199001011234"),
        (mask_text, "向 林三 支付，电话 13812341234"),
    ):
        assert fn(fn(value)) == fn(value)


def test_free_text_masks_every_phone_and_id_number_and_the_names_given():
    text_ = (
        "向 林三 支付 1000.00 元，林三之妻林三妹请回电 13812341234 或 +86 139-1234-5678，"
        "座机 0571-87654321，身份证 330102199001011234，旧证 330102900101123。"
    )
    assert mask_text(text_, ["林三", "林三妹", "恒通砂石场"]) == (
        "向 林某 支付 1000.00 元，林某之妻林某请回电 138****1234 或 +86 139-****-5678，"
        "座机 057*-****4321，身份证 330***********1234，旧证 330********1123。"
    )


def test_free_text_leaves_codes_times_amounts_and_record_ids_alone():
    plain = "编号 SQ202511050020，村 990102001001，2026-01-10 17:30，合计 55170.00 元，LW00000045"
    assert mask_text(plain, ["恒通砂石场"]) == plain
    assert mask_text("", ["林三"]) == "" and mask_text(None) is None


def test_a_record_is_masked_by_its_column_names():
    row = {
        "external_id": "D1",
        "name": "陈二",
        "id_number": "330102199001011234",
        "payee": "某建材店",
        "purpose": "陈二的丧葬补助，电话 13812341234",
        "amount": "800.00",
    }
    assert mask_record(row, table="deaths") == {
        "external_id": "D1",
        "name": "陈某",
        "id_number": "330***********1234",
        "payee": "某建材店",
        "purpose": "陈某的丧葬补助，电话 138****1234",
        "amount": "800.00",
    }
    # A project's name is its own, not a person's.
    assert mask_record({"name": "一组道路"}, table="projects") == {"name": "一组道路"}


def test_the_people_a_row_names_are_its_name_columns_without_firms():
    values = {"payee": "朱娜", "cadre": "杨洋金", "bidders": "永盛农资店、联发运输队", "amount": "1.00"}
    assert person_names(values) == ["朱娜", "杨洋金"]


def test_a_frame_is_masked_row_by_row_with_each_rows_names():
    df = pd.DataFrame({"title": ["王五 用工", "向 李四 支付"], "worker": ["王五", None]})
    masked = mask_frame(df, names=[[], ["李四"]])
    assert masked["title"].tolist() == ["王某 用工", "向 李某 支付"]
    assert masked["worker"].iloc[0] == "王某" and pd.isna(masked["worker"].iloc[1])
    assert df["worker"].iloc[0] == "王五"  # the input is left as it was


# --- petitions, per role (the city fixture, three databases) ---------------------


def scope_of(conn, viewer: Viewer, code: str, unmasked: bool = False) -> Scope:
    return authorize(conn, viewer, code, unmasked=unmasked)


def test_a_petition_is_masked_for_a_leader_unless_unmasked(city):
    with city.connect() as conn:
        masked = qp.get_petition(conn, scope_of(conn, LEADER, CITY), 7)
        full = qp.get_petition(conn, scope_of(conn, LEADER, CITY, unmasked=True), 7)
    assert (masked["reporter_name"], masked["reporter_phone"]) == ("欧阳某", "057*-****4321")
    assert masked["summary"] == P7_SUMMARY_MASKED
    assert (full["reporter_name"], full["reporter_phone"]) == ("欧阳晓明", "0571-87654321")
    assert full["summary"] == fixture_city.P7_REPORTER["summary"]


def test_an_inspector_sees_the_reporter_of_a_petition_in_its_regions_masked(city):
    with city.connect() as conn:
        masked = qp.get_petition(conn, scope_of(conn, INSPECTOR, V3), 9)
        full = qp.get_petition(conn, scope_of(conn, INSPECTOR, V3, unmasked=True), 9)
    assert (masked["reporter_name"], masked["reporter_phone"]) == ("司马某", "137****1111")
    assert (full["reporter_name"], full["reporter_phone"]) == ("司马光", "13700001111")


@pytest.mark.parametrize("unmasked", [False, True])
def test_a_town_viewer_never_sees_the_reporter_even_unmasked(city, unmasked):
    with city.connect() as conn:
        row = qp.get_petition(conn, scope_of(conn, TOWN, V2, unmasked=unmasked), 7)
        listed = qp.village_petitions(conn, scope_of(conn, TOWN, V2, unmasked=unmasked), window())
        trail = qp.petition_trail(conn, scope_of(conn, TOWN, V2, unmasked=unmasked), 7)
    assert row["reporter_name"] is None and row["reporter_phone"] is None
    assert row["real_name"]
    # The summary may name the reporter or give the reporter's number: masked all the same.
    assert row["summary"] == P7_SUMMARY_MASKED
    p7 = listed[listed["external_id"] == "P7"].iloc[0]
    assert pd.isna(p7["reporter_name"]) and p7["summary"] == P7_SUMMARY_MASKED
    assert "欧阳某来电催办" in trail["note"].iloc[1] and "139****5678" in trail["note"].iloc[1]


def test_an_administrator_never_sees_the_reporter(city):
    with city.connect() as conn:
        row = qp.get_petition(conn, scope_of(conn, ADMIN, CITY), 7)
    assert row["reporter_name"] is None and row["reporter_phone"] is None
    assert ADMIN.may_unmask is False


def test_a_villages_petitions_show_their_reporters_masked(city):
    with city.connect() as conn:
        masked = qp.village_petitions(conn, scope_of(conn, LEADER, V1), window())
        full = qp.village_petitions(conn, scope_of(conn, LEADER, V1, unmasked=True), window())
    by_id = masked.set_index("external_id")
    assert by_id.loc["P3", "reporter_name"] == "林某" and by_id.loc["P3", "reporter_phone"] == "138****1234"
    assert pd.isna(by_id.loc["P1", "reporter_name"]) and not by_id.loc["P1", "real_name"]
    assert full.set_index("external_id").loc["P3", "reporter_phone"] == "13812341234"
    assert masked["external_id"].tolist() == ["P5", "P4", "P3", "P2", "P1"]


def test_a_petitions_trail_notes_are_masked_unless_unmasked(city):
    with city.connect() as conn:
        masked = qp.petition_trail(conn, scope_of(conn, LEADER, CITY), 7)
        full = qp.petition_trail(conn, scope_of(conn, LEADER, CITY, unmasked=True), 7)
    assert masked["note"].iloc[1] == "反映人欧阳某来电催办，电话 139****5678"
    assert full["note"].iloc[1] == fixture_city.P7_NOTE
    assert masked["unit"].iloc[1] == "甲镇人民政府"


def test_a_kiosk_gets_no_petition_at_all(city):
    with city.connect() as conn, pytest.raises(AggregatesOnlyError):
        qp.get_petition(conn, Scope(CITY, KIOSK), 7)


# --- warnings, per role: the rule engine's warnings on fixture_records ----------


@pytest.fixture(scope="module", params=ALL_DATABASES)
def ruled(request, database_urls) -> Iterator[dict]:
    """fixture_city with fixture_records and the warnings the engine raises on
    them, once per database (the scratch database: read-only here)."""
    if request.param not in database_urls:
        pytest.skip(f"{request.param} not selected by COCKPIT_TEST_DATABASES")
    engine = _fresh_store(database_urls[request.param]["scratch"])
    with engine.begin() as conn:
        fixture_city.load(conn)
        fixture_records.load(conn)
        evaluate(conn, fixture_records.NOW)
        raised = select(warnings.c.subject_id, warnings.c.id).where(warnings.c.rule_version.is_not(None))
        ids = dict(conn.execute(raised).all())
        conn.execute(
            insert(warning_events),
            {
                "warning_id": ids["L3"],
                "kind": "accepted",
                "at": NOW,
                "from_status": "new",
                "to_status": "pending",
                "actor": "二村村委会",
                "note": "已约谈王五（电话 13812341234）",
            },
        )
    yield {"engine": engine, "ids": ids}
    engine.dispose()


LAB02_TITLE = fixture_records.EXPECTED[("LAB-02", "L3")]
LAB02_MASKED = LAB02_TITLE.replace("王五", "王某")


@pytest.mark.parametrize("who", [LEADER, TOWN])
def test_warning_titles_in_the_queues_are_masked_unless_unmasked(ruled, who):
    with ruled["engine"].connect() as conn:
        queue = qw.warning_queue(conn, scope_of(conn, who, who.home), NOW, limit=500)
        village = qw.village_warnings(conn, scope_of(conn, who, V2), window())
        full = qw.warning_queue(conn, scope_of(conn, who, who.home, unmasked=True), NOW, limit=500)
    assert LAB02_MASKED in set(queue["title"]) and LAB02_TITLE not in set(queue["title"])
    assert LAB02_MASKED in set(village["title"])
    assert LAB02_TITLE in set(full["title"])
    assert "预警1" in set(queue["title"])  # a title without evidence stays as it is


def test_the_newest_red_warnings_are_masked(ruled):
    with ruled["engine"].connect() as conn:
        red = qw.newest_red_warnings(conn, scope_of(conn, LEADER, CITY), limit=100)
    titles = " ".join(red["title"])
    assert "王某 用工申请提交" in titles and "王五" not in titles and "陈二" not in titles


def test_a_warning_its_evidence_and_trail_are_masked_for_an_inspector(ruled):
    po2, l3 = ruled["ids"]["PO2"], ruled["ids"]["L3"]
    with ruled["engine"].connect() as conn:
        sub01 = qw.get_warning(conn, scope_of(conn, LEADER, CITY), po2)
        masked = qw.get_warning(conn, scope_of(conn, LEADER, V2), l3)
        trail = qw.warning_trail(conn, scope_of(conn, LEADER, V2), l3)
        full_trail = qw.warning_trail(conn, scope_of(conn, LEADER, V2, unmasked=True), l3)
    assert sub01["title"] == fixture_records.EXPECTED[("SUB-01", "PO2")].replace("陈二", "陈某")
    assert qw.get_warning_evidence(sub01)["values"]["recipient"] == "陈某"
    assert masked["title"] == LAB02_MASKED
    assert qw.get_warning_evidence(masked)["values"]["worker"] == "王某"
    assert trail["note"].iloc[-1] == "已约谈王某（电话 138****1234）"
    assert trail["actor"].iloc[-1] == "二村村委会"
    assert full_trail["note"].iloc[-1] == "已约谈王五（电话 13812341234）"


def test_an_unmasked_warning_is_the_stored_one(ruled):
    l3 = ruled["ids"]["L3"]
    with ruled["engine"].connect() as conn:
        full = qw.get_warning(conn, scope_of(conn, TOWN, V2, unmasked=True), l3)
    assert full["title"] == LAB02_TITLE
    assert qw.get_warning_evidence(full)["values"]["worker"] == "王五"


def test_linked_records_are_masked_and_a_petitions_reporter_follows_the_policy(ruled):
    po2 = ruled["ids"]["PO2"]
    with ruled["engine"].connect() as conn:
        refs = qw.get_warning_evidence(qw.get_warning(conn, scope_of(conn, LEADER, CITY), po2))["records"]
        payout, death = (r["row"] for r in qw.get_linked_records(conn, scope_of(conn, LEADER, CITY), refs))
        p3 = [{"table": "petitions", "external_id": "P3"}]
        leader = qw.get_linked_records(conn, scope_of(conn, LEADER, CITY), p3)[0]["row"]
        town = qw.get_linked_records(conn, scope_of(conn, TOWN, V1), p3)[0]["row"]
        unmasked = qw.get_linked_records(conn, scope_of(conn, LEADER, CITY, unmasked=True), p3)[0]["row"]
    assert payout["recipient"] == "陈某" and payout["id_number"].count("*") == 11
    assert death["name"] == "陈某" and death["id_number"].startswith(payout["id_number"][:3])
    assert (leader["reporter_name"], leader["reporter_phone"]) == ("林某", "138****1234")
    assert (town["reporter_name"], town["reporter_phone"]) == (None, None)
    assert (unmasked["reporter_name"], unmasked["reporter_phone"]) == ("林小明", "13812341234")


def test_a_kiosk_gets_no_warning_queue(ruled):
    with ruled["engine"].connect() as conn, pytest.raises(AggregatesOnlyError):
        qw.warning_queue(conn, Scope(CITY, KIOSK), NOW)


# --- the detail pages and the audit log (SQLite) ----------------------------------


@pytest.fixture
def store(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    create_store(engine)
    with engine.begin() as conn:
        fixture_city.load(conn)
    yield engine
    engine.dispose()


@pytest.fixture
def app(store):
    return create_app(Settings(database_url=str(store.url)), store)


def audit_entries(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        a = audit_log.c
        rows = conn.execute(select(a.actor, a.role, a.action, a.target, a.ip).order_by(a.id)).all()
    return [tuple(r) for r in rows]


def details(engine: Engine, action: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.detail).where(audit_log.c.action == action)).scalars())


def test_the_petition_page_masks_by_default_and_logs_the_view(app, store):
    with as_viewer(app, LEADER, "/petition/7", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        layout = petition.layout(petition_id="7")
    shown = text(layout)
    assert "反映人" in shown and "欧阳某" in shown and "057*-****4321" in shown
    assert P7_SUMMARY_MASKED in shown and "欧阳晓明" not in shown and "13912345678" not in shown
    assert str(DetailIds.UNMASK) in ids(layout) and not any("unmask" in h for h in hrefs(layout))
    assert "已显示完整个人信息" not in shown
    assert audit_entries(store) == [("leader", "leader", "view_petition", "petition:7", "10.1.2.3")]


def unmasked(kind: str, record_id) -> html.Div:
    """What the page's 显示完整信息 button (a callback) draws."""
    return html.Div(unmask(1, {"kind": kind, "id": str(record_id)}))


def test_unmasking_a_petition_shows_everything_and_logs_it(app, store):
    with as_viewer(app, LEADER, "/_dash-update-component", method="POST"):
        layout = unmasked("petition", 7)
    shown = text(layout)
    assert "欧阳晓明" in shown and "0571-87654321" in shown and "13912345678" in shown
    assert "已显示完整个人信息（本次查看已记录）" in shown
    assert hrefs(layout).count("/petition/7") == 1 and str(DetailIds.UNMASK) not in ids(layout)
    assert [e[2:4] for e in audit_entries(store)] == [
        ("view_petition", "petition:7"),
        ("unmask", "petition:7"),
    ]
    assert "反映人" in details(store, "unmask")[0]


def test_a_crafted_link_does_not_unmask(app, store):
    """The attacker's finding: ``?unmask=1`` in a link unmasked in the name of
    whoever followed it."""
    with as_viewer(app, LEADER, "/petition/7?unmask=1"):
        shown = text(petition.layout(petition_id="7", unmask="1"))
    assert P7_SUMMARY_MASKED in shown and "13912345678" not in shown and "已显示完整个人信息" not in shown
    assert [e[2] for e in audit_entries(store)] == ["view_petition"]


def test_a_town_viewer_is_told_who_may_see_the_reporter(app, store):
    with as_viewer(app, TOWN, "/_dash-update-component", method="POST"):
        shown = text(unmasked("petition", 7))
    assert REPORTER_HIDDEN in shown and "欧阳晓明" not in shown and "0571-87654321" not in shown
    assert "已显示完整个人信息" in shown
    assert "反映人" not in details(store, "unmask")[0]


def test_a_viewer_who_may_not_unmask_is_refused_and_logged(app, store):
    with as_viewer(app, ADMIN, "/petition/7"):
        assert str(DetailIds.UNMASK) not in ids(petition.layout(petition_id="7"))
    with as_viewer(app, ADMIN, "/_dash-update-component", method="POST"):  # a hand-made callback
        layout = unmasked("petition", 7)
    shown = text(layout)
    assert "不能查看未脱敏的个人信息" in shown
    assert P7_SUMMARY_MASKED in shown and "13912345678" not in shown
    assert REPORTER_HIDDEN in shown
    assert str(DetailIds.UNMASK) not in ids(layout)
    assert [e[2:4] for e in audit_entries(store)] == [
        ("view_petition", "petition:7"),
        ("view_petition", "petition:7"),
        ("denied", "petition:7"),
    ]


def test_a_petition_outside_the_viewers_regions_is_not_found_like_a_missing_one(app, store):
    with as_viewer(app, TOWN, "/petition/9"):
        outside = text(petition.layout(petition_id="9"))
        missing = text(petition.layout(petition_id="999"))
    assert "未找到该诉求" in outside and "司马" not in outside
    assert outside.replace("9", "") == missing.replace("9", "")
    assert [e[2:4] for e in audit_entries(store)] == [("denied", "petition:9")]


def test_a_kiosk_gets_the_not_found_page_for_a_petition(app, store):
    with as_viewer(app, KIOSK, "/petition/7"):
        assert "未找到该诉求" in text(petition.layout(petition_id="7"))


def _raise_rule_warnings(engine: Engine) -> int:
    """fixture_records and the engine's warnings on them: SUB-01's on PO2 (一村)."""
    with engine.begin() as conn:
        fixture_records.load(conn)
        evaluate(conn, fixture_records.NOW)
        return conn.execute(select(warnings.c.id).where(warnings.c.subject_id == "PO2")).scalar_one()


def test_the_warning_page_masks_its_title_evidence_and_records_until_unmasked(app, store):
    po2 = _raise_rule_warnings(store)
    with as_viewer(app, LEADER, f"/warning/{po2}"):
        masked = warning.layout(warning_id=str(po2))
    with as_viewer(app, LEADER, "/_dash-update-component", method="POST"):
        full = unmasked("warning", po2)
    shown, revealed = text(masked), text(full)
    id_number = fixture_records.idn(102)
    assert "陈某 已于 2026-10-01 死亡" in shown and "陈二" not in shown
    assert id_number not in shown and mask_id_number(id_number) in shown
    assert str(DetailIds.UNMASK) in ids(masked)
    assert "陈二 已于 2026-10-01 死亡" in revealed and id_number in revealed
    assert "已显示完整个人信息（本次查看已记录）" in revealed
    assert [e[2:4] for e in audit_entries(store)] == [
        ("view_warning", f"warning:{po2}"),
        ("view_warning", f"warning:{po2}"),
        ("unmask", f"warning:{po2}"),
    ]


def test_a_warning_outside_the_viewers_regions_is_not_found_and_logged(app, store):
    po2 = _raise_rule_warnings(store)
    with as_viewer(app, INSPECTOR, "/_dash-update-component", method="POST"):
        shown = text(unmasked("warning", po2))
    assert "未找到该预警" in shown and "陈" not in shown
    assert [e[2:4] for e in audit_entries(store)] == [("denied", f"warning:{po2}")]
