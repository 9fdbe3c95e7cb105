"""The "数据更新于 …" indicator and the stale-data banner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dash import html

from cockpit.ids import ShellIds
from cockpit.outage import OUTAGE_MESSAGE
from cockpit.timewindow import format_local
from queries.refresh import RefreshStatus

PREPARING = "数据准备中：首次刷新完成后自动更新"


@dataclass(frozen=True)
class Freshness:
    text: str
    stale: bool
    error: bool = False

    @property
    def key(self) -> str:
        """Changes exactly when what the indicator shows changes."""
        return f"{self.text}|{self.stale}|{self.error}"


def freshness(status: RefreshStatus | None, now: datetime, stale_after_seconds: int) -> Freshness:
    """What to tell the user about how fresh the data is."""
    if status is None:  # the first refresh is running (the app listens before it ends)
        return Freshness(PREPARING, stale=True)
    age = (now - status.refreshed_at).total_seconds()
    if age > stale_after_seconds:
        minutes = max(1, int(age // 60))
        return Freshness(f"数据已超过 {minutes} 分钟未刷新", stale=True, error=bool(status.error))
    same_day = format_local(status.refreshed_at, "%Y-%m-%d") == format_local(now, "%Y-%m-%d")
    when = format_local(status.refreshed_at, "%H:%M:%S" if same_day else "%m-%d %H:%M:%S")
    if status.error:
        return Freshness(f"数据更新于 {when}（最近一次刷新出错）", stale=False, error=True)
    return Freshness(f"数据更新于 {when}", stale=False)


def outage_freshness(last_ok: datetime | None) -> Freshness:
    """While the store is unreachable: say so, and since when the data shown dates."""
    if last_ok is None:
        return Freshness(f"{OUTAGE_MESSAGE}，正在重试", stale=True, error=True)
    return Freshness(
        f"{OUTAGE_MESSAGE}，显示 {format_local(last_ok, '%H:%M')} 的数据", stale=True, error=True
    )


def indicator_children(fresh: Freshness) -> html.Span:
    state = "stale" if fresh.stale else ("error" if fresh.error else "fresh")
    return html.Span([html.Span(className="status-dot"), fresh.text], className=f"refresh-{state}")


def refresh_indicator(fresh: Freshness) -> html.Div:
    """The indicator as first rendered by a page; the shell's poll callback updates it."""
    return html.Div(indicator_children(fresh), id=ShellIds.REFRESH_STATUS, className="refresh-status")
