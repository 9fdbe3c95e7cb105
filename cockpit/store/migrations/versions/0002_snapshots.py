"""Snapshots: the snapshot tables maintained by the refresh job (see
docs/store.md, "Snapshots").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Eight tables, the small precomputed tables every view reads so that requests
never aggregate the raw petitions and warnings: ``snap_state`` (what the
snapshot holds and up to when), the contributions (``snap_petitions``,
``snap_warnings``), the aggregates (``snap_petition_stats``,
``snap_petition_hist``, ``snap_warning_stats``) and the open lists
(``snap_open_petitions``, ``snap_open_warnings``). They start empty; the next
refresh builds them in full.

As in 0001, the tables are written out here, frozen, rather than read from
cockpit.store.snapshots: that module moves on with the code, this revision
must not.
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "snap_state",
    "snap_petitions",
    "snap_petition_stats",
    "snap_petition_hist",
    "snap_open_petitions",
    "snap_warnings",
    "snap_warning_stats",
    "snap_open_warning_days",
    "snap_open_warnings",
)


def upgrade() -> None:
    op.create_table(
        "snap_state",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("as_of", UTCDateTime(), nullable=False),
        sa.Column("petitions_mark", UTCDateTime(), nullable=True),
        sa.Column("warnings_mark", UTCDateTime(), nullable=True),
        sa.Column("regions_key", sa.String(64), nullable=False),
        sa.Column("built_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "snap_petitions",
        sa.Column("petition_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("village_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("closed", sa.SmallInteger(), nullable=False),
        sa.Column("closed_within", sa.SmallInteger(), nullable=False),
        sa.Column("millis", sa.BigInteger(), nullable=True),
        sa.Column("bucket", sa.SmallInteger(), nullable=True),
        sa.Column("bin", sa.SmallInteger(), nullable=True),
    )
    op.create_index("ix_snap_petitions_village_day", "snap_petitions", ["village_code", "day", "millis"])
    op.create_table(
        "snap_petition_stats",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("grain", sa.String(1), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("closed_within", sa.Integer(), nullable=False),
        sa.Column("millis", sa.BigInteger(), nullable=False),
        sa.Column("h0", sa.Integer(), nullable=False),
        sa.Column("h1", sa.Integer(), nullable=False),
        sa.Column("h2", sa.Integer(), nullable=False),
        sa.Column("h3", sa.Integer(), nullable=False),
        sa.Column("h4", sa.Integer(), nullable=False),
        sa.Column("h5", sa.Integer(), nullable=False),
        sa.Column("h6", sa.Integer(), nullable=False),
    )
    op.create_table(
        "snap_petition_hist",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("grain", sa.String(1), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("bin", sa.SmallInteger(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "snap_open_petitions",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("petition_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("open", sa.SmallInteger(), nullable=False),
        sa.Column("unclosed", sa.SmallInteger(), nullable=False),
    )
    op.create_index("ix_snap_open_petitions_petition", "snap_open_petitions", ["petition_id"])
    op.create_index("ix_snap_open_petitions_open", "snap_open_petitions", ["region_code", "open", "due_at"])
    op.create_index(
        "ix_snap_open_petitions_unclosed", "snap_open_petitions", ["region_code", "unclosed", "received_at"]
    )
    op.create_table(
        "snap_warnings",
        sa.Column("warning_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("village_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("raised_day", sa.Date(), nullable=False),
        sa.Column("raised_month", sa.Date(), nullable=False),
        sa.Column("green_day", sa.Date(), nullable=True),
        sa.Column("green_month", sa.Date(), nullable=True),
        sa.Column("open_status", sa.String(32), nullable=True),
        sa.Column("due_day", sa.Date(), nullable=True),
    )
    op.create_table(
        "snap_warning_stats",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("grain", sa.String(1), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("raised", sa.Integer(), nullable=False),
        sa.Column("green", sa.Integer(), nullable=False),
    )
    op.create_table(
        "snap_open_warning_days",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(32), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("due_day", sa.Date(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_table(
        "snap_open_warnings",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("warning_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("owner_kind", sa.String(32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_snap_open_warnings_warning", "snap_open_warnings", ["warning_id"])
    op.create_index("ix_snap_open_warnings_status", "snap_open_warnings", ["region_code", "status", "due_at"])


def downgrade() -> None:
    for table in reversed(TABLES):  # dropping a table drops its indexes
        op.drop_table(table)
