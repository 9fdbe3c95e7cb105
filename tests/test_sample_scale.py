"""The scale generator (sample_db.scale), on small sizes, on all three databases."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, inspect, select

from cockpit.lifecycle import COMPLEXITY_LIMIT_DAYS, PETITION, WARNING
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import evaluate
from cockpit.store.engine import make_engine
from cockpit.store.hierarchy import rebuild_region_tree, resolve_root
from cockpit.store.migrate import check
from cockpit.store.records import (
    cadre_relatives,
    cadres,
    disclosures,
    payment_approvals,
    payments,
    project_bids,
    projects,
    public_queries,
)
from cockpit.store.schema import (
    metadata,
    petition_events,
    petitions,
    region_tree,
    regions,
    rule_state,
    store_meta,
    warning_events,
    warnings,
)
from cockpit.timewindow import Window
from queries.petitions import child_region_metrics, share_closed_within_5_days
from queries.scope import Scope
from queries.warnings import warning_status_counts
from sample_db import is_sample_store
from sample_db.consistency import inconsistencies
from sample_db.ledger import PREFIX
from sample_db.people import check_digit
from sample_db.scale import Sizes, generate_scale
from sample_db.scale.__main__ import main
from sample_db.scale.progress import quiet
from sample_db.scale.province import build_hierarchy, fanouts
from sample_db.scale.record_plan import SAMPLE_ROWS, split
from sample_db.scale.records import RECORD_TABLES
from sample_db.store import StoreNotEmptyError
from tests.conftest import ALL_DATABASES, _fresh_store

NOW = datetime(2026, 11, 21, 4, 0, tzinfo=UTC)  # Saturday noon in Asia/Shanghai
SIZES = Sizes(villages=40, petitions=3000, warnings=3000, records=12_000)
CHUNK = 1000  # several chunks even at this size
TINY = Sizes(villages=12, petitions=500, warnings=500)
BIG = (petitions, petition_events, warnings, warning_events)


@pytest.fixture(scope="module", params=ALL_DATABASES)
def scale(request, database_urls) -> dict:
    """A small scale store, built once per database for this module."""
    if request.param not in database_urls:
        pytest.skip(f"{request.param} not selected by COCKPIT_TEST_DATABASES")
    engine = _fresh_store(database_urls[request.param]["scratch"])
    summary = generate_scale(engine, SIZES, seed=7, now=NOW, chunk_rows=CHUNK, progress=quiet)
    yield {"engine": engine, "summary": summary}
    engine.dispose()


def count(conn, table, *where) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_the_requested_counts_land_exactly(scale):
    summary = scale["summary"]
    with scale["engine"].connect() as conn:
        assert count(conn, regions, regions.c.level == "village") == SIZES.villages
        assert count(conn, petitions) == SIZES.petitions
        assert count(conn, warnings) == SIZES.warnings
        assert count(conn, petition_events) == summary["counts"]["petition_events"] > 4 * SIZES.petitions
        assert count(conn, warning_events) == summary["counts"]["warning_events"] > 2 * SIZES.warnings
        meta = dict(conn.execute(select(store_meta.c.key, store_meta.c.value)).all())
        assert not is_sample_store(conn)
    assert meta["generator"] == "scale"
    assert [meta[k] for k in ("villages", "petitions", "warnings", "records", "seed")] == [
        "40",
        "3000",
        "3000",
        "12000",
        "7",
    ]
    assert meta["history_end"] == NOW.isoformat()


def test_every_village_has_its_ancestors_up_to_the_root(scale):
    engine = scale["engine"]
    with engine.connect() as conn:
        written = set(conn.execute(select(region_tree)).all())
        rows = conn.execute(
            select(regions.c.code, regions.c.name, regions.c.level, regions.c.parent_code)
        ).all()
        root = resolve_root(conn)
    with engine.connect() as conn:  # what the cockpit's own rebuild gives, rolled back
        rebuild_region_tree(conn)
        rebuilt = set(conn.execute(select(region_tree)).all())
        conn.rollback()
    assert written == rebuilt
    villages = [r.code for r in rows if r.level == "village"]
    chains = {v: sorted((d, a) for a, v_, d in written if v_ == v) for v in villages}
    levels = {r.code: r.level for r in rows}
    for chain in chains.values():
        assert [levels[a] for _, a in chain] == ["village", "town", "county", "city", "province"]
        assert [d for d, _ in chain] == [0, 1, 2, 3, 4] and chain[-1][1] == root
    assert all(len(r.code) == 12 and r.code.isdigit() for r in rows)
    siblings = Counter((r.parent_code, r.name) for r in rows)
    assert max(siblings.values()) == 1


def test_rows_agree_with_their_lifecycles(scale):
    with scale["engine"].connect() as conn:
        assert inconsistencies(conn) == []
        p = conn.execute(select(petitions)).all()
        w = conn.execute(select(warnings)).all()
    for row in p:
        assert (row.closed_at is not None) == (row.status in PETITION.closed_codes)
        assert row.due_at - row.received_at == timedelta(days=COMPLEXITY_LIMIT_DAYS[row.complexity])
        assert row.received_at <= row.updated_at <= NOW
        assert row.closed_at is None or row.received_at <= row.closed_at == row.updated_at
    for row in w:
        assert (row.disposed_at is not None) == (row.status == "disposed") == (row.disposition is not None)
        assert row.raised_at <= row.updated_at <= NOW and row.raised_at < row.due_at
        assert row.disposed_at is None or row.raised_at <= row.disposed_at
        assert row.status in WARNING.codes and row.rule_version is not None
        evidence = json.loads(row.evidence)
        assert (evidence["rule_code"], evidence["rule_version"]) == (row.rule_code, row.rule_version)
        assert evidence["records"][0]["external_id"] == row.subject_id and evidence["values"]
        assert row.external_id == f"{row.rule_code}:{row.subject_type}:{row.subject_id}"
    assert len({r.external_id for r in p}) == len(p) and len({r.external_id for r in w}) == len(w)
    categories = {rule.category for rule in load_catalogue().values()}
    assert {r.category for r in w} <= categories


def test_the_shares_are_the_samples(scale):
    window = Window(NOW - timedelta(days=365), NOW, NOW)
    with scale["engine"].connect() as conn:
        root = resolve_root(conn)
        share = share_closed_within_5_days(conn, Scope(root), window).iloc[0]
        complex_ = count(conn, petitions, petitions.c.complexity == "complex") / SIZES.petitions
        open_ = count(conn, petitions, petitions.c.status.in_(PETITION.open_codes)) / SIZES.petitions
        queue = count(conn, warnings, warnings.c.status.in_(WARNING.open_codes)) / SIZES.warnings
    assert 0.8 <= share["share"] <= 0.95
    assert 0.07 <= complex_ <= 0.15
    assert 0 < open_ < 0.03
    assert 0.01 < queue < 0.08


def test_the_cockpits_queries_count_what_was_written(scale):
    window = Window(NOW - timedelta(days=400), NOW, NOW)
    with scale["engine"].connect() as conn:
        root = resolve_root(conn)
        cities = count(conn, regions, regions.c.parent_code == root)
        by_city = child_region_metrics(conn, Scope(root), window)
        statuses = warning_status_counts(conn, Scope(root), window).iloc[0]
        red = count(conn, warnings, warnings.c.status == "new")
        yellow = count(conn, warnings, warnings.c.status == "pending")
        open_ = count(conn, petitions, petitions.c.status.in_(PETITION.open_codes))
    assert len(by_city) == cities
    assert by_city["received"].sum() == SIZES.petitions
    assert by_city["open"].sum() == open_
    assert (by_city["red"].sum(), by_city["yellow"].sum()) == (red, yellow)
    assert (statuses["red"], statuses["yellow"], statuses["raised"]) == (red, yellow, SIZES.warnings)


def test_it_creates_the_indexes_and_constraints_again(scale):
    found = inspect(scale["engine"])
    for table in (*BIG, *RECORD_TABLES):
        assert {i["name"] for i in found.get_indexes(table.name)} >= {i.name for i in table.indexes}
        foreign = {
            (tuple(f["constrained_columns"]), f["referred_table"]) for f in found.get_foreign_keys(table.name)
        }
        assert foreign == {
            (tuple(c.column_keys), c.referred_table.name) for c in table.foreign_key_constraints
        }
        unique = {tuple(u["column_names"]) for u in found.get_unique_constraints(table.name)}
        assert unique == ({("external_id",)} if "external_id" in table.c else set())
    assert check(scale["engine"]) == []  # the migrations' comparison of the whole schema


def test_it_records_every_rule_as_evaluated(scale):
    with scale["engine"].connect() as conn:
        assert count(conn, rule_state) == len(load_catalogue())


# ---- business records ---------------------------------------------------------------


def record_counts(conn) -> dict[str, int]:
    return {table.name: count(conn, table) for table in RECORD_TABLES}


def test_the_records_land_on_the_requested_total_in_the_samples_proportions(scale):
    with scale["engine"].connect() as conn:
        counts = record_counts(conn)
    planned = split(SIZES.records)
    assert sum(counts.values()) == SIZES.records == sum(planned.values())
    # Seal uses take up the signatures of chains still open at now.
    for table in set(counts) - {"payment_approvals", "seal_uses"}:
        assert counts[table] == planned[table], table
    assert (
        counts["payment_approvals"] + counts["seal_uses"]
        == planned["payment_approvals"] + planned["seal_uses"]
    )
    assert 3.8 * counts["payments"] <= counts["payment_approvals"] <= 4 * counts["payments"]
    assert 2 * counts["projects"] <= counts["project_bids"] <= 4 * counts["projects"]
    sample = sum(SAMPLE_ROWS.values())
    together = {"payments": ("payments", "payment_approvals"), "projects": ("projects", "project_bids")}
    for unit, rows in SAMPLE_ROWS.items():
        share = sum(counts[t] for t in together.get(unit, (unit,))) / SIZES.records
        assert share == pytest.approx(rows / sample, abs=0.003), unit


def test_the_records_point_at_what_exists(scale):
    with scale["engine"].connect() as conn:
        villages = set(conn.execute(select(regions.c.code).where(regions.c.level == "village")).scalars())
        for table in RECORD_TABLES:
            if "village_code" in table.c:
                assert set(conn.execute(select(table.c.village_code).distinct()).scalars()) <= villages
        approvals = conn.execute(
            select(payment_approvals.c.payment_id, func.count()).group_by(payment_approvals.c.payment_id)
        ).all()
        bids = conn.execute(
            select(
                project_bids.c.project_id, func.count(), func.count(project_bids.c.bidder.distinct())
            ).group_by(project_bids.c.project_id)
        ).all()
        payment_ids = set(conn.execute(select(payments.c.id)).scalars())
        project_ids = set(conn.execute(select(projects.c.id)).scalars())
        kin = conn.execute(
            select(cadre_relatives.c.village_code, cadres.c.village_code).join(
                cadres, cadres.c.id == cadre_relatives.c.cadre_id
            )
        ).all()
        query, disclosure = public_queries.c, disclosures.c
        asked = conn.execute(
            select(query.asked_at, query.village_code, disclosure.published_at, disclosure.village_code).join(
                disclosures, disclosure.id == query.disclosure_id
            )
        ).all()
        payees = select(payments.c.payee_id_number).where(payments.c.payee_id_number.is_not(None))
        numbers = conn.execute(payees).scalars().all()
        external = {
            t.name: conn.execute(select(t.c.external_id)).scalars().all()
            for t in RECORD_TABLES
            if "external_id" in t.c
        }
    assert {p for p, _ in approvals} <= payment_ids and max(n for _, n in approvals) == 4
    assert {p for p, _, _ in bids} == project_ids and all(2 <= n == d <= 4 for _, n, d in bids)
    assert kin and all(a == b for a, b in kin)
    assert asked and all(v == w and published < at for at, v, published, w in asked)
    assert numbers and all(len(n) == 18 and check_digit(n[:17]) == n[17] for n in numbers)
    for table, ids in external.items():
        assert len(set(ids)) == len(ids) and all(i.startswith(PREFIX[table]) for i in ids), table


def test_the_rule_engine_finds_nothing_wrong_in_the_records(scale):
    """Every rule over every record from scratch (empty rule_state) at the
    store's now: no hit (the petition rules are about the petitions)."""
    catalogue = {code: rule for code, rule in load_catalogue().items() if rule.subject != "petition"}
    with scale["engine"].connect() as conn:
        conn.execute(rule_state.delete())
        runs = evaluate(conn, NOW, catalogue)
        conn.rollback()
    assert all(run.candidates_since is None for run in runs)
    assert {run.rule_code: run.hits for run in runs if run.hits} == {}


