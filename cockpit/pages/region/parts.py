"""Layout pieces of the inspector's region pages."""

from __future__ import annotations

from dash import dcc, html

from cockpit.components.export import export_control
from cockpit.pages.common import now

# Charts are read, not explored: no toolbar over their labels. The map keeps
# its zoom and pan buttons.
CHART_CONFIG = {"displaylogo": False, "displayModeBar": False}
MAP_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage", "sendDataToCloud"],
    "scrollZoom": False,
}


def card(title: str, body, extra_class: str = "") -> html.Section:
    return html.Section(
        [html.H2(title, className="card-title-bar"), html.Div(body, className="card-content")],
        className=f"cockpit-card {extra_class}".strip(),
    )


def graph(graph_id: str, height: int = 320, is_map: bool = False, figure=None) -> html.Div:
    """A chart drawn with ``figure`` from the start (a dcc.Graph without one
    shows plotly's empty default axes until its callback answers), in a slot
    of its height: dcc.Graph renders nothing until plotly.js has loaded, and
    the panels collapsed to their titles meanwhile, then jumped open."""
    config = MAP_CONFIG if is_map else CHART_CONFIG
    chart = dcc.Graph(id=graph_id, figure=figure, config=config, style={"height": f"{height}px"})
    return html.Div(chart, className="graph-slot", style={"minHeight": f"{height}px"})


def region_header(breadcrumb, title: str, subtitle: str, selector) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    breadcrumb,
                    html.H1(
                        [title, html.Small(subtitle, className="region-level")], className="region-title"
                    ),
                ],
                className="region-heading",
            ),
            selector,
        ],
        className="region-header",
    )


def with_export(region_code: str, selectors) -> html.Div:
    """The header's right side: 导出周报 above the page's selectors."""
    return html.Div([export_control(region_code, now()), selectors], className="region-tools")
