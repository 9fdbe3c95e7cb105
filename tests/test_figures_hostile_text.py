"""Text from the store reaches plotly.js as text, never as markup.

plotly.js draws every text (tick labels, bar text, hover text, legend names,
annotations, colour-bar titles, Sankey labels) as pseudo-HTML, where
``<a href>`` is a live link. Every figure builder escapes the text it is given
(cockpit.figures.escaping); these tests find every builder by introspection,
feed each one frames whose every string cell is hostile, and read the whole
figure back.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import cockpit.figures
from cockpit import figures
from cockpit.figures import disclosure, escalation, recurrence
from tests import maps
from tests.test_figures import metrics_frame, regions_frame

# Marks every data string, so a figure's text can be traced back to the data.
SENTINEL = "☣"
HOSTILE = (
    '<a href="http://evil.example">点我</a>'
    "<b>粗</b>"
    "A & B"
    "<img src=x onerror=alert(1)>"
    '=HYPERLINK("http://x")'
    "&lt;i&gt;&#60;u&#62;"  # entities in the data are shown as typed, not decoded into tags
    "%{customdata[0]}"  # a template placeholder in the data is shown as typed
)
# Codes the builders translate into their own labels (lifecycle states, the
# Sankey's two ends): never drawn as they are, so left as they are.
CODES = {"solved", "open", "on_time", "late", "missing", "upcoming"}
# The markup the builders write themselves.
BUILDER_TAGS = {"<b>", "</b>", "<br>", "<extra>", "</extra>"}
# plotly.js: what it takes for a tag, and the entities it decodes (svg_text_utils).
PLOTLY_TAG = re.compile(r"<[^<>]*>")
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
PLOTLY_ENTITIES = {
    "mu": "μ",
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "nbsp": "\xa0",
    "times": "×",
    "plusmn": "±",
    "deg": "°",
}


def hostile(value):
    """``value`` with every string (every string cell of a frame) prefixed by
    the hostile text; the same string always gives the same result, so keys
    joining two frames still match."""
    if isinstance(value, str):
        return value if value in CODES else f"{SENTINEL}{HOSTILE}{value}"
    if not isinstance(value, pd.DataFrame):
        return value
    out = value.copy()
    for column in out.columns:
        if column != "boundary" and (  # boundary: geometry, never drawn
            out[column].dtype == object or pd.api.types.is_string_dtype(out[column])
        ):
            out[column] = pd.Series([hostile(v) for v in out[column]], index=out.index, dtype=object)
    return out


def plotly_text(text: str) -> str:
    """What plotly.js shows for ``text``: the tags dropped, the entities of
    each piece between tags decoded once (svg_text_utils.convertEntities)."""

    def entity(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#"):
            return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
        return PLOTLY_ENTITIES.get(name, match.group(0))

    return "".join(PLOTLY_ENTITY.sub(entity, part) for part in PLOTLY_TAG.split(text))


def strings(node, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a figure's JSON, with where it is."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(node, list | tuple | np.ndarray):
        for i, value in enumerate(node.tolist() if isinstance(node, np.ndarray) else node):
            yield from strings(value, f"{path}[{i}]")


# ---- the frames --------------------------------------------------------------


def categories() -> pd.DataFrame:
    columns = ["category", "received", "share_of_received", "closed_within", "share_5d"]
    return pd.DataFrame([("道路", 30, 0.7, 27, 0.9), ("低保", 12, 0.3, 10, math.nan)], columns=columns)


def handling() -> pd.DataFrame:
    return pd.DataFrame({"bucket": ["0-1", "15+"], "label": ["1天内", "15天以上"], "count": [40, 2]})


def trend() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": [date(2026, 11, 2), date(2026, 11, 9)],
            "received": [10, 4],
            "closed_within": [9, 0],
            "late": [1, 0],
            "in_progress": [0, 4],
            "share": [0.9, math.nan],
        }
    )


def warnings_per_period() -> pd.DataFrame:
    return pd.DataFrame(
        {"period": [date(2026, 11, 2), date(2026, 11, 9)], "raised": [5, 3], "disposed": [2, 6]}
    )


def category_metrics(regions: pd.DataFrame) -> pd.DataFrame:
    return metrics_frame(regions).assign(
        category_open=[2, 0, 5], category_overdue=[1, 0, 0], category_raised=3
    )


def compliance(regions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "child_code": regions["code"],
            "child_name": regions["name"],
            "due": [4, 3, 0],
            "on_time": [2, 1, 0],
            "late": [1, 1, 0],
            "missing": [1, 1, 0],
            "on_time_share": [0.5, 1 / 3, math.nan],
        }
    )


def public_queries() -> pd.DataFrame:
    columns = ["child_code", "child_name", "asked", "answered", "answered_share", "median_hours_to_answer"]
    rows = [("A1", "东城街道", 5, 4, 0.8, 20.0), ("A2", "西山镇", 2, 0, 0.0, math.nan)]
    return pd.DataFrame(rows, columns=columns)


def matrix() -> pd.DataFrame:
    due = pd.Timestamp(datetime(2026, 11, 1, 9))
    return pd.DataFrame(
        {
            "village_name": ["一村", "一村", "一村"],
            "category": ["party", "finance", "finance"],
            "item": ["党员发展", "收支明细", "收支明细"],
            "period": ["10月", "10月", "11月"],
            "due_at": [due, due, due + pd.Timedelta(days=30)],
            "published_at": [due, pd.NaT, pd.NaT],
            "state": ["on_time", "missing", "upcoming"],
            "days_late": [0, 3, 0],
        }
    )


def flow() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "from_level": ["village", "village", "town", "town"],
            "to_level": ["town", "solved", "solved", "open"],
            "petitions": [3, 5, 2, 1],
        }
    )


def levels() -> pd.DataFrame:
    columns = ["level", "level_label", "reached", "median_hours", "p90_hours"]
    return pd.DataFrame(
        [("village", "村级", 8, 20.0, 30.0), ("town", "乡镇级", 3, 40.0, 70.0)], columns=columns
    )


def units() -> pd.DataFrame:
    columns = ["handling_unit", "level", "level_label", "petitions", "closed", "median_hours", "overdue"]
    rows = [
        ("东城街道办", "town", "乡镇级", 6, 5, 30.0, 1),
        ("一村村委会", "village", "村级", 4, 4, math.nan, 0),
    ]
    return pd.DataFrame(rows, columns=columns).assign(overdue_share=[1 / 6, 0.0])


def satisfaction(by: str) -> pd.DataFrame:
    counts = {"rated": [4, 0], "satisfied": [3, 0], "basic": [1, 0], "unsatisfied": [0, 0]}
    rate = {"satisfaction_rate": [1.0, math.nan]}
    if by == "child":
        return pd.DataFrame(
            {"child_code": ["A1", "A2"], "child_name": ["东城街道", "西山镇"], **counts, **rate}
        )
    return pd.DataFrame(
        {"handling_unit": ["东城街道办", "一村村委会"], "level_label": ["乡镇级", "村级"], **counts, **rate}
    )


def owners() -> pd.DataFrame:
    columns = ["handling_unit", "handling_level", "general_overdue", "complex_overdue", "overdue"]
    rows = [("东城街道办", "town", 2, 1, 3), ("一村村委会", "village", 1, 0, 1)]
    return pd.DataFrame(rows, columns=columns).assign(
        max_days_overdue=[6.5, 2.0], mean_days_overdue=[4.0, 2.0]
    )


def rising() -> pd.DataFrame:
    columns = ["category", "this_week", "last_week", "change", "rise", "flagged"]
    return pd.DataFrame([("道路", 6, 2, 4, 2.0, True), ("低保", 2, 0, 2, math.inf, False)], columns=columns)


def surging() -> pd.DataFrame:
    columns = ["category", "villages", "petitions", "baseline_villages", "flagged"]
    return pd.DataFrame([("道路", 5, 9, 1.5, True), ("低保", 2, 2, 2.0, False)], columns=columns)


def _region_maps() -> list[go.Figure]:
    regions = hostile(regions_frame())
    return [
        figures.region_map(regions, hostile(metrics_frame(regions_frame())), "share_5d", "dark"),
        figures.region_map(
            regions,
            hostile(category_metrics(regions_frame())),
            "category_open",
            "light",
            category=hostile("三资支出"),
        ),
    ]


# One entry per figure builder (module.name): its figures drawn from hostile data.
CASES: dict[str, Callable[[], list[go.Figure]]] = {
    "categories.top_categories_bar": lambda: [figures.top_categories_bar(hostile(categories()), "dark")],
    "handling.handling_distribution_bar": lambda: [figures.handling_distribution_bar(hostile(handling()))],
    "trends.share_trend": lambda: [figures.share_trend(hostile(trend()), "light", freq="week")],
    "trends.warnings_trend": lambda: [figures.warnings_trend(hostile(warnings_per_period()), "print")],
    "region_map.region_map": _region_maps,
    "theme.empty_figure": lambda: [figures.empty_figure("light", hostile("暂无数据"))],
    "disclosure.compliance_bar": lambda: [disclosure.compliance_bar(hostile(compliance(regions_frame())))],
    "disclosure.queries_bar": lambda: [disclosure.queries_bar(hostile(public_queries()), "dark")],
    "disclosure.disclosure_matrix_heatmap": lambda: [disclosure.disclosure_matrix_heatmap(hostile(matrix()))],
    "disclosure.compliance_map": lambda: [
        disclosure.compliance_map(hostile(regions_frame()), hostile(compliance(regions_frame())))
    ],
    "escalation.escalation_sankey": lambda: [
        escalation.escalation_sankey(hostile(flow()), hostile(levels()))
    ],
    "escalation.level_times_bar": lambda: [escalation.level_times_bar(hostile(levels()), "dark")],
    "escalation.unit_ranking_bar": lambda: [escalation.unit_ranking_bar(hostile(units()))],
    "escalation.satisfaction_bar": lambda: [
        escalation.satisfaction_bar(hostile(satisfaction("child"))),
        escalation.satisfaction_bar(hostile(satisfaction("unit")), "print"),
    ],
    "recurrence.overdue_by_owner_bar": lambda: [recurrence.overdue_by_owner_bar(hostile(owners()), "dark")],
    "recurrence.rising_categories_bar": lambda: [recurrence.rising_categories_bar(hostile(rising()))],
    "recurrence.surging_categories_bar": lambda: [recurrence.surging_categories_bar(hostile(surging()))],
}
# Builders that draw no text from their data (dates and numbers only).
NO_DATA_TEXT = {"trends.share_trend", "trends.warnings_trend"}


def public_functions() -> dict[str, Callable]:
    """Every public function defined in a cockpit.figures module, by module.name."""
    found = {}
    for info in pkgutil.iter_modules(cockpit.figures.__path__):
        module = importlib.import_module(f"cockpit.figures.{info.name}")
        for name, value in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(value) and value.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = value
    return found


# Returns a figure but draws nothing of its own: it assembles the dicts a
# builder made (from data the builder's @escapes_data escaped).
ASSEMBLERS = {"theme.figure"}


def figure_builders() -> dict[str, Callable]:
    return {
        name: fn
        for name, fn in public_functions().items()
        if inspect.signature(fn, eval_str=True).return_annotation is go.Figure and name not in ASSEMBLERS
    }


# ---- the mechanism covers every builder ----------------------------------------


def test_every_public_function_in_cockpit_figures_declares_what_it_returns():
    # So no figure builder can slip past the next two tests unannotated.
    unannotated = [
        name
        for name, fn in public_functions().items()
        if inspect.signature(fn).return_annotation is inspect.Signature.empty
    ]
    assert unannotated == []


def test_every_figure_builder_escapes_the_text_it_is_given():
    builders = figure_builders()
    assert "categories.top_categories_bar" in builders and "region_map.region_map" in builders
    assert [name for name, fn in builders.items() if not getattr(fn, "escapes_data", False)] == []


def test_every_figure_builder_is_drawn_from_hostile_data_below():
    assert sorted(CASES) == sorted(figure_builders())


# ---- and it works --------------------------------------------------------------


@pytest.mark.parametrize("builder", sorted(CASES))
def test_every_figure_passes_plotlys_schema(builder):
    # Builders skip plotly.py's validation for speed (theme.figure); this is it.
    for fig in CASES[builder]():
        go.Figure(fig.to_plotly_json())  # raises on a property plotly does not know


@pytest.mark.parametrize("builder", sorted(CASES))
def test_data_text_is_drawn_as_text_never_as_markup(builder):
    for fig in CASES[builder]():
        found = list(strings(fig.to_plotly_json()))
        data = [(path, text) for path, text in found if SENTINEL in text]
        if builder not in NO_DATA_TEXT:
            assert data, "the hostile text should reach the figure"
        for path, text in found:
            assert "<a" not in text.lower() and "<img" not in text.lower(), path
            assert set(PLOTLY_TAG.findall(text)) <= BUILDER_TAGS, (path, text)
            assert "<" not in PLOTLY_TAG.sub("", text), (path, text)
        for path, text in data:
            # Escaped exactly once: plotly.js shows the data as it was typed.
            assert HOSTILE in plotly_text(text), (path, text)
            # Data goes into hover text through customdata, never into the template.
            assert not path.endswith(("hovertemplate", "texttemplate")), (path, text)


def test_map_labels_and_hover_show_hostile_names_as_typed():
    # The labels are SVG text like any other plotly text: escaped once.
    regions = regions_frame(names=("东城街道", hostile("西山镇"), "南湖镇"))
    fig = figures.region_map(regions, metrics_frame(regions), "received", "dark")
    assert plotly_text(maps.labels(fig)[1]) == f"{SENTINEL}{HOSTILE}西山镇"
    # The hover: the name through customdata, as typed.
    _template, data = maps.hover(fig, regions["code"][1])
    assert plotly_text(data[0]) == f"{SENTINEL}{HOSTILE}西山镇"


def test_the_builders_own_markup_still_works():
    bar = figures.top_categories_bar(hostile(categories()), "light").data[0]
    assert bar.hovertemplate.startswith("<b>%{y}</b><br>受理 %{x} 件")
    assert plotly_text(bar.y[0]) == f"{SENTINEL}{HOSTILE}低保"
    regions = regions_frame()
    fig = figures.region_map(regions, category_metrics(regions), "category_open", "light", category="A&B")
    assert maps.colour_bar(fig).title.text == "A&amp;B<br>未处置预警"


def test_escaping_changes_only_string_cells_and_leaves_the_callers_frame_alone():
    df = pd.DataFrame(
        {
            "name": ["<b>x</b>", "A & B", "道路"],
            "mixed": pd.Series(["<i>", 3, None], dtype=object),
            "kind": pd.Categorical(["<a>", "b", "<a>"]),
            "count": [1, 2, 3],
            "when": pd.to_datetime(["2026-11-02", "2026-11-03", "2026-11-04"]),
        }
    )
    from cockpit.figures.escaping import escape_frame

    before = df.copy()
    out = escape_frame(df)
    assert list(out["name"]) == ["&lt;b&gt;x&lt;/b&gt;", "A &amp; B", "道路"]
    assert list(out["mixed"]) == ["&lt;i&gt;", 3, None]
    assert list(out["kind"]) == ["&lt;a&gt;", "b", "&lt;a&gt;"]
    assert out["count"].equals(df["count"]) and out["when"].equals(df["when"])
    pd.testing.assert_frame_equal(df, before)
