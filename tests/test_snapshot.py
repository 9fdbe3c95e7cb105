"""The snapshot (cockpit.snapshot, queries.snapshot) against the raw tables.

Every view's figure read from the snapshot must equal the same figure
computed by GROUP BY over the raw petitions and warnings (the ``.raw``
function), after a full build and after any sequence of inserts, state
changes and late closes applied incrementally; on SQLite, PostgreSQL and
MariaDB. A refresh killed midway must leave the previous snapshot readable.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
import textwrap
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert, select, update

from cockpit.lifecycle import TransitionError
from cockpit.rules.catalogue import load_catalogue
from cockpit.snapshot import build as snapshot_build
from cockpit.snapshot import contrib
from cockpit.snapshot.build import update_snapshot
from cockpit.store.factories import (
    Step,
    WarningStep,
    apply_petition_step,
    apply_warning_step,
    build_petition,
    build_warning,
    write_petitions,
    write_warnings,
)
from cockpit.store.records import seal_uses
from cockpit.store.schema import petition_events, petitions, warning_events, warnings
from cockpit.store.snapshots import snap_record_counts, snap_state
from cockpit.timewindow import Window, custom_window, preset_window
from queries import petitions as pq
from queries import snapshot
from queries import warnings as wq
from queries.scope import Scope
from tests import fixture_city as fc
from tests import fixture_records as fr

WINDOWED = [
    pq.count_received,
    pq.share_closed_within_5_days,
    pq.share_closed_within_5_days_trend,
    pq.top_categories,
    pq.handling_time_distribution,
    pq.handling_time_summary,
    pq.child_region_metrics,
    wq.warning_status_counts,
    wq.warning_counts_by_child,
    wq.warning_categories,
    wq.warnings_raised_trend,
]
AT_NOW = [pq.open_backlog, wq.warning_queue_counts]
QUEUE_FILTERS = (
    {},
    {"overdue_only": True},
    {"category": "村级用工"},
    {"category": "三资支出", "overdue_only": True},
    {"owner_kind": "town_commission", "overdue_only": True},
    {"owner_kind": "town_commission"},
    {"owner_kind": "county_commission", "category": "村级用工"},
)
# Rule subjects as the /rules page passes them: the catalogue's, and one rule
# that has no warnings and one whose subject is not a table of records.
SUBJECTS = {rule.code: rule.subject for rule in load_catalogue().values()} | {"X-01": "other"}
ALL_TIME = [
    (wq.warning_filter_options, {}),
    (wq.rule_statistics, {}),
    (wq.rule_hit_rates, {"subjects": SUBJECTS}),
]
SCOPES = [code for code, _name, _level, _parent in fc.REGIONS]
CATEGORIES = ["道路", "低保", "环境", "村务"]
WARNING_CATEGORIES = ["村级用工", "三资支出", "惠民资金"]


def _windows(now):
    today = now.astimezone(fc.TZ).date()
    return [
        preset_window("last30", now),
        preset_window("year", now),
        preset_window("all", now),
        preset_window("today", now),
        preset_window("month", now),
        custom_window(date(2026, 8, 15), today, now=now),
        custom_window(date(2026, 9, 1), date(2026, 10, 31), now=now),
        custom_window(today - timedelta(days=20), today - timedelta(days=3), now=now),
    ]


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return a == b
    try:
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, atol=1e-6, rtol=0
        )
    except AssertionError:
        return False
    return True


def assert_matches_raw(engine, now, scopes=SCOPES, windows=None) -> int:
    """Every figure for every region and window, snapshot vs raw; the number compared."""
    compared = 0
    with engine.connect() as conn:
        assert snapshot.usable(snapshot.snapshot_state(conn), now)
        for code in scopes:
            scope = Scope(code)
            for window in windows or _windows(now):
                for fn in WINDOWED:
                    got, want = fn(conn, scope, window), fn.raw(conn, scope, window)
                    assert _same(got, want), f"{fn.__name__} {code} {window.label}:\n{got}\n!=\n{want}"
                    compared += 1
            for fn in AT_NOW:
                for extra in QUEUE_FILTERS if fn is wq.warning_queue_counts else ({},):
                    got, want = fn(conn, scope, now, **extra), fn.raw(conn, scope, now, **extra)
                    assert _same(got, want), f"{fn.__name__} {code} {extra}: {got} != {want}"
                    compared += 1
            for fn, extra in ALL_TIME:
                got, want = fn(conn, scope, **extra), fn.raw(conn, scope, **extra)
                assert _same(got, want), f"{fn.__name__} {code}:\n{got}\n!=\n{want}"
                compared += 1
    return compared


def test_a_full_build_of_the_hand_worked_city_matches_the_raw_figures(engine):
    with engine.begin() as conn:
        fc.load(conn)
        fr.load(conn)
    run = update_snapshot(engine, fc.NOW)
    assert (run.kind, run.version, run.petitions, run.warnings) == ("full", 1, 12, 7)
    assert assert_matches_raw(engine, fc.NOW) > 500
    # And the snapshot really answers: the hand-worked figures, from the snapshot tables.
    with engine.connect() as conn:
        assert pq.count_received(conn, Scope(fc.CITY), fc.window()).iloc[0].to_dict() == {
            "received": 10,
            "received_today": 1,
        }
        rates = wq.rule_hit_rates(conn, Scope(fc.CITY), {"LAB-01": "labour"}).set_index("rule_code")
        counts = dict(
            conn.execute(
                select(snap_record_counts.c.table_name, snap_record_counts.c.n).where(
                    snap_record_counts.c.region_code == fc.CITY
                )
            ).all()
        )
    assert rates.loc["LAB-01", "records"] == counts["labour"] == len(fr.LABOUR)


def _move(conn, table, events, fk, apply, record_id, step) -> None:
    row = dict(conn.execute(select(table).where(table.c.id == record_id)).mappings().one())
    event = apply(row, step)
    conn.execute(
        update(table).where(table.c.id == record_id).values({k: v for k, v in row.items() if k != "id"})
    )
    conn.execute(insert(events).values({**event, fk: record_id}))


def _random_round(conn, rng: random.Random, start, end, serial: list[int]) -> None:
    """New petitions and warnings received in [start, end), and steps for
    old ones at times in the round: assignments, closes (some long after
    receipt: late closes), reopenings, disposals, reassignments."""
    span = (end - start).total_seconds()

    def at():
        return start + timedelta(seconds=rng.uniform(0, span))

    villages = [fc.V1, fc.V2, fc.V3, fc.V4]
    built = []
    for _ in range(rng.randint(5, 15)):
        serial[0] += 1
        received = at()
        steps = []
        if rng.random() < 0.4:
            done = received + timedelta(hours=rng.uniform(0.1, 200))
            if done < end:
                steps = [Step("resolved", done), Step("closed", done)]
        built.append(
            build_petition(
                external_id=f"R{serial[0]}",
                village_code=rng.choice(villages),
                received_at=received,
                category=rng.choice(CATEGORIES),
                unit="村委会",
                complexity=rng.choice(["general", "general", "complex"]),
                steps=steps,
            )
        )
    write_petitions(conn, built)
    built = [
        build_warning(
            external_id=f"RW{serial[0]}-{i}",
            rule_code=(rule := rng.choice(["R-99", "LAB-01", "FUN-02"])),
            category=rng.choice(WARNING_CATEGORIES),
            title="随机",
            village_code=rng.choice(villages),
            raised_at=(raised := at()),
            due_at=raised + timedelta(days=rng.choice([1, 3, 7])),
            owner_kind=rng.choice(["town_commission", "town_commission", "county_commission"]),
            owner_name="镇纪委",
            subject_type={"R-99": "other", "LAB-01": "labour", "FUN-02": "payment"}[rule],
            subject_id=f"S{serial[0]}-{i}",
        )
        for i in range(rng.randint(3, 8))
    ]
    write_warnings(conn, built)
    seals = [
        {
            "external_id": f"YZ{serial[0]}-{i}",
            "village_code": rng.choice(villages),
            "matter": "出具证明",
            "applicant": "张三",
            "used_at": (used := at()),
            "updated_at": used,
        }
        for i in range(rng.randint(0, 3))
    ]
    if seals:
        conn.execute(insert(seal_uses), seals)
    rows = conn.execute(select(petitions.c.id, petitions.c.status, petitions.c.updated_at)).all()
    for record_id, status, updated in rng.sample(rows, min(len(rows), 12)):
        when = max(at(), updated + timedelta(seconds=1))
        if when >= end:
            continue
        kind = {
            "received": ["assigned", "resolved"],
            "assigned": ["resolved", "escalated"],
            "resolved": ["closed", "reopened"],
            "closed": ["reopened", "feedback"],
        }[status]
        for step_kind in [rng.choice(kind)] + (
            ["closed"] if status != "closed" and rng.random() < 0.5 else []
        ):
            try:
                step = Step(step_kind, when, satisfaction=4 if step_kind == "feedback" else None)
                _move(conn, petitions, petition_events, "petition_id", apply_petition_step, record_id, step)
            except (TransitionError, ValueError):
                break
    rows = conn.execute(select(warnings.c.id, warnings.c.status, warnings.c.updated_at)).all()
    for record_id, status, updated in rng.sample(rows, min(len(rows), 8)):
        when = max(at(), updated + timedelta(seconds=1))
        if when >= end:
            continue
        kind = {
            "new": ["accepted", "disposed", "reassigned"],
            "pending": ["disposed", "reminded"],
            "disposed": ["reopened"],
        }[status]
        choice = rng.choice(kind)
        step = WarningStep(
            choice,
            when,
            disposition=rng.choice(["rectified", "false_alarm"]) if choice == "disposed" else None,
            owner_kind="county_commission" if choice == "reassigned" else None,
            owner_name="县纪委" if choice == "reassigned" else None,
        )
        try:
            _move(conn, warnings, warning_events, "warning_id", apply_warning_step, record_id, step)
        except (TransitionError, ValueError):
            continue


def test_incremental_updates_match_the_raw_figures_after_any_sequence(engine, monkeypatch):
    rng = random.Random(engine.dialect.name)  # a different sequence on each database
    with engine.begin() as conn:
        fc.load(conn)
        fr.load(conn)
    now = fc.NOW  # after every row of the fixture: the raw figures never see the future
    update_snapshot(engine, now)
    serial = [0]
    kinds = []
    for round_ in range(4):
        later = now + timedelta(days=rng.uniform(1, 12), hours=rng.uniform(0, 23))
        with engine.begin() as conn:
            _random_round(conn, rng, now, later, serial)
        now = later
        # Odd rounds upsert through PostgreSQL's staging tables, as large refreshes do.
        monkeypatch.setattr(snapshot_build, "SET_UPSERT_ROWS", 1 if round_ % 2 else 10**9)
        run = update_snapshot(engine, now)
        kinds.append(run.kind)
        windows = [w for i, w in enumerate(_windows(now)) if i != 2]  # not 今日 (mostly empty)
        assert assert_matches_raw(engine, now, [fc.CITY, fc.EAST, fc.JIA, fc.V1, fc.BING], windows) > 250
    assert kinds == ["incremental"] * 4
    # Run again with nothing changed: nothing moves.
    with engine.connect() as conn:
        before = pq.child_region_metrics(conn, Scope(fc.CITY), preset_window("year", now))
    update_snapshot(engine, now)
    with engine.connect() as conn:
        assert _same(pq.child_region_metrics(conn, Scope(fc.CITY), preset_window("year", now)), before)
    # A full rebuild of the same data gives the same figures.
    assert update_snapshot(engine, now, full=True).kind == "full"
    assert_matches_raw(engine, now)


def test_a_row_written_with_an_old_updated_at_is_still_picked_up(engine):
    with engine.begin() as conn:
        fc.load(conn)
    update_snapshot(engine, fc.NOW)
    old = fc.local(11, 2, 9)  # long before the watermark
    with engine.begin() as conn:
        write_petitions(
            conn,
            [
                build_petition(
                    external_id="LATE", village_code=fc.V3, received_at=old, category="道路", unit="村委会"
                )
            ],
        )
    update_snapshot(engine, fc.NOW)
    with engine.connect() as conn:
        got = pq.count_received(conn, Scope(fc.CITY), fc.window())["received"].iloc[0]
    assert got == 11


def test_after_an_import_the_next_refresh_reads_nothing_it_has_counted(engine):
    """An import writes all its rows within minutes (updated_at = the import's
    time): the refresh after it counts them; the one after reads none of
    them again, though they lie within LOOKBACK of the newest row (it re-read
    all of them at every refresh, issue 18). A row changed after that, or
    committed late with an updated_at the last run had passed, is read."""
    with engine.begin() as conn:
        fc.load(conn)
        fr.load(conn)
    update_snapshot(engine, fc.NOW)
    imported_at = fc.NOW + timedelta(days=1)
    with engine.begin() as conn:
        write_petitions(
            conn,
            [
                build_petition(
                    external_id=f"IMP{i}", village_code=fc.V3, received_at=fc.local(11, 3, 9),
                    category="道路", unit="村委会",
                )
                for i in range(40)
            ],
        )  # fmt: skip
        moved = conn.execute(
            update(petitions).where(petitions.c.external_id.like("IMP%")).values(updated_at=imported_at)
        ).rowcount
        conn.execute(update(warnings).values(updated_at=imported_at + timedelta(seconds=30)))
        warning_count = conn.execute(select(warnings.c.id)).all()
    assert moved == 40
    first = update_snapshot(engine, imported_at + timedelta(minutes=1))
    assert (first.petitions, first.warnings) == (40, len(warning_count))
    second = update_snapshot(engine, imported_at + timedelta(minutes=2))
    assert (second.petitions, second.warnings) == (0, 0)
    with engine.begin() as conn:
        one = conn.execute(select(petitions.c.id).where(petitions.c.external_id == "IMP7")).scalar_one()
        conn.execute(update(petitions).where(petitions.c.id == one).values(updated_at=imported_at))
        late = conn.execute(select(petitions.c.id).where(petitions.c.external_id == "IMP8")).scalar_one()
        conn.execute(  # committed after the last run, stamped before its mark
            update(petitions)
            .where(petitions.c.id == late)
            .values(updated_at=imported_at - timedelta(minutes=1), category="环境卫生")
        )
    third = update_snapshot(engine, imported_at + timedelta(minutes=3))
    assert (third.petitions, third.warnings) == (1, 0)  # IMP8; IMP7's stamp is the one counted
    assert update_snapshot(engine, imported_at + timedelta(minutes=4)).petitions == 0
    assert_matches_raw(engine, imported_at + timedelta(minutes=4))


def test_figures_for_odd_windows_or_a_past_now_come_from_the_raw_tables(engine):
    with engine.begin() as conn:
        fc.load(conn)
    update_snapshot(engine, fc.NOW)
    window = fc.window()
    odd = type(window)(window.start + timedelta(hours=3), window.end, window.now)
    with engine.connect() as conn:
        state = snapshot.snapshot_state(conn)
        assert not snapshot.usable(state, odd)
        assert not snapshot.usable(state, fc.NOW - timedelta(hours=1))
        assert snapshot.usable(state, window) and snapshot.usable(state, fc.NOW)
        assert _same(
            pq.count_received(conn, Scope(fc.CITY), odd), pq.count_received.raw(conn, Scope(fc.CITY), odd)
        )


def _closed_from_the_histogram(engine, monkeypatch, prefix: str, spans, now) -> Window:
    """The fixture city and petitions (village, received, time taken), closed,
    in a snapshot as of ``now`` whose percentiles all come from the histogram
    (EXACT_LIMIT 0); the window November-December 2026."""
    with engine.begin() as conn:
        fc.load(conn)
        write_petitions(
            conn,
            [
                build_petition(
                    external_id=f"{prefix}{i}", village_code=village, received_at=received,
                    category="道路", unit="村委会",
                    steps=[Step("resolved", received + taken), Step("closed", received + taken)],
                )
                for i, (village, received, taken) in enumerate(spans)
            ],
        )  # fmt: skip
    update_snapshot(engine, now)
    monkeypatch.setattr(snapshot, "EXACT_LIMIT", 0)
    return custom_window(date(2026, 11, 1), date(2026, 12, 31), now=now)


def test_histogram_percentiles_of_large_regions(engine, monkeypatch):
    """Above EXACT_LIMIT closed petitions the median and 90th percentile come
    from the histogram: equal to the histogram worked out from the raw
    durations, and within a bin's width of the exact figure."""
    rng = random.Random(5)
    spans = []
    for _ in range(400):
        received = fc.local(11, 1) + timedelta(hours=rng.uniform(0, 400))
        taken = timedelta(hours=rng.lognormvariate(3, 1))
        spans.append((rng.choice([fc.V1, fc.V2, fc.V4]), received, taken))
    window = _closed_from_the_histogram(engine, monkeypatch, "H", spans, fc.local(12, 31, 12))
    with engine.connect() as conn:
        for code in (fc.CITY, fc.EAST, fc.V1):
            got = pq.handling_time_summary(conn, Scope(code), window).iloc[0]
            exact = pq.handling_time_summary.raw(conn, Scope(code), window).iloc[0]
            received = [
                (r.received_at, r.closed_at)
                for r in conn.execute(
                    select(petitions.c.received_at, petitions.c.closed_at).where(
                        petitions.c.closed_at.is_not(None),
                        petitions.c.received_at >= window.start,
                        petitions.c.received_at < window.end,
                        petitions.c.village_code.in_(_villages_under(code)),
                    )
                )
            ]
            seconds = np.array([(c - r).total_seconds() for r, c in received])
            bins = contrib.bins_of(seconds)
            millis = np.round(seconds * 1000).astype("int64")
            hist = {
                int(b): (int((bins == b).sum()), int(millis[bins == b].sum())) for b in set(bins.tolist())
            }
            assert got["closed"] == exact["closed"] == len(seconds)
            for p, column in ((0.5, "median"), (0.9, "p90")):
                reference = contrib.percentile_of_bins(hist, p)
                assert math.isclose(got[f"{column}_hours"], reference.seconds / 3600, abs_tol=1e-9)
                assert math.isclose(got[f"{column}_bound_hours"], reference.bound / 3600, abs_tol=1e-9)
                # Times to the second: an estimate, within the bound it states.
                assert 0 <= got[f"{column}_bound_hours"] <= 12
                error = abs(got[f"{column}_hours"] - exact[f"{column}_hours"])
                assert error <= got[f"{column}_bound_hours"] + 1e-6  # times are kept in whole ms
                assert exact[f"{column}_bound_hours"] == 0
            assert math.isclose(got["mean_hours"], exact["mean_hours"], abs_tol=1e-6)


