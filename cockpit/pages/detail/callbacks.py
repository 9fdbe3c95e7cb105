"""The detail pages' one callback: 显示完整信息 redraws the record unmasked.

A callback is a POST that carries the session's CSRF token (cockpit.auth.csrf),
so only a click on the page itself unmasks, never a link; the record is looked
up and authorized again, and the view is logged with what was revealed
(cockpit.pages.detail.common.log_view).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from cockpit.ids import DetailIds
from cockpit.pages.detail import petition, warning
from cockpit.pages.detail.common import RECORD_KINDS
from cockpit.pages.params import BadRequestError, clicks, text

CONTENT = {"petition": petition.content, "warning": warning.content}


def unmask(n_clicks: Any, record: Any) -> list:
    """The record's content, unmasked when the viewer may (else masked, with
    the refusal); ``record``: the page's {"kind", "id"}."""
    if not clicks(n_clicks):
        raise PreventUpdate
    if not isinstance(record, Mapping) or record.get("kind") not in RECORD_KINDS:
        raise BadRequestError("记录无效，请刷新页面后重试。")
    _fresh, children = CONTENT[record["kind"]](text(record.get("id"), "记录编号", 32), asked=True)
    return children


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(DetailIds.BODY, "children"),
        Input(DetailIds.UNMASK, "n_clicks"),
        State(DetailIds.RECORD, "data"),
        prevent_initial_call=True,
    )(unmask)