def test_the_records_keep_the_ledgers_times(scale):
    with scale["engine"].connect() as conn:
        for table in RECORD_TABLES:
            if "updated_at" in table.c:
                assert conn.execute(select(func.max(table.c.updated_at))).scalar() <= NOW, table.name
        paid = conn.execute(select(payments).where(payments.c.paid_at.is_not(None))).all()
        approval = payment_approvals.c
        last = select(approval.payment_id, func.max(approval.approved_at)).group_by(approval.payment_id)
        signed = dict(conn.execute(last).all())
    assert paid and all(signed[p.id] == p.approved_at <= p.paid_at == p.updated_at for p in paid)


def digest(engine: Engine) -> str:
    h = hashlib.sha256()
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            if table is store_meta:
                query = query.where(store_meta.c.key != "generated_at")
            if table is rule_state:
                continue
            for row in conn.execute(query):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def build(tmp_path, name: str, sizes: Sizes = TINY, **options) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    generate_scale(engine, sizes, now=NOW, progress=quiet, **{"chunk_rows": 200, **options})
    return engine


def test_the_same_seed_gives_the_same_store(tmp_path):
    assert digest(build(tmp_path, "a.sqlite3", seed=3)) == digest(build(tmp_path, "b.sqlite3", seed=3))
    assert digest(build(tmp_path, "c.sqlite3", seed=4)) != digest(build(tmp_path, "d.sqlite3", seed=3))


