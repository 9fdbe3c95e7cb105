"""Every Dash component ID the cockpit uses, in one place.

Layouts and callbacks import these; no page invents a string ID of its own.
IDs are unique across the whole app because pages are swapped into one
page container and the app shell is always present.
"""

from __future__ import annotations

from enum import StrEnum


class ShellIds(StrEnum):
    """The app shell: present on every page."""

    POLL = "shell-poll"  # dcc.Interval: check whether the data changed
    DATA_VERSION = "shell-data-version"  # dcc.Store: data_version of the last refresh seen
    STATUS_KEY = "shell-status-key"  # dcc.Store: what the refresh indicator shows now
    REFRESH_STATUS = "shell-refresh-status"  # the "数据更新于 …" indicator (rendered by each page)


class PageIds(StrEnum):
    """Pieces every navigating page carries."""

    # A dcc.Location(refresh="callback-nav") inside the page: callbacks change
    # the URL through it. It must be inside the page, inserted together with the
    # inputs of those callbacks, or Dash fires them when the page is inserted
    # (prevent_initial_call only holds when output and input arrive together).
    NAV = "page-nav"


class WindowIds(StrEnum):
    """The time-window selector (inspector and village pages)."""

    PRESET = "window-preset"
    RANGE = "window-range"


class ScreenIds(StrEnum):
    """The wall screen, /screen."""

    CANVAS = "screen-canvas"
    CLOCK = "screen-clock"
    CLOCK_TICK = "screen-clock-tick"
    FOCUS_NAME = "screen-focus-name"
    ROTATE = "screen-rotate"
    ROTATION = "screen-rotation"  # dcc.Store: codes the screen cycles through
    FOCUS = "screen-focus"  # dcc.Store: the region the screen shows now
    KPIS = "screen-kpis"
    MAP = "screen-map"
    MAP_TITLE = "screen-map-title"
    CATEGORIES = "screen-categories"
    TREND = "screen-trend"
    HANDLING = "screen-handling"
    RANKING = "screen-ranking"
    RANKING_TITLE = "screen-ranking-title"
    RED_LIST = "screen-red-list"


class RegionIds(StrEnum):
    """The inspector's analytics page, /region/<code> and /."""

    PARAMS = "region-params"  # dcc.Store: {"code": ..., "window": {...query args}, "category"?: ...}
    CATEGORY = "region-category"  # dcc.Dropdown: the warning category colouring map and ranking
    KPIS = "region-kpis"
    MAP = "region-map"
    CATEGORIES = "region-categories"
    TREND = "region-trend"
    HANDLING = "region-handling"
    RANKING = "region-ranking"
    RED_LIST = "region-red-list"
    WARNING_CATEGORIES = "region-warning-categories"  # the region's warnings by category


class VillageIds(StrEnum):
    """A village's page, /region/<village code>."""

    PARAMS = "village-params"
    KPIS = "village-kpis"
    PETITIONS = "village-petitions"
    WARNINGS = "village-warnings"
    PETITION_TREND = "village-petition-trend"
    WARNING_TREND = "village-warning-trend"


class QueueIds(StrEnum):
    """The warning queues, /warnings."""

    PARAMS = "queue-params"
    REGION = "queue-region"
    CATEGORY = "queue-category"
    OWNER = "queue-owner"
    OVERDUE = "queue-overdue"
    RED = "queue-red"
    YELLOW = "queue-yellow"
    GREEN = "queue-green"
    RED_COUNT = "queue-red-count"
    YELLOW_COUNT = "queue-yellow-count"
    GREEN_COUNT = "queue-green-count"


class RulesIds(StrEnum):
    """The warning rule catalogue, /rules."""

    SUMMARY = "rules-summary"  # the one-line count of rules, categories and thresholds
    TABLE = "rules-table"  # the catalogue with each rule's statistics


class ExportIds(StrEnum):
    """The weekly-pack export on the inspector's region and village pages."""

    REGION = "export-region"  # dcc.Store: the code of the region the page shows
    WEEK = "export-week"  # dcc.Dropdown: the ISO week (value: 2026-W46)
    BUTTON = "export-button"  # 导出周报
    DOWNLOAD = "export-download"  # dcc.Download
    STATUS = "export-status"  # how long it took, or why there is no pack


class WeeklyIds(StrEnum):
    """The weekly pack page, /weekly."""

    WEEK = "weekly-week"  # dcc.Dropdown: the ISO week (value: 2026-W46)
    REGION = "weekly-region"  # dcc.Dropdown: the root region or a region under it
    BUILD = "weekly-build"  # 生成并下载
    DOWNLOAD = "weekly-download"  # dcc.Download
    STATUS = "weekly-status"  # how long it took, or why there is no pack
    ARCHIVE = "weekly-archive"  # the table of archived packs
