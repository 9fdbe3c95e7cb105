"""The import page's callbacks: show the chosen files' names, 导入, and
下载被拒行. 导入 refuses anyone but an administrator first, writes the
upload to a temporary folder and hands it to ``import_file`` (the command
line's library function); a written import is logged (action ``import``,
target the file's name) in the import's own transaction."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping as AnyMapping
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import Connection

from cockpit.auth.audit import record_by
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.importer import MappingError, Summary, import_file
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.imports.forms import (
    UploadError,
    decoded,
    example_mapping,
    plain_name,
    safe_name,
    uploaded_mapping,
)
from cockpit.pages.admin.imports.layout import DATA_HINT, MAPPING_HINT, result_view, upload_label
from cockpit.pages.params import BadRequestError, clicks, flag, text
from queries.scope import Viewer

ACTION = "import"
MAX_REJECTS_TEXT = 64 * 1024 * 1024  # the rejects CSV of a 20 MB file, with room to spare


def data_url(value: Any, what: str) -> str | None:
    """A dcc.Upload's contents: ``data:<type>;base64,<data>``, or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.startswith("data:") or ";base64," not in value[:300]:
        raise BadRequestError(f"{what}无效。")
    return value


def _alert(text_: str) -> tuple:
    return dbc.Alert(text_, color="danger", className="mb-0"), None, True


def _audit(who: Viewer, target: str, mapping_name: str):
    def on_commit(conn: Connection, summary: Summary) -> None:
        counts = summary.text().splitlines()[1]
        record_by(conn, who, ACTION, target, f"{summary.target}（映射 {mapping_name}）：{counts}")

    return on_commit


def run_import(
    n_clicks: int | None,
    data: Any,
    data_name: Any,
    mapping: Any,
    mapping_name: Any,
    example: Any,
    dry_run: Any,
    keep_good: Any,
) -> tuple:
    """导入: the result (summary and first rejects, or why nothing ran), the
    rejects CSV for 下载被拒行 (or None), and whether that button is hidden."""
    who = require_admin()
    if not clicks(n_clicks):
        raise PreventUpdate
    data, mapping = data_url(data, "数据文件"), data_url(mapping, "映射文件")
    data_name, mapping_name = text(data_name, "数据文件名", 255), text(mapping_name, "映射文件名", 255)
    example, dry_run, keep_good = text(example, "示例映射"), flag(dry_run), flag(keep_good)
    if data is None or not data_name:
        return _alert("请先选择要导入的数据文件（CSV 或 XLSX）。")
    try:
        name = safe_name(data_name)
        content = decoded(data, "数据文件")
        if mapping is not None:
            chosen, used = uploaded_mapping(decoded(mapping, "映射文件")), mapping_name or "上传的映射"
        elif example:
            chosen, used = example_mapping(example), example
        else:
            return _alert("请上传映射文件，或选择一个示例映射。")
        with tempfile.TemporaryDirectory(prefix="cockpit-import-") as folder:
            path, rejects_path = Path(folder) / name, Path(folder) / "rejects.csv"
            path.write_bytes(content)
            summary = import_file(
                current().engine,
                path,
                chosen,
                keep_good=keep_good,
                dry_run=dry_run,
                rejects_path=rejects_path,
                on_commit=_audit(who, data_name, used),
            )
            rejects = rejects_path.read_text(encoding="utf-8") if summary.rejected else None
    except UploadError as error:
        return _alert(str(error))
    except MappingError as error:
        return _alert(f"映射文件或数据文件有误，未导入任何数据：{error}")
    except (zipfile.BadZipFile, InvalidFileException, OSError) as error:
        return _alert(f"无法读取数据文件，未导入任何数据：{error}")
    download = {"filename": f"{Path(name).stem}-被拒行.csv", "content": rejects} if rejects else None
    return result_view(summary), download, download is None


def download_rejects(n_clicks: int | None, stored: Any) -> dict:
    """下载被拒行: the rejects CSV the last 导入 left in the page."""
    require_admin()
    if not clicks(n_clicks) or stored is None:
        raise PreventUpdate
    if not isinstance(stored, AnyMapping) or set(stored) != {"filename", "content"}:
        raise BadRequestError("被拒行数据无效，请重新导入。")
    filename = text(stored["filename"], "文件名", 255) or "被拒行.csv"
    content = stored["content"]
    if not isinstance(content, str) or len(content) > MAX_REJECTS_TEXT:
        raise BadRequestError("被拒行数据无效，请重新导入。")
    return {"filename": plain_name(filename), "content": content}


def show_data_name(filename: Any) -> html.Div:
    require_admin()
    return upload_label(DATA_HINT, text(filename, "数据文件名", 255))


def show_mapping_name(filename: Any) -> html.Div:
    require_admin()
    return upload_label(MAPPING_HINT, text(filename, "映射文件名", 255))


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(AdminIds.IMPORT_RESULT, "children"),
        Output(AdminIds.IMPORT_REJECTS, "data"),
        Output(AdminIds.IMPORT_DOWNLOAD_ROW, "hidden"),
        Input(AdminIds.IMPORT_RUN, "n_clicks"),
        State(AdminIds.IMPORT_DATA, "contents"),
        State(AdminIds.IMPORT_DATA, "filename"),
        State(AdminIds.IMPORT_MAPPING, "contents"),
        State(AdminIds.IMPORT_MAPPING, "filename"),
        State(AdminIds.IMPORT_EXAMPLE, "value"),
        State(AdminIds.IMPORT_DRY_RUN, "value"),
        State(AdminIds.IMPORT_KEEP_GOOD, "value"),
        prevent_initial_call=True,
        running=[(Output(AdminIds.IMPORT_RUN, "disabled"), True, False)],
    )(run_import)
    app.callback(
        Output(AdminIds.IMPORT_DOWNLOAD, "data"),
        Input(AdminIds.IMPORT_DOWNLOAD_BUTTON, "n_clicks"),
        State(AdminIds.IMPORT_REJECTS, "data"),
        prevent_initial_call=True,
    )(download_rejects)
    app.callback(
        Output(AdminIds.IMPORT_DATA, "children"),
        Input(AdminIds.IMPORT_DATA, "filename"),
        prevent_initial_call=True,
    )(show_data_name)
    app.callback(
        Output(AdminIds.IMPORT_MAPPING, "children"),
        Input(AdminIds.IMPORT_MAPPING, "filename"),
        prevent_initial_call=True,
    )(show_mapping_name)
