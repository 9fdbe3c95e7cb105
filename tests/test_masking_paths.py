"""Masked numbers reach every place that shows or exports free text: the
attacker's layouts of issue 16 (tests/test_masking_corpus.py) written into a
petition's summary, one of its event notes and a red warning's title and
note come out masked on the petition and warning pages, in the village's
lists, in the weekly pack's workbook and PDF, and on the wall screen's red
list; and no audit entry of an unmasked view writes them. On SQLite,
PostgreSQL and MariaDB: the layouts go through each database and back."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable

import openpyxl
import pytest
from sqlalchemy import Engine, select

from cockpit.app import create_app
from cockpit.export import pdf, xlsx
from cockpit.export.content import collect
from cockpit.export.week import IsoWeek
from cockpit.pages.detail import petition, warning
from cockpit.pages.detail.callbacks import unmask
from cockpit.pages.region.callbacks import render_village
from cockpit.pages.screen.callbacks import render_screen
from cockpit.settings import Settings
from cockpit.store.access import audit_log
from cockpit.store.factories import Step, build_petition, build_warning, write_petitions, write_warnings
from cockpit.store.schema import petitions, warnings
from tests import fixture_city
from tests.fixture_city import CITY, JIA, NOW, V2, local
from tests.layout import markup_texts, walk
from tests.test_masking_corpus import ATTACKER
from tests.viewers import ADMIN, KIOSK, LEADER, TOWN, as_viewer

ATTACK = ATTACKER  # the nine layouts the attacker found and the full-width identity number
WRITTEN = "、".join(row[0] for row in ATTACK)
SUMMARY = f"反映村里账目不清，可联系 {WRITTEN}。"
NOTE = f"已回访，对方留下 {WRITTEN}"
TITLE = f"向 {WRITTEN} 支付补助"
WEEK = IsoWeek(2026, 46)
# What folds away before a number is read back: separators and letters.
_FOLDED_AWAY = re.compile(r"[\s\-.·/_()（）—－A-Za-z]")


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in text
    )
    return _FOLDED_AWAY.sub("", text)


def readable(strings: Iterable[str]) -> list[str]:
    """The attacker's numbers that can be read back from any one of
    ``strings``: 7 digits of one in a row, separators and letters aside."""
    folded = [_folded(s) for s in strings if isinstance(s, str)]
    return [
        number
        for _written, _masked, number in ATTACK
        if any(number[i : i + 7] in s for s in folded for i in range(len(number) - 6))
    ]


def assert_masked(strings: Iterable[str]) -> None:
    """None of the attacker's numbers is readable in ``strings``, and each
    layout shows in its masked form."""
    strings = [s for s in strings if isinstance(s, str)]
    assert readable(strings) == []
    shown = "\n".join(strings)
    assert [masked for _written, masked, _number in ATTACK if masked not in shown] == []


def strings_of(*components) -> list[str]:
    """Every string a layout holds (children and other props)."""
    found = []
    for node in walk(list(components)):
        if node["type"] == "HtmlBlock":  # its text as the browser shows it
            found += markup_texts(node["props"]["html"])
        for value in node["props"].values():
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, str):
                    found.append(item)
    return found


@pytest.fixture
def store(engine) -> Engine:
    """fixture_city with a real-name petition P13 (二村) whose summary and
    escalation note hold the layouts, and a red warning W8 (二村) whose title
    and note hold them; on each database (full-width digits and zero-width
    characters must come back from MariaDB's utf8mb4 as they went in)."""
    attacked = build_petition(
        external_id="P13",
        village_code=V2,
        received_at=local(11, 16, 9),
        category="村务",
        unit="村委会",
        real_name=True,
        reporter_name="钱多多",
        reporter_phone="13812345678",
        summary=SUMMARY,
        steps=[Step("escalated", local(11, 17, 9), level="town", unit="甲镇人民政府", note=NOTE)],
    )
    red = build_warning(
        external_id="W8",
        rule_code="R-08",
        category="三资支出",
        title=TITLE,
        village_code=V2,
        raised_at=local(11, 20, 10),
        due_at=local(11, 27, 10),
        owner_kind="town_commission",
        owner_name="镇纪委",
        amount=800,
    )
    red.row["note"] = NOTE
    with engine.begin() as conn:
        fixture_city.load(conn)
        write_petitions(conn, [attacked])
        write_warnings(conn, [red])
    return engine


@pytest.fixture
def ids(store) -> tuple[int, int]:
    """The ids of P13 and W8."""
    with store.connect() as conn:
        return tuple(
            conn.execute(select(table.c.id).where(table.c.external_id == external_id)).scalar_one()
            for table, external_id in ((petitions, "P13"), (warnings, "W8"))
        )


@pytest.fixture
def app(store):
    return create_app(Settings(database_url=str(store.url), demo=False), store)


def unmask_details(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "unmask")).scalars())


