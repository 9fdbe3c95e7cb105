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
    # dcc.Store: the indicator's new content, copied into REFRESH_STATUS in the
    # browser when the page has one (a page still on its way has none).
    STATUS_VIEW = "shell-status-view"


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
    # The four panel slots beside the map (COCKPIT_SCREEN_PANELS), each a
    # title and a body the screen's callback fills with the chosen panel.
    SLOT_1 = "screen-slot-1"
    SLOT_2 = "screen-slot-2"
    SLOT_3 = "screen-slot-3"
    SLOT_4 = "screen-slot-4"
    SLOT_1_TITLE = "screen-slot-1-title"
    SLOT_2_TITLE = "screen-slot-2-title"
    SLOT_3_TITLE = "screen-slot-3-title"
    SLOT_4_TITLE = "screen-slot-4-title"
    TICKER = "screen-ticker"  # the newest petitions and warnings, scrolling
    TODAY = "screen-today"  # today's figures beside the ticker
    ROTATION_STATUS = "screen-rotation-status"  # which region of the rotation is shown
    PANEL_GRAPH = "screen-panel-graph"  # + "-<panel>": an analytics panel's chart


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


class AdminIds(StrEnum):
    """The administrator's pages, /admin (账号), /admin/kiosk (大屏令牌),
    /admin/thresholds (阈值), /admin/import (导入数据) and /admin/audit (审计日志). Those marked "row"
    are the ``type`` of a pattern-matching id {"type": ..., "key": ...}, one
    per account, token or rule parameter (see cockpit.pages.admin.frame.row_id)."""

    # /admin: the new-account form and the accounts table
    NEW_USERNAME = "admin-new-username"
    NEW_DISPLAY_NAME = "admin-new-display-name"
    NEW_ROLE = "admin-new-role"  # dcc.Dropdown of USER_ROLES
    NEW_REGIONS = "admin-new-regions"  # dcc.Dropdown (multi, searchable) of regions under the root
    NEW_PASSWORD = "admin-new-password"
    CREATE = "admin-create"  # 创建账号
    CREATE_MESSAGE = "admin-create-message"
    ACCOUNTS = "admin-accounts"  # the accounts table's container
    ACCOUNT_STATUS = "admin-account-status"  # row: the 状态 cell
    ACCOUNT_TOGGLE = "admin-account-toggle"  # row: 停用 / 启用 (value: "deactivate" / "activate")
    ACCOUNT_NOTE = "admin-account-note"  # row: what the last action on the account did
    ACCOUNT_RESET = "admin-account-reset"  # row: 重设密码, opens the row's popover
    RESET_PASSWORD = "admin-reset-password"  # row: the new password
    RESET_CONFIRM = "admin-reset-confirm"  # row: 确定
    RESET_MESSAGE = "admin-reset-message"  # row: done, or why not
    # /admin/kiosk
    KIOSK_NAME = "admin-kiosk-name"
    KIOSK_REGION = "admin-kiosk-region"  # dcc.Dropdown: the root or a region under it
    KIOSK_CREATE = "admin-kiosk-create"  # 生成令牌
    KIOSK_MESSAGE = "admin-kiosk-message"  # the new token's URL, shown once
    KIOSK_URL = "admin-kiosk-url"  # the URL's text (dcc.Clipboard copies it)
    KIOSK_TOKENS = "admin-kiosk-tokens"  # the tokens table's container
    KIOSK_STATUS = "admin-kiosk-status"  # row: the 状态 cell
    KIOSK_REVOKE = "admin-kiosk-revoke"  # row: 撤销
    # /admin/thresholds (row key: "RULE:param")
    THRESHOLD_VALUE = "admin-threshold-value"  # row: the new value's input
    THRESHOLD_SAVE = "admin-threshold-save"  # row: 保存
    THRESHOLD_RESET = "admin-threshold-reset"  # row: 恢复默认
    THRESHOLD_IN_FORCE = "admin-threshold-in-force"  # row: the 生效值 cell
    THRESHOLD_MESSAGE = "admin-threshold-message"  # row: saved, or why not
    # /admin/import
    IMPORT_DATA = "admin-import-data"  # dcc.Upload: the CSV or XLSX file
    IMPORT_MAPPING = "admin-import-mapping"  # dcc.Upload: a mapping (YAML), wins over IMPORT_EXAMPLE
    IMPORT_EXAMPLE = "admin-import-example"  # dcc.Dropdown of the mappings in examples/import/
    IMPORT_DRY_RUN = "admin-import-dry-run"  # dbc.Checkbox 试运行（不写入）
    IMPORT_KEEP_GOOD = "admin-import-keep-good"  # dbc.Checkbox 只导入合格行
    IMPORT_RUN = "admin-import-run"  # 导入
    IMPORT_RESULT = "admin-import-result"  # the summary and the first rejects
    IMPORT_REJECTS = "admin-import-rejects"  # dcc.Store: the last run's rejects CSV {filename, content}
    IMPORT_REJECTS_INFO = "admin-import-rejects-info"  # dcc.Store: its {filename, rows}, for the audit log
    IMPORT_DOWNLOAD_LOGGED = "admin-import-download-logged"  # dcc.Store: downloads logged so far
    IMPORT_DOWNLOAD_ROW = "admin-import-download-row"  # hidden unless there are rejects
    IMPORT_DOWNLOAD_BUTTON = "admin-import-download-button"  # 下载被拒行
    IMPORT_DOWNLOAD = "admin-import-download"  # dcc.Download
    # /admin/audit
    AUDIT_ACTION = "admin-audit-action"  # dcc.Dropdown of ACTIONS
    AUDIT_ACTOR = "admin-audit-actor"  # dbc.Input (with a datalist of usernames)
    AUDIT_ACTORS = "admin-audit-actors"  # html.Datalist
    AUDIT_TABLE = "admin-audit-table"
    AUDIT_OLDER = "admin-audit-older"  # 更早: the next 200 entries


class InspectIds(StrEnum):
    """The inspector's analytics, /inspect and /inspect/<code> (督查分析)."""

    PARAMS = "inspect-params"  # dcc.Store: region code, window and section
    TABS = "inspect-tabs"  # the section picker (its value is the section's key)
    BODY = "inspect-body"  # the chosen section, filled by its callback


class DetailIds(StrEnum):
    """The petition and warning detail pages, /petition/<id> and /warning/<id>."""

    RECORD = "detail-record"  # dcc.Store: which record the page shows ({"kind", "id"})
    BODY = "detail-body"  # the record's content, redrawn unmasked by the unmask button
    UNMASK = "detail-unmask"  # 显示完整信息: a click (a callback with CSRF) unmasks and logs
    LINKED_PETITIONS = "detail-linked-petitions"  # 相关群众诉求 on a warning's page
    LINKED_WARNINGS = "detail-linked-warnings"  # 相关预警 on a petition's page
