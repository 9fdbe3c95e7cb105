"""Whistle-blowing petitions (点名举报): residents who name the person or
project behind an anomaly the generator injected.

Real platforms show residents reporting exactly what the risk rules flag
("how can someone with no land get seedling compensation?", docs/domain.md).
Most anomalies are invisible from the street (a signature out of order, a
seal used after hours), so only the kinds a neighbour can see are reported,
each with a small chance (TIP_RATES): a dead or ineligible recipient still
paid, compensation to someone with no land, a cadre or a cadre's relative
paid or bidding, labour nobody saw done, work split under the tendering
limit. A tip is an ordinary petition (same lifecycle, channels, real-name
mix, handling times: sample_db.petitions.plan_petition) whose category and
summary are this module's, received a few days around the moment the
anomaly became visible, in its village. Its summary holds the name exactly
as the anomaly's records do, so queries.links finds the pair by name.

Which anomaly each tip is about is ground truth kept apart, in the
sample-only table ``sample_tips`` (sample_db.plans).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sample_db import catalog
from sample_db.catalog import Category
from sample_db.ledger import Ledger
from sample_db.timing import LOCAL, OFFICE_HOURS, ONLINE_HOURS, at_local_hour

# Chance that an anomaly of the rule is reported by name in a petition: by
# how visible it is to the neighbours. 74 tips on the default city (1.2% of
# the 6,137 anomalies of these kinds visible by now, 0.5% of the petitions):
# a few a month, as the reports' handful of cases suggests.
TIP_RATES = {
    "SUB-01": 0.03,  # the dead still paid
    "FUN-03": 0.03,  # land compensation to someone with no land
    "PRJ-03": 0.02,  # a cadre's relative bidding
    "SUB-02": 0.02,  # a public servant paid relief
    "FUN-04": 0.02,  # a cadre's relative paid
    "LAB-03": 0.015,  # a cadre paid a labour subsidy
    "SUB-03": 0.01,  # subsidy on more land than held
    "PRJ-01": 0.01,  # works split under the tendering limit
    "FUN-06": 0.01,  # payments split under the tendering limit
    "LAB-02": 0.003,  # labour nobody saw done
}
# Received this many days around the moment the anomaly became visible
# (mostly after: the neighbours notice the payment or the works).
DAYS_BEFORE, DAYS_AFTER = 3.0, 10.0
# The tables whose rows are an anomaly's subject, by rule family.
SUBJECT_TABLES = {"LAB": "labour", "FUN": "payments", "SUB": "payouts", "PRJ": "projects"}
_BRACKETED = re.compile(r"\s*（[^（）]*）\s*$")

# (petition category, summary) per rule. Fields: {village}, {name} (the
# person the records name), {project} (the project's name without its
# period), {winner}, {purpose}, {programme}, {area}.
TEMPLATES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "SUB-01": (
        ("惠民补贴发放", "{name}已经去世，{programme}却还在照常发放，请核查。"),
        ("惠民补贴发放", "反映{village}已故村民{name}仍在领取{programme}，是否有人冒领？"),
        ("惠民补贴发放", "{name}人都不在了，{village}名单上还有他的{programme}，钱被谁领走了？"),
    ),
    "SUB-02": (
        ("惠民补贴发放", "{name}是公职人员，每月有工资，也领了村里的临时救助金，请核实。"),
        ("低保评定", "反映{village}把临时救助金发给了公职人员{name}，救助对象评定不公。"),
    ),
    "SUB-03": (
        ("惠民补贴发放", "{name}家承包地没有那么多，耕地地力保护补贴却按{area}亩申报，请核查。"),
        ("土地承包与流转", "{village}{name}家申报的种粮面积{area}亩，比承包登记的多，请重新核实。"),
    ),
    "FUN-03": (
        ("征地拆迁补偿", "{name}家里没有承包地，怎么能领到{purpose}？请核查。"),
        ("集体资金使用", "反映{village}把{purpose}发给了没有承包地的{name}，请公开依据。"),
        ("土地承包与流转", "{name}在本村没有承包地，却领了{purpose}，请查一查。"),
    ),
    "FUN-04": (
        ("村干部作风", "反映{village}的{purpose}发给了村干部亲属{name}，优亲厚友，请核查。"),
        ("集体资金使用", "{name}是村干部的家属，村里的{purpose}为什么给他？请公开。"),
    ),
    "FUN-06": (
        ("集体资金使用", "{village}付给{name}的{purpose}款分成两笔，每笔都卡在3万元以下，是否规避招标？"),
        ("集体资金使用", "反映村里向{name}分两次支付{purpose}款，合计超过3万元，请核查。"),
    ),
    "LAB-02": (
        ("村干部作风", "反映{name}不在本村务工却领取用工补贴，请核查。"),
        ("村干部作风", "{name}那几天根本没来干活，村里却给他报了务工补贴。"),
    ),
    "LAB-03": (
        ("村干部作风", "村干部{name}自己领取村里的务工补贴，这样合规吗？"),
        ("村干部作风", "反映{name}身为村干部还领务工工资，请核查。"),
    ),
    "PRJ-01": (
        ("工程项目质量", "{project}拆成两个项目发包，都给了{winner}，每个都不到3万元，是否规避招标？"),
        ("工程项目质量", "{village}{project}工程质量差，施工的{winner}今年已经拿了村里好几个小工程。"),
    ),
    "PRJ-03": (
        ("工程项目质量", "{project}招标时村干部的亲属{name}也来投标，请核查是否回避。"),
        ("村干部作风", "反映{village}{project}投标人{name}是村干部亲属，存在利益关系。"),
    ),
}
# PRJ-03 when the relative won works: the complaint a resident would make.
RELATIVE_WON_WORKS = (
    ("工程项目质量", "{project}工程质量差，施工方{name}与村干部有亲属关系。"),
    ("工程项目质量", "{village}{project}由村干部亲属{name}中标，完工不久就出现问题，请核查。"),
)


@dataclass(frozen=True)
class Tip:
    """A petition that names what an anomaly is about."""

    rule_code: str
    subject_id: str  # the anomaly's subject record (external id)
    village_code: str
    named: str  # the person or project the summary names, as the records hold it
    name_kind: str  # "person" or "project"
    category: Category
    summary: str
    visible_at: datetime  # when the anomaly became visible (its detectable_at)


def draw_tips(
    rng: random.Random,
    ledger: Ledger,
    village_names: Mapping[str, str],
    now: datetime,
    truth: Iterable[dict] | None = None,
) -> list[Tip]:
    """The tips about the anomalies in ``truth`` (default: the ledger's),
    each anomaly of a TIP_RATES rule visible by ``now`` reported with its
    rule's chance, in the order of ``truth``. The subject records are read
    from ``ledger``."""
    rows = _Rows(ledger)
    tips = []
    for anomaly in ledger.truth if truth is None else truth:
        rule = anomaly["rule_code"]
        if rule not in TIP_RATES or anomaly["detectable_at"] > now or rng.random() >= TIP_RATES[rule]:
            continue
        record = rows.get(rule, anomaly["subject_id"])
        if record is None:
            continue
        tip = _tip(rng, rule, record, rows, anomaly, village_names.get(anomaly["village_code"], "本村"))
        if tip is not None:
            tips.append(tip)
    return tips


def received_at(
    rng: random.Random, tip: Tip, channel: str, start: datetime, now: datetime
) -> datetime | None:
    """When a resident files ``tip`` by ``channel``: a local hour of the
    channel's profile on a day DAYS_BEFORE to DAYS_AFTER around the moment
    the anomaly became visible, within [start, now]; None when no such
    moment is left."""
    profile = OFFICE_HOURS if channel in ("hotline", "visit") else ONLINE_HOURS
    earliest = max(start, tip.visible_at - timedelta(days=DAYS_BEFORE))
    latest = min(now, tip.visible_at + timedelta(days=DAYS_AFTER))
    if earliest > latest:
        return None
    for _ in range(20):
        at = earliest + (latest - earliest) * rng.random()
        at = at_local_hour(rng, at.astimezone(LOCAL).date(), profile)
        if earliest <= at <= latest:
            return at
    return latest


def truth_row(tip: Tip, petition_external_id: str) -> dict:
    """The row of sample_tips for ``tip``, filed as petition ``petition_external_id``."""
    return {
        "petition_external_id": petition_external_id,
        "rule_code": tip.rule_code,
        "subject_id": tip.subject_id,
        "village_code": tip.village_code,
        "named": tip.named,
        "name_kind": tip.name_kind,
    }


class _Rows:
    """The ledger's subject records by external id, and projects' bids,
    indexed when first asked for."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self._by_id: dict[str, dict[str, dict]] = {}
        self._bids: dict[int, list[dict]] | None = None

    def get(self, rule: str, external_id: str) -> dict | None:
        table = SUBJECT_TABLES[rule.split("-")[0]]
        if table not in self._by_id:
            self._by_id[table] = {r["external_id"]: r for r in self.ledger.rows.get(table, ())}
        return self._by_id[table].get(external_id)

    def bids(self, project_id: int) -> list[dict]:
        if self._bids is None:
            self._bids = {}
            for bid in self.ledger.rows.get("project_bids", ()):
                self._bids.setdefault(bid["project_id"], []).append(bid)
        return self._bids.get(project_id, [])


def _tip(rng: random.Random, rule: str, record: dict, rows: _Rows, anomaly: dict, village: str) -> Tip | None:
    options = TEMPLATES[rule]
    fields = {"village": village}
    if rule.startswith("PRJ"):
        project = _BRACKETED.sub("", record["name"]).strip()
        fields.update(project=project, winner=record["winner"] or "")
        named, kind = project, "project"
        if rule == "PRJ-03":
            relative = next((b["bidder"] for b in rows.bids(record["id"]) if b["bidder_id_number"]), None)
            if relative is None:
                return None
            fields["name"] = relative
            if record["winner"] == relative and record["kind"] == "works":
                options = RELATIVE_WON_WORKS
    else:
        named = record.get("worker") or record.get("payee") or record.get("recipient")
        kind = "person"
        fields.update(
            name=named,
            purpose=record.get("purpose") or "",
            programme=record.get("programme") or "",
            area=_area(record.get("declared_area")),
        )
    if not named:
        return None
    category, template = rng.choice(options)
    return Tip(
        rule_code=rule,
        subject_id=anomaly["subject_id"],
        village_code=anomaly["village_code"],
        named=named,
        name_kind=kind,
        category=catalog.category_named(category),
        summary=template.format(**fields),
        visible_at=anomaly["detectable_at"],
    )


def _area(value) -> str:
    """An area in mu as a resident writes it: 3.5, not 3.50."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else ""