def test_without_events_the_rows_are_the_same(tmp_path):
    with_events, without = build(tmp_path, "a.sqlite3"), build(tmp_path, "b.sqlite3", events=False)
    with without.connect() as conn:
        assert count(conn, petition_events) == count(conn, warning_events) == 0
    for table in (petitions, warnings):
        with with_events.connect() as a, without.connect() as b:
            assert (
                a.execute(select(table).order_by(table.c.id)).all()
                == b.execute(select(table).order_by(table.c.id)).all()
            )


def test_it_copes_with_days_that_have_little_or_nothing(tmp_path):
    """One day per chunk, a row or two a day: chunks where no warning was
    reminded, reassigned or disposed yet."""
    engine = build(tmp_path, "a.sqlite3", Sizes(3, 150, 120), chunk_rows=1)
    with engine.connect() as conn:
        assert count(conn, petitions) == 150 and count(conn, warnings) == 120
        assert inconsistencies(conn) == []


def test_the_same_seed_gives_the_same_records(tmp_path):
    sizes = Sizes(12, 0, 0, records=3000)
    a, b = build(tmp_path, "a.sqlite3", sizes, seed=3), build(tmp_path, "b.sqlite3", sizes, seed=3)
    assert digest(a) == digest(b) != digest(build(tmp_path, "c.sqlite3", sizes, seed=4))


