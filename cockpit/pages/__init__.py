"""The cockpit's Dash pages, registered explicitly by ``register(app)``.

Each page module exposes ``layout(**url_args)`` (a function: nothing is
loaded at import) and, where it has callbacks, ``register_callbacks(app)``.
Callbacks are plain module-level functions wired with ``app.callback`` so
tests can call them directly and several apps can be built in one process.
"""

from __future__ import annotations

import dash

from cockpit.pages import admin, inspect, not_found_404, queue, region, rules, screen, shell, weekly
from cockpit.pages.admin import accounts, audit, frame, imports, kiosk, thresholds
from cockpit.pages.admin.guard import admin_page
from cockpit.pages.common import keep_page
from cockpit.pages.detail import callbacks as detail_callbacks
from cockpit.pages.detail import petition, warning

APP_TITLE = "监督驾驶舱"


def _title(name: str) -> str:
    return f"{name} - {APP_TITLE}"


def register(app: dash.Dash) -> None:
    """Register every page and callback on ``app`` (after it is created)."""
    dash.register_page(
        "cockpit.pages.screen",
        path="/screen",
        name="驾驶舱大屏",
        title=_title("驾驶舱大屏"),
        layout=keep_page(screen.layout, "screen"),
    )
    dash.register_page(
        "cockpit.pages.home",
        path="/",
        name="分析",
        title=_title("分析"),
        layout=keep_page(region.home_layout, "home"),
    )
    dash.register_page(
        "cockpit.pages.region",
        path_template="/region/<code>",
        name="地区",
        title=_title("分析"),
        layout=keep_page(region.layout, "region"),
    )
    dash.register_page(
        "cockpit.pages.inspect.home",
        path="/inspect",
        name="督查分析",
        title=_title("督查分析"),
        layout=keep_page(inspect.home_layout, "inspect.home"),
    )
    dash.register_page(
        "cockpit.pages.inspect",
        path_template="/inspect/<code>",
        name="督查分析",
        title=_title("督查分析"),
        layout=keep_page(inspect.layout, "inspect"),
    )
    dash.register_page(
        "cockpit.pages.warnings",
        path="/warnings",
        name="预警队列",
        title=_title("预警队列"),
        layout=keep_page(queue.layout, "queue"),
    )
    dash.register_page(
        "cockpit.pages.rules",
        path="/rules",
        name="预警规则",
        title=_title("预警规则"),
        layout=keep_page(rules.layout, "rules"),
    )
    dash.register_page(
        "cockpit.pages.weekly",
        path="/weekly",
        name="周报",
        title=_title("周报"),
        layout=keep_page(weekly.layout, "weekly"),
    )
    dash.register_page(
        "cockpit.pages.petition",
        path_template="/petition/<petition_id>",
        name="诉求",
        title=petition.title,
        layout=keep_page(petition.layout, "petition"),
    )
    dash.register_page(
        "cockpit.pages.warning",
        path_template="/warning/<warning_id>",
        name="预警",
        title=warning.title,
        layout=keep_page(warning.layout, "warning"),
    )
    dash.register_page(
        "cockpit.pages.admin.accounts",
        path=frame.ACCOUNTS_URL,
        name="账号管理",
        title=_title("账号管理"),
        layout=keep_page(admin_page(accounts.layout, frame.ACCOUNTS_URL), "admin.accounts"),
    )
    dash.register_page(
        "cockpit.pages.admin.kiosk",
        path=frame.KIOSK_URL,
        name="大屏令牌",
        title=_title("大屏令牌"),
        layout=keep_page(admin_page(kiosk.layout, frame.KIOSK_URL), "admin.kiosk"),
    )
    dash.register_page(
        "cockpit.pages.admin.thresholds",
        path=frame.THRESHOLDS_URL,
        name="阈值设置",
        title=_title("阈值设置"),
        layout=keep_page(admin_page(thresholds.layout, frame.THRESHOLDS_URL), "admin.thresholds"),
    )
    dash.register_page(
        "cockpit.pages.admin.imports",
        path=frame.IMPORT_URL,
        name="导入数据",
        title=_title("导入数据"),
        layout=keep_page(admin_page(imports.layout, frame.IMPORT_URL), "admin.imports"),
    )
    dash.register_page(
        "cockpit.pages.admin.audit",
        path=frame.AUDIT_URL,
        name="审计日志",
        title=_title("审计日志"),
        layout=keep_page(admin_page(audit.layout, frame.AUDIT_URL), "admin.audit"),
    )
    dash.register_page(
        "cockpit.pages.not_found_404",
        path="/404",
        name="未找到",
        title=_title("未找到"),
        layout=keep_page(not_found_404.layout, "not_found_404"),
    )
    shell.register_callbacks(app)
    screen.register_callbacks(app)
    region.register_callbacks(app)
    queue.register_callbacks(app)
    inspect.register_callbacks(app)
    weekly.register_callbacks(app)
    admin.register_callbacks(app)
    detail_callbacks.register_callbacks(app)
