"""The weekly pack built on request, shared by /weekly and the inspector's
region pages: the week picker, the export control, and ``download_pack``,
the one callback that builds a pack and hands it to ``dcc.Download``
(docs/export.md)."""

from __future__ import annotations

import logging
from datetime import datetime

import dash_bootstrap_components as dbc
from dash import Output, dcc, html, no_update

from cockpit.auth.audit import log_request
from cockpit.components.format import fmt_size
from cockpit.context import current, viewer
from cockpit.export.content import RegionNotFoundError
from cockpit.export.pack import BuiltPack, build_pack
from cockpit.export.render import ExportUnavailableError, shared_renderer
from cockpit.export.week import IsoWeek, WeekError, recent_weeks
from cockpit.ids import ExportIds
from queries.regions import region_path
from queries.scope import AccessDeniedError, authorize

log = logging.getLogger(__name__)

WEEKS = 26  # the week in progress and the 25 before it
IN_PROGRESS = "进行中（暂定）"  # its 5-day shares can still fall
EXPORT = "导出周报"
BUSY = "正在生成……"
WORKING = "正在生成周报，约需十几秒到一分钟……"
FAILED = "周报生成失败，请稍后重试；原因已记入服务器日志。"


def week_options(now: datetime) -> list[dict]:
    """The last ``WEEKS`` ISO weeks, newest first; the week in progress says so."""
    return [
        {"label": week.label if week.has_ended(now) else f"{week.label} · {IN_PROGRESS}", "value": week.code}
        for week in recent_weeks(now, WEEKS)
    ]


def week_picker(component_id: str, now: datetime, class_name: str = "") -> dcc.Dropdown:
    """A dropdown of recent weeks, on the last full week."""
    return dcc.Dropdown(
        id=component_id,
        options=week_options(now),
        value=IsoWeek.last_full(now).code,
        clearable=False,
        searchable=False,
        className=f"week-dropdown {class_name}".strip(),
    )


def download_pack(_clicks: int | None, week_code: str | None, region_code: str | None) -> tuple:
    """The callback of 生成并下载 (/weekly) and 导出周报 (region pages): the
    pack of ``region_code`` (under the cockpit's root) for ``week_code``, as
    (what dcc.Download takes, a status line saying how long it took); when
    there can be no pack, (no_update, an alert saying why)."""
    # Imported here: the pages (cockpit.pages) import this module.
    from cockpit.pages.params import clicks, text
    from cockpit.pages.params import region_code as checked_code

    clicks(_clicks)
    week_code, region_code = text(week_code, "周", 20), checked_code(region_code)
    ctx = current()
    if not (week_code and region_code):
        return no_update, alert("请选择周和区域。")
    try:
        week = IsoWeek.parse(week_code)
    except WeekError as error:
        return no_update, alert(str(error))
    who = viewer()
    if not who.may_export:
        raise AccessDeniedError("您的角色不能导出周报。")
    with ctx.engine.connect() as conn:
        if not region_path(conn, region_code, ctx.root_code):
            return no_update, alert(f"地区代码 {region_code} 不在本驾驶舱的管辖范围内。")
        authorize(conn, who, region_code)
    try:
        built = build_pack(ctx.engine, region_code, week, shared_renderer(ctx.settings.browser), viewer=who)
    except (ExportUnavailableError, RegionNotFoundError) as error:
        return no_update, alert(str(error))
    except Exception:  # an unexpected failure: logged in full, the user told plainly
        log.exception("weekly pack of %s for %s failed", region_code, week_code)
        return no_update, alert(FAILED)
    log_request("export", f"weekly:{region_code}:{week.code}", built.filename)
    return dcc.send_bytes(built.zip_bytes, built.filename), done(built)


def done(built: BuiltPack) -> html.Div:
    return html.Div(
        [
            html.Span("✓ ", className="export-tick"),
            f"已生成 {built.filename}（{fmt_size(len(built.zip_bytes))}），",
            f"用时 {built.seconds['total']:.1f} 秒。",
        ],
        className="export-done",
    )


def alert(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="warning", className="export-alert")


def export_control(region_code: str, now: datetime) -> html.Div:
    """导出周报 for the region a page shows: a week and a button (the status
    line goes elsewhere: ``export_status``)."""
    return html.Div(
        [
            dcc.Store(id=ExportIds.REGION, data=region_code),
            html.Span("周报", className="selector-label"),
            week_picker(ExportIds.WEEK, now, "week-dropdown-compact"),
            dbc.Button(EXPORT, id=ExportIds.BUTTON, color="primary", outline=True, size="sm"),
            dcc.Download(id=ExportIds.DOWNLOAD),
        ],
        className="export-control",
    )


def export_status(status_id: str = ExportIds.STATUS) -> dcc.Loading:
    """Where a pack says how long it took, or why there is none; while it is
    being built, a spinner saying so."""
    spinner = dbc.Spinner(size="sm", color="primary")
    working = html.Div([spinner, html.Span(WORKING)], className="export-working")
    return dcc.Loading(
        html.Div(id=status_id, className="export-status"), custom_spinner=working, show_initially=False
    )


def while_building(button_id: str, label: str) -> list:
    """``running=`` of a callback that builds a pack: its button disabled,
    saying so, until the pack is sent."""
    return [(Output(button_id, "disabled"), True, False), (Output(button_id, "children"), BUSY, label)]
