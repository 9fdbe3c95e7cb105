"""PET-02 (同一事项重复信访) finds its runs by bisection: the same hits as
reading every petition of the village and category for each one."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from cockpit.rules.checks import petition_repeated
from cockpit.store.factories import build_petition, write_petitions
from cockpit.store.schema import petitions
from tests import fixture_city as fc


def test_repeated_petitions_match_a_scan_of_every_pair(sqlite_engine):
    rng = random.Random(18)
    with sqlite_engine.begin() as conn:
        fc.load(conn)
        write_petitions(
            conn,
            [
                build_petition(
                    external_id=f"R{i}",
                    village_code=rng.choice([fc.V1, fc.V2]),
                    # some on the same second, to order by id
                    received_at=fc.local(9, 1) + timedelta(hours=rng.randrange(0, 24 * 90, 7)),
                    category=rng.choice(["道路", "低保"]),
                    unit="村委会",
                )
                for i in range(400)
            ],
        )
        params = {"window_days": 10, "min_count": 4}
        hits = petition_repeated(conn, None, None, params, fc.NOW)
        rows = conn.execute(select(petitions)).all()
    span = timedelta(days=params["window_days"])
    expected = {}
    for row in rows:
        run = sorted(
            (o for o in rows if (o.village_code, o.category) == (row.village_code, row.category)
             and row.received_at - span <= o.received_at
             and (o.received_at, o.id) <= (row.received_at, row.id)),
            key=lambda o: (o.received_at, o.id),
        )  # fmt: skip
        if len(run) >= params["min_count"]:
            expected[row.external_id] = tuple(("petitions", o.external_id) for o in reversed(run))
    assert len(expected) > 50
    assert {hit.subject_id: hit.records for hit in hits} == expected
