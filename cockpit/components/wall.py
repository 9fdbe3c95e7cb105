"""The wall screen's own pieces, sized for reading across a room
(docs/screen.md): the headline figures grouped by what they count, the
regions that need attention, the newest red warnings, and the ticker of
what just happened. Aggregates and catalogue words only: a wall screen is
seen by anyone in the room (no names, summaries or warning titles)."""

from __future__ import annotations

import math

import pandas as pd
from dash import html

from cockpit.components.format import DASH, fmt_duration, fmt_hours, fmt_int, fmt_share, fmt_time, is_estimate
from cockpit.components.kpi import kpi_card, share_tone
from cockpit.components.lists import marquee
from cockpit.components.markup import HtmlBlock, Markup, tag
from cockpit.lifecycle import MIN_SHARE_SAMPLE
from cockpit.rules.catalogue import load_catalogue
from queries.kpis import Kpis

TICKER_SECONDS_PER_ITEM = 6  # how long the ticker takes to move one item past


def _group(caption: str, cards: list[html.Div], name: str) -> html.Div:
    return html.Div(
        [html.Div(caption, className="kpi-group-caption"), html.Div(cards, className="kpi-group-cards")],
        className=f"kpi-group kpi-group-{name}",
    )


def wall_kpis(k: Kpis, window_caption: str) -> list[html.Div]:
    """The headline figures in two groups: those counted over the window
    (``window_caption``: "近30天 · 11-09 至今"), and the state now."""
    hours, hours_unit = fmt_hours(k.median_hours)
    share = fmt_share(k.share)
    decided = k.received - k.in_progress
    few = decided < MIN_SHARE_SAMPLE  # a share of so few is no signal: not coloured (docs/metrics.md)
    share_sub = f"仅 {decided} 件有结果，样本不足" if few else f"办理中 {k.in_progress:,} 件未计"
    bound = k.median_bound_hours
    timing_sub = f"误差 ≤ {fmt_duration(bound)}" if is_estimate(bound) and math.isfinite(bound) else ""
    counted = [
        kpi_card("受理诉求", fmt_int(k.received), "件", f"今日新增 {k.received_today:,}"),
        kpi_card(
            "5日办结率",
            share.rstrip("%"),
            "%" if share != DASH else "",
            share_sub,
            "neutral" if few else share_tone(k.share),
        ),
        kpi_card("办理时长中位数", hours, hours_unit, timing_sub or f"已办结 {k.closed:,} 件"),
        kpi_card("已处置预警", fmt_int(k.green), "条", "绿色，期内处置", "green"),
    ]
    now = [
        kpi_card(
            "未办结诉求", fmt_int(k.open), "件", f"其中超期 {k.overdue:,}", "bad" if k.overdue else "neutral"
        ),
        kpi_card("红色预警", fmt_int(k.red), "条", "新预警待处置", "red"),
        kpi_card("黄色预警", fmt_int(k.yellow), "条", "处置中", "yellow"),
    ]
    return [_group(window_caption, counted, "window"), _group("当前状态", now, "now")]


def _decided(row) -> int:
    return int(getattr(row, "closed_within", 0) or 0) + int(getattr(row, "late", 0) or 0)


def wall_ranking(df: pd.DataFrame, rows: int, empty: str = "暂无下级地区") -> html.Div | HtmlBlock:
    """The ``rows`` rows of ``df`` (name, received, closed_within, late,
    share_5d: child regions or categories) with the lowest 5-day share,
    lowest first: what the room should look at. A share over fewer than
    MIN_SHARE_SAMPLE decided petitions is not ranked: those rows follow,
    the ones with petitions past their 5 days first ("2件超5日", else
    "样本不足"), then the ones with nothing decided yet ("暂无")."""
    if df.empty:
        return html.Div(empty, className="list-empty")
    decided = [_decided(r) for r in df.itertuples(index=False)]
    ranked = df.assign(decided=decided, small=[d < MIN_SHARE_SAMPLE for d in decided])
    ranked = ranked.assign(ranked_share=ranked["share_5d"].where(~ranked["small"]))
    ranked = ranked.assign(late=pd.to_numeric(ranked["late"]).fillna(0).astype(int))
    ranked = ranked.sort_values(
        ["ranked_share", "late", "decided"], ascending=[True, False, False], na_position="last", kind="stable"
    )
    items = []
    for rank, row in enumerate(ranked.head(rows).itertuples(index=False), start=1):
        small = row.small
        share = row.share_5d
        tone = "none" if small or pd.isna(share) else share_tone(share).replace("neutral", "none")
        if not small:
            shown = fmt_share(share)
        elif row.late:
            shown, tone = f"{row.late}件超5日", "bad"
        else:
            shown = "样本不足" if row.decided else "暂无"
        items.append(
            tag(
                "div",
                tag("span", str(rank), class_="rank-no"),
                tag("span", row.name, class_="rank-name"),
                tag("span", f"{fmt_int(row.received)}件", class_="rank-received"),
                tag("span", shown, class_=f"rank-share tone-{tone}"),
                class_="rank-row" + (" rank-small" if small else ""),
            )
        )
    return HtmlBlock(tag("div", items, class_="wall-ranking"))