def test_medians_of_whole_days_are_exact_from_the_histogram(engine, monkeypatch):
    """History with dates only (received and closed at local midnight): the
    snapshot's histogram gives the exact median and 90th percentile, with a
    bound of 0, however long the cases dragged on (a median of 762 days was
    read as 60 when the last bin was open from 60 days)."""
    rng = random.Random(7)
    spans = []
    for i in range(300):
        received = fc.local(11, 1) + timedelta(days=rng.randrange(0, 40))
        days = rng.choice([0, 1, 3, 7, 14, 16, 17, 45, 61, 62, 400, 762, 1500])
        village = rng.choice([fc.V1, fc.V2, fc.V4]) if i % 3 else fc.V1
        spans.append((village, received, timedelta(days=days)))
    now = fc.local(12, 31, 12) + timedelta(days=1600)
    window = _closed_from_the_histogram(engine, monkeypatch, "D", spans, now)
    with engine.connect() as conn:
        for code in (fc.CITY, fc.EAST, fc.V1):
            got = pq.handling_time_summary(conn, Scope(code), window).iloc[0]
            exact = pq.handling_time_summary.raw(conn, Scope(code), window).iloc[0]
            assert got["closed"] == exact["closed"] > 0
            for column in ("median", "p90"):
                assert got[f"{column}_bound_hours"] == 0
                assert math.isclose(got[f"{column}_hours"], exact[f"{column}_hours"], abs_tol=1e-6), column
            children = pq.child_region_metrics(conn, Scope(code), window)
            raw_children = pq.child_region_metrics.raw(conn, Scope(code), window)
            assert (children["median_bound_hours"].fillna(0) == 0).all()
            assert np.allclose(children["median_hours"], raw_children["median_hours"], equal_nan=True)


