"""Derived fields in the mapping (cockpit.importer.derive): an export whose
village code must be computed maps without a script (issue 18)."""

from __future__ import annotations

import csv
import shutil
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cockpit.importer import MappingError, import_file, load_mapping, parse_mapping
from cockpit.importer.derive import DeriveError, derive_cells, parse_derived
from cockpit.store import make_engine
from cockpit.store.schema import petitions
from cockpit.timewindow import TZ
from tests import fixture_city
from tests.fixture_city import V1, V2

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "import"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_example_petition_system_export_loads_into_the_sample_city(sample_city, tmp_path):
    shutil.copy(sample_city["engine"].url.database, tmp_path / "sample.sqlite3")
    engine = make_engine(f"sqlite:///{tmp_path / 'sample.sqlite3'}")
    mapping = load_mapping(EXAMPLES / "petition-system.yaml")
    try:
        summary = import_file(engine, EXAMPLES / "petition-system-sample.csv", mapping, now=NOW, history=True)
        with engine.connect() as conn:
            stored = {
                r.external_id: r
                for r in conn.execute(select(petitions).where(petitions.c.external_id.like("XF-%")))
            }
    finally:
        engine.dispose()
    assert (summary.read, summary.inserted, summary.rejected, summary.committed) == (12, 12, 0, True)
    # 白桥街道 + "第1社区", 白桥街道办事处 + "12", 岭里街道办事处 + "第205村", 竹林镇人民政府 + "205"
    assert stored["XF-2019-0001"].village_code == "990181001001"
    assert stored["XF-2019-0002"].village_code == "990181001012"
    assert stored["XF-2022-0006"].village_code == "990181002205"
    assert stored["XF-2025-0011"].village_code == "990181101205"
    # Dates only: local midnight.
    received = stored["XF-2019-0002"].received_at.astimezone(TZ)
    assert (received.date().isoformat(), received.hour, received.minute) == ("2019-03-09", 0, 0)
    assert stored["XF-2025-0012"].closed_at is None


MAPPING = textwrap.dedent(
    """\
    target: petitions
    derived:
      村编码:
        concat:
          - {column: 镇, lookup: {东: "1", 西: "2"}}
          - {column: 村, regex: '(\\d+)', pad: 3}
        separator: "-"
      类别: {column: 类别, strip_suffix: [问题, 类问题], default: 道路}
    region: {code: 村码}
    columns:
      external_id: 编号
      received_at: 受理时间
      category: 类别
      handling_unit: {value: 村委会}
    """
)


def test_each_step_of_a_piece_in_order():
    fields = parse_mapping({**_raw(), "region": {"code": "村编码"}}, None).derived
    cells, failures = derive_cells({"镇": " 东 ", "村": "第7村", "类别": "道路类问题"}, fields)
    assert failures == []
    assert cells["村编码"] == "1-007"
    assert cells["类别"] == "道路"  # the longest suffix first: 类问题, not 问题
    cells, failures = derive_cells({"镇": "北", "村": "七村", "类别": ""}, fields)
    assert cells["村编码"] is None and cells["类别"] == "道路"  # blank: the default
    assert failures == [("村编码", "not_in_lookup", "北")]
    cells, failures = derive_cells({"镇": "东", "村": "七村", "类别": "x"}, fields)
    assert failures == [("村编码", "no_match", "七村 不符合 (\\d+)")]


def _raw() -> dict:
    import yaml

    return yaml.safe_load(MAPPING)


