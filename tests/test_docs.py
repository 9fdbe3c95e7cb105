"""The docs keep up with the code: every setting in the README, every
column in the data dictionary, every metric query in docs/metrics.md."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import queries.disclosure
import queries.escalation
import queries.links
import queries.overdue
import queries.petitions
import queries.public_queries
import queries.recurrence
import queries.satisfaction
import queries.warnings
from cockpit.settings import Settings, SettingsError, describe
from cockpit.store.schema import metadata

ROOT = Path(__file__).resolve().parent.parent


def _section(text: str, table: str) -> str:
    match = re.search(rf"^## {table}\b.*?(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/store.md has no section for {table}"
    return match.group(0)


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [env for env, _default, _help in describe() if f"`{env}`" not in readme]
    assert missing == []


@pytest.mark.parametrize("table", sorted(metadata.tables))
def test_every_column_is_in_the_data_dictionary(table):
    section = _section((ROOT / "docs" / "store.md").read_text(), table)
    missing = [c.name for c in metadata.tables[table].columns if f"| {c.name} |" not in section]
    assert missing == []


def test_every_metric_query_is_defined_in_metrics_md():
    text = (ROOT / "docs" / "metrics.md").read_text()
    public = [
        name
        for module in (queries.petitions, queries.warnings)
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_")
    ]
    aggregates = [
        n
        for n in public
        if not n.startswith(("get_", "village_", "petition_trail", "warning_trail"))
        and n not in ("petition_village", "warning_village")
    ]
    aggregates = [n for n in aggregates if n not in ("warning_filter_options", "warning_counts_by_child")]
    missing = [name for name in aggregates if name not in text]
    assert missing == []


# The inspector analytics: every public function is a figure (or a list behind
# one) and is named, with its module, in docs/metrics.md.
ANALYTICS = (
    queries.escalation,
    queries.satisfaction,
    queries.overdue,
    queries.recurrence,
    queries.disclosure,
    queries.public_queries,
    queries.links,
)
# Helpers of the figures, not figures: string and calendar utilities.
NOT_FIGURES = {
    "usable_name",
    "project_names",
    "party_names",
    "match",
    "raised_priority",
    "priority_rank",
    "priority_label",
    "linked_person_names",  # what the petition page masks, not a figure (docs/security.md)
}


@pytest.mark.parametrize("module", ANALYTICS, ids=lambda m: m.__name__)
def test_every_inspector_figure_is_defined_in_metrics_md(module):
    text = (ROOT / "docs" / "metrics.md").read_text()
    public = [
        name
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_") and name not in NOT_FIGURES
    ]
    missing = [name for name in public if f"{module.__name__}.{name}" not in text]
    assert missing == []


def test_bad_settings_are_refused_with_a_clear_message():
    with pytest.raises(SettingsError, match="COCKPIT_PORT"):
        Settings.from_env({"COCKPIT_PORT": "eighty"})
    with pytest.raises(SettingsError, match="COCKPIT_SCHEDULER"):
        Settings.from_env({"COCKPIT_SCHEDULER": "sometimes"})
    with pytest.raises(SettingsError, match="COCKPIT_DEBUG"):
        Settings.from_env({"COCKPIT_DEBUG": "maybe"})
    assert Settings.from_env({"COCKPIT_PORT": "9000", "COCKPIT_DEBUG": "true"}).port == 9000
    assert Settings.from_env({}) == Settings()
