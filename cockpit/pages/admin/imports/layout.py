"""The import page's layout: the form (data file, mapping, options, 导入),
then the result of the last run; and the result's parts, built from a Summary."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from cockpit.ids import AdminIds
from cockpit.importer import REASONS, Summary
from cockpit.pages.admin.frame import admin_frame
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.imports.forms import MAX_BYTES, example_targets
from cockpit.pages.common import connect, current_freshness
from cockpit.pages.region.parts import card

SHOWN_REJECTS = 200
REJECT_HEADER = ("行号", "列", "原因", "说明")
ABOUT = (
    "上传本市导出的 CSV 或 XLSX 文件，按映射文件（YAML，见 docs/import.md）"
    "导入诉求、诉求流转记录、预警或业务数据（流转记录、审批记录、投标记录和干部近亲属"
    "须在所属的诉求、付款、项目或干部导入之后导入）。"
    "默认全部或全不：只要有一行不合格，就不写入任何数据，并列出每一行的问题；"
    "勾选「只导入合格行」则写入合格的行，被拒的行可下载修改后重新导入。重复导入同一文件不会产生重复记录。"
    f"网页上单个文件最大 {MAX_BYTES // (1024 * 1024)} MB，更大的文件请在服务器上用命令行 "
    "python -m cockpit.importer 导入。每次导入（含试运行和未写入的导入）和下载被拒行都记入审计日志。"
)
DATA_HINT = "点击或拖入数据文件（CSV / XLSX）"
MAPPING_HINT = "点击或拖入映射文件（YAML，可选）"


def upload_label(hint: str, filename: str | None) -> html.Div:
    """What an upload box says: the hint, or the chosen file."""
    if not filename:
        return html.Div(hint, className="import-upload-hint")
    return html.Div([html.Strong(filename), html.Span("（点击更换）", className="text-muted ms-1")])


def _upload(upload_id: AdminIds, hint: str, accept: str) -> dcc.Upload:
    return dcc.Upload(
        id=upload_id,
        children=upload_label(hint, None),
        accept=accept,
        multiple=False,
        className="import-upload",
    )


def example_options(examples: dict[str, str]) -> tuple[list[dict], str | None]:
    """The example mappings as dropdown options ("file（target）") and the
    one chosen at first: a petitions mapping when there is one."""
    options = [
        {"label": f"{name}（{target}）" if target else name, "value": name}
        for name, target in examples.items()
    ]
    first = next((name for name, target in examples.items() if target == "petitions"), None)
    return options, first or next(iter(examples), None)


def import_form(examples: dict[str, str]) -> html.Div:
    options, chosen = example_options(examples)
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            dbc.Label("数据文件", className="selector-label"),
                            _upload(AdminIds.IMPORT_DATA, DATA_HINT, ".csv,.txt,.xlsx,.xlsm"),
                        ],
                        className="admin-field admin-field-wide",
                    ),
                    html.Div(
                        [
                            dbc.Label("映射文件", className="selector-label"),
                            _upload(AdminIds.IMPORT_MAPPING, MAPPING_HINT, ".yaml,.yml"),
                        ],
                        className="admin-field admin-field-wide",
                    ),
                    html.Div(
                        [
                            dbc.Label("或用示例映射", className="selector-label"),
                            dcc.Dropdown(
                                id=AdminIds.IMPORT_EXAMPLE,
                                options=options,
                                value=chosen,
                                clearable=True,
                                placeholder="选择示例映射",
                            ),
                        ],
                        className="admin-field import-example",
                    ),
                ],
                className="admin-form",
            ),
            html.Div(
                [
                    dbc.Checkbox(id=AdminIds.IMPORT_DRY_RUN, label="试运行（不写入）", value=False),
                    dbc.Checkbox(id=AdminIds.IMPORT_KEEP_GOOD, label="只导入合格行", value=False),
                    dbc.Button("导入", id=AdminIds.IMPORT_RUN, color="primary"),
                    html.Span("上传了映射文件时以上传的为准，否则用所选示例映射。", className="text-muted"),
                ],
                className="import-options",
            ),
        ]
    )


def summary_view(summary: Summary) -> html.Div:
    """The outcome, the counts and the rejects by reason."""
    if summary.committed:
        outcome, color = "已写入", "success"
    elif summary.dry_run and not summary.rejected:
        outcome, color = "试运行完成，未写入任何数据", "info"
    elif summary.dry_run:
        outcome, color = "试运行：有被拒绝的行，未写入任何数据", "warning"
    else:
        outcome, color = "有被拒绝的行，未写入任何数据（全部或全不）", "danger"
    if summary.committed and summary.rejected:
        outcome = f"已写入合格的 {summary.good} 行，{summary.rejected} 行被拒绝"
    counts = (
        ("读取", summary.read),
        ("新增", summary.inserted),
        ("更新", summary.updated),
        ("未变", summary.unchanged),
        ("拒绝", summary.rejected),
    ) + ((("同编号舍弃", summary.set_aside),) if summary.set_aside else ())
    parts: list = [
        dbc.Alert(f"{summary.file} → {summary.target}：{outcome}", color=color, className="mb-2"),
        html.Div(
            [
                html.Div(
                    [html.Div(str(n), className="import-count"), html.Div(label, className="text-muted")]
                )
                for label, n in counts
            ],
            className="import-counts",
        ),
    ]
    if summary.by_reason:
        parts.append(
            html.Ul(
                [
                    html.Li([html.Code(reason), f" {REASONS[reason]}：{n}"])
                    for reason, n in sorted(summary.by_reason.items())
                ],
                className="import-reasons",
            )
        )
    return html.Div(parts)


def rejects_table(summary: Summary) -> html.Div | None:
    """The first SHOWN_REJECTS problems, one per line (a row may have several)."""
    if not summary.rejects:
        return None
    shown = summary.rejects[:SHOWN_REJECTS]
    rows = [
        html.Tr(
            [
                html.Td(r.line),
                html.Td(r.column),
                html.Td([html.Code(r.reason), " ", REASONS[r.reason]]),
                html.Td(r.detail, className="import-detail"),
            ]
        )
        for r in shown
    ]
    problems = sum(summary.by_reason.values())
    note = f"共 {problems} 个问题" + (f"，此处列出前 {SHOWN_REJECTS} 个" if problems > len(shown) else "")
    return html.Div(
        [
            html.Div(note, className="table-note"),
            html.Table(
                [html.Thead(html.Tr([html.Th(h) for h in REJECT_HEADER])), html.Tbody(rows)],
                className="table table-sm cockpit-table admin-table import-rejects",
            ),
        ]
    )


def result_view(summary: Summary) -> html.Div:
    return html.Div([summary_view(summary), rejects_table(summary)])


def layout(**_query) -> html.Div:
    require_admin()
    with connect() as conn:
        fresh = current_freshness(conn)
    download = html.Div(
        [
            dbc.Button(
                "下载被拒行", id=AdminIds.IMPORT_DOWNLOAD_BUTTON, color="outline-secondary", size="sm"
            ),
            html.Span(
                "被拒的行（原列之后加行号、列、原因、说明），修改后可重新导入。", className="text-muted ms-2"
            ),
            dcc.Download(id=AdminIds.IMPORT_DOWNLOAD),
        ],
        id=AdminIds.IMPORT_DOWNLOAD_ROW,
        hidden=True,
        className="import-download",
    )
    result = html.Div(
        [
            dcc.Loading(html.Div(html.Div("尚未导入。", className="list-empty"), id=AdminIds.IMPORT_RESULT)),
            download,
            dcc.Store(id=AdminIds.IMPORT_REJECTS),
            dcc.Store(id=AdminIds.IMPORT_REJECTS_INFO),
            dcc.Store(id=AdminIds.IMPORT_DOWNLOAD_LOGGED),
        ]
    )
    return admin_frame(
        "import",
        fresh,
        html.P(ABOUT, className="admin-about"),
        html.Div(
            [
                card("导入数据", import_form(example_targets()), "span-12"),
                card("导入结果", result, "span-12"),
            ],
            className="card-grid",
        ),
    )
