"""The store: schema, engine, region hierarchy and portable SQL helpers."""

from cockpit.store import access, records, snapshots  # noqa: F401 - register their tables on metadata
from cockpit.store.engine import create_store, make_engine, missing_columns
from cockpit.store.schema import (
    metadata,
    petition_events,
    petitions,
    refresh_state,
    region_tree,
    regions,
    rule_state,
    store_meta,
    warning_events,
    warnings,
)

__all__ = [
    "create_store",
    "make_engine",
    "metadata",
    "missing_columns",
    "petition_events",
    "petitions",
    "refresh_state",
    "region_tree",
    "regions",
    "rule_state",
    "store_meta",
    "warning_events",
    "warnings",
]
