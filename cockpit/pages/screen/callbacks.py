"""Callbacks of the wall screen: clock, unattended rotation, and the panels."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from cockpit.ids import ScreenIds, ShellIds
from cockpit.pages.common import drawn
from cockpit.pages.params import clicks, code_sequence, region_code
from cockpit.pages.screen.panels import SLOT_IDS, SLOT_TITLE_IDS
from cockpit.pages.screen.render import render_screen

__all__ = ["next_focus", "register_callbacks", "render_screen"]


def next_focus(_n_intervals: int | None, rotation: list[str] | None, focus: str | None):
    """The next region in the rotation, wrapping round to the root."""
    clicks(_n_intervals)
    rotation, focus = code_sequence(rotation), region_code(focus)
    if not rotation or len(rotation) < 2:
        return no_update
    position = rotation.index(focus) if focus in rotation else -1
    return rotation[(position + 1) % len(rotation)]


def register_callbacks(app: Dash) -> None:
    app.clientside_callback(
        ClientsideFunction(namespace="cockpit", function_name="clock"),
        Output(ScreenIds.CLOCK, "children"),
        Input(ScreenIds.CLOCK_TICK, "n_intervals"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="cockpit", function_name="rotationStatus"),
        Output(ScreenIds.ROTATION_STATUS, "children"),
        Input(ScreenIds.FOCUS, "data"),
        State(ScreenIds.ROTATION, "data"),
        State(ScreenIds.ROTATE, "interval"),
        State(ScreenIds.ROTATE, "disabled"),
    )
    app.callback(
        Output(ScreenIds.FOCUS, "data"),
        Input(ScreenIds.ROTATE, "n_intervals"),
        State(ScreenIds.ROTATION, "data"),
        State(ScreenIds.FOCUS, "data"),
        prevent_initial_call=True,
    )(next_focus)
    app.callback(
        Output(ScreenIds.FOCUS_NAME, "children"),
        Output(ScreenIds.KPIS, "children"),
        Output(ScreenIds.MAP, "figure"),
        Output(ScreenIds.MAP_TITLE, "children"),
        *[
            Output(slot_id, "children")
            for title_id, body_id in zip(SLOT_TITLE_IDS, SLOT_IDS, strict=True)
            for slot_id in (title_id, body_id)
        ],
        Output(ScreenIds.TICKER, "children"),
        Output(ScreenIds.TODAY, "children"),
        Input(ShellIds.DATA_VERSION, "data"),
        Input(ScreenIds.FOCUS, "data"),
        # The layout drew the first focus; this runs when the data changes
        # and when the rotation moves on.
        prevent_initial_call=True,
    )(drawn(render_screen, "render_screen"))
