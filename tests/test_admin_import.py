"""/admin/import (导入数据), called directly (no browser): an upload runs the
importer's own ``import_file``; a good file loads and is logged, a messy one
is refused whole with its reasons shown, 只导入合格行 loads the good rows and
offers the rejects, 试运行 writes nothing, every run and every rejects download
is logged, and only an administrator may; on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import base64
import csv
import io
import textwrap
import tracemalloc

import pytest
from dash.exceptions import PreventUpdate
from sqlalchemy import select

from cockpit.app import create_app
from cockpit.auth.users import create_user
from cockpit.pages.admin import imports
from cockpit.pages.admin.imports.callbacks import log_rejects_download, run_import
from cockpit.pages.admin.imports.forms import example_mappings, example_targets
from cockpit.pages.admin.imports.layout import example_options
from cockpit.settings import Settings
from cockpit.store.schema import petition_events, petitions
from queries.audit import audit_entries
from queries.scope import AccessDeniedError
from tests import fixture_city as city
from tests.hostile_files import zip_bomb
from tests.layout import ids, text
from tests.viewers import ADMIN, ALL, as_viewer

MAPPING = textwrap.dedent(
    """\
    target: petitions
    date_formats: ["%Y-%m-%d %H:%M"]
    region: {code: 村编码}
    columns:
      external_id: 编号
      received_at: 受理时间
      category: 类别
      status: 状态
      handling_unit: {value: 村委会}
    values:
      status: {已受理: received, 办理中: assigned}
    allowed:
      category: [道路, 环境]
    """
)
HEADER = ["编号", "受理时间", "类别", "村编码", "状态"]
GOOD = [
    ["IMP-1", "2026-11-02 09:00", "道路", city.V1, "已受理"],
    ["IMP-2", "2026-11-03 10:00", "环境", city.V2, "办理中"],
    ["IMP-3", "2026-11-04 11:00", "道路", city.V4, "已受理"],
]
BAD = [
    ["IMP-4", "2026-13-45 09:00", "道路", city.V1, "已受理"],  # line 5: bad_date
    ["IMP-5", "2026-11-05 09:00", "占卜", city.V3, "已受理"],  # line 6: unknown_category
]


def data_url(raw: bytes, kind: str = "text/csv") -> str:
    return f"data:{kind};base64," + base64.b64encode(raw).decode()


def csv_upload(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return data_url(out.getvalue().encode("utf-8"))


MAP_UPLOAD = data_url(MAPPING.encode("utf-8"), "application/x-yaml")


def run(
    data: str | None, *, name="工单.csv", mapping=MAP_UPLOAD, example=None, dry_run=False, keep_good=False
):
    return run_import(1, data, name, mapping, "map.yaml", example, dry_run, keep_good)


@pytest.fixture
def store(engine):
    """An empty store on each database (the import and its audit entries go to it)."""
    return engine


@pytest.fixture
def app(store):
    with store.begin() as conn:
        city.load(conn)
        create_user(conn, "admin", "Adm1n-secret-x", "admin", display_name="管理员")
    return create_app(Settings(database_url=str(store.url)), store)


def imported(engine) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(petitions.c.external_id).where(petitions.c.external_id.like("IMP-%")))
        return sorted(rows.scalars())


def import_entries(engine) -> list[dict]:
    with engine.connect() as conn:
        return audit_entries(conn, action="import").to_dict("records")


def test_an_administrator_sees_the_import_form_under_its_tab(app):
    with as_viewer(app, ADMIN):
        page = imports.layout()
    shown = text(page)
    assert all(tab in shown for tab in ("账号", "大屏令牌", "阈值", "导入数据", "审计日志"))
    assert "python -m cockpit.importer" in shown
    assert {"admin-import-data", "admin-import-mapping", "admin-import-run"} <= ids(page)
    assert "hotline-12345.yaml" in example_mappings()


def test_the_examples_are_offered_with_their_targets_petitions_first():
    examples = example_targets()
    assert examples["hotline-12345.yaml"] == "petitions"
    assert examples["hotline-12345-events.yaml"] == "petition_events"
    options, chosen = example_options(examples)
    assert chosen == "hotline-12345.yaml"
    assert {
        "label": "hotline-12345-events.yaml（petition_events）",
        "value": "hotline-12345-events.yaml",
    } in options


@pytest.mark.parametrize("role", [r for r in ALL if r != "admin"])
def test_every_other_role_is_refused_the_page_and_the_import(app, store, role):
    with as_viewer(app, ALL[role]):
        with pytest.raises(AccessDeniedError, match="仅系统管理员可访问"):
            imports.layout()
        with pytest.raises(AccessDeniedError):
            run(csv_upload(GOOD))
        with pytest.raises(AccessDeniedError):
            log_rejects_download(1, {"filename": "x.csv", "rows": 1})
    assert imported(store) == []


def test_a_good_file_is_loaded_and_logged(app, store):
    with as_viewer(app, ADMIN):
        result, rejects, _info, hidden = run(csv_upload(GOOD))
    shown = text(result)
    assert "已写入" in shown and "工单.csv" in shown
    assert (rejects, hidden) == (None, True)
    assert imported(store) == ["IMP-1", "IMP-2", "IMP-3"]
    [entry] = import_entries(store)
    assert (entry["actor"], entry["target"]) == ("admin", "工单.csv")
    assert entry["detail"] == "petitions（映射 map.yaml）：读取 3 行：新增 3，更新 0，未变 0，拒绝 0"


def test_a_messy_file_is_refused_whole_with_its_reasons(app, store):
    with as_viewer(app, ADMIN):
        result, rejects, _info, hidden = run(csv_upload(GOOD + BAD))
    shown = text(result)
    assert "未写入任何数据" in shown
    assert "bad_date" in shown and "unknown_category" in shown
    assert "受理时间" in shown and "类别" in shown
    assert imported(store) == []
    [entry] = import_entries(store)  # logged though nothing was written
    assert entry["detail"].startswith("有被拒绝的行，未写入；petitions（映射 map.yaml）：读取 5 行")
    assert hidden is False and "2026-13-45" in rejects["content"]


def test_keep_good_loads_the_good_rows_and_offers_the_rejects(app, store):
    with as_viewer(app, ADMIN):
        result, rejects, info, hidden = run(csv_upload(GOOD + BAD), keep_good=True)
        log_rejects_download(1, info)  # 下载被拒行: the browser saves ``rejects``, the server logs it
    assert "已写入合格的 3 行，2 行被拒绝" in text(result)
    assert imported(store) == ["IMP-1", "IMP-2", "IMP-3"]
    assert hidden is False
    assert rejects["filename"] == info["filename"] == "工单-被拒行.csv" and info["rows"] == 2
    lines = list(csv.reader(io.StringIO(rejects["content"].lstrip("\ufeff"))))
    assert lines[0] == [*HEADER, "行号", "列", "原因", "说明"]
    assert [(row[0], row[5], row[7]) for row in lines[1:]] == [
        ("IMP-4", "5", "bad_date"),
        ("IMP-5", "6", "unknown_category"),
    ]
    [entry] = import_entries(store)
    assert "拒绝 2" in entry["detail"]
    with store.connect() as conn:
        [download] = audit_entries(conn, action="export").to_dict("records")
    assert (download["target"], download["detail"]) == ("import-rejects:工单-被拒行.csv", "下载被拒行 2 行")


def test_a_dry_run_counts_but_writes_nothing(app, store):
    with as_viewer(app, ADMIN):
        result, _rejects, _info, _hidden = run(csv_upload(GOOD), dry_run=True)
    assert "试运行" in text(result) and "读取" in text(result)
    assert imported(store) == []
    [entry] = import_entries(store)  # the attacker's finding: dry runs were not logged
    assert (entry["actor"], entry["target"]) == ("admin", "工单.csv")
    assert entry["detail"].startswith("试运行，未写入；petitions（映射 map.yaml）：读取 3 行")


def test_a_file_over_the_limit_is_refused_and_pointed_to_the_command_line(app, store):
    big = "data:text/csv;base64," + "A" * (28 * 1024 * 1024)
    with as_viewer(app, ADMIN):
        result, rejects, _info, hidden = run(big)
    assert "超过 20 MB" in text(result) and "python -m cockpit.importer" in text(result)
    assert (rejects, hidden) == (None, True)
    assert imported(store) == []


def test_a_mapping_mistake_is_shown_as_an_alert(app, store):
    wrong = data_url(MAPPING.replace("村编码", "村代码").encode())
    with as_viewer(app, ADMIN):
        missing_column = text(run(csv_upload(GOOD), mapping=wrong)[0])
        not_yaml = text(run(csv_upload(GOOD), mapping=data_url(b"target: [unclosed"))[0])
        no_mapping = text(run(csv_upload(GOOD), mapping=None)[0])
        not_a_table = text(run(csv_upload(GOOD), name="工单.exe")[0])
    assert "映射文件或数据文件有误" in missing_column and "村代码" in missing_column
    assert "not valid YAML" in not_yaml
    assert "请上传映射文件" in no_mapping
    assert "CSV 或 XLSX" in not_a_table
    assert imported(store) == []


def test_an_example_mapping_is_used_when_none_is_uploaded(app, store):
    with as_viewer(app, ADMIN):
        result, _rejects, _info, _hidden = run(
            csv_upload(GOOD), mapping=None, example="hotline-12345.yaml", dry_run=True
        )
    assert "工单编号" in text(result)  # the hotline mapping's columns, not this file's


def test_nothing_happens_before_the_button_is_clicked(app):
    with as_viewer(app, ADMIN), pytest.raises(PreventUpdate):
        run_import(None, csv_upload(GOOD), "a.csv", MAP_UPLOAD, "m.yaml", None, False, False)


def test_the_example_trail_mapping_loads_a_petitions_trail(app, store):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["工单编号", "操作时间", "操作环节", "层级", "承办单位", "备注", "满意度"])
    writer.writerow(["P4", "2026-11-06 09:00", "提级办理", "镇级", "甲镇人民政府", "村级无法解决", ""])
    writer.writerow(["PX", "2026-11-06 09:00", "派单", "", "", "", ""])
    upload = data_url(out.getvalue().encode("utf-8"))
    with as_viewer(app, ADMIN):
        result, rejects, _info, _hidden = run(
            upload, name="流转.csv", mapping=None, example="hotline-12345-events.yaml", keep_good=True
        )
    shown = text(result)
    assert "流转.csv → petition_events" in shown and "unknown_parent" in shown and "找不到所属记录" in shown
    assert "PX" in rejects["content"]
    with store.connect() as conn:
        p4 = conn.execute(select(petitions).where(petitions.c.external_id == "P4")).one()
        kinds = conn.execute(
            select(petition_events.c.kind)
            .where(petition_events.c.petition_id == p4.id)
            .order_by(petition_events.c.id)
        ).scalars()
        assert list(kinds) == ["received", "escalated"]  # replaced whole, from the stored receipt
    assert (p4.status, p4.handling_level, p4.handling_unit) == ("assigned", "town", "甲镇人民政府")


# --- files past the importer's bounds (cockpit.importer.limits) ---------------


def test_a_zip_bomb_upload_is_refused_with_a_message_and_little_memory(app, store):
    bomb = zip_bomb(HEADER, GOOD[0])  # some 80 KB unpacking to 20 MB
    upload = data_url(bomb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    tracemalloc.start()
    with as_viewer(app, ADMIN):
        result, rejects, _info, hidden = run(upload, name="工单.xlsx", keep_good=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    shown = text(result)
    assert "数据文件无法导入，未导入任何数据" in shown and "疑似“压缩炸弹”" in shown
    assert (rejects, hidden) == (None, True)
    assert peak < 10 * 2**20
    assert imported(store) == []
    [entry] = import_entries(store)
    assert entry["target"] == "工单.xlsx" and entry["detail"].startswith("文件被拒绝，未导入")


def test_an_upload_that_is_not_an_xlsx_is_refused_with_a_message(app, store):
    with as_viewer(app, ADMIN):
        shown = text(run(csv_upload(GOOD), name="工单.xlsx")[0])
    assert "不是有效的 XLSX 文件" in shown
    assert imported(store) == []


def test_a_field_past_the_csv_modules_limit_is_a_rejected_row(app, store):
    long = ["IMP-9", "2026-11-02 09:00", "道" * 200_000, city.V1, "已受理"]  # a 600 KB cell
    with as_viewer(app, ADMIN):
        result, rejects, _info, _hidden = run(csv_upload([*GOOD, long]), keep_good=True)
    shown = text(result)
    assert "已写入合格的 3 行，1 行被拒绝" in shown and "unknown_category" in shown
    assert imported(store) == ["IMP-1", "IMP-2", "IMP-3"]
    assert "道" * 200_000 in rejects["content"]  # the row whole, for fixing


def test_the_rejects_download_keeps_formula_like_cells_text(app, store):
    hostile = [f'=HYPERLINK("http://evil.example","{n}")' for n in range(2)]
    bad = [[f"IMP-{n}", "2026-13-45 09:00", text_, city.V1, "已受理"] for n, text_ in enumerate(hostile)]
    with as_viewer(app, ADMIN):
        _result, rejects, _info, _hidden = run(csv_upload(bad), keep_good=True)
    lines = list(csv.reader(io.StringIO(rejects["content"].lstrip("\ufeff"))))
    assert {row[2] for row in lines[1:]} == {"'" + h for h in hostile}  # bad_date, unknown_category
    assert not any(cell[:1] in "=+-@" for row in lines for cell in row if cell)
