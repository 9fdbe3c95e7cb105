"""The queue's filters, as they travel in the URL and in the params store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from cockpit.pages.common import first_value


@dataclass(frozen=True)
class QueueFilters:
    region: str | None = None
    category: str | None = None
    owner: str | None = None
    overdue: bool = False

    @classmethod
    def from_query(cls, query: Mapping) -> QueueFilters:
        return cls(
            region=first_value(query.get("region")),
            category=first_value(query.get("category")),
            owner=first_value(query.get("owner")),
            overdue=first_value(query.get("overdue")) in ("1", "true"),
        )

    def query_args(self) -> dict[str, str]:
        args = {"region": self.region, "category": self.category, "owner": self.owner}
        args = {k: v for k, v in args.items() if v}
        if self.overdue:
            args["overdue"] = "1"
        return args

    def to_store(self) -> dict:
        return asdict(self)
