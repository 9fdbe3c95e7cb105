"""A decade and 全部 (all time) in the UI, on SQLite, PostgreSQL and MariaDB:
ten years of imported history, the snapshot built as the scheduler builds it,
then the region page's callbacks over the long windows (issue 18)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cockpit.app import create_app
from cockpit.importer import import_file
from cockpit.pages.region.callbacks import render_region
from cockpit.settings import Settings
from cockpit.snapshot.build import update_snapshot
from cockpit.store.schema import petitions
from tests import fixture_city as city
from tests.layout import text
from tests.test_import import HEADER, MAPPING, _mapping
from tests.viewers import LEADER, as_viewer


@pytest.fixture
def decade(engine, tmp_path):
    """The fixture city plus one petition a quarter from January 2017 (40 of
    them, the last in October 2026), each closed after 1 to 4 whole days."""
    with engine.begin() as conn:
        city.load(conn)
    path = tmp_path / "decade.csv"
    fmt = "%Y-%m-%d %H:%M:%S"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(40):
            received = datetime(2017 + i // 4, 1 + 3 * (i % 4), 10, 1, 0, tzinfo=UTC)
            closed = received + timedelta(days=1 + i % 4)
            writer.writerow(
                [f"Q{i}", received.strftime(fmt), "道路", city.V1, "已办结", closed.strftime(fmt), "", ""]
            )
    summary = import_file(engine, path, _mapping(tmp_path, MAPPING), history=True)
    assert summary.committed and summary.inserted == 40
    update_snapshot(engine, datetime.now(UTC), full=True)
    return engine


@pytest.mark.parametrize(
    "window, first_period, periods",
    [
        ({"from": "2016-12-01", "to": "2026-11-30"}, date(2016, 12, 1), 120),
        ({"window": "all"}, date(2017, 1, 1), None),  # from the first month with a petition to now
    ],
)
def test_a_decade_and_all_time_count_every_petition(decade, window, first_period, periods):
    with decade.connect() as conn:
        received = conn.execute(select(func.count()).select_from(petitions)).scalar_one()
    app = create_app(Settings(database_url=decade.url.render_as_string(hide_password=False)), decade)
    with as_viewer(app, LEADER):
        kpis, _map, _categories, trend, *_ = render_region("v1", {"code": city.CITY, "window": window})
    assert received == 52  # the fixture's 12 and the decade's 40
    assert f"受理诉求{received}件" in text(kpis).replace(" ", "")
    assert sum(trend.data[0].y) == received
    assert str(trend.data[0].x[0]).startswith(first_period.strftime("%Y-%m"))
    if periods is not None:
        assert len(trend.data[0].x) == periods
    else:
        today = datetime.now(UTC).date()
        assert len(trend.data[0].x) == (today.year - 2017) * 12 + today.month
