"""The import page's callbacks: show the chosen files' names, 导入, and
下载被拒行. 导入 refuses anyone but an administrator first, writes the
upload to a temporary folder and hands it to ``import_file`` (the command
line's library function). Every run is logged (action ``import``, target
the file's name): a written import in the import's own transaction; a dry
run, an import rolled back for its rejects and a refused file afterwards,
saying so.

The rejects CSV goes to the browser with the import's answer (that entry
says how many rows it holds); 下载被拒行 saves it from the page by a
clientside callback, so the file never travels back to the server (it may
be larger than a request may be, cockpit.auth.limits), and a second,
server callback that carries only its name and row count logs the download
(action ``export``, target ``import-rejects:<file>``)."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping as AnyMapping
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, State, html
from dash.exceptions import PreventUpdate
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import Connection

from cockpit.auth.audit import log_request, record_by
from cockpit.context import current
from cockpit.ids import AdminIds
from cockpit.importer import MappingError, RefusedFileError, Summary, import_file
from cockpit.pages.admin.guard import require_admin
from cockpit.pages.admin.imports.forms import (
    MAX_UNPACKED,
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


def data_url(value: Any, what: str) -> str | None:
    """A dcc.Upload's contents: ``data:<type>;base64,<data>``, or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.startswith("data:") or ";base64," not in value[:300]:
        raise BadRequestError(f"{what}无效。")
    return value


def _alert(text_: str) -> tuple:
    return dbc.Alert(text_, color="danger", className="mb-0"), None, None, True


def _detail(summary: Summary, mapping_name: str, written: bool) -> str:
    counts = summary.text().splitlines()[1]
    detail = f"{summary.target}（映射 {mapping_name}）：{counts}"
    if written:
        return detail
    outcome = "试运行，未写入" if summary.dry_run else "有被拒绝的行，未写入"
    return f"{outcome}；{detail}"


def _audit(who: Viewer, target: str, mapping_name: str):
    def on_commit(conn: Connection, summary: Summary) -> None:
        record_by(conn, who, ACTION, target, _detail(summary, mapping_name, written=True))

    return on_commit


def _log(target: str, detail: str) -> None:
    """An ``import`` entry for a run that wrote nothing, in its own transaction."""
    log_request(ACTION, target, detail)


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
                max_unpacked=MAX_UNPACKED,
            )
            rejects = rejects_path.read_text(encoding="utf-8") if summary.rejected else None
    except UploadError as error:
        return _alert(str(error))
    except RefusedFileError as error:
        _log(name, f"文件被拒绝，未导入：{error.chinese}")
        return _alert(f"数据文件无法导入，未导入任何数据：{error.chinese}。")
    except MappingError as error:
        _log(name, f"映射或文件有误，未导入：{error}"[:1000])
        return _alert(f"映射文件或数据文件有误，未导入任何数据：{error}")
    except (zipfile.BadZipFile, InvalidFileException, OSError) as error:
        _log(name, f"无法读取，未导入：{error}"[:1000])
        return _alert(f"无法读取数据文件，未导入任何数据：{error}")
    if not summary.committed:
        _log(name, _detail(summary, used, written=False))
    if not rejects:
        return result_view(summary), None, None, True
    filename = f"{Path(name).stem}-被拒行.csv"
    download = {"filename": filename, "content": rejects}
    return result_view(summary), download, {"filename": filename, "rows": summary.rejected}, False


def log_rejects_download(n_clicks: int | None, info: Any) -> int:
    """下载被拒行 (the file itself is saved in the browser): the audit entry;
    ``info``: the rejects file's name and row count, never its content."""
    who = require_admin()
    if not clicks(n_clicks) or info is None:
        raise PreventUpdate
    if not isinstance(info, AnyMapping) or set(info) != {"filename", "rows"}:
        raise BadRequestError("被拒行数据无效，请重新导入。")
    filename = plain_name(text(info["filename"], "文件名", 255) or "被拒行.csv")
    rows = info["rows"]
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise BadRequestError("被拒行数据无效，请重新导入。")
    with current().engine.begin() as conn:
        record_by(conn, who, "export", f"import-rejects:{filename}", f"下载被拒行 {rows} 行")
    return clicks(n_clicks)


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
        Output(AdminIds.IMPORT_REJECTS_INFO, "data"),
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
    app.clientside_callback(
        ClientsideFunction(namespace="cockpit", function_name="saveRejects"),
        Output(AdminIds.IMPORT_DOWNLOAD, "data"),
        Input(AdminIds.IMPORT_DOWNLOAD_BUTTON, "n_clicks"),
        State(AdminIds.IMPORT_REJECTS, "data"),
        prevent_initial_call=True,
    )
    app.callback(
        Output(AdminIds.IMPORT_DOWNLOAD_LOGGED, "data"),
        Input(AdminIds.IMPORT_DOWNLOAD_BUTTON, "n_clicks"),
        State(AdminIds.IMPORT_REJECTS_INFO, "data"),
        prevent_initial_call=True,
    )(log_rejects_download)
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
