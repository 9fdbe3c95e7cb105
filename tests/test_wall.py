"""The wall screen's pieces (cockpit.components.wall): what the ranking puts
first, how small samples and hostile text are shown, what each headline
figure says it counts."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from cockpit.components.wall import ticker, wall_kpis, wall_ranking
from cockpit.timewindow import TZ
from queries.kpis import Kpis
from tests.layout import markup_texts, text, walk


def _rows(component) -> list[list[str]]:
    (html,) = [n["props"]["html"] for n in walk(component) if n["type"] == "HtmlBlock"]
    cells = markup_texts(html)
    return [cells[i : i + 4] for i in range(0, len(cells), 4)]


def test_the_ranking_leads_with_the_lowest_share_and_does_not_rank_small_samples():
    df = pd.DataFrame(
        [
            # name, received, closed_within, late, share_5d
            ("好村", 40, 38, 2, 0.95),
            ("差村", 30, 20, 10, 20 / 30),
            ("中村", 20, 17, 3, 0.85),
            ("一件村", 1, 0, 1, 0.0),  # one late petition: 0%, but no signal
            ("小村", 3, 3, 0, 1.0),
            ("新村", 2, 0, 0, math.nan),  # nothing decided yet
        ],
        columns=["name", "received", "closed_within", "late", "share_5d"],
    )
    rows = _rows(wall_ranking(df, rows=7))
    assert rows == [
        ["1", "差村", "30件", "66.7%"],
        ["2", "中村", "20件", "85.0%"],
        ["3", "好村", "40件", "95.0%"],
        ["4", "一件村", "1件", "1件超5日"],
        ["5", "小村", "3件", "样本不足"],
        ["6", "新村", "2件", "暂无"],
    ]
    assert [r[1] for r in _rows(wall_ranking(df, rows=2))] == ["差村", "中村"]
    assert "暂无下级地区" in text(wall_ranking(df.iloc[0:0], rows=7))


def test_hostile_names_in_the_ranking_and_the_ticker_stay_text():
    df = pd.DataFrame(
        [("<img src=x onerror=alert(1)>", 9, 9, 0, 1.0)],
        columns=["name", "received", "closed_within", "late", "share_5d"],
    )
    (html,) = [n["props"]["html"] for n in walk(wall_ranking(df, 7)) if n["type"] == "HtmlBlock"]
    assert "<img" not in html and "&lt;img src=x" in html
    events = pd.DataFrame(
        [
            {
                "at": datetime(2026, 11, 20, 8, tzinfo=TZ),
                "kind": "petition",
                "town_name": "<b>镇</b>",
                "village_name": '=HYPERLINK("http://x")',
                "category": "<script>",
                "rule_code": "",
                "colour": "",
                "amount_band": "",
            }
        ]
    )
    (html,) = [n["props"]["html"] for n in walk(ticker(events)) if n["type"] == "HtmlBlock"]
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def _kpis(**changes) -> Kpis:
    base = dict(
        received=120, received_today=3, open=9, overdue=2, share=0.9, in_progress=10, late=11, closed=100,
        median_hours=30.0, median_bound_hours=0.0, red=4, yellow=5, green=6, raised=7,
    )  # fmt: skip
    return Kpis(**(base | changes))


def test_the_headline_figures_say_what_they_count():
    window, now = wall_kpis(_kpis(), "近30天 · 11-09 起")
    assert text(window).startswith("近30天 · 11-09 起")
    assert "受理诉求120件" in text(window).replace(" ", "") and "已处置预警6条" in text(window).replace(
        " ", ""
    )
    assert text(now).startswith("当前状态") and "红色预警4条" in text(now).replace(" ", "")
    assert "办理中 10 件未计" in text(window)


def test_a_share_of_a_handful_is_not_coloured():
    # 6 received, 2 in progress: 4 decided, under the minimum of 5.
    window, _now = wall_kpis(_kpis(received=6, in_progress=2, share=0.25, late=3), "近30天")
    assert "仅 4 件有结果，样本不足" in text(window)
    cards = [n["props"]["className"] for n in walk(window) if "kpi-card" in str(n["props"].get("className"))]
    assert "kpi-card kpi-neutral" in cards and "kpi-card kpi-bad" not in cards


def test_an_analytics_list_leads_with_the_lowest_share_it_can_judge():
    from cockpit.pages.screen.analytics import share_rows

    df = pd.DataFrame(
        [("甲镇", 2, 0.0), ("乙镇", 20, 0.8), ("丙镇", 10, 0.5), ("丁镇", 40, 0.975)],
        columns=["child_name", "asked", "answered_share"],
    )
    assert share_rows(df, "answered_share", "asked", "{} 件") == [
        ("丙镇", "10 件", "50.0%", "bad"),
        ("乙镇", "20 件", "80.0%", "warn"),
        ("丁镇", "40 件", "97.5%", "good"),
        ("甲镇", "2 件", "样本不足", "none"),  # 0 of 2 answered: no signal, not first
    ]
