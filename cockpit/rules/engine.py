"""The warning engine: run the catalogue's rules over the business records and
write what they find as warnings.

``evaluate`` is the refresh step; for each rule it:

1. reads the rule's state (watermark and version) from ``rule_state``;
2. notes the newest ``updated_at`` among the tables the rule watches (the
   next watermark), before reading, so a record written meanwhile is read
   next time rather than skipped;
3. runs the rule's check over the records changed since the watermark (all
   records when the rule is new or its version changed: a new threshold
   applies to history too);
4. drops hits whose warning already exists (the warning's external_id is
   ``<rule>:<subject type>:<subject id>``, unique in the store; a warning of
   the same rule about the same subject under another external_id, e.g. an
   imported one, counts too), so a rule never raises the same warning twice
   for the same subject;
5. writes the rest through the factories, with the explanation as title and
   the thresholds, values and linked records as evidence;
6. moves the watermark and records the rule's version and counts.

It is idempotent: a second run with no new or changed records raises nothing.
Two engines running at once could both try to raise the same warning; the
unique external_id makes the second one's transaction fail rather than
duplicate it. ``backtest`` runs one rule's check with candidate thresholds
and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from cockpit.rules.catalogue import Rule, load_catalogue
from cockpit.rules.checks import CHECKS, Hit, chunks
from cockpit.store.factories import build_warning, write_warnings
from cockpit.store.history import history_until, over_by
from cockpit.store.schema import regions, rule_state, warnings
from cockpit.timewindow import TZ, Window

SYSTEM = "预警系统"


@dataclass(frozen=True)
class Finding:
    """A warning a rule raises (or, in a back-test, would raise)."""

    external_id: str
    rule_code: str
    subject_type: str
    subject_id: str
    village_code: str
    amount: Decimal | None
    title: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class RuleRun:
    rule_code: str
    candidates_since: datetime | None  # None: every record was read
    hits: int
    raised: int


def _not_history(conn: Connection, hits: list[Hit], history: datetime | None) -> list[Hit]:
    """``hits`` less those about a matter over by the last history import
    (cockpit.store.history: a petition closed, a payment paid, …): a matter
    over before the cockpit knew of it raises no live warning."""
    if history is None or not hits:
        return hits
    by_type: dict[str, set[str]] = {}
    for hit in hits:
        by_type.setdefault(hit.subject_type, set()).add(hit.subject_id)
    over = {(kind, i) for kind, ids in by_type.items() for i in over_by(conn, kind, ids, history)}
    return [h for h in hits if (h.subject_type, h.subject_id) not in over]


def warning_key(rule_code: str, subject_type: str, subject_id: str) -> str:
    """The warning's external_id: one per rule and subject (hashed when the
    subject id would make it longer than the column)."""
    key = f"{rule_code}:{subject_type}:{subject_id}"
    if len(key) <= 64:
        return key
    digest = hashlib.sha256(subject_id.encode()).hexdigest()[:24]
    return f"{rule_code}:{subject_type}:#{digest}"


def evaluate(
    conn: Connection,
    now: datetime,
    catalogue: Mapping[str, Rule] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[RuleRun]:
    """Run every rule of ``catalogue`` (the catalogue file by default) over the
    records new or changed since its last run; write new warnings raised at
    ``now``. ``overrides``: rule code -> thresholds replacing the defaults."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    _require_checks(catalogue)
    overrides = overrides or {}
    history = history_until(conn)
    runs = []
    for rule in catalogue.values():
        params = rule.thresholds(overrides.get(rule.code))
        version = rule.version(overrides.get(rule.code))
        state = conn.execute(select(rule_state).where(rule_state.c.rule_code == rule.code)).first()
        since = state.watermark if state is not None and state.rule_version == version else None
        watermark = _newest_change(conn, rule)
        check = CHECKS[rule.code]
        unchanged = watermark is None or (since is not None and watermark <= since)
        hits = [] if unchanged and not check.clock else check.run(conn, since, None, params, now)
        hits = _not_history(conn, hits, history)
        findings = _new_only(conn, [_finding(rule, version, params, hit) for hit in hits])
        write_warnings(conn, _build(conn, rule, version, findings, now))
        _save_state(conn, state, rule.code, watermark, version, now, len(hits), len(findings))
        runs.append(RuleRun(rule.code, since, len(hits), len(findings)))
    return runs


