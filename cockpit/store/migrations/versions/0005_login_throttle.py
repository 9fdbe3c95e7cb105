"""Login throttle: one row per throttled bucket (a username, an address, a
trusted browser and username) with its attempts in the current window
(see docs/security.md, "Login throttling").

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

The counts used to be read from the audit log before each password check,
which let 100 logins sent at once all pass the check; a row per bucket taken
with a conditional UPDATE is atomic on every database and machine.

As in the earlier revisions, the table is written out here, frozen.
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("bucket", sa.String(200), primary_key=True),
        sa.Column("window_started_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
    )
    op.create_index("ix_login_throttle_window", "login_throttle", ["window_started_at"])


def downgrade() -> None:
    op.drop_table("login_throttle")
