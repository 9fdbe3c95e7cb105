"""Warning titles and evidence for the scale store, rule by rule, with numpy.

A warning's title is its rule's explanation (cockpit/rules/catalogue.yaml)
filled with invented values, and its evidence is the JSON the engine writes
(rule_code, rule_version, thresholds, values, records), with the values in
the title. Each field of an explanation is drawn by its name: people and
firms from sample_db.people's lists, purposes, matters, programmes, projects
and disclosure items from sample_db.ledger's, amounts by the kind of record,
thresholds at their defaults, and times before the warning was raised, in
the order the explanation tells them (用工开始 … 早于申请提交 …). The values
agree with each other where the title says how they relate (a gap under the
threshold, a daily amount over the cap, days late since a due date).
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass

import numpy as np

from cockpit.rules.catalogue import Rule
from queries.warnings import SUBJECT_TABLES
from sample_db.ledger import (
    DISCLOSURE_ITEMS,
    LAND_PURPOSES,
    PAYMENT_PURPOSES,
    PREFIX,
    PROGRAMMES,
    PURCHASES,
    QUESTIONS,
    RESIDENT_PURPOSES,
    SEAL_MATTERS,
    WORKS,
)
from sample_db.names import PERSON_SURNAMES
from sample_db.people import EMPLOYERS, FIRM_KINDS, FIRM_STEMS, GIVEN, RELATIONS, ROLES
from sample_db.scale.clock import DAY, HOUR, LOCAL_OFFSET, local_text, zfill

TIME_UNITS = {"%Y-%m-%d %H:%M": "m", "%Y-%m-%d": "D"}
MONEY = ("amount", "amount_paid", "total", "bid", "daily")
AREAS = ("declared_area", "registered_area", "excess")
# Money per kind of record: (median, spread, floor, ceiling) of a lognormal, yuan.
AMOUNTS = {
    "labour": (600, 0.6, 150, 3000),
    "payment": (5000, 0.9, 200, 29900),
    "payout": (400, 0.7, 90, 3000),
    "project": (15000, 0.5, 5000, 29800),
}
PROBLEMS = ("缺少村务监督委员会主任签批", "缺少村委会成员签批", "签批顺序与规定不符")
PARTS = ("中标", "投标")
FIRM_PAYEES = ("FUN-01", "FUN-02", "FUN-05", "FUN-06")
WEEKDAYS = "一二三四五六日"
NOT_YET = {"payout": "尚未发放", "disclosure": "尚未公开", "query": "尚未答复"}
DISCLOSURE_LABELS = {"party": "党务", "village": "村务", "finance": "财务"}


@dataclass(frozen=True)
class Template:
    """A rule's explanation as a positional format over pre-formatted fields."""

    text: str  # str.format with "{}" per field
    fields: tuple[tuple[str, str], ...]  # (name, format spec) in order

    @classmethod
    def parse(cls, explanation: str) -> Template:
        text, fields = [], []
        for literal, name, spec, _conversion in string.Formatter().parse(explanation):
            text.append(literal.replace("{", "{{").replace("}", "}}"))
            if name is not None:
                text.append("{}")
                fields.append((name, spec or ""))
        return cls("".join(text), tuple(fields))

    def render(self, values: dict[str, list[str]], n: int) -> list[str]:
        columns = [values[name] for name, _spec in self.fields]
        return [self.text.format(*row) for row in zip(*columns, strict=True)] if columns else [self.text] * n