@pytest.mark.parametrize("who", [TOWN, ADMIN], ids=["town", "admin"])
def test_the_petition_page_masks_the_layouts_in_its_summary_and_trail(app, store, ids, who):
    petition_id, _ = ids
    with as_viewer(app, who, f"/petition/{petition_id}"):
        masked = petition.layout(petition_id=str(petition_id))
        asked = unmask(1, {"kind": "petition", "id": str(petition_id)})  # the page's button
    assert_masked(strings_of(masked))
    # A town officer may unmask but never sees the reporter, so the free text stays
    # masked; an administrator may not unmask at all.
    assert_masked(strings_of(asked))
    assert readable(unmask_details(store)) == []


def test_an_unmasked_petition_shows_the_layouts_and_logs_none_of_them(app, store, ids):
    petition_id, _ = ids
    with as_viewer(app, LEADER, f"/petition/{petition_id}"):
        full = unmask(1, {"kind": "petition", "id": str(petition_id)})  # the page's button
        masked = petition.layout(petition_id=str(petition_id))
    assert SUMMARY in strings_of(full) and NOTE in strings_of(full)
    assert_masked(strings_of(masked))
    details = unmask_details(store)
    assert details and readable(details) == []


@pytest.mark.parametrize("who", [TOWN, LEADER], ids=["town", "leader"])
def test_the_warning_page_masks_the_layouts_in_its_title_and_note(app, ids, who):
    _, warning_id = ids
    with as_viewer(app, who, f"/warning/{warning_id}"):
        shown = strings_of(warning.layout(warning_id=str(warning_id)))
    assert_masked([s for s in shown if s.startswith("向 ")])  # the title
    assert_masked([s for s in shown if s.startswith("已回访")])  # the note
    assert readable(shown) == []


def test_the_villages_lists_mask_the_layouts(app):
    params = {"code": V2, "window": {"from": "2026-11-01", "to": "2026-11-20"}}
    with as_viewer(app, TOWN):
        *_, petitions_table, warnings_table = render_village("v1", params)
    assert readable(strings_of(petitions_table)) == []  # the table shows no summaries
    assert_masked(strings_of(warnings_table))


def test_the_weekly_pack_masks_the_layouts_in_its_workbook_and_pdf(store):
    with store.connect() as conn:
        pack = collect(conn, CITY, WEEK, NOW)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.pack_workbook(pack, NOW)))
    cells = [
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    ]
    red = [c for c in cells if c.startswith("向 ")]
    assert len(red) == 1
    assert_masked(red)
    assert readable(cells) == []
    drawings = {chart.slug: (b"<svg></svg>", "svg") for chart in pack.charts}
    page = pdf.pack_html(pack, drawings, NOW)
    texts = re.split(r"<[^>]+>", page)
    assert_masked([t for t in texts if t.startswith("向 ")])
    assert readable(texts) == []


def test_the_wall_screens_red_list_shows_no_warning_titles(app):
    """A wall screen is seen by the whole room: whoever is logged in, its red
    list names the rule (or the category), never a warning's own title."""
    for who, focus in ((LEADER, CITY), (TOWN, JIA), (KIOSK, CITY)):
        with as_viewer(app, who):
            shown = strings_of(*render_screen("v1", focus))
        assert not any(s.startswith("向 ") for s in shown)
        assert "三资支出" in shown
        assert readable(shown) == []
