"""Region choices on the administrator's forms: every region under the
cockpit's root, searchable by name, namesakes told apart by their parent."""

from __future__ import annotations

import pandas as pd

from queries.regions import Region

# dcc.Dropdown's own words (search box, multi-select buttons), in Chinese.
DROPDOWN_LABELS = {
    "select_all": "全选",
    "deselect_all": "全部取消",
    "selected_count": "已选 {num_selected} 项",
    "search": "输入名称搜索",
    "clear_search": "清除搜索",
    "clear_selection": "清除选择",
    "no_options_found": "没有匹配的选项",
}


def region_options(below: pd.DataFrame, root: Region | None = None) -> list[dict]:
    """Dropdown options for ``below`` (queries.regions.regions_under of the
    root: towns before villages), the root first when given. Below the root's
    children the parent's name comes first: "甲镇 · 一村"."""
    options = [] if root is None else [{"label": f"{root.name}（全域）", "value": root.code}]
    for region in below.itertuples(index=False):
        prefix = f"{region.parent_name} · " if region.distance > 1 and region.parent_name else ""
        options.append({"label": f"{prefix}{region.name}", "value": region.code})
    return options


def region_names(options: list[dict]) -> dict[str, str]:
    """Code -> the label the options show, for tables."""
    return {option["value"]: option["label"] for option in options}