def find_new(
    conn: Connection, now: datetime, catalogue: Mapping[str, Rule] | None = None
) -> list[tuple[Rule, str, list[Finding]]]:
    """What ``evaluate`` would raise at ``now`` if every rule read every
    record: per rule, its version and the findings no warning covers yet.
    Writes nothing (the sample generator dates and writes them itself, then
    runs ``evaluate``, which finds them covered)."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    _require_checks(catalogue)
    found = []
    for rule in catalogue.values():
        params, version = rule.thresholds(), rule.version()
        hits = CHECKS[rule.code].run(conn, None, None, params, now)
        found.append((rule, version, _new_only(conn, [_finding(rule, version, params, hit) for hit in hits])))
    return found


def settle(conn: Connection, now: datetime, found: list[tuple[Rule, str, list[Finding]]]) -> None:
    """Record every rule of ``found`` (from ``find_new``) as evaluated at
    ``now`` over every record in the store, its findings raised: what
    ``evaluate`` leaves behind, without reading the records again. For a
    writer that raised the findings itself (the sample generator) while
    nothing else wrote to the store."""
    for rule, version, findings in found:
        state = conn.execute(select(rule_state).where(rule_state.c.rule_code == rule.code)).first()
        watermark = _newest_change(conn, rule)
        _save_state(conn, state, rule.code, watermark, version, now, len(findings), len(findings))


def backtest(
    conn: Connection,
    rule: Rule | str,
    params: Mapping[str, Any] | None = None,
    window: Window | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """What ``rule`` would raise with thresholds ``params`` (the defaults for
    any not given) over the records whose own time falls in ``window`` (all
    records when None), whether or not it was raised already, judged at
    ``now`` (the window's now, else the current time) for the rules about
    things still not done. Writes nothing."""
    if isinstance(rule, str):
        rule = load_catalogue()[rule]
    _require_checks({rule.code: rule})
    thresholds = rule.thresholds(params)
    version = rule.version(params)
    if now is None:
        now = window.now if window is not None else datetime.now(UTC)
    hits = CHECKS[rule.code].run(conn, None, window, thresholds, now)
    return [_finding(rule, version, thresholds, hit) for hit in hits]


def _require_checks(catalogue: Mapping[str, Rule]) -> None:
    missing = sorted(code for code in catalogue if code not in CHECKS)
    if missing:
        raise KeyError(f"no check implemented for rule(s) {', '.join(missing)}")


def _newest_change(conn: Connection, rule: Rule) -> datetime | None:
    newest = [
        conn.execute(select(func.max(table.c.updated_at))).scalar() for table in CHECKS[rule.code].watched
    ]
    newest = [value for value in newest if value is not None]
    return max(newest) if newest else None


def _finding(rule: Rule, version: str, params: dict, hit: Hit) -> Finding:
    shown = {**params, **{k: _local(v) for k, v in hit.values.items()}}
    evidence = {
        "rule_code": rule.code,
        "rule_version": version,
        "thresholds": params,
        "values": {k: _plain(v) for k, v in hit.values.items()},
        "records": [{"table": table, "external_id": ext} for table, ext in hit.records],
    }
    return Finding(
        external_id=warning_key(rule.code, hit.subject_type, hit.subject_id),
        rule_code=rule.code,
        subject_type=hit.subject_type,
        subject_id=hit.subject_id,
        village_code=hit.village_code,
        amount=hit.amount,
        title=rule.explain(shown)[:255],
        evidence=evidence,
    )


def _local(value: Any) -> Any:
    return value.astimezone(TZ) if isinstance(value, datetime) else value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(TZ).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _new_only(conn: Connection, findings: list[Finding]) -> list[Finding]:
    """The findings no warning in the store already covers: none with the
    same key, nor any other warning of the same rule about the same subject
    (one written by another system, e.g. imported or generated, under an
    external_id of its own)."""
    keys = sorted({f.external_id for f in findings})
    existing: set[str] = set()
    for chunk in chunks(keys):
        existing.update(
            conn.execute(select(warnings.c.external_id).where(warnings.c.external_id.in_(chunk))).scalars()
        )
    covered: set[tuple[str, str, str]] = set()
    for rule_code in sorted({f.rule_code for f in findings}):
        subjects = sorted({f.subject_id for f in findings if f.rule_code == rule_code})
        for chunk in chunks(subjects):
            rows = conn.execute(
                select(warnings.c.subject_type, warnings.c.subject_id).where(
                    warnings.c.rule_code == rule_code, warnings.c.subject_id.in_(chunk)
                )
            )
            covered.update((rule_code, subject_type, subject_id) for subject_type, subject_id in rows)
    unique: dict[str, Finding] = {}
    for finding in findings:
        subject = (finding.rule_code, finding.subject_type, finding.subject_id)
        if finding.external_id not in existing and subject not in covered:
            unique.setdefault(finding.external_id, finding)
    return list(unique.values())


def _build(conn: Connection, rule: Rule, version: str, findings: list[Finding], now: datetime) -> list:
    return [build_warning(**spec) for spec in warning_specs(conn, rule, version, findings, now)]


def warning_specs(
    conn: Connection, rule: Rule, version: str, findings: list[Finding], now: datetime
) -> list[dict]:
    """build_warning's arguments for each finding, raised at ``now`` (the
    sample generator dates them itself and adds their histories)."""
    owners = _owner_names(conn, rule, {f.village_code for f in findings})
    return [
        {
            "external_id": f.external_id,
            "rule_code": rule.code,
            "category": rule.category,
            "title": f.title,
            "village_code": f.village_code,
            "raised_at": now,
            "due_at": now + rule.dispose_within,
            "owner_kind": rule.owner_kind,
            "owner_name": owners[f.village_code],
            "severity": rule.severity,
            "subject_type": f.subject_type,
            "subject_id": f.subject_id,
            "amount": f.amount,
            "rule_version": version,
            "evidence": json.dumps(f.evidence, ensure_ascii=False, sort_keys=True),
        }
        for f in findings
    ]


def _owner_names(conn: Connection, rule: Rule, villages: set[str]) -> dict[str, str]:
    """Who disposes of the warning: the village committee, the town's
    discipline committee, or the rule's department."""
    if not villages:
        return {}
    if rule.owner_kind == "department":
        return dict.fromkeys(villages, rule.department or "")
    town = regions.alias("town")
    query = (
        select(regions.c.code, regions.c.name, town.c.name.label("town_name"))
        .select_from(regions.outerjoin(town, town.c.code == regions.c.parent_code))
        .where(regions.c.code.in_(sorted(villages)))
    )
    names = {}
    for code, name, town_name in conn.execute(query):
        names[code] = committee(name) if rule.owner_kind == "village" else commission(town_name or name)
    return names


def committee(village_name: str) -> str:
    """A village's own committee: 村委会, or 居委会 for a 社区."""
    return village_name + ("居委会" if village_name.endswith("社区") else "村委会")


def commission(town_name: str) -> str:
    """A town's discipline body: 纪委, or 纪工委 for a 街道."""
    return town_name + ("纪工委" if town_name.endswith("街道") else "纪委")


def _save_state(conn, state, code, watermark, version, now, hits, raised) -> None:
    values = {
        "watermark": watermark,
        "rule_version": version,
        "evaluated_at": now,
        "hits": hits,
        "raised": raised,
    }
    if state is None:
        conn.execute(insert(rule_state).values(rule_code=code, **values))
    else:
        conn.execute(update(rule_state).where(rule_state.c.rule_code == code).values(**values))