@dataclass(frozen=True)
class RuleText:
    """What the titles and evidence of one rule's warnings need."""

    rule: Rule
    version: str
    template: Template
    table: str  # the table of the records it is about (the evidence's records)

    @classmethod
    def of(cls, rule: Rule) -> RuleText:
        return cls(rule, rule.version(), Template.parse(rule.explanation), SUBJECT_TABLES[rule.subject])

    def evidence_format(self) -> str:
        """The evidence JSON (as the engine writes it: sorted keys) as a
        str.format with "{}" for the subject id and each value, in sorted
        field order."""
        params = self.rule.defaults
        names = sorted({name for name, _ in self.template.fields if name not in params})
        head = json.dumps(
            {"rule_code": self.rule.code, "rule_version": self.version, "thresholds": params},
            ensure_ascii=False,
            sort_keys=True,
        )[1:-1]
        values = ", ".join(f'"{name}": {{}}' for name in names)
        return (
            _escape('{"records": [{"external_id": "')
            + "{}"
            + _escape(f'", "table": "{self.table}"}}], {head}, "values": {{')
            + values
            + "}}}}"
        )


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def subject_ids(rule: Rule, ids: np.ndarray) -> np.ndarray:
    """Subject record ids in the sample's style (LW00001234), one per warning id."""
    prefix = PREFIX[SUBJECT_TABLES[rule.subject]]
    return np.strings.add(prefix, zfill(ids.astype(str), 8)).astype(object)


