"""The region scope every query is limited to, and who may ask for it.

A ``Viewer`` is the person (or wall screen) behind a request: a role and the
regions granted to it (docs/security.md). Pages and callbacks never build a
``Scope`` from a region code they were sent: they ask ``authorize``, which
refuses (``OutOfScopeError``) any region outside the viewer's grants. Query
functions that return records rather than aggregates call ``require_records``,
which refuses a viewer allowed aggregates only (a wall-screen kiosk), and
mask personal data unless the scope says it was unmasked (queries.personal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, select

from cockpit.store.schema import region_tree, regions

ROLE_LABELS = {
    "leader": "市纪委监委领导",
    "town": "乡镇纪检干部",
    "inspector": "监督检查室干部",
    "admin": "系统管理员",
    "kiosk": "大屏",
}
USER_ROLES = ("leader", "town", "inspector", "admin")
# Roles whose grant is the cockpit's whole root region.
ROOT_ROLES = ("leader", "admin")
# Who may reveal masked personal data (each reveal is logged), and who may
# see who filed a real-name petition at all (docs/security.md).
UNMASK_ROLES = ("leader", "town", "inspector")
REPORTER_ROLES = ("leader", "inspector")


class AccessDeniedError(Exception):
    """The viewer may not see what it asked for. ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class OutOfScopeError(AccessDeniedError):
    def __init__(self, region_code: str):
        super().__init__(f"无权访问地区 {region_code}：它不在您的管辖范围内。")
        self.region_code = region_code


class AggregatesOnlyError(AccessDeniedError):
    def __init__(self):
        super().__init__("大屏只显示汇总数据，不显示具体诉求和预警。")


@dataclass(frozen=True)
class Viewer:
    """Who is asking: ``name`` as the audit log records it, a role of
    ROLE_LABELS and the codes of the regions granted (each with its subtree)."""

    name: str
    role: str
    regions: tuple[str, ...]
    user_id: int | None = None
    display_name: str = ""

    @property
    def records(self) -> bool:
        """May see individual petitions and warnings (not only aggregates)."""
        return self.role != "kiosk"

    @property
    def may_unmask(self) -> bool:
        return self.role in UNMASK_ROLES

    @property
    def may_see_reporter(self) -> bool:
        return self.role in REPORTER_ROLES

    @property
    def may_export(self) -> bool:
        return self.role != "kiosk"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def home(self) -> str:
        """The region the viewer's pages start from."""
        return self.regions[0]

    @property
    def label(self) -> str:
        return self.display_name or self.name


# The scheduler, the archive of weekly packs and the tests ask as the system:
# every region, records included, personal data masked all the same.
SYSTEM = Viewer(name="system", role="system", regions=())


@dataclass(frozen=True)
class Scope:
    """The subtree of the region hierarchy under ``region_code`` (itself
    included), as ``viewer`` may see it. ``unmasked``: the viewer chose to
    reveal personal data (and it was logged)."""

    region_code: str
    viewer: Viewer = field(default=SYSTEM, compare=False)
    unmasked: bool = False


def granted(conn: Connection, viewer: Viewer, code: str) -> bool:
    """Whether ``code`` lies in (or is) one of the viewer's granted regions."""
    if viewer is SYSTEM:
        return conn.execute(select(regions.c.code).where(regions.c.code == code)).first() is not None
    if not viewer.regions:
        return False
    found = select(region_tree.c.descendant_code).where(
        and_(region_tree.c.descendant_code == code, region_tree.c.ancestor_code.in_(viewer.regions))
    )
    return bool(conn.execute(select(exists(found))).scalar())


def grant_root(conn: Connection, viewer: Viewer, code: str) -> str | None:
    """The viewer's granted region that ``code`` lies under (the nearest when
    grants nest), where its pages' breadcrumbs start; None when none does."""
    if viewer is SYSTEM or not viewer.regions:
        return None
    row = conn.execute(
        select(region_tree.c.ancestor_code)
        .where(region_tree.c.descendant_code == code, region_tree.c.ancestor_code.in_(viewer.regions))
        .order_by(region_tree.c.distance)
        .limit(1)
    ).first()
    return row.ancestor_code if row else None


def authorize(conn: Connection, viewer: Viewer, code: str, unmasked: bool = False) -> Scope:
    """The scope of region ``code`` for ``viewer``; raises OutOfScopeError when it
    is not one of the viewer's regions or under one (or does not exist)."""
    if not isinstance(code, str) or not code or not granted(conn, viewer, code):
        raise OutOfScopeError(str(code))
    if unmasked and not viewer.may_unmask:
        raise AccessDeniedError("您的角色不能查看未脱敏的个人信息。")
    return Scope(code, viewer, unmasked)


def require_records(scope: Scope) -> None:
    """Refuse a viewer who may see aggregates only (a kiosk)."""
    if not scope.viewer.records:
        raise AggregatesOnlyError()


def villages_in(scope: Scope) -> Select:
    """Codes of every region under the scope (a subquery for ``IN``)."""
    return select(region_tree.c.descendant_code).where(region_tree.c.ancestor_code == scope.region_code)


def in_scope(village_column: ColumnElement, scope: Scope) -> ColumnElement[bool]:
    return village_column.in_(villages_in(scope))


def child_of_village(scope: Scope) -> Select:
    """(child_code, village_code) for every region under each direct child of
    the scope's region; a village scope maps to itself."""
    child = regions.alias("child")
    return (
        select(
            region_tree.c.ancestor_code.label("child_code"),
            region_tree.c.descendant_code.label("village_code"),
        )
        .join(child, child.c.code == region_tree.c.ancestor_code)
        .where(child.c.parent_code == scope.region_code)
    )
