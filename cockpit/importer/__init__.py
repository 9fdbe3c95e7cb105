"""Importers: a city's own CSV / XLSX exports into the store, driven by a
mapping file (docs/import.md). ``python -m cockpit.importer`` is the command."""

from cockpit.importer.limits import RefusedFileError
from cockpit.importer.load import import_file
from cockpit.importer.mapping import Mapping, MappingError, load_mapping, parse_mapping
from cockpit.importer.report import Reject, Summary
from cockpit.importer.values import REASONS

__all__ = [
    "REASONS",
    "Mapping",
    "MappingError",
    "RefusedFileError",
    "Reject",
    "Summary",
    "import_file",
    "load_mapping",
    "parse_mapping",
]
