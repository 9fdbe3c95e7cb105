"""Headless Chromium for the browser benchmark: offline flags, software GL,
the settle script in every document, and the cache and cookie controls
(Chrome DevTools Protocol) that make a visit cold or warm."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from selenium import webdriver

from benchmarks.browser.settle import TIMEOUT_MS, install

CHROMIUM = "/usr/bin/chromium"
WINDOW = (1920, 1080)
FLAGS = (
    "--headless=new",
    "--disable-gpu",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
    # software WebGL (SwiftShader) for MapLibre; without the flag Chromium
    # still falls back to it but logs that the fallback is deprecated
    "--enable-unsafe-swiftshader",
    # offline (docs/offline.md): nothing but this machine is reachable
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-quic",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)


def start_browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.set_page_load_timeout(TIMEOUT_MS / 1000)
    driver.execute_cdp_cmd("Network.enable", {})
    install(driver)
    return driver


def cold(driver) -> None:
    """Empty HTTP cache, and no cache use until ``warm`` (cookies kept)."""
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})


def warm(driver) -> None:
    """Use the HTTP cache again (whatever it holds)."""
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})


def forget_session(driver) -> None:
    """No cookies: a new session. The open page is left first, or its next
    poll gets a 401 and it goes to the login page (a console error)."""
    blank(driver)
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})


def blank(driver) -> None:
    """Leave the current page, so nothing of it (its poll) runs on."""
    driver.get("about:blank")


def severe_logs(driver) -> list[str]:
    """The browser console's SEVERE entries since the last call."""
    try:
        entries = driver.get_log("browser")
    except Exception:  # a driver without logs: nothing to report
        return []
    return [e["message"] for e in entries if e.get("level") == "SEVERE"]


def machine(driver) -> dict:
    """CPU count and model, load, and the browser's version."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else ""
    try:
        chromedriver = subprocess.run(
            ["chromedriver", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except OSError:
        chromedriver = "?"
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "chromium": driver.capabilities.get("browserVersion", "?"),
        "chromedriver": chromedriver.split(" (")[0],
        "viewport": driver.execute_script("return [window.innerWidth, window.innerHeight]"),
    }
