"""The store: tables, types and indexes (SQLAlchemy 2.0 Core).

``docs/store.md`` is the data dictionary for these tables; keep the two in step
(a test checks that every column is documented there).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp, stored as UTC.

    PostgreSQL stores ``timestamptz``; SQLite and MySQL/MariaDB have no time
    zone in their column types, so the value is converted to UTC and stored
    without an offset. Either way Python always gets an aware UTC datetime
    back, and naive datetimes are refused on the way in.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        if dialect.name in ("mysql", "mariadb"):
            from sqlalchemy.dialects.mysql import DATETIME

            return dialect.type_descriptor(DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware times only")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | str | None, dialect: Dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData()

CODE = String(32)
SHORT = String(32)
NAME = String(128)

regions = Table(
    "regions",
    metadata,
    Column("code", CODE, primary_key=True),
    Column("name", NAME, nullable=False),
    Column("level", SHORT, nullable=False),
    Column("parent_code", CODE, ForeignKey("regions.code"), nullable=True),
    Column("centroid_lon", Float, nullable=True),
    Column("centroid_lat", Float, nullable=True),
    Column("boundary", Text, nullable=True),
    Column("sort_order", Integer, nullable=False, default=0),
    Index("ix_regions_parent", "parent_code"),
)

# Closure of the region hierarchy: one row per (ancestor, descendant) pair,
# including every region with itself at distance 0. Derived from regions by
# cockpit.store.hierarchy.rebuild_region_tree(); never edited by hand.
region_tree = Table(
    "region_tree",
    metadata,
    Column("ancestor_code", CODE, ForeignKey("regions.code"), primary_key=True),
    Column("descendant_code", CODE, ForeignKey("regions.code"), primary_key=True),
    Column("distance", Integer, nullable=False),
    Index("ix_region_tree_descendant", "descendant_code", "ancestor_code"),
)

petitions = Table(
    "petitions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("external_id", String(64), nullable=False, unique=True),
    Column("village_code", CODE, ForeignKey("regions.code"), nullable=False),
    Column("channel", SHORT, nullable=False),
    Column("category", String(64), nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("complexity", SHORT, nullable=False),
    Column("real_name", Boolean, nullable=False, default=False),
    Column("reporter_name", NAME, nullable=True),
    Column("reporter_phone", String(32), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", SHORT, nullable=False),
    Column("handling_level", SHORT, nullable=False),
    Column("handling_unit", NAME, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("satisfaction", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_petitions_village_received", "village_code", "received_at"),
    Index("ix_petitions_received", "received_at"),
    Index("ix_petitions_status", "status", "received_at"),
    Index("ix_petitions_updated", "updated_at"),
)

petition_events = Table(
    "petition_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("petition_id", Integer, ForeignKey("petitions.id"), nullable=False),
    Column("kind", SHORT, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("level", SHORT, nullable=False),
    Column("unit", NAME, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Index("ix_petition_events_petition", "petition_id", "at"),
)

warnings = Table(
    "warnings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("external_id", String(64), nullable=False, unique=True),
    Column("rule_code", SHORT, nullable=False),
    Column("category", String(64), nullable=False),
    Column("title", String(255), nullable=False),
    Column("village_code", CODE, ForeignKey("regions.code"), nullable=False),
    Column("subject_type", SHORT, nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("amount", Numeric(14, 2), nullable=True),
    Column("severity", SHORT, nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("status", SHORT, nullable=False),
    Column("owner_kind", SHORT, nullable=False),
    Column("owner_name", NAME, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("disposed_at", UTCDateTime, nullable=True),
    Column("disposition", SHORT, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Column("rule_version", String(16), nullable=True),
    Column("evidence", Text, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_warnings_status_raised", "status", "raised_at"),
    Index("ix_warnings_village_raised", "village_code", "raised_at"),
    Index("ix_warnings_disposed", "disposed_at"),
    Index("ix_warnings_updated", "updated_at"),
    Index("ix_warnings_rule_subject", "rule_code", "subject_id"),
)

warning_events = Table(
    "warning_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("warning_id", Integer, ForeignKey("warnings.id"), nullable=False),
    Column("kind", SHORT, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("from_status", SHORT, nullable=True),
    Column("to_status", SHORT, nullable=False),
    Column("actor", NAME, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Index("ix_warning_events_warning", "warning_id", "at"),
)

# Key/value facts about the store itself (e.g. "generator" = "sample" on a
# store built by sample_db, which is what allows the live demo job to write).
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per scheduler job: when it last ran, how long it took, what it saw.
refresh_state = Table(
    "refresh_state",
    metadata,
    Column("job", String(64), primary_key=True),
    Column("refreshed_at", UTCDateTime, nullable=False),
    Column("data_version", String(128), nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text, nullable=True),
)

# One row per lease: which process holds a job that must run once at a time
# across processes and machines (the refresh), until when (cockpit.lease).
leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# One row per warning rule: how far the rule engine has read the records.
rule_state = Table(
    "rule_state",
    metadata,
    Column("rule_code", SHORT, primary_key=True),
    Column("watermark", UTCDateTime, nullable=True),
    Column("rule_version", String(16), nullable=False),
    Column("evaluated_at", UTCDateTime, nullable=False),
    Column("hits", Integer, nullable=False),
    Column("raised", Integer, nullable=False),
)
