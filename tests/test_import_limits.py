"""Files the importer refuses, or reads only in part, to stay within bounded
memory and time (cockpit.importer.limits): XLSX zip bombs and XML built to
make openpyxl hold everything, CSV rows that never end; each refused with a
clear message before anything is written, or rejected as one bad row while
the other rows load."""

from __future__ import annotations

import csv
import io
import random
import textwrap
import tracemalloc
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from cockpit.importer import (
    MappingError,
    RefusedFileError,
    csvlines,
    import_file,
    load_mapping,
    parse_mapping,
    xmlshape,
)
from cockpit.importer.__main__ import main
from cockpit.store.schema import petition_events, petitions
from tests import fixture_city as city
from tests.hostile_files import (
    STRINGS_TYPE,
    inline_row,
    lying_sizes,
    sheet,
    xlsx,
    zip_bomb,
)

ROOT = Path(__file__).resolve().parent.parent
MAPPING = textwrap.dedent(
    """\
    target: petitions
    date_formats: ["%Y-%m-%d %H:%M"]
    region: {code: 村编码}
    columns: {external_id: 编号, received_at: 受理时间, category: 类别, summary: 内容}
    """
)
HEADER = ["编号", "受理时间", "类别", "村编码", "内容"]


def _row(n: int, summary: str = "路面破损") -> list[str]:
    return [f"L-{n}", "2026-11-02 09:00", "道路", city.V1, summary]


@pytest.fixture
def store(engine):
    with engine.begin() as conn:
        city.load(conn)
    return engine


def _imported(engine) -> list[str]:
    with engine.connect() as conn:
        found = conn.execute(select(petitions.c.external_id).where(petitions.c.external_id.like("L-%")))
        return sorted(found.scalars())


def _import(engine, path: Path, **options):
    return import_file(engine, path, parse_mapping(yaml.safe_load(MAPPING)), **options)


def _measured(call):
    """(what ``call`` raised, its peak Python memory in MB)."""
    tracemalloc.start()
    try:
        call()
    except MappingError as error:
        raised = error
    else:
        raised = None
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return raised, peak / 2**20


# --- XLSX ----------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_unpacked(sqlite_engine, tmp_path):
    with sqlite_engine.begin() as conn:
        city.load(conn)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(HEADER, _row(1)))
    assert path.stat().st_size < 100_000  # 20 MB of sheet inside

    error, peak_mb = _measured(lambda: _import(sqlite_engine, path, keep_good=True))
    assert isinstance(error, RefusedFileError)
    assert "xl/worksheets/sheet1.xml unpacks to 20.0 MB" in str(error) and "zip bomb" in str(error)
    assert "压缩炸弹" in error.chinese
    assert peak_mb < 10  # it was never unpacked (how long it took: docs/security.md, not a test)
    assert _imported(sqlite_engine) == []


