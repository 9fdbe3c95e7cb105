"""/petition/<id>: a petition, its event trail and the warnings linked to it
(相关预警, queries.links)."""

from __future__ import annotations

from dash import html

from cockpit.components.format import fmt_duration, fmt_time
from cockpit.components.lists import timeline
from cockpit.components.messages import not_found
from cockpit.components.navbar import page_frame
from cockpit.components.refresh import Freshness
from cockpit.components.urls import petition_href
from cockpit.context import viewer
from cockpit.lifecycle import (
    CHANNELS,
    COMPLEXITY,
    COMPLEXITY_LIMIT_DAYS,
    HANDLING_LEVELS,
    PETITION,
    SATISFACTION,
)
from cockpit.pages.common import connect, current_freshness, now
from cockpit.pages.detail.common import (
    detail_body,
    field_list,
    log_view,
    privacy_bar,
    record_id,
    record_scope,
    village_crumbs,
)
from cockpit.pages.detail.links import linked_warnings_section
from queries.links import linked_person_names, links_for_petition
from queries.personal import REPORTER_HIDDEN, mask_text
from queries.petitions import get_petition, petition_trail, petition_village
from queries.scope import Scope, Viewer

STEP_TONES = {
    "received": "neutral",
    "closed": "good",
    "escalated": "warn",
    "reopened": "bad",
    "feedback": "good",
}


def title(petition_id: str | None = None, **_kwargs) -> str:
    return f"诉求 {petition_id} - 监督驾驶舱"


def layout(petition_id: str | None = None, **_query) -> html.Div:
    """The petition as the viewer may see it, masked (docs/security.md): its
    显示完整信息 button unmasks (cockpit.pages.detail.callbacks)."""
    fresh, children = content(petition_id, asked=False)
    return page_frame("analysis", fresh, *detail_body("petition", petition_id, children))


def content(petition_id: str | None, asked: bool) -> tuple[Freshness, list]:
    """The petition as the viewer may see it: out of its scope it is "not
    found" like a missing one; personal data masked unless ``asked`` (the
    unmask button) and the viewer may unmask. Every view is logged
    (docs/security.md)."""
    who = viewer()
    pid = record_id(petition_id)
    with connect() as conn:
        fresh = current_freshness(conn)
        village = petition_village(conn, pid) if pid is not None else None
        scope = record_scope(conn, who, village, asked)
        row = get_petition(conn, scope, pid) if scope is not None else None
        crumbs = village_crumbs(conn, row["village_code"]) if row else None
        trail = petition_trail(conn, scope, pid) if crumbs is not None else None
        linked = links_for_petition(conn, scope, pid) if crumbs is not None else None
        named = linked_person_names(conn, scope, pid) if crumbs is not None and not scope.unmasked else []
    if row is None or crumbs is None:
        if village is not None:
            log_view(who, "view_petition", f"petition:{pid}", None, asked, "")
        return fresh, [not_found("诉求", f"没有编号为 {petition_id} 的诉求，或它不在您的管辖范围内。")]
    log_view(who, "view_petition", f"petition:{pid}", scope, asked, _revealed(row, who))
    status = PETITION.status(row["status"])
    closed_at = row["closed_at"]
    complexity = row["complexity"]
    limit_days = COMPLEXITY_LIMIT_DAYS.get(complexity, "—")
    hours = ((closed_at or now()) - row["received_at"]).total_seconds() / 3600
    fields = [
        ("编号", row["external_id"]),
        ("所属村（社区）", row["village_name"]),
        ("类别", row["category"]),
        ("反映渠道", CHANNELS.get(row["channel"], row["channel"])),
        ("复杂程度", f"{COMPLEXITY.get(complexity, complexity)}（时限 {limit_days} 天）"),
        ("实名反映", "是" if row["real_name"] else "否"),
        *_reporter_fields(row, who),
        (
            "状态",
            html.Span(
                status.label,
                className=f"badge {'text-bg-success' if not status.is_open else 'text-bg-primary'}",
            ),
        ),
        ("受理时间", fmt_time(row["received_at"])),
        ("办理期限", fmt_time(row["due_at"])),
        ("办结时间", fmt_time(closed_at)),
        ("办理时长" if closed_at else "已历时", fmt_duration(hours)),
        ("当前办理层级", HANDLING_LEVELS.get(row["handling_level"], row["handling_level"])),
        ("承办单位", row["handling_unit"]),
        (
            "群众满意度",
            SATISFACTION.get(row["satisfaction"], "—") if row["satisfaction"] is not None else "—",
        ),
    ]
    events = [
        {
            "at": e.at,
            "title": f"{e.kind_label} · {e.level_label} · {e.unit}",
            "detail": e.note,
            "tone": STEP_TONES.get(e.kind, "neutral"),
        }
        for e in trail.itertuples(index=False)
    ]
    return fresh, [
        html.Div(crumbs, className="detail-crumbs"),
        html.H1(f"诉求 {row['external_id']}", className="page-title"),
        privacy_bar(petition_href(pid), who, scope, asked),
        html.Div(
            [
                html.Section(
                    [
                        html.H2("诉求内容", className="card-title-bar"),
                        html.P(_summary(row["summary"], scope, named) or "—", className="summary"),
                        field_list(fields),
                    ],
                    className="cockpit-card span-7",
                ),
                html.Section(
                    [html.H2("办理过程", className="card-title-bar"), timeline(events)],
                    className="cockpit-card span-5",
                ),
                linked_warnings_section(linked),
            ],
            className="card-grid",
        ),
    ]


def _summary(summary: str | None, scope: Scope, named: list[str]) -> str | None:
    """The summary as the query gave it (masked or not as the scope asks),
    with the people its linked warnings name masked too unless unmasked."""
    return summary if scope.unmasked else mask_text(summary, named)


def _reporter_fields(row: dict, who: Viewer) -> list[tuple[str, object]]:
    """反映人 and 联系电话 of a real-name petition, for viewers who may see
    them (already masked or not by the query); a note for the others."""
    if not row["real_name"]:
        return []
    if not who.may_see_reporter:
        return [("反映人", html.Span(REPORTER_HIDDEN, className="text-muted"))]
    return [("反映人", row["reporter_name"]), ("联系电话", row["reporter_phone"])]


def _revealed(row: dict, who: Viewer) -> str:
    """What an unmasked view of the petition shows (the audit entry's detail)."""
    shown = ["诉求内容及办理记录中的电话、身份证号", "相关预警中的姓名"]
    if row["real_name"] and who.may_see_reporter:
        shown.insert(0, "反映人姓名、联系电话")
    return f"{row['external_id']}：" + "；".join(shown)
