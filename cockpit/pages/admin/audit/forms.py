"""The audit page's filters, from and to its URL's query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cockpit.auth.audit import ACTIONS
from cockpit.components.urls import with_query
from cockpit.pages.admin.frame import AUDIT_URL
from cockpit.pages.common import first_value

PAGE_SIZE = 200


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None  # a key of ACTIONS
    actor: str | None = None  # as the log records it: a username, "kiosk:<name>", "system"
    before: int | None = None  # show entries older than this id (更早)

    @classmethod
    def from_query(cls, query: Mapping) -> AuditFilters:
        """The filters a URL names; an unknown action or a bad id is ignored."""
        action = first_value(query.get("action"))
        actor = (first_value(query.get("actor")) or "").strip()
        before = first_value(query.get("before")) or ""
        return cls(
            action=action if action in ACTIONS else None,
            actor=actor[:96] or None,
            before=int(before) if before.isdigit() and len(before) <= 18 else None,
        )

    def href(self, before: int | None = None) -> str:
        """The page's URL with these filters, from ``before`` (None: the newest)."""
        query = {"action": self.action or "", "actor": self.actor or "", "before": str(before or "")}
        return with_query(AUDIT_URL, query)


def action_options() -> list[dict]:
    return [{"label": label, "value": action} for action, label in ACTIONS.items()]