def rule_name(code: str) -> str:
    """A rule's name in the catalogue ("未批先用工"); "" for an unknown code."""
    rule = load_catalogue().get(str(code or ""))
    return rule.name if rule is not None else ""


def wall_red_list(df: pd.DataFrame) -> html.Div | HtmlBlock:
    """The newest red warnings: when, where, which rule, the amount's band;
    rolling upward when more than fit."""
    if df.empty:
        return html.Div("当前没有红色预警", className="list-empty")
    items = []
    for row in df.itertuples(index=False):
        place = " · ".join(str(p) for p in (row.town_name, row.village_name) if isinstance(p, str) and p)
        what = rule_name(row.rule_code) or f"{row.category}预警"
        items.append(
            tag(
                "div",
                tag(
                    "div",
                    tag("span", fmt_time(row.raised_at, "%m-%d %H:%M"), class_="red-time"),
                    tag("span", row.category, class_="red-category"),
                    class_="red-meta",
                ),
                tag("div", what, class_="red-title"),
                tag(
                    "div",
                    tag("span", place, class_="red-place"),
                    tag("span", row.amount_band or "", class_="red-amount"),
                    class_="red-extra",
                ),
                class_="red-item",
            )
        )
    return marquee(items, min_items=4)


def _ticker_item(row) -> Markup:
    place = "".join(str(p) for p in (row.town_name, row.village_name) if isinstance(p, str) and p)
    when = fmt_time(row.at, "%H:%M")
    if row.kind == "petition":
        return tag(
            "span",
            tag("span", when, class_="ticker-time"),
            tag("span", "诉求", class_="ticker-kind ticker-petition"),
            f"{place} 反映「{row.category}」",
            class_="ticker-item",
        )
    colour = {"red": "红色", "yellow": "黄色", "green": "绿色"}.get(row.colour, "")
    what = rule_name(row.rule_code) or row.category
    band = f"，金额{row.amount_band}" if row.amount_band else ""
    return tag(
        "span",
        tag("span", when, class_="ticker-time"),
        tag("span", f"{colour}预警", class_=f"ticker-kind ticker-{row.colour or 'red'}"),
        f"{place}「{what}」{band}",
        class_="ticker-item",
    )


def ticker(df: pd.DataFrame) -> HtmlBlock | html.Div:
    """The newest petitions and warnings, moving right to left in a loop."""
    if df.empty:
        return html.Div("暂无新动态", className="ticker-empty")
    items = [_ticker_item(row) for row in df.itertuples(index=False)]
    seconds = TICKER_SECONDS_PER_ITEM * len(items)
    track = tag("div", items + items, class_="ticker-track", style=f"animation-duration: {seconds}s")
    return HtmlBlock(tag("div", track, class_="ticker"))


def today_strip(counts: dict[str, int]) -> list[html.Div]:
    """Today's figures: received, warnings raised, warnings disposed."""
    figures = [
        html.Div(
            [
                html.Span(label, className="today-label"),
                html.Span(f"{counts[key]:,}", className="today-value"),
            ],
            className="today-figure",
        )
        for key, label in (("received", "受理"), ("raised", "新预警"), ("disposed", "处置预警"))
    ]
    return [html.Div("今日", className="today-caption"), *figures]


def wall_list(rows: list[tuple[str, str, str, str]], empty: str) -> html.Div | HtmlBlock:
    """A panel's list at wall size: rows of (name, detail, value, tone),
    the tone one of good / warn / bad / none."""
    if not rows:
        return html.Div(empty, className="list-empty")
    items = [
        tag(
            "div",
            tag("span", name, class_="wall-name"),
            tag("span", detail, class_="wall-detail"),
            tag("span", value, class_=f"wall-value tone-{tone}"),
            class_="wall-row",
        )
        for name, detail, value, tone in rows
    ]
    return HtmlBlock(tag("div", items, class_="wall-list"))


def share_row_tone(share: float) -> str:
    """The tone of a share in a wall list (none without one)."""
    return "none" if pd.isna(share) else share_tone(share).replace("neutral", "none")
