"""The inspector analytics' one callback: the chosen section, drawn by the
layout and again when the data changes."""

from __future__ import annotations

from dash import Dash, Input, Output

from cockpit.context import viewer
from cockpit.ids import InspectIds, ShellIds
from cockpit.pages.common import connect, drawn, now, scope_for, window_of
from cockpit.pages.inspect.sections import SECTIONS, Context
from cockpit.pages.params import inspect_params
from queries.regions import get_region


def render_section(_version: str | None, params: dict) -> list:
    """The chosen section's cards, for the region and window of the page;
    re-runs only when the data changed."""
    params = inspect_params(params, SECTIONS)
    window = window_of(params["window"])
    with connect() as conn:
        scope = scope_for(conn, params["code"])
        region = get_region(conn, scope.region_code)
        context = Context(conn, scope, window, now(), region, viewer().home)
        return SECTIONS[params["section"]].render(context)


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(InspectIds.BODY, "children"),
        Input(ShellIds.DATA_VERSION, "data"),
        Input(InspectIds.PARAMS, "data"),
        prevent_initial_call=True,  # the layout drew it; again when the data changes
    )(drawn(render_section, "render_inspect"))