def test_ten_years_of_dates_only_give_the_exact_median_and_p90(engine, monkeypatch):
    """A generated ten-year, day-resolution history (received and closed on
    local midnights, 2016-12 to 2026-11, durations up to four years): the
    median and 90th percentile from the snapshot's histogram equal numpy's,
    computed here from the durations themselves, not by the cockpit."""
    rng = random.Random(18)
    first = fc.local(12, 1) - timedelta(days=3652)
    spans = []
    for i in range(600):
        received = first + timedelta(days=rng.randrange(0, 3640))
        days = min(int(rng.lognormvariate(math.log(7), 1.3)), 1460)
        spans.append((fc.V1 if i % 2 else fc.V4, received, timedelta(days=days)))
    now = fc.local(12, 1) + timedelta(days=1500)
    _closed_from_the_histogram(engine, monkeypatch, "T", spans, now)
    decade = custom_window(date(2016, 11, 1), date(2026, 11, 30), now=now)
    with engine.connect() as conn:
        got = pq.handling_time_summary(conn, Scope(fc.CITY), decade).iloc[0]
        rows = conn.execute(
            select(petitions.c.received_at, petitions.c.closed_at).where(
                petitions.c.closed_at.is_not(None),
                petitions.c.received_at >= decade.start,
                petitions.c.received_at < decade.end,
            )
        ).all()
    # The generated 600 and the fixture's own closed petitions, in plain Python.
    hours = np.array([(closed - received).total_seconds() / 3600 for received, closed in rows])
    assert got["closed"] == len(hours) > 600
    assert got["median_bound_hours"] == 0 and got["p90_bound_hours"] == 0
    assert math.isclose(got["median_hours"], float(np.percentile(hours, 50)), abs_tol=1e-6)
    assert math.isclose(got["p90_hours"], float(np.percentile(hours, 90)), abs_tol=1e-6)


