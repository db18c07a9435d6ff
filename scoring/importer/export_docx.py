"""``build.py export-scheme``, the Word copy: the same table as the .xlsx, and the settings as a second table.

The title (and the document number) are paragraphs above the table, as in the
notices the assessors send; the settings table follows under its own heading,
in landscape like the first. Dates in the package are fixed (the scheme's
year), so the same scheme gives the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.officezip import fixed_zip
from ..model.model import Scheme
from .export import columns, settings_entries, to_rows
from .settings import HEADER as SETTINGS_HEADER
from .settings import NOTE as SETTINGS_NOTE
from .settings import SHEET as SETTINGS_SHEET

WIDTH_CM = 24.0  # A4 landscape inside the default margins


def _fill(table: Any, rows: list[list[str]], weights: tuple[int, ...]) -> list[list[Any]]:
    """Every cell's text and its column's width (``weights`` shared out over the page), straight through the rows'
    cells (``table.cell`` walks the whole table at every call)."""
    from docx.shared import Cm
    from docx.table import _Cell

    table.autofit = False
    widths = [Cm(WIDTH_CM * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cells[r][c].width = widths[c]
            if value:
                cells[r][c].text = value
    return cells


def to_docx(scheme: Scheme, root: Path) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = docx.Document()
    stamp = datetime(scheme.year, 1, 1)
    props = document.core_properties
    props.created, props.modified, props.last_modified_by, props.author = stamp, stamp, "", ""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.styles["Normal"].font.size = Pt(9)
    for text in (scheme.title, scheme.doc_number):
        if text:
            document.add_paragraph(text)
    head = columns(scheme)
    rows, merges, at = to_rows(scheme)
    table = document.add_table(rows=len(rows) + 1, cols=len(head))
    table.style = "Table Grid"
    weights = (*[14] * (scheme.depth - 1), 22, 6, 50, 30, 16, 30, 16, 12)  # as the .xlsx columns
    cells = _fill(table, [list(head), *rows], weights)  # a cell a merge covers is empty in ``rows``
    for r1, c1, r2, c2 in merges:
        cells[r1 + 1][c1].merge(cells[r2 + 1][c2])
    document.add_paragraph(SETTINGS_SHEET)
    found = settings_entries(root, at, 2)  # the header is the table's row 1
    second = document.add_table(rows=len(found) + 1, cols=len(SETTINGS_HEADER))
    second.style = "Table Grid"
    _fill(second, [list(SETTINGS_HEADER), *(entry.cells() for entry in found)], (8, 14, 5, 16, 6, 90))
    document.add_paragraph(SETTINGS_NOTE)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), (scheme.year, 1, 1, 0, 0, 0))
