"""The rule catalogue file loads, every rule has a check, and bad entries are
refused with a message naming the rule and the field."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import yaml

from cockpit.rules.catalogue import CATALOGUE_PATH, CatalogueError, load_catalogue, parse_catalogue
from cockpit.rules.checks import CHECKS
from cockpit.rules.engine import evaluate, warning_key
from tests.fixture_city import NOW

GOOD = {
    "code": "LAB-09",
    "category": "村级用工",
    "name": "测试规则",
    "description": "用于测试。",
    "subject": "labour",
    "severity": "high",
    "owner": "town_commission",
    "dispose_within": "72h",
    "params": {"min_hours": {"default": 4, "unit": "小时", "description": "阈值"}},
    "explanation": "{worker} 不足 {min_hours} 小时",
}


def parse(**changes):
    entry = {**copy.deepcopy(GOOD), **changes}
    return parse_catalogue({"rules": [entry]}, source="test")


def test_the_catalogue_loads_and_every_rule_has_a_check():
    catalogue = load_catalogue()
    assert set(catalogue) == set(CHECKS)
    assert catalogue["LAB-02"].defaults == {"min_hours": 4, "min_amount": 0}
    assert catalogue["FUN-01"].dispose_within == timedelta(days=3)


def test_a_good_entry_is_typed():
    rule = parse()["LAB-09"]
    assert (rule.owner_kind, rule.dispose_within, rule.params[0].unit) == (
        "town_commission",
        timedelta(hours=72),
        "小时",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "urgent"}, r"LAB-09.*severity 'urgent' is not one of high, medium, low"),
        ({"owner": "police"}, r"owner 'police'"),
        ({"owner": "department"}, r"needs a department"),
        ({"subject": "spaceship"}, r"subject 'spaceship'"),
        ({"dispose_within": "soon"}, r"dispose_within 'soon' must look like 72h or 5d"),
        ({"code": "lab 9"}, r"code must look like LAB-01"),
        ({"explanation": "没有数值"}, r"explanation must show at least one value"),
        ({"explanation": "{worker"}, r"explanation is not a valid template"),
        ({"colour": "red"}, r"unknown field\(s\) colour"),
        ({"params": {"x": {"default": "four", "unit": "", "description": ""}}}, r"number or a list"),
        ({"params": {"x": {"default": -1, "unit": "", "description": ""}}}, r"must not be negative"),
        ({"params": {"x": {"default": 1}}}, r"needs exactly default, unit and description"),
    ],
)
def test_bad_entries_are_refused(changes, message):
    with pytest.raises(CatalogueError, match=message):
        parse(**changes)


def test_missing_fields_and_duplicate_codes_are_refused():
    entry = copy.deepcopy(GOOD)
    del entry["severity"], entry["params"]
    with pytest.raises(CatalogueError, match="missing severity, params"):
        parse_catalogue({"rules": [entry]})
    with pytest.raises(CatalogueError, match="LAB-09 appears twice"):
        parse_catalogue({"rules": [GOOD, GOOD]})
    with pytest.raises(CatalogueError, match="a list under 'rules'"):
        parse_catalogue([GOOD])


def test_a_bad_file_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("rules: [unclosed")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue(path)


def test_the_version_changes_with_a_threshold_or_the_definition():
    rule = parse()["LAB-09"]
    assert rule.version() == rule.version({"min_hours": 4})
    assert rule.version() != rule.version({"min_hours": 5})
    reworded = parse(explanation="{worker} 少于 {min_hours} 小时")["LAB-09"]
    assert reworded.version() != rule.version()


def test_unknown_or_wrong_thresholds_are_refused():
    rule = parse()["LAB-09"]
    with pytest.raises(CatalogueError, match="no parameter 'max_hours'"):
        rule.thresholds({"max_hours": 3})
    with pytest.raises(CatalogueError, match="non-negative number"):
        rule.thresholds({"min_hours": "3"})


def test_the_shipped_file_is_plain_yaml():
    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    assert [entry["code"] for entry in data["rules"]] == list(load_catalogue())


def test_the_engine_refuses_a_rule_without_a_check(sqlite_engine):
    with sqlite_engine.begin() as conn, pytest.raises(KeyError, match=r"no check implemented .* LAB-09"):
        evaluate(conn, NOW, catalogue=parse())


def test_a_long_subject_id_gets_a_hashed_warning_key():
    key = warning_key("FUN-01", "payment", "X" * 80)
    assert len(key) <= 64 and key.startswith("FUN-01:payment:#")
    assert key == warning_key("FUN-01", "payment", "X" * 80) != warning_key("FUN-01", "payment", "Y" * 80)