def _villages_under(code: str) -> list[str]:
    parents = {c: parent for c, _n, _l, parent in fc.REGIONS}
    villages = [c for c, _n, level, _p in fc.REGIONS if level == "village"]
    out = []
    for village in villages:
        node = village
        while node is not None and node != code:
            node = parents[node]
        if node == code:
            out.append(village)
    return out


def test_histogram_bins_and_percentiles():
    day = 86400
    assert contrib.bin_edges(0) == (0.0, 1800.0)
    assert contrib.bin_edges(48) == (86400.0, 93600.0)
    assert contrib.bin_edges(115) == (15 * day - 43200.0, 15.0 * day)
    assert contrib.bin_edges(116) == (15.0 * day, 16.0 * day)
    assert contrib.bin_edges(116 + 747) == (762.0 * day, 763.0 * day)
    assert contrib.bin_edges(contrib.HIST_LAST_BIN) == ((15 + contrib.HIST_LAST_BIN - 116) * day, None)
    seconds = np.array(
        [-5, 0, 1799, 1800, 86399, 86400, 431999, 432000, 1295999, 1296000, 5183999, 5184000, 762 * day, 9e12]
    )
    assert contrib.bins_of(seconds).tolist() == [
        0, 0, 0, 1, 47, 48, 95, 96, 115, 116, 160, 161, 116 + 747, contrib.HIST_LAST_BIN,
    ]  # fmt: skip
    assert contrib.buckets_of(np.array([0, 86400, 86401, 432000, 432001, 1296000, 1296001])).tolist() == [
        0,
        0,
        1,
        3,
        4,
        5,
        6,
    ]
    percentile = contrib.percentile_of_bins
    # One petition in a bin: its own time, exactly.
    assert percentile({0: (1, 600_000)}, 0.5) == (600.0, 0.0)
    # Four on the lower edge of bin 1 (sum = 4 x 1,800 s): exact.
    assert percentile({1: (4, 4 * 1_800_000)}, 0.5) == (1800.0, 0.0)
    # Four elsewhere in bin 1: ranks 1 and 2 of 4 spread evenly, bound the bin's width.
    assert percentile({1: (4, 4 * 2_000_000)}, 0.5) == ((2475.0 + 2925.0) / 2, 1800.0)
    # Whole days 7, 7, 14, 14, 30, 62, 62, 762: as numpy and a spreadsheet say.
    days = np.array([7, 7, 14, 14, 30, 62, 62, 762]) * day
    bins = contrib.bins_of(days)
    hist = {int(b): (int((bins == b).sum()), int(days[bins == b].sum() * 1000)) for b in set(bins.tolist())}
    for p in (0.5, 0.9, 0.0, 1.0):
        assert percentile(hist, p) == (pytest.approx(float(np.percentile(days, p * 100))), 0.0)
    assert percentile(hist, 0.5).seconds == 22 * day
    assert math.isnan(percentile({}, 0.5).seconds)


KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    from cockpit.snapshot import build
    from cockpit.store import make_engine

    real = build._upsert_add
    calls = []

    def dying(*args, **kwargs):
        written = real(*args, **kwargs)
        calls.append(written)
        if len(calls) == 2:  # the petition aggregates are written, the rest is not
            print("killing", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return written

    build._upsert_add = dying
    build.update_snapshot(make_engine(sys.argv[1]), datetime.fromisoformat(sys.argv[2]))
    print("not killed")
    """
)


def test_a_refresh_killed_midway_leaves_the_previous_snapshot_readable(engine):
    with engine.begin() as conn:
        fc.load(conn)
    update_snapshot(engine, fc.NOW)
    scope, window = Scope(fc.CITY), fc.window()
    with engine.connect() as conn:
        before = {fn.__name__: fn(conn, scope, window) for fn in WINDOWED}
    with engine.begin() as conn:
        write_petitions(
            conn,
            [
                build_petition(
                    external_id="NEW",
                    village_code=fc.V1,
                    received_at=fc.local(11, 19),
                    category="道路",
                    unit="村委会",
                )
            ],
        )
        row = dict(conn.execute(select(warnings).where(warnings.c.external_id == "W1")).mappings().one())
        apply_warning_step(row, WarningStep("disposed", fc.local(11, 19, 12), disposition="rectified"))
        conn.execute(update(warnings).where(warnings.c.id == row["id"]).values(row))
    later = fc.NOW + timedelta(minutes=1)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()  # SQLite: let the child write
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        [sys.executable, "-c", KILLED, url, later.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == -9, result.stdout + result.stderr
    assert "killing" in result.stdout
    with engine.connect() as conn:
        assert conn.execute(select(snap_state.c.version)).scalar() == 1
        for fn in WINDOWED:
            assert _same(fn(conn, scope, window), before[fn.__name__]), fn.__name__
        assert pq.count_received(conn, scope, window)["received"].iloc[0] == 10
    # The next refresh applies the change whole.
    assert update_snapshot(engine, later).version == 2
    with engine.connect() as conn:
        assert pq.count_received(conn, scope, window)["received"].iloc[0] == 11
    assert_matches_raw(engine, later)


def test_the_command_builds_and_reports_the_snapshot(sqlite_engine, capsys):
    from cockpit.snapshot.__main__ import main

    with sqlite_engine.begin() as conn:
        fc.load(conn)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["status", "--url", url]) == 0
    assert capsys.readouterr().out == "no snapshot yet: the next refresh builds it\n"
    assert main(["update", "--url", url]) == 0
    assert capsys.readouterr().out.startswith("full: version 1, 12 petitions and 7 warnings read, ")
    assert main(["update", "--url", url]) == 0
    assert capsys.readouterr().out.startswith("incremental: version 2, ")
    assert main(["rebuild", "--url", url]) == 0
    assert capsys.readouterr().out.startswith("full: version 3, 12 petitions")
    assert main(["status", "--url", url]) == 0
    assert capsys.readouterr().out.startswith("snapshot version 3, data as of ")


def test_a_page_reading_during_a_refresh_sees_one_snapshot_throughout(engine):
    """A page's connection (cockpit.pages.common.connect) reads at REPEATABLE
    READ: a refresh committing between two of its queries changes nothing it
    reads; the next page sees the new snapshot."""
    from cockpit.store.engine import consistent

    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite: one writer; the pysqlite driver does not open read transactions")
    with engine.begin() as conn:
        fc.load(conn)
    update_snapshot(engine, fc.NOW)
    scope, window = Scope(fc.CITY), fc.window()
    with engine.connect() as raw:
        page = consistent(raw)
        first = pq.count_received(page, scope, window)["received"].iloc[0]
        with engine.begin() as conn:
            write_petitions(
                conn,
                [
                    build_petition(
                        external_id="MID",
                        village_code=fc.V2,
                        received_at=fc.local(11, 19),
                        category="道路",
                        unit="村委会",
                    )
                ],
            )
        update_snapshot(engine, fc.NOW + timedelta(minutes=1))
        assert pq.count_received(page, scope, window)["received"].iloc[0] == first == 10
        assert snapshot.snapshot_state(page).version == 1
        assert pq.share_closed_within_5_days(page, scope, window)["received"].iloc[0] == 10
    with engine.connect() as raw:
        page = consistent(raw)
        assert snapshot.snapshot_state(page).version == 2
        assert pq.count_received(page, scope, window)["received"].iloc[0] == 11
