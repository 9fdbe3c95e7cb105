"""The import page in a browser: a file whose rows are all rejected shows
its reasons, and 下载被拒行 saves the rejects CSV from the page (a clientside
callback; the file never travels back to the server) and logs the download."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from cockpit.auth.users import create_user
from cockpit.ids import AdminIds
from cockpit.pages.admin.frame import IMPORT_URL
from cockpit.store.access import audit_log
from tests.browser.helpers import PASSWORD, css

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "import" / "hotline-12345-sample.csv"
ADMIN = "browser-admin"


def test_the_rejects_of_an_import_are_saved_from_the_page_and_logged(start_cockpit, city_copy, tmp_path):
    with city_copy.engine.begin() as conn:
        create_user(conn, ADMIN, PASSWORD, "admin", display_name="测试管理员")
    cockpit = start_cockpit(city_copy, user=ADMIN)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    cockpit.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    cockpit.open(IMPORT_URL, css(AdminIds.IMPORT_RUN))
    upload = cockpit.driver.find_element(By.CSS_SELECTOR, f"{css(AdminIds.IMPORT_DATA)} input[type=file]")
    upload.send_keys(str(EXAMPLE))
    cockpit.wait_text(css(AdminIds.IMPORT_DATA), lambda t: EXAMPLE.name in t, "the chosen file's name")
    # The example's villages (白桥街道 …) are not in this city: every row is rejected.
    cockpit.click(cockpit.driver.find_element(By.CSS_SELECTOR, css(AdminIds.IMPORT_RUN)))
    cockpit.wait_text(css(AdminIds.IMPORT_RESULT), lambda t: "未写入任何数据" in t, "the import's answer")
    button = cockpit.wait_visible(css(AdminIds.IMPORT_DOWNLOAD_BUTTON))
    cockpit.screenshot("admin-import-rejects")
    cockpit.click(button)
    saved = downloads / f"{EXAMPLE.stem}-被拒行.csv"
    cockpit.wait(saved.exists, "the rejects file was not saved")
    cockpit.wait(lambda: saved.stat().st_size > 0 and not list(downloads.glob("*.crdownload")), "saving")
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith("行号,列,原因,说明") and len(lines) > 1

    def logged():
        with city_copy.engine.connect() as conn:
            query = select(audit_log.c.target, audit_log.c.detail).where(audit_log.c.action == "export")
            return conn.execute(query).all()

    rows = cockpit.wait(logged, "the download was not logged")
    assert rows[0].target == f"import-rejects:{saved.name}" and rows[0].detail.startswith("下载被拒行")
    cockpit.check()
