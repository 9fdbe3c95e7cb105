"""Who may see what: users, their regions, wall-screen tokens, the audit log,
the login throttle and the rule thresholds administrators set (docs/security.md).

``audit_log`` is append-only: the store refuses UPDATE and DELETE on it with
triggers (Alembic revision 0004), whatever the code above does.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from cockpit.store.schema import CODE, NAME, SHORT, UTCDateTime, metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", NAME, nullable=False, default=""),
    Column("role", SHORT, nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
    Column("sessions_valid_after", UTCDateTime, nullable=True),
)

# The regions a user may see (each with its whole subtree): a town officer's
# town, an inspector's assigned regions. City leaders and administrators have
# none here: they see the cockpit's root.
user_regions = Table(
    "user_regions",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("region_code", CODE, ForeignKey("regions.code"), primary_key=True),
)

# A wall screen's token: shows aggregates of one region (NULL: the root) and
# nothing else. Only a hash of the token is kept.
kiosk_tokens = Table(
    "kiosk_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", NAME, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("region_code", CODE, ForeignKey("regions.code"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(96), nullable=False),
    Column("role", SHORT, nullable=False, default=""),
    Column("action", SHORT, nullable=False),
    Column("target", String(255), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("ip", String(64), nullable=False, default=""),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_action_actor", "action", "actor", "at"),
    Index("ix_audit_log_action_ip", "action", "ip", "at"),
)

# Login throttling (cockpit/auth/throttle.py): per bucket ("user:<name>",
# "ip:<address>", "device:<browser>:<name>") the password checks begun in the
# current window that did not succeed, and the attempts refused unchecked.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("bucket", String(200), primary_key=True),
    Column("window_started_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("refused", Integer, nullable=False),
    Index("ix_login_throttle_window", "window_started_at"),
)

# Thresholds in force where an administrator changed a rule's default
# (cockpit/rules/catalogue.yaml): one row per rule parameter, its value as JSON.
rule_thresholds = Table(
    "rule_thresholds",
    metadata,
    Column("rule_code", SHORT, primary_key=True),
    Column("param", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
)
