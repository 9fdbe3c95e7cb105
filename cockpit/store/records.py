"""Village business records and reference registries: what the warning
rules read (SQLAlchemy 2.0 Core, on the store's one ``metadata``).

Every top-level record table has ``id``, a unique ``external_id`` (the id in
the source system), ``village_code`` and ``updated_at``; the rule engine
evaluates only rows whose ``updated_at`` moved past its watermark, so a
writer must set ``updated_at`` to the time it writes a row. The two child
tables (``payment_approvals``, ``project_bids``) belong to their parent: a
writer that adds or changes a child row also moves the parent's
``updated_at``. ``docs/store.md`` documents every column.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Numeric, String, Table, Text

from cockpit.store.schema import CODE, NAME, SHORT, UTCDateTime, metadata

MONEY = Numeric(14, 2)
AREA = Numeric(10, 2)  # mu (亩)
ID_NUMBER = String(32)  # resident identity card number (身份证号)


def _record(name: str, *columns, indexes: tuple = (), village_required: bool = True) -> Table:
    """A record table with the columns every record shares."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("external_id", String(64), nullable=False, unique=True),
        Column("village_code", CODE, ForeignKey("regions.code"), nullable=not village_required),
        *columns,
        Column("updated_at", UTCDateTime, nullable=False),
        Index(f"ix_{name}_updated", "updated_at"),
        *indexes,
    )


# 三资支出: a payment out of the village's collective funds.
payments = _record(
    "payments",
    Column("applicant", NAME, nullable=False),
    Column("payee", NAME, nullable=False),
    Column("payee_id_number", ID_NUMBER, nullable=True),
    Column("amount", MONEY, nullable=False),
    Column("purpose", String(255), nullable=False),
    Column("land_linked", Boolean, nullable=False, default=False),
    Column("applied_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("paid_at", UTCDateTime, nullable=True),
    indexes=(
        Index("ix_payments_village_applied", "village_code", "applied_at"),
        Index("ix_payments_payee_id", "payee_id_number"),
    ),
)

# One signature on a payment's online approval chain.
payment_approvals = Table(
    "payment_approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False),
    Column("role", SHORT, nullable=False),
    Column("approver", NAME, nullable=False),
    Column("approved_at", UTCDateTime, nullable=False),
    Index("ix_payment_approvals_payment", "payment_id", "approved_at"),
)

# 村级用工: paid labour hired by the village.
labour = _record(
    "labour",
    Column("worker", NAME, nullable=False),
    Column("worker_id_number", ID_NUMBER, nullable=True),
    Column("is_cadre", Boolean, nullable=False, default=False),
    Column("filed_at", UTCDateTime, nullable=False),
    Column("work_start", UTCDateTime, nullable=False),
    Column("work_end", UTCDateTime, nullable=True),
    Column("declared_at", UTCDateTime, nullable=True),
    Column("amount_paid", MONEY, nullable=True),
    indexes=(
        Index("ix_labour_village_filed", "village_code", "filed_at"),
        Index("ix_labour_worker_id", "worker_id_number"),
    ),
)

# 惠民资金: a subsidy or benefit paid to a resident.
payouts = _record(
    "payouts",
    Column("programme", NAME, nullable=False),
    Column("recipient", NAME, nullable=False),
    Column("id_number", ID_NUMBER, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("declared_area", AREA, nullable=True),
    Column("due_at", UTCDateTime, nullable=False),
    Column("paid_at", UTCDateTime, nullable=True),
    indexes=(
        Index("ix_payouts_village_due", "village_code", "due_at"),
        Index("ix_payouts_id_number", "id_number"),
    ),
)

# 工程 / 采购: a village works project or purchase.
projects = _record(
    "projects",
    Column("name", String(255), nullable=False),
    Column("kind", SHORT, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("winner", NAME, nullable=True),
    Column("announced_at", UTCDateTime, nullable=False),
    Column("awarded_at", UTCDateTime, nullable=True),
    Column("no_stake_pledge", Boolean, nullable=False, default=False),
    indexes=(Index("ix_projects_village_announced", "village_code", "announced_at"),),
)

# One bid on a project.
project_bids = Table(
    "project_bids",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, ForeignKey("projects.id"), nullable=False),
    Column("bidder", NAME, nullable=False),
    Column("bidder_id_number", ID_NUMBER, nullable=True),
    Column("amount", MONEY, nullable=False),
    Column("bid_at", UTCDateTime, nullable=False),
    Index("ix_project_bids_project", "project_id"),
)

# 公章使用: one use of the village's official seal.
seal_uses = _record(
    "seal_uses",
    Column("matter", String(255), nullable=False),
    Column("applicant", NAME, nullable=False),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("used_at", UTCDateTime, nullable=False),
    indexes=(Index("ix_seal_uses_village_used", "village_code", "used_at"),),
)

# 三务公开: one disclosure item a village owes for a period.
disclosures = _record(
    "disclosures",
    Column("category", SHORT, nullable=False),
    Column("item", String(128), nullable=False),
    Column("period", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("published_at", UTCDateTime, nullable=True),
    indexes=(Index("ix_disclosures_village_period", "village_code", "period"),),
)

# 公开质询: a resident's public query on a disclosed item.
public_queries = _record(
    "public_queries",
    Column("disclosure_id", Integer, ForeignKey("disclosures.id"), nullable=True),
    Column("question", Text, nullable=False),
    Column("asked_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime, nullable=True),
    indexes=(Index("ix_public_queries_village_asked", "village_code", "asked_at"),),
)

# 比对库: reference registries the payout lists are cross-checked against.
deaths = _record(
    "deaths",
    Column("name", NAME, nullable=False),
    Column("id_number", ID_NUMBER, nullable=False),
    Column("died_at", UTCDateTime, nullable=False),
    indexes=(Index("ix_deaths_id_number", "id_number"),),
    village_required=False,
)

public_servants = _record(
    "public_servants",
    Column("name", NAME, nullable=False),
    Column("id_number", ID_NUMBER, nullable=False),
    Column("employer", NAME, nullable=False),
    indexes=(Index("ix_public_servants_id_number", "id_number"),),
    village_required=False,
)

land_contracts = _record(
    "land_contracts",
    Column("household", NAME, nullable=False),
    Column("id_number", ID_NUMBER, nullable=False),
    Column("area", AREA, nullable=False),
    indexes=(Index("ix_land_contracts_id_number", "id_number", "village_code"),),
)

cadres = _record(
    "cadres",
    Column("name", NAME, nullable=False),
    Column("id_number", ID_NUMBER, nullable=False),
    Column("role", SHORT, nullable=False),
    indexes=(Index("ix_cadres_id_number", "id_number"),),
)

cadre_relatives = _record(
    "cadre_relatives",
    Column("cadre_id", Integer, ForeignKey("cadres.id"), nullable=False),
    Column("name", NAME, nullable=False),
    Column("id_number", ID_NUMBER, nullable=False),
    Column("relation", SHORT, nullable=False),
    indexes=(Index("ix_cadre_relatives_id_number", "id_number"),),
)

APPROVAL_ROLES = {
    "bookkeeper": "报账员",
    "secretary": "村党组织书记",
    "supervisor": "村务监督委员会主任",
    "member": "村委会成员",
}
DISCLOSURE_CATEGORIES = {"party": "党务", "village": "村务", "finance": "财务"}
PROJECT_KINDS = {"works": "工程", "procurement": "采购"}
