"""/admin/import (导入数据): upload a city's CSV / XLSX export and a mapping,
run the importer on it (the same ``import_file`` as ``python -m
cockpit.importer``), see what it did and download the rejected rows."""

from cockpit.pages.admin.imports.callbacks import register_callbacks
from cockpit.pages.admin.imports.layout import layout

__all__ = ["layout", "register_callbacks"]
