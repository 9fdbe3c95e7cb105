"""Layout pieces of the inspector's region pages."""

from __future__ import annotations

from dash import dcc, html

GRAPH_CONFIG = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def card(title: str, body, extra_class: str = "") -> html.Section:
    return html.Section(
        [html.H2(title, className="card-title-bar"), html.Div(body, className="card-content")],
        className=f"cockpit-card {extra_class}".strip(),
    )


def graph(graph_id: str, height: int = 320) -> dcc.Graph:
    return dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"})


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
