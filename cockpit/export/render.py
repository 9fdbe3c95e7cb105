"""Figures to images, and HTML to PDF, with the machine's own Chromium.

Nothing here reaches the internet (docs/offline.md): kaleido loads the
plotly.js that ships with plotly.py and runs with MathJax off; the PDF is
printed by the same browser from a local file (DevTools Page.printToPDF).

One ``Renderer`` keeps a kaleido browser running in a background thread, so
a pack of a dozen charts takes seconds: the first image pays for starting
Chromium (about 2 s), the next ones about 0.2-1 s each. Calls are serialised
by a lock; a call that fails or times out restarts the browser on the next
call. Without Chromium every call raises ``ExportUnavailableError`` with a message
for users, and the rest of the cockpit is unaffected.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import shutil
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go

log = logging.getLogger(__name__)

TABS = 2  # figures drawn at once
GEO_ASSETS = Path(__file__).resolve().parents[2] / "assets" / "geo-assets.js"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_BROWSER = (
    "服务器上没有找到 Chromium 浏览器，无法生成图表图片和 PDF。"
    "请管理员安装 chromium 与 fonts-wqy-microhei（见 README），其他功能不受影响。"
)


@dataclass(frozen=True)
class Image:
    """One figure to draw: ``png`` or ``svg``, ``width`` × ``height`` CSS pixels."""

    figure: go.Figure
    fmt: str
    width: int
    height: int
    scale: float = 1

    def __post_init__(self):
        if self.fmt not in ("png", "svg"):
            raise ValueError(f"format must be png or svg, not {self.fmt!r}")

    @property
    def opts(self) -> dict:
        return {"format": self.fmt, "width": self.width, "height": self.height, "scale": self.scale}


class ExportUnavailableError(RuntimeError):
    """Images or PDFs cannot be made on this server; the message says why, in Chinese."""


def find_browser(configured: str = "") -> str | None:
    """The Chromium to use: ``configured`` (a setting), ``BROWSER_PATH`` (what
    kaleido reads), or the first Chromium on PATH."""
    for candidate in (configured, os.environ.get("BROWSER_PATH", "")):
        if candidate:
            return candidate if Path(candidate).is_file() and os.access(candidate, os.X_OK) else None
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return found
    return None


class Renderer:
    """A kaleido browser kept running for this process."""

    def __init__(self, browser: str = "", timeout: float = 60):
        self.browser = find_browser(browser)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._thread: threading.Thread | None = None

    @property
    def available(self) -> bool:
        return self.browser is not None

    def _require(self) -> str:
        if self.browser is None:
            raise ExportUnavailableError(NO_BROWSER)
        return self.browser

    def _start(self) -> None:
        """Start the browser in a thread with its own event loop (lock held)."""
        import kaleido

        browser = self._require()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
        thread.start()

        async def open_kaleido():
            # The maps' empty world (assets/geo-assets.js): plotly.js would fetch it from a CDN.
            page = kaleido.PageGenerator(mathjax=False, others=[str(GEO_ASSETS)])
            k = kaleido.Kaleido(n=TABS, timeout=self.timeout, page_generator=page, path=browser)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_kaleido(), loop).result(self.timeout)
        except Exception as error:
            loop.call_soon_threadsafe(loop.stop)
            raise ExportUnavailableError(f"Chromium 无法启动，不能生成图表图片：{error}") from error
        self._loop, self._thread = loop, thread
        log.info("kaleido started with %s", browser)

    def _stop(self) -> None:
        """Close the browser (lock held); safe to call when it is not running."""
        loop, k = self._loop, self._kaleido
        self._loop = self._kaleido = self._thread = None
        if loop is None:
            return
        if k is not None:
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
            except Exception:  # closing a broken browser: nothing more to do
                log.warning("kaleido did not close cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def image(self, fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1) -> bytes:
        """The figure as ``png`` or ``svg`` bytes, ``width`` × ``height`` CSS pixels."""
        return self.images([Image(fig, fmt, width, height, scale)])[0]

    def images(self, jobs: list[Image]) -> list[bytes]:
        """Several figures at once, drawn in parallel tabs (maps take seconds each)."""

        async def draw_all(k):
            return await asyncio.gather(*(k.calc_fig(job.figure, opts=job.opts) for job in jobs))

        return self._run(draw_all, self.timeout * max(1, len(jobs)))

    def pdf(self, html: str) -> bytes:
        """``html`` (a complete page, sizes set by CSS ``@page``) printed to PDF
        by the running browser (DevTools ``Page.printToPDF``): no new process
        per PDF, about 0.6 s for a 16-page pack."""
        with tempfile.TemporaryDirectory(prefix="cockpit-pdf-") as folder:
            page = Path(folder) / "pack.html"
            page.write_text(html, encoding="utf-8")
            return self._run(lambda k: _print_pdf(k, page.as_uri()), self.timeout * 2)

    def _run(self, make, timeout: float):
        """Run ``make(kaleido)`` (a coroutine) on the browser's loop, starting
        the browser first if needed; a failure or timeout restarts it next time."""
        with self._lock:
            if self._loop is None:
                self._start()
            future: Future = asyncio.run_coroutine_threadsafe(make(self._kaleido), self._loop)
            try:
                return future.result(timeout)
            except Exception:
                future.cancel()
                self._stop()
                raise


async def _print_pdf(browser, url: str) -> bytes:
    """Open ``url`` in a new tab, wait for it and its fonts, print it."""
    tab = await browser.create_tab("")
    try:
        await tab.send_command("Page.enable")
        loaded = tab.subscribe_once("Page.loadEventFired")
        await tab.send_command("Page.navigate", params={"url": url})
        await loaded
        await tab.send_command(
            "Runtime.evaluate",
            params={"expression": "document.fonts.ready.then(() => true)", "awaitPromise": True},
        )
        response = await tab.send_command(
            "Page.printToPDF", params={"preferCSSPageSize": True, "printBackground": True}
        )
    finally:
        await browser.close_tab(tab.target_id)
    if "error" in response:
        raise ExportUnavailableError(
            f"Chromium 未能生成 PDF：{response['error'].get('message', response['error'])}"
        )
    return base64.b64decode(response["result"]["data"])


_shared: Renderer | None = None
_shared_lock = threading.Lock()


def shared_renderer(browser: str = "") -> Renderer:
    """The process's renderer, started on first use and kept for the next pack."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.browser != find_browser(browser):
            if _shared is not None:
                _shared.close()
            _shared = Renderer(browser)
        return _shared
