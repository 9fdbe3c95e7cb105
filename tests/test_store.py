"""The store's own upkeep: spotting a store older than the code."""

from __future__ import annotations

from sqlalchemy import text

from cockpit.store import missing_columns


def test_a_current_store_lacks_nothing(engine):
    assert missing_columns(engine) == []


def test_it_names_the_columns_an_older_store_lacks(engine):
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE warnings DROP COLUMN evidence"))
    assert missing_columns(engine) == ["warnings.evidence"]