def test_an_xlsx_unpacking_past_the_callers_bound_is_refused(sqlite_engine, tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(xlsx(sheet(inline_row(HEADER) + "".join(inline_row(_row(n)) for n in range(20_000)))))
    with pytest.raises(RefusedFileError, match=r"unpacks to \d.* MB \(at most 1.0 MB\)") as refused:
        _import(sqlite_engine, path, max_unpacked=1 << 20)
    assert "超过上限 1.0 MB" in refused.value.chinese


def _wide() -> bytes:
    return sheet(inline_row(HEADER) + "<row>" + "<c><v>1</v></c>" * 40_000 + "</row>")  # 640 KB


def _deep() -> bytes:
    return sheet(inline_row(HEADER), tail="<extLst>" + "<ext>" * 100 + "</ext>" * 100 + "</extLst>")


def _laughs() -> bytes:
    entities = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    return sheet(inline_row(["&i;", *HEADER[1:]]), head=f"<!DOCTYPE worksheet [{entities}]>")


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: xlsx(_wide()), "has a row of more than 65,536 elements"),
        (lambda: xlsx(_deep()), "nested more than 64 deep"),
        (lambda: xlsx(_laughs()), "has a DTD"),
        # The content types send the sheet to openpyxl's shared-strings reader,
        # which keeps whatever is not an <si>: the sheet counts as read whole.
        (
            lambda: xlsx(sheet(inline_row(HEADER) + inline_row(_row(1)) * 400), STRINGS_TYPE),
            "more than 1,000 elements outside rows",
        ),
        (lambda: b"\xef\xbb\xbf" + ",".join(HEADER).encode(), "not a valid XLSX file"),
        (lambda: xlsx(sheet(inline_row(HEADER)))[:-30], "not a valid XLSX file"),
        (
            lambda: lying_sizes(xlsx(sheet(inline_row(HEADER) * 2000)), "xl/worksheets/sheet1.xml", 1000),
            "Bad CRC-32",
        ),
    ],
    ids=["wide-row", "deep", "billion-laughs", "misdirected-strings", "not-a-zip", "cut-short", "lying-size"],
)
def test_an_xlsx_built_to_make_openpyxl_hold_too_much_is_refused(
    sqlite_engine, tmp_path, monkeypatch, build, says
):
    monkeypatch.setattr(xmlshape, "MAX_OUTSIDE_ELEMENTS", 1000)
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(build())
    error, peak_mb = _measured(lambda: _import(sqlite_engine, path))
    assert isinstance(error, RefusedFileError), error
    assert says in str(error) and error.chinese
    assert peak_mb < 20


def test_a_plain_xlsx_with_an_image_and_odd_parts_is_read(store, tmp_path):
    """Parts openpyxl never reads (a PNG, a VML drawing that is not XML) do
    not stop a file."""
    rows = inline_row(HEADER) + "".join(inline_row(_row(n)) for n in range(3))
    extra = {
        "xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + bytes(5000),
        "xl/drawings/vml1.vml": b"<xml><br></xml>",
    }
    path = tmp_path / "plain.xlsx"
    path.write_bytes(xlsx(sheet(rows), extra=extra))
    assert _import(store, path).inserted == 3


def test_the_command_refuses_a_zip_bomb_in_english(sqlite_engine, tmp_path, capsys):
    path, mapping = tmp_path / "bomb.xlsx", tmp_path / "map.yaml"
    path.write_bytes(zip_bomb(HEADER, _row(1)))
    mapping.write_text(MAPPING, encoding="utf-8")
    status = main([str(path), "--mapping", str(mapping), "--url", str(sqlite_engine.url)])
    err = capsys.readouterr().err
    assert status == 2
    assert "cannot import: part xl/worksheets/sheet1.xml unpacks to" in err and "possible zip bomb" in err


# --- CSV -----------------------------------------------------------------------


