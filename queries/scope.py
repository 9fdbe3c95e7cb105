"""The region scope every query is limited to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from cockpit.store.schema import region_tree, regions


@dataclass(frozen=True)
class Scope:
    """The subtree of the region hierarchy under ``region_code`` (itself included).

    Every query function takes one; later work (viewer roles) narrows it further
    here, in one place.
    """

    region_code: str


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
