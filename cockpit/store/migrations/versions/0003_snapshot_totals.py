"""Snapshot totals: per-rule warning counts and business record counts, so
the /rules page and the warning queue's filters read the snapshot too (see
docs/store.md, "Snapshots").

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

- ``snap_warnings`` gains what each warning adds to the rule totals (its
  rule, subject type, owner kind, status and whether it was disposed as a
  false alarm). The table holds derived rows only, so it is dropped and
  created again with the new columns rather than altered (SQLite cannot add
  NOT NULL columns in place);
- ``snap_rule_stats``: every warning ever raised, by region, rule, category,
  owner kind and subject type, counted by its status now;
- ``snap_record_counts``: the business records per table and region;
- ``snap_state.records_mark``: how far the record counts have read.

The snapshot's row in ``snap_state`` is deleted, so the pages read the raw
tables until the next refresh builds the snapshot again, in full.

As in 0001 and 0002, the tables are written out here, frozen.
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WARNING_COLUMNS = (
    ("village_code", sa.String(32), False),
    ("category", sa.String(64), False),
    ("raised_day", sa.Date(), False),
    ("raised_month", sa.Date(), False),
    ("green_day", sa.Date(), True),
    ("green_month", sa.Date(), True),
    ("open_status", sa.String(32), True),
    ("due_day", sa.Date(), True),
)
WARNING_TOTAL_COLUMNS = (
    ("rule_code", sa.String(32), False),
    ("subject_type", sa.String(32), False),
    ("owner_kind", sa.String(32), False),
    ("status", sa.String(32), False),
    ("false_alarm", sa.SmallInteger(), False),
)


def _snap_warnings(columns) -> None:
    op.create_table(
        "snap_warnings",
        sa.Column("warning_id", sa.Integer(), primary_key=True, autoincrement=False),
        *(sa.Column(name, type_, nullable=nullable) for name, type_, nullable in columns),
    )


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM snap_state"))
    with op.batch_alter_table("snap_state") as batch:
        batch.add_column(sa.Column("records_mark", UTCDateTime(), nullable=True))
    op.drop_table("snap_warnings")
    _snap_warnings(WARNING_COLUMNS + WARNING_TOTAL_COLUMNS)
    op.create_table(
        "snap_rule_stats",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("rule_code", sa.String(32), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("owner_kind", sa.String(32), primary_key=True),
        sa.Column("subject_type", sa.String(32), primary_key=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("red", sa.Integer(), nullable=False),
        sa.Column("yellow", sa.Integer(), nullable=False),
        sa.Column("green", sa.Integer(), nullable=False),
        sa.Column("false_alarms", sa.Integer(), nullable=False),
    )
    op.create_table(
        "snap_record_counts",
        sa.Column("table_name", sa.String(32), primary_key=True),
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM snap_state"))
    op.drop_table("snap_record_counts")
    op.drop_table("snap_rule_stats")
    op.drop_table("snap_warnings")
    _snap_warnings(WARNING_COLUMNS)
    with op.batch_alter_table("snap_state") as batch:
        batch.drop_column("records_mark")