@pytest.mark.parametrize("villages, records, chunk_rows", [(3, 600, 1), (200, 1500, 300), (1, 9, 5)])
def test_records_stay_clean_and_exact_at_odd_sizes(tmp_path, villages, records, chunk_rows):
    """One-row chunks, more villages than a registry has rows, a handful of records."""
    engine = build(tmp_path, "a.sqlite3", Sizes(villages, 0, 0, records), chunk_rows=chunk_rows, events=False)
    with engine.connect() as conn:
        assert sum(record_counts(conn).values()) == records
        conn.execute(rule_state.delete())
        runs = evaluate(conn, NOW)
        conn.rollback()
    assert {run.rule_code: run.hits for run in runs if run.hits} == {}


def test_it_refuses_a_store_with_data(tmp_path):
    engine = build(tmp_path, "a.sqlite3")
    with pytest.raises(StoreNotEmptyError):
        generate_scale(engine, Sizes(12, 10, 10), now=NOW, progress=quiet)


def test_the_command_line_builds_a_store(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    args = ["--url", url, "--villages", "12", "--petitions", "300", "--warnings", "200", "--no-events"]
    assert main([*args, "--records", "500", "--now", "2026-11-21T12:00:00+08:00", "--seed", "5"]) == 0
    out = capsys.readouterr()
    assert '"petitions": 300' in out.out and '"records": 500' in out.out and "rows/s" in out.err
    assert main([*args, "--now", "2026-11-21T12:00:00+08:00"]) == 1  # not empty any more


@pytest.mark.parametrize("villages", [1, 2, 7, 40, 999, 15_000, 15_001])
def test_the_villages_land_exactly_under_a_five_level_hierarchy(villages):
    hierarchy = build_hierarchy(random.Random(1), villages)
    assert len(hierarchy.villages) == villages
    assert {r.level for r in hierarchy.regions} == {"province", "city", "county", "town", "village"}
    assert len({r.code for r in hierarchy.regions}) == len(hierarchy.regions)


def test_fifteen_thousand_villages_split_as_the_reference():
    assert fanouts(15_000) == (10, 10, 15)
    hierarchy = build_hierarchy(random.Random(1), 15_000)
    per_town = Counter(v.parent.code for v in hierarchy.villages)
    assert len(per_town) == 1500 and 7 <= min(per_town.values()) <= max(per_town.values()) <= 13


def test_boundaries_tile_their_parent():
    hierarchy = build_hierarchy(random.Random(1), 200)
    for region in hierarchy.regions:
        if region.children:
            west, south, east, north = region.box
            area = sum((c.box[2] - c.box[0]) * (c.box[3] - c.box[1]) for c in region.children)
            assert area == pytest.approx((east - west) * (north - south), rel=1e-3)
            for child in region.children:
                cw, cs, ce, cn = child.box
                assert west <= cw < ce <= east and south <= cs < cn <= north
