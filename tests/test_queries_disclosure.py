"""Disclosure compliance (三务公开) and public queries (公开质询) against figures
worked out by hand on tests/fixture_disclosure.py (its docstring has the
table). Each store test runs on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from cockpit.figures import disclosure as figures
from cockpit.figures.theme import EMPTY_TEXT
from cockpit.timewindow import custom_window
from queries import disclosure as d
from queries import public_queries as pq
from queries.regions import child_regions
from queries.scope import AggregatesOnlyError, Scope
from tests import fixture_disclosure, maps
from tests.conftest import ALL_DATABASES, hand_worked_store
from tests.fixture_city import BING, CITY, EAST, JIA, NOW, QINGLAN, V1, V2, V3, V4, YI, window
from tests.fixture_disclosure import Q3_PHONE
from tests.viewers import KIOSK, LEADER


@pytest.fixture(scope="module", params=ALL_DATABASES)
def store(request, database_urls):
    yield from hand_worked_store(request, database_urls, fixture_disclosure.load)


def rows(df: pd.DataFrame) -> list[dict]:
    return df.to_dict("records")


def nan_safe(records: list[dict]) -> list[dict]:
    """Records with NaN written as None, so == compares them."""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in records
    ]


# ---- disclosure compliance ---------------------------------------------------


def test_compliance_counts_items_due_in_the_window_by_child_region(store):
    with store.connect() as conn:
        df = d.disclosure_compliance(conn, Scope(CITY), window())
    # 东区: D1, D2 (exactly at due), D7, D10 (due at the window's start, published
    # before it) on time; D3 late; D4 and D8 (published after now) missing. D5 is
    # due after now, D6 after the window, D9 before it.  青岚市: D11 late.
    assert nan_safe(rows(df)) == [
        {"child_code": EAST, "child_name": "东区", "due": 7, "on_time": 4, "late": 1, "missing": 2,
         "on_time_share": 4 / 7},
        {"child_code": QINGLAN, "child_name": "青岚市", "due": 1, "on_time": 0, "late": 1, "missing": 0,
         "on_time_share": 0.0},
    ]  # fmt: skip
    assert df[["due", "on_time", "late", "missing"]].dtypes.tolist() == ["int64"] * 4


def test_compliance_at_a_town_lists_its_villages(store):
    with store.connect() as conn:
        jia = d.disclosure_compliance(conn, Scope(JIA), window())
        yi = d.disclosure_compliance(conn, Scope(YI), window())
    # 一村: D1, D2 on time, D3 late, D4 missing.  二村: D7 on time, D8 missing.
    assert rows(jia) == [
        {"child_code": V1, "child_name": "一村", "due": 4, "on_time": 2, "late": 1, "missing": 1,
         "on_time_share": 0.5},
        {"child_code": V2, "child_name": "二村", "due": 2, "on_time": 1, "late": 0, "missing": 1,
         "on_time_share": 0.5},
    ]  # fmt: skip
    assert rows(yi) == [
        {"child_code": V3, "child_name": "三村", "due": 1, "on_time": 1, "late": 0, "missing": 0,
         "on_time_share": 1.0}
    ]  # fmt: skip


def test_compliance_at_a_village_is_the_village_itself(store):
    with store.connect() as conn:
        df = d.disclosure_compliance(conn, Scope(V1), window())
    assert rows(df) == [
        {"child_code": V1, "child_name": "一村", "due": 4, "on_time": 2, "late": 1, "missing": 1,
         "on_time_share": 0.5}
    ]  # fmt: skip


def test_the_summary_totals_the_scope(store):
    with store.connect() as conn:
        city = d.disclosure_summary(conn, Scope(CITY), window())
        town = d.disclosure_summary(conn, Scope(JIA), window())
        village = d.disclosure_summary(conn, Scope(V4), window())
    # City: 8 due (D1-D4, D7, D8, D10, D11): on time D1, D2, D7, D10; late D3, D11.
    assert rows(city) == [{"due": 8, "on_time": 4, "late": 2, "missing": 2, "on_time_share": 0.5}]
    assert rows(town) == [{"due": 6, "on_time": 3, "late": 1, "missing": 2, "on_time_share": 0.5}]
    assert rows(village) == [{"due": 1, "on_time": 0, "late": 1, "missing": 0, "on_time_share": 0.0}]


def test_nothing_due_gives_zeros_and_a_nan_share(store):
    early = custom_window(date(2026, 11, 2), date(2026, 11, 4), now=NOW)
    with store.connect() as conn:
        summary = d.disclosure_summary(conn, Scope(BING), early)
        children = d.disclosure_compliance(conn, Scope(CITY), early)
    # D11 is due 11-05; nothing of 丙镇 falls due 11-02..11-04, nor anywhere.
    assert summary.loc[0, ["due", "on_time", "late", "missing"]].tolist() == [0, 0, 0, 0]
    assert math.isnan(summary.loc[0, "on_time_share"])
    assert children["due"].tolist() == [0, 0]
    assert children["on_time_share"].isna().all()


def test_an_item_due_after_now_is_not_counted_until_it_is_due(store):
    # D5 (一村, due 11-20 15:00, unpublished) lies in the window but after now.
    later = NOW + pd.Timedelta(hours=4)  # 16:00: D5 is now due and missing
    with store.connect() as conn:
        at_noon = d.disclosure_summary(conn, Scope(V1), window())
        at_four = d.disclosure_summary(conn, Scope(V1), window(), now=later)
    assert at_noon.loc[0, ["due", "missing"]].tolist() == [4, 1]
    assert at_four.loc[0, ["due", "missing"]].tolist() == [5, 2]


def test_village_compliance_lists_every_village_at_any_depth(store):
    with store.connect() as conn:
        city = d.village_compliance(conn, Scope(CITY), window())
        town = d.village_compliance(conn, Scope(JIA), window())
        village = d.village_compliance(conn, Scope(V3), window())
    assert [(r["village_name"], r["due"], r["on_time"], r["late"], r["missing"], r["on_time_share"])
            for r in rows(city)] == [
        ("一村", 4, 2, 1, 1, 0.5),
        ("二村", 2, 1, 0, 1, 0.5),
        ("三村", 1, 1, 0, 0, 1.0),
        ("四村", 1, 0, 1, 0, 0.0),
    ]  # fmt: skip
    assert town["village_code"].tolist() == [V1, V2]
    assert rows(village) == [
        {"village_code": V3, "village_name": "三村", "due": 1, "on_time": 1, "late": 0, "missing": 0,
         "on_time_share": 1.0}
    ]  # fmt: skip


def test_the_matrix_gives_each_items_state_at_now(store):
    with store.connect() as conn:
        df = d.disclosure_matrix(conn, Scope(V1), window())
    assert list(df.columns) == d.MATRIX_COLUMNS
    # D6 is due after the window; D5 is in it but not due yet (upcoming).
    by_id = {r["id"]: (r["category"], r["item"], r["state"], r["days_late"]) for r in rows(df)}
    assert by_id == {
        1: ("finance", "财务收支明细", "on_time", 0),
        2: ("finance", "集体资金使用", "on_time", 0),
        3: ("village", "村级重大事项决策", "late", 1),
        4: ("village", "村级工程项目进展", "missing", 9),
        5: ("party", "党费收缴使用情况", "upcoming", 0),
    }
    # By due time, then category (party, village, finance).
    assert [r["category"] for r in rows(df)] == ["village", "village", "finance", "finance", "party"]
    assert str(df.loc[df["id"] == 3, "published_at"].iloc[0]) == "2026-11-12 09:00:00+08:00"
    assert pd.isna(df.loc[df["id"] == 4, "published_at"].iloc[0])
    assert df["days_late"].dtype == "int64"


def test_the_matrix_hides_a_publication_dated_after_now(store):
    with store.connect() as conn:
        df = d.disclosure_matrix(conn, Scope(V2), window())
    # D8 was published 11-21 09:00, after now: missing, no publication shown.
    d8 = df[df["id"] == 8].iloc[0]
    assert (d8["state"], d8["days_late"]) == ("missing", 9)
    assert pd.isna(d8["published_at"])


def test_the_matrix_honours_its_limit(store):
    with store.connect() as conn:
        df = d.disclosure_matrix(conn, Scope(CITY), window(), limit=3)
    # By due time: D10 (11-01), D11 (11-05), then a 11-10 item.
    assert df["id"].tolist()[:2] == [10, 11]
    assert len(df) == 3


def test_overdue_disclosures_are_listed_most_overdue_first(store):
    with store.connect() as conn:
        city = d.overdue_disclosures(conn, Scope(CITY), NOW)
        town = d.overdue_disclosures(conn, Scope(JIA), NOW)
        limited = d.overdue_disclosures(conn, Scope(CITY), NOW, limit=2)
    # Unpublished at now and past due: D12 (70 days), D9 (19), D4, D8 (9 each; by id).
    # D5 is not due yet; D8's publication is after now.
    assert [(r["id"], r["village_name"], r["town_name"], r["days_overdue"]) for r in rows(city)] == [
        (12, "四村", "丙镇", 70),
        (9, "二村", "甲镇", 19),
        (4, "一村", "甲镇", 9),
        (8, "二村", "甲镇", 9),
    ]
    assert list(city.columns) == d.OVERDUE_COLUMNS
    assert town["id"].tolist() == [9, 4, 8]
    assert limited["id"].tolist() == [12, 9]


def test_a_kiosk_may_not_list_records(store):
    with store.connect() as conn:
        with pytest.raises(AggregatesOnlyError):
            d.overdue_disclosures(conn, Scope(CITY, KIOSK), NOW)
        with pytest.raises(AggregatesOnlyError):
            pq.unanswered_queries(conn, Scope(CITY, KIOSK), NOW)
        # Aggregates are fine.
        assert d.disclosure_summary(conn, Scope(CITY, KIOSK), window()).loc[0, "due"] == 8
        assert pq.public_query_summary(conn, Scope(CITY, KIOSK), window()).loc[0, "asked"] == 7


# ---- public queries ----------------------------------------------------------


def test_the_query_summary_counts_asked_answered_and_overdue(store):
    with store.connect() as conn:
        df = pq.public_query_summary(conn, Scope(CITY), window())
    # Asked in the window: Q1-Q5, Q7, Q9 (Q6 and Q8 before it). Answered by now:
    # Q1 (6 h), Q2 (48 h), Q7 (12 h); Q5's answer is after now.
    # Median of 6, 12, 48 = 12; p90 at position 1.8: 12 + 0.8 * 36 = 40.8.
    # Unanswered: Q3 (2 working days), Q4 (11: overdue), Q5 (4), Q9 (exactly 5: not overdue).
    assert rows(df) == [
        {"asked": 7, "answered": 3, "answered_share": 3 / 7, "median_hours_to_answer": 12.0,
         "p90_hours": pytest.approx(40.8), "unanswered": 4, "unanswered_overdue": 1}
    ]  # fmt: skip


def test_the_query_summary_at_a_village(store):
    with store.connect() as conn:
        village = pq.public_query_summary(conn, Scope(V1), window())
        quiet = pq.public_query_summary(
            conn, Scope(V3), custom_window(date(2026, 11, 1), date(2026, 11, 5), NOW)
        )
    # 一村: Q1 (6 h), Q2 (48 h) answered, Q3 waiting. p90: 6 + 0.9 * 42 = 43.8.
    assert rows(village) == [
        {"asked": 3, "answered": 2, "answered_share": 2 / 3, "median_hours_to_answer": 27.0,
         "p90_hours": pytest.approx(43.8), "unanswered": 1, "unanswered_overdue": 0}
    ]  # fmt: skip
    # 三村 asked nothing 11-01..11-05 (Q6 was asked 10-30, Q9 11-13).
    got = quiet.iloc[0]
    assert [got["asked"], got["answered"], got["unanswered"], got["unanswered_overdue"]] == [0, 0, 0, 0]
    assert got[["answered_share", "median_hours_to_answer", "p90_hours"]].isna().all()


def test_the_overdue_limit_is_a_parameter(store):
    with store.connect() as conn:
        strict = pq.public_query_summary(conn, Scope(CITY), window(), limit_days=4)
        calendar_days = pq.public_query_summary(conn, Scope(CITY), window(), skip_weekends=False)
    # Within 4 working days: Q4 (11) and Q9 (5) are over.
    assert strict.loc[0, "unanswered_overdue"] == 2
    # Every day but holidays: Q9 waited 7 days (11-14..11-20), Q4 15, Q5 4, Q3 2.
    assert calendar_days.loc[0, "unanswered_overdue"] == 2


def test_queries_by_child_region(store):
    with store.connect() as conn:
        city = pq.public_queries_by_child(conn, Scope(CITY), window())
        town = pq.public_queries_by_child(conn, Scope(JIA), window())
        yi = pq.public_queries_by_child(conn, Scope(YI), window())
        village = pq.public_queries_by_child(conn, Scope(V4), window())
    # 东区: Q1-Q5, Q9 asked; Q1, Q2 answered (median of 6 h and 48 h = 27 h). 青岚市: Q7, 12 h.
    assert nan_safe(rows(city)) == [
        {"child_code": EAST, "child_name": "东区", "asked": 6, "answered": 2, "answered_share": 1 / 3,
         "median_hours_to_answer": 27.0},
        {"child_code": QINGLAN, "child_name": "青岚市", "asked": 1, "answered": 1, "answered_share": 1.0,
         "median_hours_to_answer": 12.0},
    ]  # fmt: skip
    assert nan_safe(rows(town)) == [
        {"child_code": V1, "child_name": "一村", "asked": 3, "answered": 2, "answered_share": 2 / 3,
         "median_hours_to_answer": 27.0},
        {"child_code": V2, "child_name": "二村", "asked": 2, "answered": 0, "answered_share": 0.0,
         "median_hours_to_answer": None},
    ]  # fmt: skip
    assert nan_safe(rows(yi)) == [
        {"child_code": V3, "child_name": "三村", "asked": 1, "answered": 0, "answered_share": 0.0,
         "median_hours_to_answer": None}
    ]  # fmt: skip
    assert rows(village)[0]["asked"] == 1 and rows(village)[0]["child_code"] == V4


def test_unanswered_queries_are_listed_longest_waiting_first(store):
    with store.connect() as conn:
        df = pq.unanswered_queries(conn, Scope(CITY), NOW)
        town = pq.unanswered_queries(conn, Scope(JIA), NOW, limit=2)
    assert list(df.columns) == pq.UNANSWERED_COLUMNS
    # Q8 10-20 10:00 (31 days 2 h), Q4 11-05 09:00, Q9 11-13 09:00, Q5 11-16 08:00
    # (answered after now), Q3 11-18 09:00.
    keys = ["id", "village_name", "town_name", "hours_waiting", "working_days", "overdue", "item"]
    assert [tuple(r[k] for k in keys) for r in rows(df)] == [
        (8, "四村", "丙镇", 746.0, 23, True, None),
        (4, "二村", "甲镇", 363.0, 11, True, "财务收支明细"),
        (9, "三村", "乙镇", 171.0, 5, False, None),
        (5, "二村", "甲镇", 100.0, 4, False, "集体资金使用"),
        (3, "一村", "甲镇", 51.0, 2, False, None),
    ]  # fmt: skip
    assert str(df.loc[0, "asked_at"]) == "2026-10-20 10:00:00+08:00"
    assert town["id"].tolist() == [4, 5]


def test_the_question_text_is_masked_unless_unmasked(store):
    with store.connect() as conn:
        masked = pq.unanswered_queries(conn, Scope(V1), NOW)
        shown = pq.unanswered_queries(conn, Scope(V1, LEADER, unmasked=True), NOW)
    assert masked.loc[0, "question"] == "路灯电费支出依据是什么？请回电 139****5678"
    assert Q3_PHONE not in masked.loc[0, "question"]
    assert shown.loc[0, "question"].endswith(Q3_PHONE)


# ---- figures -----------------------------------------------------------------


def _annotation(fig: go.Figure) -> str:
    return fig.layout.annotations[0].text if fig.layout.annotations else ""


@pytest.mark.parametrize("theme", ["light", "dark", "print"])
def test_the_figures_build_at_every_level(store, theme):
    with store.connect() as conn:
        for code in (CITY, JIA, V1):
            scope = Scope(code)
            bar = figures.compliance_bar(d.disclosure_compliance(conn, scope, window()), theme)
            assert [trace.name for trace in bar.data[:3]] == ["按时公开", "逾期公开", "未公开"]
            queries = figures.queries_bar(pq.public_queries_by_child(conn, scope, window()), theme)
            assert [trace.name for trace in queries.data[:2]] == ["已答复", "未答复"]
            heat = figures.disclosure_matrix_heatmap(d.disclosure_matrix(conn, scope, window()), theme)
            assert isinstance(heat.data[0], go.Heatmap)
            for fig in (bar, queries, heat):
                fig.to_json()
                assert _annotation(fig) != EMPTY_TEXT


def test_the_heatmap_shows_the_worst_state_per_cell_with_a_chinese_legend(store):
    with store.connect() as conn:
        fig = figures.disclosure_matrix_heatmap(d.disclosure_matrix(conn, Scope(CITY), window()))
    heat = fig.data[0]
    # Columns by due time: 第3季度 (D10 due 11-01), 10月 (D11 11-05), 下半年 (D5 11-20).
    assert list(heat.x) == ["2026年第3季度", "2026年10月", "2026年下半年"]
    rows_ = dict(zip(heat.y, heat.z, strict=True))
    codes = {s: i for i, s in enumerate(figures.STATE_ORDER)}
    # 财务收支明细 10月: on time in 一村 and 二村, late in 四村 -> late.
    assert rows_["财务·财务收支明细"][1] == codes["late"]
    assert rows_["村务·村级工程项目进展"][0] == codes["missing"]
    assert rows_["党务·党费收缴使用情况"][2] == codes["upcoming"]
    assert [t.name for t in fig.data[1:]] == ["按时公开", "逾期公开", "未公开", "未到期"]


def test_the_compliance_map_colours_by_the_on_time_share(store):
    with store.connect() as conn:
        regions = child_regions(conn, CITY)
        fig = figures.compliance_map(regions, d.disclosure_compliance(conn, Scope(CITY), window()))
        villages = figures.compliance_map(
            child_regions(conn, JIA), d.village_compliance(conn, Scope(JIA), window()), "dark"
        )
    (coloured,) = [layer for layer in maps.layers(fig) if layer.showscale is not False]
    assert list(coloured.z) == [4 / 7, 0.0]
    assert maps.colour_bar(fig).title.text == "三务公开按时率"
    assert list(coloured.customdata[0][:2]) == ["东区", 7]
    assert "按时率" in coloured.hovertemplate
    assert list(maps.values(villages).values()) == [0.5, 0.5]


def test_the_figures_say_so_when_there_is_nothing_to_show():
    empty = {
        figures.compliance_bar: pd.DataFrame(columns=["child_code", "child_name", *d.COMPLIANCE_COLUMNS]),
        figures.queries_bar: pd.DataFrame(
            columns=[
                "child_code",
                "child_name",
                "asked",
                "answered",
                "answered_share",
                "median_hours_to_answer",
            ]
        ),
        figures.disclosure_matrix_heatmap: pd.DataFrame(columns=d.MATRIX_COLUMNS),
    }
    for build, df in empty.items():
        for theme in ("light", "dark"):
            assert _annotation(build(df, theme)) == EMPTY_TEXT
    # Children that owed / asked nothing: zeros, still "no data".
    zeros = pd.DataFrame(
        [{"child_code": V4, "child_name": "四村", "due": 0, "on_time": 0, "late": 0, "missing": 0,
          "on_time_share": math.nan}]
    )  # fmt: skip
    assert _annotation(figures.compliance_bar(zeros)) == EMPTY_TEXT
