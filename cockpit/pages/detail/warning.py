"""/warning/<id>: a warning, its lifecycle trail, the residents' petitions
linked to it (相关群众诉求, queries.links) and its evidence."""

from __future__ import annotations

from dash import html

from cockpit.components.evidence import evidence_section
from cockpit.components.format import fmt_amount, fmt_duration, fmt_time
from cockpit.components.lists import timeline
from cockpit.components.messages import not_found
from cockpit.components.navbar import page_frame
from cockpit.components.refresh import Freshness
from cockpit.components.tables import colour_badge
from cockpit.components.urls import warning_href
from cockpit.context import viewer
from cockpit.lifecycle import COLOUR_LABELS, DISPOSITIONS, WARNING, WARNING_OWNER_KINDS, WARNING_SEVERITIES
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
from cockpit.pages.detail.links import linked_petitions_section
from cockpit.rules.catalogue import load_catalogue
from queries.links import links_for_warning
from queries.warnings import (
    get_linked_records,
    get_warning,
    get_warning_evidence,
    warning_trail,
    warning_village,
)

STEP_TONES = {"raised": "bad", "accepted": "warn", "disposed": "good", "reopened": "bad"}


def title(warning_id: str | None = None, **_kwargs) -> str:
    return f"预警 {warning_id} - 监督驾驶舱"


def layout(warning_id: str | None = None, **_query) -> html.Div:
    """The warning as the viewer may see it, masked (docs/security.md): its
    显示完整信息 button unmasks (cockpit.pages.detail.callbacks)."""
    fresh, children = content(warning_id, asked=False)
    return page_frame("warnings", fresh, *detail_body("warning", warning_id, children))


def content(warning_id: str | None, asked: bool) -> tuple[Freshness, list]:
    """The warning as the viewer may see it: out of its scope it is "not
    found" like a missing one; names, identity and phone numbers in its
    title, evidence and linked records masked unless ``asked`` (the unmask
    button) and the viewer may unmask. Every view is logged (docs/security.md)."""
    who = viewer()
    wid = record_id(warning_id)
    with connect() as conn:
        fresh = current_freshness(conn)
        village = warning_village(conn, wid) if wid is not None else None
        scope = record_scope(conn, who, village, asked)
        row = get_warning(conn, scope, wid) if scope is not None else None
        crumbs = village_crumbs(conn, row["village_code"]) if row else None
        trail = warning_trail(conn, scope, wid) if crumbs is not None else None
        evidence = get_warning_evidence(row) if crumbs is not None else None
        linked = get_linked_records(conn, scope, evidence["records"]) if evidence else []
        petitions = links_for_warning(conn, scope, wid) if crumbs is not None else None
    if row is None or crumbs is None:
        if village is not None:
            log_view(who, "view_warning", f"warning:{wid}", None, asked, "")
        return fresh, [not_found("预警", f"没有编号为 {warning_id} 的预警，或它不在您的管辖范围内。")]
    revealed = f"{row['external_id']}：预警标题、依据数值、关联业务记录及相关群众诉求中的姓名、身份证号、电话"
    log_view(who, "view_warning", f"warning:{wid}", scope, asked, revealed)
    status = WARNING.status(row["status"])
    open_now = status.is_open
    overdue = open_now and row["due_at"] < now()
    age = ((row["disposed_at"] or now()) - row["raised_at"]).total_seconds() / 3600
    state = [colour_badge(status.colour, f"{COLOUR_LABELS[status.colour]} · {status.label}")]
    if overdue:
        state.append(html.Span("超期", className="badge text-bg-danger ms-2"))
    fields = [
        ("编号", row["external_id"]),
        ("规则", row["rule_code"]),
        ("类别", row["category"]),
        ("等级", WARNING_SEVERITIES.get(row["severity"], row["severity"])),
        ("所属村（社区）", row["village_name"]),
        ("涉及金额", fmt_amount(row["amount"]) if row["amount"] is not None else "—"),
        ("状态", state),
        ("预警时间", fmt_time(row["raised_at"])),
        ("处置期限", fmt_time(row["due_at"])),
        ("处置时间", fmt_time(row["disposed_at"])),
        ("历时", fmt_duration(age)),
        (
            "责任主体",
            f"{WARNING_OWNER_KINDS.get(row['owner_kind'], row['owner_kind'])} · {row['owner_name']}",
        ),
        ("处置结论", DISPOSITIONS.get(row["disposition"], "—") if row["disposition"] else "—"),
        ("处置说明", row["note"]),
    ]
    events = [
        {
            "at": e.at,
            "title": f"{e.kind_label} → {e.to_status_label}" + (f" · {e.actor}" if e.actor else ""),
            "detail": e.note,
            "tone": STEP_TONES.get(e.kind, "neutral"),
        }
        for e in trail.itertuples(index=False)
    ]
    return fresh, [
        html.Div(crumbs, className="detail-crumbs"),
        html.H1(row["title"], className="page-title"),
        privacy_bar(warning_href(wid), who, scope, asked),
        html.Div(
            [
                html.Section(
                    [html.H2("预警信息", className="card-title-bar"), field_list(fields)],
                    className="cockpit-card span-7",
                ),
                html.Section(
                    [html.H2("处置过程", className="card-title-bar"), timeline(events)],
                    className="cockpit-card span-5",
                ),
                linked_petitions_section(petitions),
                evidence_section(evidence, _rule(evidence), linked),
            ],
            className="card-grid",
        ),
    ]


def _rule(evidence: dict | None):
    """The catalogue's rule the evidence names, or None."""
    if not evidence:
        return None
    try:
        return load_catalogue().get(evidence["rule_code"])
    except Exception:  # a broken catalogue file must not break the page
        return None
