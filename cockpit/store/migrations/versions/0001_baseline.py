"""Baseline: the store as it stood when migrations began (every table of the
cockpit, the leases table included).

Revision ID: 0001
Revises:
Create Date: 2026-11-22

The tables are written out here, frozen, rather than read from
cockpit.store.schema: that module moves on with the code, this revision must
not. ``baseline_metadata()`` is also what cockpit.store.migrate checks a
store made before migrations against, and where it takes the tables and
indexes such a store lacks.
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def baseline_metadata() -> sa.MetaData:
    """Every table, column, type, index and constraint of this revision."""
    meta = sa.MetaData()
    sa.Table(
        "regions",
        meta,
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("parent_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=True),
        sa.Column("centroid_lon", sa.Float(), nullable=True),
        sa.Column("centroid_lat", sa.Float(), nullable=True),
        sa.Column("boundary", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Index("ix_regions_parent", "parent_code"),
    )
    sa.Table(
        "region_tree",
        meta,
        sa.Column("ancestor_code", sa.String(32), sa.ForeignKey("regions.code"), primary_key=True),
        sa.Column("descendant_code", sa.String(32), sa.ForeignKey("regions.code"), primary_key=True),
        sa.Column("distance", sa.Integer(), nullable=False),
        sa.Index("ix_region_tree_descendant", "descendant_code", "ancestor_code"),
    )
    sa.Table(
        "petitions",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("complexity", sa.String(32), nullable=False),
        sa.Column("real_name", sa.Boolean(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("handling_level", sa.String(32), nullable=False),
        sa.Column("handling_unit", sa.String(128), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_petitions_received", "received_at"),
        sa.Index("ix_petitions_status", "status", "received_at"),
        sa.Index("ix_petitions_updated", "updated_at"),
        sa.Index("ix_petitions_village_received", "village_code", "received_at"),
    )
    sa.Table(
        "petition_events",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("petition_id", sa.Integer(), sa.ForeignKey("petitions.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Index("ix_petition_events_petition", "petition_id", "at"),
    )
    sa.Table(
        "warnings",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("rule_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("subject_type", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=True),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("owner_kind", sa.String(32), nullable=False),
        sa.Column("owner_name", sa.String(128), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("disposed_at", UTCDateTime(), nullable=True),
        sa.Column("disposition", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.String(16), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_warnings_disposed", "disposed_at"),
        sa.Index("ix_warnings_rule_subject", "rule_code", "subject_id"),
        sa.Index("ix_warnings_status_raised", "status", "raised_at"),
        sa.Index("ix_warnings_updated", "updated_at"),
        sa.Index("ix_warnings_village_raised", "village_code", "raised_at"),
    )
    sa.Table(
        "warning_events",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("warning_id", sa.Integer(), sa.ForeignKey("warnings.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("from_status", sa.String(32), nullable=True),
        sa.Column("to_status", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Index("ix_warning_events_warning", "warning_id", "at"),
    )
    sa.Table(
        "store_meta",
        meta,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    sa.Table(
        "refresh_state",
        meta,
        sa.Column("job", sa.String(64), primary_key=True),
        sa.Column("refreshed_at", UTCDateTime(), nullable=False),
        sa.Column("data_version", sa.String(128), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    sa.Table(
        "leases",
        meta,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    sa.Table(
        "rule_state",
        meta,
        sa.Column("rule_code", sa.String(32), primary_key=True),
        sa.Column("watermark", UTCDateTime(), nullable=True),
        sa.Column("rule_version", sa.String(16), nullable=False),
        sa.Column("evaluated_at", UTCDateTime(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("raised", sa.Integer(), nullable=False),
    )
    sa.Table(
        "payments",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("applicant", sa.String(128), nullable=False),
        sa.Column("payee", sa.String(128), nullable=False),
        sa.Column("payee_id_number", sa.String(32), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("purpose", sa.String(255), nullable=False),
        sa.Column("land_linked", sa.Boolean(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("paid_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_payments_payee_id", "payee_id_number"),
        sa.Index("ix_payments_updated", "updated_at"),
        sa.Index("ix_payments_village_applied", "village_code", "applied_at"),
    )
    sa.Table(
        "payment_approvals",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("payment_id", sa.Integer(), sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("approver", sa.String(128), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=False),
        sa.Index("ix_payment_approvals_payment", "payment_id", "approved_at"),
    )
    sa.Table(
        "labour",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("worker", sa.String(128), nullable=False),
        sa.Column("worker_id_number", sa.String(32), nullable=True),
        sa.Column("is_cadre", sa.Boolean(), nullable=False),
        sa.Column("filed_at", UTCDateTime(), nullable=False),
        sa.Column("work_start", UTCDateTime(), nullable=False),
        sa.Column("work_end", UTCDateTime(), nullable=True),
        sa.Column("declared_at", UTCDateTime(), nullable=True),
        sa.Column("amount_paid", sa.Numeric(14, 2), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_labour_updated", "updated_at"),
        sa.Index("ix_labour_village_filed", "village_code", "filed_at"),
        sa.Index("ix_labour_worker_id", "worker_id_number"),
    )
    sa.Table(
        "payouts",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("programme", sa.String(128), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("declared_area", sa.Numeric(10, 2), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("paid_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_payouts_id_number", "id_number"),
        sa.Index("ix_payouts_updated", "updated_at"),
        sa.Index("ix_payouts_village_due", "village_code", "due_at"),
    )
    sa.Table(
        "projects",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("winner", sa.String(128), nullable=True),
        sa.Column("announced_at", UTCDateTime(), nullable=False),
        sa.Column("awarded_at", UTCDateTime(), nullable=True),
        sa.Column("no_stake_pledge", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_projects_updated", "updated_at"),
        sa.Index("ix_projects_village_announced", "village_code", "announced_at"),
    )
    sa.Table(
        "project_bids",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("bidder", sa.String(128), nullable=False),
        sa.Column("bidder_id_number", sa.String(32), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("bid_at", UTCDateTime(), nullable=False),
        sa.Index("ix_project_bids_project", "project_id"),
    )
    sa.Table(
        "seal_uses",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("matter", sa.String(255), nullable=False),
        sa.Column("applicant", sa.String(128), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("used_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_seal_uses_updated", "updated_at"),
        sa.Index("ix_seal_uses_village_used", "village_code", "used_at"),
    )
    sa.Table(
        "disclosures",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("item", sa.String(128), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_disclosures_updated", "updated_at"),
        sa.Index("ix_disclosures_village_period", "village_code", "period"),
    )
    sa.Table(
        "public_queries",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), sa.ForeignKey("disclosures.id"), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_public_queries_updated", "updated_at"),
        sa.Index("ix_public_queries_village_asked", "village_code", "asked_at"),
    )
    sa.Table(
        "deaths",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("died_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_deaths_id_number", "id_number"),
        sa.Index("ix_deaths_updated", "updated_at"),
    )
    sa.Table(
        "public_servants",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("employer", sa.String(128), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_public_servants_id_number", "id_number"),
        sa.Index("ix_public_servants_updated", "updated_at"),
    )
    sa.Table(
        "land_contracts",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("household", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("area", sa.Numeric(10, 2), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_land_contracts_id_number", "id_number", "village_code"),
        sa.Index("ix_land_contracts_updated", "updated_at"),
    )
    sa.Table(
        "cadres",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_cadres_id_number", "id_number"),
        sa.Index("ix_cadres_updated", "updated_at"),
    )
    sa.Table(
        "cadre_relatives",
        meta,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False, unique=True),
        sa.Column("village_code", sa.String(32), sa.ForeignKey("regions.code"), nullable=False),
        sa.Column("cadre_id", sa.Integer(), sa.ForeignKey("cadres.id"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("id_number", sa.String(32), nullable=False),
        sa.Column("relation", sa.String(32), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Index("ix_cadre_relatives_id_number", "id_number"),
        sa.Index("ix_cadre_relatives_updated", "updated_at"),
    )
    return meta


def upgrade() -> None:
    baseline_metadata().create_all(op.get_bind(), checkfirst=False)


def downgrade() -> None:
    baseline_metadata().drop_all(op.get_bind(), checkfirst=False)
