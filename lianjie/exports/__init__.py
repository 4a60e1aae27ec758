"""The lists people ask for, with the contract's column names, as CSV, XLSX or JSON."""

from lianjie.exports.columns import COLUMNS, QUARTER_LISTS, Export
from lianjie.exports.files import Format, serialise, write
from lianjie.exports.rows import build_rows

__all__ = ["COLUMNS", "QUARTER_LISTS", "Export", "Format", "build_rows", "serialise", "write"]
