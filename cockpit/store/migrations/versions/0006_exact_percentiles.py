"""Exact percentiles and a refresh that settles: the handling-time histogram
keeps the sum of each bin's times, with bins one day wide from 15 days on
(see docs/metrics.md, "Handling time"); the contribution rows keep the raw
row's ``updated_at``, so that a refresh skips rows it has already counted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

The histogram's last bin was open from 60 days and its bins up to 60 days
were three days wide, so a median of handling times in whole days was
interpolated inside a bin (178.8 h read for an exact 168.0 h) and a median of
762 days read as 60. ``snap_petition_hist`` holds derived rows only: it is
dropped and created again with the new ``millis`` column, and the snapshot's
row in ``snap_state`` is deleted, so the pages read the raw tables until the
next refresh builds the snapshot again, in full, with the new bins.

``snap_petitions`` and ``snap_warnings`` gain ``updated_at`` (nullable: the
rows are deleted with the snapshot and written again by the full build).
The incremental refresh re-read every row within five minutes of the newest
one; after a bulk import, that was every imported row, at every refresh.

As in the earlier revisions, the tables are written out here, frozen.
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.schema import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _hist(*extra: sa.Column) -> None:
    op.create_table(
        "snap_petition_hist",
        sa.Column("region_code", sa.String(32), primary_key=True),
        sa.Column("grain", sa.String(1), primary_key=True),
        sa.Column("period", sa.Date(), primary_key=True),
        sa.Column("bin", sa.SmallInteger(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        *extra,
    )


SEEN = ("snap_petitions", "snap_warnings")


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM snap_state"))
    op.drop_table("snap_petition_hist")
    _hist(sa.Column("millis", sa.BigInteger(), nullable=False))
    for table in SEEN:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM snap_state"))
    for table in SEEN:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_at")
    op.drop_table("snap_petition_hist")
    _hist()