def _csv(path: Path, rows: list[list[str]], raw_tail: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
        handle.write(raw_tail)
    return path


def test_a_field_past_the_csv_modules_limit_is_a_rejected_row_and_the_rest_load(store, tmp_path):
    long = "长" * 200_000  # 600 KB: over csv's 128 KB field limit and over what a MariaDB TEXT holds
    path = _csv(tmp_path / "long.csv", [_row(1), _row(2, long), _row(3)])
    rejects = tmp_path / "rejects.csv"
    summary = _import(store, path, keep_good=True, rejects_path=rejects)
    assert [(r.line, r.column, r.reason, r.detail) for r in summary.rejects] == [
        (3, "内容", "too_long", "600,000 字节（UTF-8），上限 65,535")
    ]
    assert (summary.inserted, summary.rejected, summary.committed) == (2, 1, True)
    assert _imported(store) == ["L-1", "L-3"]
    assert long in rejects.read_text(encoding="utf-8-sig")


def test_a_row_over_a_million_characters_is_skipped_and_the_rest_load(store, tmp_path):
    endless = "很长的一段\n" * 250_000  # a quoted cell of 250,000 lines, 1.5 million characters
    path = _csv(tmp_path / "endless.csv", [_row(1), _row(2, endless), _row(3)])
    tracemalloc.start()
    summary = _import(store, path, keep_good=True, rejects_path=tmp_path / "rejects.csv")
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert [(r.line, r.column, r.reason) for r in summary.rejects] == [(3, "内容", "row_too_large")]
    assert summary.rejects[0].detail == "超过 1,000,000 字"
    assert _imported(store) == ["L-1", "L-3"]
    assert peak_mb < 30
    rows = list(csv.reader((tmp_path / "rejects.csv").open(encoding="utf-8-sig", newline="")))
    assert rows[1] == [
        "",
        "",
        "",
        "",
        "",
        "3",
        "内容",
        "row_too_large",
        "整行内容过长，未读取（常见原因：引号未闭合）：超过 1,000,000 字",
    ]


@pytest.mark.parametrize(
    ("tail", "says"),
    [
        (
            'L-9,2026-11-02 09:00,"' + "1,2,3,4,5,6,7,8\n" * 200_000,
            "line 3: a row runs past 1,000,000 characters",
        ),
        ("L-9," + "," * 2_000_000 + "\n", "line 3: a row runs past 1,000,000 characters"),
    ],
    ids=["unclosed-quote", "two-million-columns"],
)
def test_a_row_that_cannot_be_skipped_refuses_the_file(store, tmp_path, tail, says):
    path = _csv(tmp_path / "broken.csv", [_row(1)], raw_tail=tail)
    with pytest.raises(RefusedFileError, match="an unclosed quote") as refused:
        _import(store, path, keep_good=True)
    assert says in str(refused.value) and "第 3 行" in refused.value.chinese
    assert _imported(store) == []


def test_a_header_of_too_many_columns_refuses_the_file(sqlite_engine, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"列{n}" for n in range(1500)) + "\n1\n", encoding="utf-8")
    with pytest.raises(RefusedFileError, match="1,500 columns"):
        _import(sqlite_engine, path)


def test_a_long_trail_row_rejects_its_whole_petition(store, tmp_path):
    mapping = load_mapping(ROOT / "examples" / "import" / "hotline-12345-events.yaml")
    path = tmp_path / "trail.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["工单编号", "操作时间", "操作环节", "层级", "承办单位", "备注", "满意度"])
        writer.writerow(["P4", "2026-11-06 09:00", "提级办理", "镇级", "甲镇人民政府", "村级无法解决", ""])
        writer.writerow(["P4", "2026-11-07 09:00", "办理完毕", "", "", "很长" * 600_000, ""])
    summary = import_file(store, path, mapping, keep_good=True)
    assert [(r.line, r.reason) for r in summary.rejects] == [(2, "trail_rejected"), (3, "row_too_large")]
    with store.connect() as conn:
        p4 = conn.execute(select(petitions.c.id).where(petitions.c.external_id == "P4")).scalar()
        kinds = conn.execute(select(petition_events.c.kind).where(petition_events.c.petition_id == p4))
        assert "escalated" not in list(kinds.scalars())


@pytest.mark.parametrize("limit", [1000, 5])
def test_rows_split_exactly_as_csv_splits_them_even_past_the_limit(monkeypatch, limit):
    """Against csv.reader on the file whole, for random small files of
    quotes, separators and every kind of line end: the same rows on the
    same lines; a row past ``limit`` is the only one not given back."""
    monkeypatch.setattr(csvlines, "CHUNK", 2)  # long lines come in pieces, CR and LF split apart
    pick = random.Random(16).choice
    alphabet = ["a", "长", ",", '"', "\n", "\r", "\r\n", " "]
    for _ in range(3000):
        text = "".join(pick(alphabet) for _ in range(pick(range(40))))
        reader = csv.reader(io.StringIO(text, newline=""))
        whole = [(reader.line_num, row) for row in reader]
        lines = csvlines.RowLines(io.StringIO(text, newline=""), ",", "f.csv", limit=limit)
        reader = csv.reader(lines)
        try:
            pieces = [(reader.line_num, row, lines.end_row()) for row in reader]
        except RefusedFileError:
            assert limit == 5
            continue
        assert [line for line, _row, _cut in pieces] == [line for line, _row in whole], text
        assert [row for _line, row, cut in pieces if cut is None] == [
            row for (_line, row), (_l, _r, cut) in zip(whole, pieces, strict=True) if cut is None
        ], text
        assert limit == 5 or all(cut is None for _line, _row, cut in pieces)
