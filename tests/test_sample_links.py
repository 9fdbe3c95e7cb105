"""Tips in the sample: petitions that name the person or project of an
injected anomaly (sample_db.tips), and the named links queries.links finds
on them."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cockpit.store.records import labour, payments, payouts, project_bids, projects
from cockpit.store.schema import petitions, warnings
from cockpit.timewindow import Window
from queries.links import NAMED, TOPIC_MAP, link_summary, links_for_petition
from queries.scope import Scope
from sample_db import catalog, demo_tick, generate, tips
from sample_db.anomalies import village_ledger
from sample_db.ledger import Book, Ledger
from sample_db.people import Registry
from sample_db.plans import sample_tips, sample_truth
from tests.conftest import SAMPLE_NOW

NOW = SAMPLE_NOW
CITY = "990181000000"
# The names each subject table holds for the person or project a tip names.
PERSON_COLUMNS = {"labour": labour.c.worker, "payments": payments.c.payee, "payouts": payouts.c.recipient}
TABLES = {"labour": labour, "payments": payments, "payouts": payouts, "projects": projects}


def quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="module")
def tipped(sample_city):
    """The full city's tips, each with its petition, its anomaly's ground
    truth and warning, and the names its subject record holds."""
    engine = sample_city["engine"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                sample_tips,
                petitions.c.id.label("petition_id"),
                petitions.c.village_code.label("petition_village"),
                petitions.c.category,
                petitions.c.summary,
                petitions.c.received_at,
                sample_truth.c.village_code.label("truth_village"),
                sample_truth.c.detectable_at,
                warnings.c.id.label("warning_id"),
                warnings.c.category.label("warning_category"),
            )
            .join(petitions, petitions.c.external_id == sample_tips.c.petition_external_id)
            .join(
                sample_truth,
                (sample_truth.c.rule_code == sample_tips.c.rule_code)
                & (sample_truth.c.subject_id == sample_tips.c.subject_id),
            )
            .outerjoin(
                warnings,
                (warnings.c.rule_code == sample_tips.c.rule_code)
                & (warnings.c.subject_id == sample_tips.c.subject_id),
            )
        ).all()
        held = {row.petition_external_id: _names_held(conn, row) for row in rows}
        count = conn.execute(select(sample_tips.c.id)).all()
    return {"engine": engine, "rows": rows, "held": held, "count": len(count)}


def _names_held(conn, row) -> set[str]:
    table = TABLES[tips.SUBJECT_TABLES[row.rule_code.split("-")[0]]]
    record = conn.execute(select(table).where(table.c.external_id == row.subject_id)).mappings().one()
    if table is projects:
        stem = re.sub(r"（[^（）]*）$", "", record["name"])
        bidders = conn.execute(select(project_bids.c.bidder).where(project_bids.c.project_id == record["id"]))
        return {stem, *bidders.scalars()}
    return {record[PERSON_COLUMNS[table.name].name]}


def test_the_sample_city_has_a_few_tips_a_month(tipped):
    """About 80 over the 13 months (docs/sample.md): a few a month."""
    assert 40 <= tipped["count"] <= 150
    assert len(tipped["rows"]) == tipped["count"]  # each one's petition and anomaly are in the store


def test_each_tip_names_its_anomalys_person_or_project_in_its_village(tipped):
    for row in tipped["rows"]:
        assert row.petition_village == row.truth_village == row.village_code
        assert row.named in row.summary
        assert row.named in tipped["held"][row.petition_external_id]
        assert row.name_kind == ("project" if row.rule_code.startswith("PRJ") else "person")


def test_each_tip_is_filed_around_its_anomaly_in_a_fitting_category(tipped):
    for row in tipped["rows"]:
        assert row.detectable_at - timedelta(days=tips.DAYS_BEFORE) <= row.received_at <= NOW
        assert row.received_at <= row.detectable_at + timedelta(days=tips.DAYS_AFTER)
        assert row.warning_category in TOPIC_MAP[row.category]


def test_each_tip_links_by_name_to_the_warning_of_its_anomaly(tipped):
    with tipped["engine"].connect() as conn:
        for row in tipped["rows"]:
            assert row.warning_id is not None, "the engine raised no warning on the tipped anomaly"
            found = links_for_petition(conn, Scope(CITY, unmasked=True), row.petition_id)
            named = found[(found.warning_id == row.warning_id) & (found.basis == NAMED)]
            assert len(named) == 1, row.summary


def test_the_city_shows_named_links_over_a_month_and_a_year(tipped):
    with tipped["engine"].connect() as conn:
        month = link_summary(conn, Scope(CITY), Window(NOW - timedelta(days=30), NOW, NOW))
        year = link_summary(conn, Scope(CITY), Window(NOW - timedelta(days=365), NOW, NOW))
    assert 1 <= month.at[0, "named_links"] <= year.at[0, "named_links"]
    assert tipped["count"] * 0.8 <= year.at[0, "named_links"] <= tipped["count"] * 4


def test_every_template_names_what_the_records_hold(monkeypatch):
    """Every anomaly of a tipped rule reported, on one busy village: the
    summary is filled, names the person or project, and its category is the
    catalogue's."""
    monkeypatch.setattr(tips, "TIP_RATES", dict.fromkeys(tips.TIP_RATES, 1.0))
    rng, now = random.Random(3), datetime(2026, 11, 21, 4, tzinfo=UTC)
    ledger, registry = Ledger(), Registry(rng)
    book = Book(ledger, registry.folk("990181101201", 90), rng, now, registry)
    village_ledger(book, now - timedelta(days=396), now, anomaly_scale=4.0)

    found = tips.draw_tips(rng, ledger, {"990181101201": "下王宅村"}, now)
    visible = [t for t in ledger.truth if t["rule_code"] in tips.TIP_RATES and t["detectable_at"] <= now]
    assert len(found) == len(visible) and {t.rule_code for t in found} == set(tips.TIP_RATES)
    for tip in found:
        assert tip.named in tip.summary and "{" not in tip.summary
        assert tip.category in catalog.CATEGORIES
        at = tips.received_at(rng, tip, "hotline", now - timedelta(days=396), now)
        assert tip.visible_at - timedelta(days=tips.DAYS_BEFORE) <= at <= now


def test_the_demo_files_tips_about_the_anomalies_it_adds(sqlite_engine, monkeypatch):
    monkeypatch.setattr(tips, "TIP_RATES", dict.fromkeys(tips.TIP_RATES, 1.0))
    generate(sqlite_engine, now=NOW, towns=2, villages_per_town=3, progress=quiet)
    later = NOW + timedelta(hours=1)
    done = demo_tick(sqlite_engine, now=later, rng=random.Random(5), intensity=50_000.0)
    assert done["tips_added"] > 0
    with sqlite_engine.connect() as conn:
        rows = conn.execute(
            select(sample_tips, petitions.c.village_code.label("at"), petitions.c.summary)
            .join(petitions, petitions.c.external_id == sample_tips.c.petition_external_id)
            .where(petitions.c.received_at > NOW, petitions.c.received_at <= later)
        ).all()
    assert len(rows) == done["tips_added"]
    for row in rows:
        assert row.at == row.village_code and row.named in row.summary