def titles(
    rng: np.random.Generator, text: RuleText, raised: np.ndarray, village_names: np.ndarray, sids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(title, evidence, amount) for ``len(raised)`` warnings of one rule."""
    n = len(raised)
    shown, plain, amount = _values(rng, text, raised, village_names)
    title = np.array([t[:255] for t in text.template.render(shown, n)], dtype=object)
    fmt = text.evidence_format()
    names = sorted(plain)
    evidence = np.array([fmt.format(*row) for row in zip(sids, *(plain[k] for k in names), strict=True)])
    return title, evidence.astype(object), amount


def _values(
    rng: np.random.Generator, text: RuleText, raised: np.ndarray, village_names: np.ndarray
) -> tuple[dict[str, list[str]], dict[str, list[str]], np.ndarray]:
    """Per field: the text shown in the title and the JSON literal in the
    evidence (fields that are thresholds only in the title); and the
    warning's amount (NaN when the title shows none)."""
    rule, n = text.rule, len(raised)
    params = rule.defaults
    fields = dict(text.template.fields)
    number: dict[str, np.ndarray] = {}
    words: dict[str, np.ndarray] = {}

    def draw(name: str) -> np.ndarray:
        return _words(rng, name, rule, n, village_names, number)

    # Numbers first: the times and the money depend on them.
    if "days" in fields:
        number["days"] = (
            rng.integers(params["limit_days"] + 1, params["limit_days"] + 15, n)
            if "limit_days" in params
            else rng.integers(1, 11, n)
        )
    if "count" in fields:
        number["count"] = rng.integers(2, 5, n)
    if "late_days" in fields:
        number["late_days"] = rng.integers(1, 31, n)
    if "min_days" in fields:
        number["min_days"] = rng.choice((3, 5), n)
    if "gap_hours" in fields:
        number["gap_hours"] = np.round(rng.uniform(0.3, params.get("min_hours", 4) - 0.1, n), 1)
    if "gap_days" in fields:
        number["gap_days"] = np.round(rng.uniform(0.4, number["min_days"] - 0.3), 1)
    if "overlap_hours" in fields:
        number["overlap_hours"] = np.round(rng.uniform(1, 8, n), 1)
    if "hours" in fields:
        number["hours"] = rng.uniform(26, 200, n)
    if "bidders" in fields and "bid" not in fields:
        number["bidders"] = np.ones(n, dtype=int)
    if "declared_area" in fields:
        number["registered_area"] = np.round(rng.uniform(0.6, 3.5, n), 2)
        number["excess"] = np.round(rng.uniform(0.3, 2.5, n), 2)
        number["declared_area"] = np.round(number["registered_area"] + number["excess"], 2)
    amount = np.full(n, np.nan)
    if any(m in fields for m in MONEY):
        median, spread, low, high = AMOUNTS[rule.subject]
        amount = np.round(np.clip(rng.lognormal(np.log(median), spread, n), low, high), 2)
        if "daily" in fields:
            number["days"] = rng.integers(1, 11, n)
            number["daily"] = np.round(params["daily_cap"] + rng.uniform(10, 150, n), 2)
            amount = np.round(number["daily"] * number["days"], 2)
        if "limit" in params and "count" in fields:  # several just under the tendering limit
            amount = np.round(rng.uniform(0.9 * params["limit"], params["limit"] - 50, n), 2)
        number["amount"] = number["amount_paid"] = amount
        if "total" in fields:
            number["total"] = np.round(amount * number["count"] * rng.uniform(0.9, 1.1, n), 2)
        if "bid" in fields:
            number["bid"] = amount
    if "item" in fields:
        words.update(_disclosures(rng, raised))
    times = _times(rng, [k for k, spec in text.template.fields if spec in TIME_UNITS], raised, number)
    if "when" in fields:  # out of hours: the evening before, 周六/周日 when that is a weekend
        (name,) = times
        evening = (
            (raised + LOCAL_OFFSET) // DAY * DAY - LOCAL_OFFSET - DAY + rng.integers(66600, DAY - 600, n)
        )
        times[name] = evening
        weekday = ((evening + LOCAL_OFFSET) // DAY + 3) % 7  # 1970-01-01 was a Thursday
        words["when"] = np.where(
            weekday >= 5, np.strings.add("周", np.asarray(list(WEEKDAYS))[weekday]), "非工作时间"
        ).astype(object)

    shown: dict[str, list[str]] = {}
    plain: dict[str, list[str]] = {}
    for name, spec in text.template.fields:
        if name in params:
            shown[name] = [format(params[name], spec)] * n
            continue
        if name in times:
            shown[name] = local_text(times[name], TIME_UNITS[spec]).tolist()
            plain[name] = np.strings.add(np.strings.add('"', local_text(times[name], "iso")), '"').tolist()
        elif name in number:
            values = number[name]
            shown[name] = [format(v, spec) for v in values.tolist()]
            if name in MONEY or name in AREAS:
                plain[name] = [f'"{v:.2f}"' for v in values.tolist()]
            else:
                plain[name] = [json.dumps(v) for v in values.tolist()]
        else:
            if name not in words:
                words[name] = draw(name)
            shown[name] = words[name].tolist()
            plain[name] = ['"' + w + '"' for w in shown[name]]
    return shown, plain, amount


def _times(
    rng: np.random.Generator, names: list[str], raised: np.ndarray, number: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """The explanation's times, in its order, all before ``raised``: a due
    date ``late_days`` ago, a question ``days`` working days ago, a record
    ``hours`` ago; otherwise the last a little before raising and each
    earlier one a gap before the next (the title's own gap when it has one)."""
    n = len(raised)
    if not names:
        return {}
    if "late_days" in number:
        return {names[0]: raised - number["late_days"] * DAY - rng.integers(0, DAY, n)}
    if "days" in number and len(names) == 1 and "daily" not in number:
        return {names[0]: raised - (number["days"] * 1.4 * DAY).astype(np.int64)}
    if "hours" in number and len(names) == 1:
        return {names[0]: raised - (number["hours"] * HOUR).astype(np.int64)}
    gap = None
    if "gap_hours" in number:
        gap = (number["gap_hours"] * HOUR).astype(np.int64)
    elif "gap_days" in number:
        gap = (number["gap_days"] * DAY).astype(np.int64)
    at = raised - rng.integers(6 * 60, DAY, n)
    out = {names[-1]: at}
    for name in reversed(names[:-1]):
        at = at - (gap if gap is not None else rng.integers(2 * HOUR, 4 * DAY, n))
        out[name] = at
    return out


def _person(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = np.asarray(PERSON_SURNAMES, dtype=object)[rng.integers(0, len(PERSON_SURNAMES), n)]
    given = np.asarray(GIVEN, dtype=object)
    first = given[rng.integers(0, len(given), n)]
    second = np.where(rng.random(n) < 0.67, given[rng.integers(0, len(given), n)], "")
    return surname + first + second


def _firm(rng: np.random.Generator, n: int) -> np.ndarray:
    stem = np.asarray(FIRM_STEMS, dtype=object)[rng.integers(0, len(FIRM_STEMS), n)]
    return stem + np.asarray(FIRM_KINDS, dtype=object)[rng.integers(0, len(FIRM_KINDS), n)]


def _one_of(rng: np.random.Generator, choices, n: int) -> np.ndarray:
    return np.asarray(choices, dtype=object)[rng.integers(0, len(choices), n)]


def _words(
    rng: np.random.Generator,
    name: str,
    rule: Rule,
    n: int,
    village_names: np.ndarray,
    number: dict[str, np.ndarray],
) -> np.ndarray:
    if name in ("worker", "recipient", "cadre"):
        return _person(rng, n)
    if name == "payee":  # a business only for plain payments
        firms = 0.3 if rule.code in FIRM_PAYEES else 0.0
        return np.where(rng.random(n) < firms, _firm(rng, n), _person(rng, n))
    if name == "bidder":
        return np.where(rng.random(n) < 0.5, _person(rng, n), _firm(rng, n))
    if name == "winner":
        return _firm(rng, n)
    if name == "bidders":  # the firms that quoted the same
        firms = [_firm(rng, n) for _ in range(4)]
        return np.array(["、".join(f[:c]) for *f, c in zip(*firms, number["count"].tolist(), strict=True)])
    if name == "purpose":
        return _one_of(
            rng, LAND_PURPOSES if rule.code == "FUN-03" else PAYMENT_PURPOSES + RESIDENT_PURPOSES, n
        )
    if name == "programme":
        return _one_of(rng, ("耕地地力保护补贴",) if "declared_area" in number else tuple(PROGRAMMES), n)
    if name == "project":
        return _one_of(rng, WORKS + PURCHASES, n)
    if name == "question":
        items = [i for _, (_, names) in DISCLOSURE_ITEMS.items() for i in names]
        template = _one_of(rng, QUESTIONS, n)
        return np.array([t.format(item=i) for t, i in zip(template, _one_of(rng, items, n), strict=True)])
    if name == "state":
        return np.full(n, NOT_YET[rule.subject], dtype=object)
    if name == "other":
        return np.strings.add("LW", zfill(rng.integers(1, 10**8, n).astype(str), 8)).astype(object)
    if name == "cadre_village":
        return village_names
    simple = {
        "matter": SEAL_MATTERS,
        "employer": EMPLOYERS,
        "relation": RELATIONS,
        "role": ROLES,
        "problem": PROBLEMS,
        "part": PARTS,
    }
    if name in simple:
        return _one_of(rng, simple[name], n)
    raise KeyError(f"{rule.code}: no values for the explanation's field {name!r}")


def _disclosures(rng: np.random.Generator, raised: np.ndarray) -> dict[str, np.ndarray]:
    """Category, item and period of the disclosure items a warning is
    about: the half-year (party) or quarter (village, finance) before it."""
    n = len(raised)
    kinds = list(DISCLOSURE_ITEMS)
    kind = rng.integers(0, len(kinds), n)
    pick = rng.random(n)
    period_end = local_text(raised - 30 * DAY, "D")
    out = {"category": [], "item": [], "period": []}
    for k, p, day in zip(kind.tolist(), pick.tolist(), period_end.tolist(), strict=True):
        period, items = DISCLOSURE_ITEMS[kinds[k]]
        year, month = day[:4], int(day[5:7])
        out["category"].append(DISCLOSURE_LABELS[kinds[k]])
        out["item"].append(items[int(p * len(items))])
        out["period"].append(f"{year}H{(month + 5) // 6}" if period == "H" else f"{year}Q{(month + 2) // 3}")
    return {name: np.array(values, dtype=object) for name, values in out.items()}