@pytest.mark.parametrize(
    ("derived", "message"),
    [
        ({"a": {"column": "x", "regex": "("}}, "not a valid regular expression"),
        ({"a": {"column": "x", "lookup": "missing.csv"}}, "cannot read"),
        ({"a": {"column": "x", "pad": -1}}, "a width from 0 to 64"),
        ({"a": {"column": "x", "value": "y"}}, "either column or value"),
        ({"a": {"concat": []}}, "concat takes a list"),
        ({"a": {"column": "x", "upper": True}}, "a column name, or a mapping"),
        ("a", "a mapping of field name"),
    ],
)
def test_a_mistake_in_a_derived_field_is_refused_before_any_row(tmp_path, derived, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping({**_raw(), "derived": derived}, tmp_path)


def test_a_lookup_file_must_not_give_one_value_two_ways(tmp_path):
    (tmp_path / "t.csv").write_text("名,码\n东,1\n东,2\n", encoding="utf-8")
    with pytest.raises(DeriveError, match="twice"):
        parse_derived({"a": {"column": "x", "lookup": "t.csv"}}, tmp_path)
    with pytest.raises(MappingError, match="twice"):  # as the mapping reports it
        parse_mapping({**_raw(), "derived": {"a": {"column": "x", "lookup": "t.csv"}}}, tmp_path)


def test_rows_whose_fields_cannot_be_derived_are_rejected_and_keep_their_cells(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        fixture_city.load(conn)
    prefix = V1[:-3]
    assert V2[:-3] == prefix
    (tmp_path / "towns.csv").write_text(f"镇,前缀\n甲镇,{prefix}\n", encoding="utf-8")
    (tmp_path / "map.yaml").write_text(
        textwrap.dedent(
            """\
            target: petitions
            derived:
              村码:
                concat:
                  - {column: 镇, strip_suffix: [人民政府], lookup: towns.csv}
                  - {column: 村, regex: '(\\d+)', pad: 3}
              镇: {column: 镇, strip_suffix: [人民政府]}   # shadows the file's column
            region: {code: 村码}
            columns:
              external_id: 编号
              received_at: 受理时间
              category: {value: 道路}
              handling_unit: {column: 镇}
            """
        ),
        encoding="utf-8",
    )
    rows = [
        ["D1", "2026-11-02 09:00:00", "甲镇人民政府", f"第{int(V1[-3:])}村"],
        ["D2", "2026-11-02 09:00:00", "乙镇", V2[-3:]],  # not in the lookup
        ["D3", "2026-11-02 09:00:00", "甲镇", "村"],  # no number
    ]
    with (tmp_path / "in.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["编号", "受理时间", "镇", "村"], *rows])
    summary = import_file(
        sqlite_engine,
        tmp_path / "in.csv",
        load_mapping(tmp_path / "map.yaml"),
        keep_good=True,
        rejects_path=tmp_path / "rejects.csv",
        now=NOW,
    )
    assert (summary.inserted, summary.rejected) == (1, 2)
    assert [(r.line, r.column, r.reason) for r in summary.rejects] == [
        (3, "村码", "not_in_lookup"),
        (4, "村码", "no_match"),
    ]
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(petitions).where(petitions.c.external_id == "D1")).one()
    assert (stored.village_code, stored.handling_unit) == (V1, "甲镇")
    with (tmp_path / "rejects.csv").open(encoding="utf-8-sig") as handle:
        rejected = list(csv.reader(handle))
    assert rejected[1][:4] == rows[1] and rejected[1][5:7] == ["村码", "not_in_lookup"]


def test_outlines_name_their_region_by_any_of_several_properties_and_parents_are_composed(
    sqlite_engine, tmp_path
):
    """Outline files mix code properties (adcode here, code there), and the
    city's own outline is its districts' together: no drawing by hand."""
    import json

    from shapely.geometry import shape
    from sqlalchemy import func

    from cockpit.importer.regions import import_regions
    from cockpit.store.schema import regions

    (tmp_path / "regions.csv").write_text(
        "code,name,level,parent_code\n"
        "9900,示例市,county,\n"
        "9901,东镇,town,9900\n9902,西镇,town,9900\n"
        "990101,一村,village,9901\n990102,二村,village,9901\n990201,三村,village,9902\n",
        encoding="utf-8",
    )

    def square(x: float) -> dict:
        return {"type": "Polygon", "coordinates": [[[x, 30], [x + 1, 30], [x + 1, 31], [x, 31], [x, 30]]]}

    features = [
        {"type": "Feature", "properties": {"adcode": "990101"}, "geometry": square(120)},
        {"type": "Feature", "properties": {"code": 990102}, "geometry": square(121)},
        # 三村 has no outline: 西镇 cannot be composed, nor the city
    ]
    (tmp_path / "areas.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    report = import_regions(
        sqlite_engine,
        regions_path=tmp_path / "regions.csv",
        boundaries_path=tmp_path / "areas.geojson",
        code_property="adcode,code",
    )
    assert "边界：写入 2 个地区" in report and "由下级合成 1 个地区（9901）" in report
    with sqlite_engine.connect() as conn:
        outlines = dict(conn.execute(select(regions.c.code, regions.c.boundary)).all())
        assert conn.execute(select(func.count()).where(regions.c.boundary.is_(None))).scalar() == 3
    town = shape(json.loads(outlines["9901"]))
    assert town.geom_type == "Polygon" and abs(town.area - 2.0) < 1e-9  # the two squares, one piece
    assert outlines["9900"] is None and outlines["9902"] is None
