"""Access: users and their regions, wall-screen tokens, an append-only audit
log, administrators' rule thresholds, and the reporter of a real-name
petition (see docs/security.md and docs/store.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

``audit_log`` refuses UPDATE and DELETE: a trigger on each of the three
databases raises an error, so no code path (ours or a console's) can rewrite
what was logged. Rows are only ever added.

As in the earlier revisions, the tables are written out here, frozen.
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only"
TRIGGERS = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
        """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    ],
    "mysql": [
        f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{APPEND_ONLY}'""",
        f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{APPEND_ONLY}'""",
    ],
    "sqlite": [
        f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
        f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    ],
}
DROP_TRIGGERS = {
    "postgresql": ["DROP TABLE audit_log", "DROP FUNCTION audit_log_append_only()"],
    "mysql": ["DROP TABLE audit_log"],
    "sqlite": ["DROP TABLE audit_log"],
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return "mysql" if name in ("mysql", "mariadb") else name


def upgrade() -> None:
    with op.batch_alter_table("petitions") as batch:
        batch.add_column(sa.Column("reporter_name", sa.String(128), nullable=True))
        batch.add_column(sa.Column("reporter_phone", sa.String(32), nullable=True))
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("password_changed_at", UTCDateTime(), nullable=False),
        sa.Column("sessions_valid_after", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "user_regions",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("region_code", sa.String(32), sa.ForeignKey("regions.code"), primary_key=True),
    )
    op.create_table(
        "kiosk_tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("region_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(96), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action_actor", "audit_log", ["action", "actor", "at"])
    op.create_index("ix_audit_log_action_ip", "audit_log", ["action", "ip", "at"])
    for statement in TRIGGERS[_dialect()]:
        op.execute(sa.text(statement))
    op.create_table(
        "rule_thresholds",
        sa.Column("rule_code", sa.String(32), primary_key=True),
        sa.Column("param", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rule_thresholds")
    for statement in DROP_TRIGGERS[_dialect()]:
        op.execute(sa.text(statement))
    op.drop_table("kiosk_tokens")
    op.drop_table("user_regions")
    op.drop_table("users")
    with op.batch_alter_table("petitions") as batch:
        batch.drop_column("reporter_phone")
        batch.drop_column("reporter_name")
