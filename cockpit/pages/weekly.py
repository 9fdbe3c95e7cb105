"""/weekly (周报): build the weekly pack of a chosen week and region, and
download the packs the scheduler archived (docs/export.md)."""

from __future__ import annotations

from pathlib import Path

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from cockpit.components.export import download_pack, export_status, week_picker, while_building
from cockpit.components.format import fmt_size, fmt_time
from cockpit.components.messages import forbidden, not_found
from cockpit.components.navbar import page_frame
from cockpit.components.urls import WEEKLY, archived_pack_href
from cockpit.context import current, viewer
from cockpit.export.pack import ArchivedPack, list_archive
from cockpit.export.week import IsoWeek, WeekError
from cockpit.ids import WeeklyIds
from cockpit.pages.common import connect, current_freshness, first_value, now, regions_in_reach, viewer_path
from cockpit.pages.region.parts import card
from queries.regions import Region, get_region
from queries.scope import OutOfScopeError, granted

CONTENTS = (
    "周报是一个 ZIP 压缩包，汇总所选区域一周（周一至周日）的情况："
    "各图表的 PNG 图片（高清，可直接用于汇报材料）、"
    "A4 横版 PDF 报告（本周指标与上周比较、要点、图表、排名、预警清单和指标口径），"
    "以及 Excel 数据（每张图表和表格背后的数据，一表一页）。生成约需十几秒到一分钟。"
)
BUILD = "生成并下载"
ARCHIVE_HEADER = ("周", "文件名", "大小", "生成时间", "")
WEEKDAYS = {"mon": "一", "tue": "二", "wed": "三", "thu": "四", "fri": "五", "sat": "六", "sun": "日"}


def schedule_note(weekly_pack_at: str, root_name: str) -> str:
    """What the scheduler archives, in the words of COCKPIT_WEEKLY_PACK_AT."""
    if weekly_pack_at == "off":
        return "自动归档已关闭；需要时请在上方生成。"
    day, clock = weekly_pack_at.split()
    return f"每周{WEEKDAYS[day]} {clock}（北京时间）自动生成上一周{root_name}的周报并归档于此。"


def region_options(root: Region, below: pd.DataFrame, chosen: list[Region]) -> list[dict]:
    """The root, every region under it that has regions of its own (counties,
    towns: villages are too many to list), and the chosen region should it be
    a village. Below the root's children the parent's name tells namesakes apart."""
    options = [{"label": root.name, "value": root.code}]
    for region in below.itertuples(index=False):
        if not region.is_leaf or region.distance == 0:
            prefix = f"{region.parent_name} · " if region.distance > 1 and region.parent_name else ""
            options.append({"label": f"{prefix}{region.name}", "value": region.code})
    if chosen and chosen[-1].code not in {o["value"] for o in options}:
        options.append({"label": " · ".join(r.name for r in chosen[1:]), "value": chosen[-1].code})
    return options


def _week_label(code: str) -> str:
    try:
        return IsoWeek.parse(code).label
    except WeekError:
        return code


def archive_table(packs: list[ArchivedPack]) -> html.Table | html.Div:
    if not packs:
        return html.Div("暂无归档的周报", className="list-empty")
    rows = [
        html.Tr(
            [
                html.Td(_week_label(pack.week_code)),
                html.Td(pack.name, className="archive-name"),
                html.Td(fmt_size(pack.size), className="num"),
                html.Td(fmt_time(pack.modified)),
                html.Td(html.A("下载", href=archived_pack_href(pack.name), download=pack.name)),
            ]
        )
        for pack in packs
    ]
    return html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in ARCHIVE_HEADER])), html.Tbody(rows)],
        id=WeeklyIds.ARCHIVE,
        className="table table-sm cockpit-table archive-table",
    )


def layout(region: str | list | None = None, **_query) -> html.Div:
    """The pack form (``?region=<code>`` chooses the region) and the archive."""
    ctx = current()
    who = viewer()
    code = first_value(region) or who.home
    with connect() as conn:
        fresh = current_freshness(conn)
        if not get_region(conn, code):
            detail = f"地区代码 {code} 不存在。"
            return page_frame("weekly", fresh, not_found("地区", detail, WEEKLY, "返回周报"))
        try:
            path = viewer_path(conn, code)
            home = viewer_path(conn, who.home)
        except OutOfScopeError as error:
            return page_frame("weekly", fresh, forbidden(error.message, WEEKLY, "返回周报"))
        below = regions_in_reach(conn)
        sees_root = granted(conn, who, ctx.root_code)
    settings = ctx.settings
    form = html.Div(
        [
            html.Div(
                [html.Label("周", className="selector-label"), week_picker(WeeklyIds.WEEK, now())],
                className="weekly-field weekly-week",
            ),
            html.Div(
                [
                    html.Label("区域", className="selector-label"),
                    dcc.Dropdown(
                        id=WeeklyIds.REGION,
                        options=region_options(home[-1], below, path),
                        value=code,
                        clearable=False,
                        searchable=True,
                        className="region-dropdown",
                    ),
                ],
                className="weekly-field weekly-region",
            ),
            dbc.Button(BUILD, id=WeeklyIds.BUILD, color="primary", className="weekly-build"),
        ],
        className="weekly-form",
    )
    status = [export_status(WeeklyIds.STATUS), dcc.Download(id=WeeklyIds.DOWNLOAD)]
    archive = [
        html.P(schedule_note(settings.weekly_pack_at, home[0].name), className="table-note"),
        html.Div(archive_table(list_archive(Path(settings.export_dir))), className="table-scroll"),
    ]
    archive_card = [card("已归档的周报", archive, "span-12")] if sees_root else []
    return page_frame(
        "weekly",
        fresh,
        html.H1("周报", className="page-title"),
        html.P(CONTENTS, className="weekly-contents"),
        html.Div(
            [
                card("生成周报", [form, *status], "span-12"),
                *archive_card,
            ],
            className="card-grid",
        ),
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(WeeklyIds.DOWNLOAD, "data"),
        Output(WeeklyIds.STATUS, "children"),
        Input(WeeklyIds.BUILD, "n_clicks"),
        State(WeeklyIds.WEEK, "value"),
        State(WeeklyIds.REGION, "value"),
        running=while_building(WeeklyIds.BUILD, BUILD),
        prevent_initial_call=True,
    )(download_pack)
