"""Pieces both detail pages use: the record's id from the URL, the viewer's
scope of the record (unmasked when asked and allowed), the audit entries a
view writes, the bar that offers or reports unmasking, and the frame the
unmasking callback redraws.

Unmasking is a deliberate click: the page always opens masked, and its
显示完整信息 button runs a callback (a POST that must carry the session's
CSRF token), which redraws the record unmasked and logs it. A link, however
crafted, cannot unmask in someone's name."""

from __future__ import annotations

from dash import dcc, html
from sqlalchemy import Connection

from cockpit.auth.audit import record_by
from cockpit.components.breadcrumb import breadcrumb
from cockpit.context import current, viewer
from cockpit.ids import DetailIds
from cockpit.pages.common import viewer_path
from queries.scope import AccessDeniedError, Scope, Viewer, authorize

RECORD_KINDS = ("petition", "warning")
UNMASKED_NOTE = "已显示完整个人信息（本次查看已记录）"
UNMASK_REFUSED = "您的角色不能查看未脱敏的个人信息，以下仍为脱敏显示（本次请求已记录）。"
OUT_OF_SCOPE = "不在管辖范围内"


def record_id(raw: str | None) -> int | None:
    """The id in the URL, or None if it is not a positive whole number."""
    if raw is None or not str(raw).isdigit():
        return None
    value = int(raw)
    return value if 0 < value < 2**63 else None


def record_scope(conn: Connection, who: Viewer, village_code: str | None, asked: bool) -> Scope | None:
    """The viewer's scope of the record's village, unmasked when ``asked``
    and the viewer may unmask; None when there is no such record, it lies
    outside the viewer's regions or the viewer sees aggregates only (the
    page then says "not found" for all three alike)."""
    if village_code is None or not who.records:
        return None
    try:
        return authorize(conn, who, village_code, unmasked=asked and who.may_unmask)
    except AccessDeniedError:
        return None


def log_view(who: Viewer, action: str, target: str, scope: Scope | None, asked: bool, revealed: str) -> None:
    """The audit entries of one view of a record (``target``: "petition:<id>"),
    in their own short transaction: ``action`` (view_petition / view_warning)
    when it was shown, with ``unmask`` (detail: ``revealed``) when unmasked or
    ``denied`` when unmasking was asked and refused; only ``denied`` when the
    record exists but lies outside the viewer's regions (scope None)."""
    if scope is None:
        entries = [("denied", OUT_OF_SCOPE)]
    else:
        entries = [(action, "")]
        if scope.unmasked:
            entries.append(("unmask", revealed))
        elif asked:
            entries.append(("denied", "无权查看未脱敏的个人信息"))
    with current().engine.begin() as conn:
        for entry, detail in entries:
            record_by(conn, who, entry, target, detail)


def privacy_bar(href: str, who: Viewer, scope: Scope, asked: bool) -> html.Div | None:
    """Under the title: the note that personal data is shown in full (and a
    way back: the record's masked page, ``href``, loaded afresh), the refusal
    of an unmasking the viewer may not do, or the button that unmasks."""
    if scope.unmasked:
        back = dcc.Link(
            "恢复脱敏显示", href=href, refresh=True, className="btn btn-sm btn-outline-secondary ms-3"
        )
        return html.Div([html.Span(UNMASKED_NOTE), back], className="alert alert-warning py-2 privacy-note")
    if asked:
        return html.Div(UNMASK_REFUSED, className="alert alert-danger py-2 privacy-note")
    if who.may_unmask:
        return html.Div(
            html.Button(
                "显示完整信息",
                id=DetailIds.UNMASK,
                n_clicks=0,
                className="btn btn-sm btn-outline-secondary",
                title="显示未脱敏的姓名、电话和身份证号（将记入审计日志）",
            ),
            className="privacy-actions mb-3",
        )
    return None


def detail_body(kind: str, raw_id: str | None, children: list) -> list:
    """The page's content in the frame the unmasking callback redraws: the
    record it shows (as the URL gave it) and its children."""
    return [
        dcc.Store(id=DetailIds.RECORD, data={"kind": kind, "id": raw_id}),
        html.Div(children, id=DetailIds.BODY),
    ]


def village_crumbs(conn: Connection, village_code: str) -> html.Nav | None:
    """Breadcrumb from the viewer's region to the record's village; None if
    the village is outside the viewer's regions."""
    try:
        path = viewer_path(conn, village_code)
    except AccessDeniedError:
        return None
    return breadcrumb(path, viewer().home, {})


def field_list(fields: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in fields:
        items += [html.Dt(label), html.Dd(value if value not in (None, "") else "—")]
    return html.Dl(items, className="field-list")
