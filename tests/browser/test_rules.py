"""The rule catalogue page and a rule-raised warning's evidence, in a browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import insert, select

from cockpit.ids import DetailIds, RulesIds
from cockpit.rules.catalogue import load_catalogue
from cockpit.rules.engine import evaluate
from cockpit.store.records import labour
from cockpit.store.schema import warnings
from tests.browser.helpers import css

pytestmark = pytest.mark.browser

RULE_ROWS = f"{css(RulesIds.TABLE)} tbody tr"


def test_the_rule_catalogue_lists_every_rule_and_the_samples_own(cockpit):
    cockpit.open("/rules", RULE_ROWS)
    catalogue = load_catalogue()
    rows = cockpit.texts(RULE_ROWS)
    with cockpit.city.engine.connect() as conn:
        stored = set(conn.execute(select(warnings.c.rule_code).distinct()).scalars())
    assert len(rows) == len(catalogue) + len(stored - set(catalogue))
    assert [row.split()[0] for row in rows[: len(catalogue)]] == list(catalogue)
    assert "预警规则" in cockpit.text(".cockpit-navbar .nav-link.active")
    cockpit.check()
    cockpit.screenshot("rules")


def test_a_rule_raised_warning_shows_its_evidence(start_cockpit, city_copy):
    village = next(iter(city_copy.villages.values()))[0]
    now = datetime.now(UTC).replace(microsecond=0)
    with city_copy.engine.begin() as conn:
        conn.execute(
            insert(labour).values(
                external_id="LAB-BROWSER-1",
                village_code=village.code,
                worker="测试工人",
                worker_id_number="990102199001999999",
                is_cadre=False,
                filed_at=now - timedelta(days=1),
                work_start=now - timedelta(days=3),
                work_end=now - timedelta(days=3) + timedelta(hours=8),
                declared_at=now - timedelta(hours=20),
                amount_paid=Decimal("200.00"),
                updated_at=now - timedelta(minutes=1),
            )
        )
        # The refresh skips the engine on a sample store (its warnings are simulated): run it here.
        evaluate(conn, now)
    cockpit = start_cockpit(city_copy)
    with city_copy.engine.connect() as conn:
        warning_id = conn.execute(
            select(warnings.c.id).where(warnings.c.external_id == "LAB-01:labour:LAB-BROWSER-1")
        ).scalar_one()
    cockpit.open(f"/warning/{warning_id}", ".evidence .evidence-record")
    shown = cockpit.text(".evidence")
    assert "LAB-01" in shown and load_catalogue()["LAB-01"].name in shown
    # The worker's name is masked until the inspector asks, and that is logged.
    assert "测某" in shown and "测试工人" not in shown
    assert "LAB-BROWSER-1" in shown and "村级用工" in shown
    cockpit.check()
    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, css(DetailIds.UNMASK)))
    cockpit.wait_visible(".privacy-note")
    assert "测试工人" in cockpit.text(".evidence")
    assert "已显示完整个人信息" in cockpit.text(".privacy-note")
    cockpit.check()
    cockpit.driver.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    cockpit.screenshot("warning-evidence")
