"""A petition id twice in one export: the mapping's ``duplicates`` policy
keeps one copy (the first, the last, or the most complete) and sets the
others aside, listed with where and why (issue 18). On three databases."""

from __future__ import annotations

import csv
import textwrap

import pytest
from sqlalchemy import select

from cockpit.importer import MappingError, import_file, parse_mapping
from cockpit.store.schema import petitions
from tests import fixture_city
from tests.fixture_city import V1, V2

HEADER = ["编号", "受理时间", "村编码", "类别", "状态", "办结时间", "内容"]
ROWS = [  # line 2 on; D1 three times, D2 twice
    ["D1", "2026-11-02 09:00:00", V1, "道路", "办理中", "", ""],
    ["D2", "2026-11-03 09:00:00", V2, "环境", "已办结", "2026-11-04 09:00:00", "垃圾清运"],
    ["D1", "2026-11-02 09:00:00", V1, "道路", "已办结", "2026-11-05 09:00:00", "路面修复"],
    ["D3", "2026-11-04 09:00:00", V2, "低保", "办理中", "", ""],
    ["D2", "2026-11-03 09:00:00", V2, "环境", "办理中", "", ""],
    ["D1", "2026-11-02 09:00:00", V1, "道路", "已办结", "2026-11-06 09:00:00", ""],
]


def mapping(policy: str | None):
    text = textwrap.dedent(
        """\
        target: petitions
        region: {code: 村编码}
        columns: {external_id: 编号, received_at: 受理时间, category: 类别, status: 状态,
                  closed_at: 办结时间, summary: 内容}
        values: {status: {已办结: closed, 办理中: assigned}}
        """
    )
    import yaml

    raw = yaml.safe_load(text) | ({"duplicates": policy} if policy else {})
    return parse_mapping(raw)


@pytest.fixture
def export(engine, tmp_path):
    with engine.begin() as conn:
        fixture_city.load(conn)
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROWS])
    return path


def stored(engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                petitions.c.external_id, petitions.c.status, petitions.c.closed_at, petitions.c.summary
            ).where(petitions.c.external_id.like("D%"))
        ).all()
    return {r.external_id: (r.status, r.closed_at is not None and r.closed_at.day, r.summary) for r in rows}


@pytest.mark.parametrize(
    "policy, d1, d2, set_aside",
    [
        # first: lines 2 and 3 kept; 4, 6, 7 set aside
        ("first", ("assigned", False, ""), ("closed", 4, "垃圾清运"), {4: 2, 6: 3, 7: 2}),
        # last: lines 7 and 6 kept
        ("last", ("closed", 6, ""), ("assigned", False, ""), {2: 7, 3: 6, 4: 7}),
        # most complete: line 4 (7 cells filled) beats 2 (5) and 7 (6); line 3 (7) beats 6 (5)
        ("most_complete", ("closed", 5, "路面修复"), ("closed", 4, "垃圾清运"), {2: 4, 6: 3, 7: 4}),
    ],
)
@pytest.mark.parametrize("batch", [1000, 2])  # one batch, or copies in different batches
def test_a_policy_keeps_one_copy_of_each_id(engine, export, tmp_path, policy, d1, d2, set_aside, batch):
    rejects = tmp_path / "rejects.csv"
    summary = import_file(engine, export, mapping(policy), rejects_path=rejects, batch=batch)
    assert summary.committed and summary.rejected == 0 and summary.set_aside == 3
    assert summary.good == 3
    assert stored(engine) == {"D1": d1, "D2": d2, "D3": ("assigned", False, "")}
    got = {r.line: int(r.detail.removeprefix("保留第 ").removesuffix(" 行")) for r in summary.rejects}
    assert got == set_aside
    assert {r.reason for r in summary.rejects} == {"duplicate_set_aside"}
    assert "同编号舍弃 3" in summary.text()
    with rejects.open(encoding="utf-8-sig") as handle:
        lines = sorted(int(row["行号"]) for row in csv.DictReader(handle))
    assert lines == sorted(got)  # nothing lost: every copy left out is in the rejects file


def test_by_default_a_second_copy_is_a_reject_and_nothing_is_written(engine, export):
    summary = import_file(engine, export, mapping(None))
    assert not summary.committed and summary.rejected == 3 and summary.set_aside == 0
    assert {(r.line, r.reason) for r in summary.rejects} == {
        (4, "duplicate_id"),
        (6, "duplicate_id"),
        (7, "duplicate_id"),
    }
    assert stored(engine) == {}


def test_a_bad_copy_is_rejected_and_does_not_compete(engine, export, tmp_path):
    bad = tmp_path / "bad.csv"
    rows = [*ROWS, ["D3", "2026-11-04 09:00:00", V2, "低保", "已办结", "2026-11-01 09:00:00", "很完整的一行"]]
    with bad.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    summary = import_file(engine, bad, mapping("most_complete"), keep_good=True)
    assert summary.rejected == 1 and summary.rejects[-1].reason == "closed_before_received"
    assert stored(engine)["D3"] == ("assigned", False, "")


def test_an_unknown_policy_or_one_on_trail_rows_is_refused():
    with pytest.raises(MappingError, match="duplicates must be one of"):
        mapping("best")
    with pytest.raises(MappingError, match="no record id of their own"):
        parse_mapping(
            {
                "target": "petition_events",
                "parent": "编号",
                "columns": {"kind": "环节", "at": "时间"},
                "duplicates": "last",
            }
        )
