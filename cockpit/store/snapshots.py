"""Snapshot tables: the small, precomputed tables every view reads.

The refresh job (cockpit.snapshot) maintains them from petitions and
warnings; requests never aggregate the raw tables. docs/store.md
("Snapshots") documents every column and docs/metrics.md how each figure is
read from them.

Three kinds of table:

- **contributions** (``snap_petitions``, ``snap_warnings``): one row per raw
  row, holding exactly what that row adds to the aggregates. A change to a
  petition is applied as "minus its old contribution, plus its new one", so
  a petition closed months after it came in moves out of and into the right
  buckets.
- **aggregates** (``snap_petition_stats``, ``snap_petition_hist``,
  ``snap_warning_stats``): additive sums per region (every ancestor of the
  village, the village itself included), grain (``d`` a local day, ``m`` a
  local month) and period. A window reads whole months at month grain and
  the odd days at day grain.
- **open lists** (``snap_open_petitions``, ``snap_open_warnings``): the rows
  open at the refresh, one per region above them, for figures that depend
  on the reader's "now" (overdue, in progress).
- **totals** (``snap_rule_stats``, ``snap_record_counts``): figures over
  every warning ever raised and every business record ever written, per
  region: the /rules page and the warning queue's filters.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, SmallInteger, String, Table

from cockpit.store.schema import CODE, SHORT, UTCDateTime, metadata

CATEGORY = String(64)
GRAIN = String(1)
DAY, MONTH = "d", "m"

# One row per snapshot (name "main"): what it holds and up to when.
snap_state = Table(
    "snap_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("as_of", UTCDateTime, nullable=False),
    Column("petitions_mark", UTCDateTime, nullable=True),
    Column("warnings_mark", UTCDateTime, nullable=True),
    Column("records_mark", UTCDateTime, nullable=True),
    Column("regions_key", String(64), nullable=False),
    Column("built_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

snap_petitions = Table(
    "snap_petitions",
    metadata,
    Column("petition_id", Integer, primary_key=True, autoincrement=False),
    Column("village_code", CODE, nullable=False),
    Column("category", CATEGORY, nullable=False),
    Column("day", Date, nullable=False),
    Column("month", Date, nullable=False),
    Column("closed", SmallInteger, nullable=False),
    Column("closed_within", SmallInteger, nullable=False),
    Column("millis", BigInteger, nullable=True),
    Column("bucket", SmallInteger, nullable=True),
    Column("bin", SmallInteger, nullable=True),
    # The raw row's updated_at when this was computed: a refresh skips rows it has seen.
    Column("updated_at", UTCDateTime, nullable=True),
    Index("ix_snap_petitions_village_day", "village_code", "day", "millis"),
)

# The handling-time buckets of queries.petitions.HANDLING_BUCKETS, in order.
BUCKET_COLUMNS = ("h0", "h1", "h2", "h3", "h4", "h5", "h6")
PETITION_MEASURES = ("received", "closed", "closed_within", "millis", *BUCKET_COLUMNS)

snap_petition_stats = Table(
    "snap_petition_stats",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("grain", GRAIN, primary_key=True),
    Column("period", Date, primary_key=True),
    Column("category", CATEGORY, primary_key=True),
    Column("received", Integer, nullable=False),
    Column("closed", Integer, nullable=False),
    Column("closed_within", Integer, nullable=False),
    Column("millis", BigInteger, nullable=False),
    *(Column(name, Integer, nullable=False) for name in BUCKET_COLUMNS),
)

snap_petition_hist = Table(
    "snap_petition_hist",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("grain", GRAIN, primary_key=True),
    Column("period", Date, primary_key=True),
    Column("bin", SmallInteger, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("millis", BigInteger, nullable=False),  # the sum of the bin's handling times
)

snap_open_petitions = Table(
    "snap_open_petitions",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("petition_id", Integer, primary_key=True, autoincrement=False),
    Column("category", CATEGORY, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("open", SmallInteger, nullable=False),
    Column("unclosed", SmallInteger, nullable=False),
    Index("ix_snap_open_petitions_petition", "petition_id"),
    Index("ix_snap_open_petitions_open", "region_code", "open", "due_at"),
    Index("ix_snap_open_petitions_unclosed", "region_code", "unclosed", "received_at"),
)

snap_warnings = Table(
    "snap_warnings",
    metadata,
    Column("warning_id", Integer, primary_key=True, autoincrement=False),
    Column("village_code", CODE, nullable=False),
    Column("category", CATEGORY, nullable=False),
    Column("raised_day", Date, nullable=False),
    Column("raised_month", Date, nullable=False),
    Column("green_day", Date, nullable=True),
    Column("green_month", Date, nullable=True),
    Column("open_status", SHORT, nullable=True),
    Column("due_day", Date, nullable=True),
    Column("rule_code", SHORT, nullable=False),
    Column("subject_type", SHORT, nullable=False),
    Column("owner_kind", SHORT, nullable=False),
    Column("status", SHORT, nullable=False),
    Column("false_alarm", SmallInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=True),  # as snap_petitions.updated_at
)

WARNING_MEASURES = ("raised", "green")

snap_warning_stats = Table(
    "snap_warning_stats",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("grain", GRAIN, primary_key=True),
    Column("period", Date, primary_key=True),
    Column("category", CATEGORY, primary_key=True),
    Column("raised", Integer, nullable=False),
    Column("green", Integer, nullable=False),
)

# Open warnings counted by status, category and local due day: red, yellow
# and (with the open list for the due day in progress) overdue, per region.
snap_open_warning_days = Table(
    "snap_open_warning_days",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("status", SHORT, primary_key=True),
    Column("category", CATEGORY, primary_key=True),
    Column("due_day", Date, primary_key=True),
    Column("n", Integer, nullable=False),
)

snap_open_warnings = Table(
    "snap_open_warnings",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("warning_id", Integer, primary_key=True, autoincrement=False),
    Column("status", SHORT, nullable=False),
    Column("category", CATEGORY, nullable=False),
    Column("owner_kind", SHORT, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Index("ix_snap_open_warnings_warning", "warning_id"),
    Index("ix_snap_open_warnings_status", "region_code", "status", "due_at"),
)

# Every warning ever raised, counted by its status now, per region, rule and
# the facets the queue filters by (category, owner kind).
RULE_MEASURES = ("hits", "red", "yellow", "green", "false_alarms")

snap_rule_stats = Table(
    "snap_rule_stats",
    metadata,
    Column("region_code", CODE, primary_key=True),
    Column("rule_code", SHORT, primary_key=True),
    Column("category", CATEGORY, primary_key=True),
    Column("owner_kind", SHORT, primary_key=True),
    Column("subject_type", SHORT, primary_key=True),
    *(Column(name, Integer, nullable=False) for name in RULE_MEASURES),
)

# The business record tables a rule checks (the catalogue's subjects), counted
# per region: the denominators of the rules' hit rates.
RECORD_TABLES = ("labour", "payments", "payouts", "projects", "seal_uses", "disclosures", "public_queries")

snap_record_counts = Table(
    "snap_record_counts",
    metadata,
    Column("table_name", String(32), primary_key=True),
    Column("region_code", CODE, primary_key=True),
    Column("n", Integer, nullable=False),
)

CONTRIBUTION_TABLES = (snap_petitions, snap_warnings)
AGGREGATE_TABLES = (
    snap_petition_stats, snap_petition_hist, snap_warning_stats, snap_open_warning_days, snap_rule_stats,
)  # fmt: skip
OPEN_TABLES = (snap_open_petitions, snap_open_warnings)
SNAPSHOT_TABLES = (
    snap_state, *CONTRIBUTION_TABLES, *AGGREGATE_TABLES, *OPEN_TABLES, snap_record_counts,
)  # fmt: skip
