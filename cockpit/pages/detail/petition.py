"""/petition/<id>: a petition and its event trail."""

from __future__ import annotations

from dash import html

from cockpit.components.format import fmt_duration, fmt_time
from cockpit.components.lists import timeline
from cockpit.components.messages import not_found
from cockpit.components.navbar import page_frame
from cockpit.lifecycle import (
    CHANNELS,
    COMPLEXITY,
    COMPLEXITY_LIMIT_DAYS,
    HANDLING_LEVELS,
    PETITION,
    SATISFACTION,
)
from cockpit.pages.common import connect, current_freshness, now
from cockpit.pages.detail.common import field_list, record_id, village_crumbs
from queries.petitions import get_petition, petition_trail

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
    pid = record_id(petition_id)
    with connect() as conn:
        fresh = current_freshness(conn)
        row = get_petition(conn, pid) if pid is not None else None
        crumbs = village_crumbs(conn, row["village_code"]) if row else None
        trail = petition_trail(conn, pid) if crumbs is not None else None
    if row is None or crumbs is None:
        return page_frame(
            "analysis",
            fresh,
            not_found("诉求", f"没有编号为 {petition_id} 的诉求，或它不在本驾驶舱的管辖范围内。"),
        )
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
    return page_frame(
        "analysis",
        fresh,
        html.Div(crumbs, className="detail-crumbs"),
        html.H1(f"诉求 {row['external_id']}", className="page-title"),
        html.Div(
            [
                html.Section(
                    [
                        html.H2("诉求内容", className="card-title-bar"),
                        html.P(row["summary"] or "—", className="summary"),
                        field_list(fields),
                    ],
                    className="cockpit-card span-7",
                ),
                html.Section(
                    [html.H2("办理过程", className="card-title-bar"), timeline(events)],
                    className="cockpit-card span-5",
                ),
            ],
            className="card-grid",
        ),
    )
