"""``build.py export-scheme``: the scheme back to an .xlsx and a .docx in the assessors' columns.

One title row, one header row (one column per level of the scheme, named as the
scheme names its levels, then the points and text columns), the rows with the
cells of every level above the rows merged as the assessors merge them (a
node's stated points written into its name, 「主动公开（12分）」, as tables do),
then the 综合加分项 and 重大扣分项 blocks and the notes. Every clause a rule keeps
in its ``text`` is in the 扣分标准/加分标准 cell (added on a line of its own when
the row's text does not already hold it), points are numbers, units one a line.
A second sheet (Word: a second table) holds the settings (settings.py), so that
importing the file gives the same scheme back (tested).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..core.figures import fmt
from ..core.officezip import fixed_zip
from ..model.model import Indicator, Node, Scheme, walk
from .settings import HEADER as SETTINGS_HEADER
from .settings import NOTE as SETTINGS_NOTE
from .settings import SHEET as SETTINGS_SHEET
from .settings import Entry, entries

TEXT_COLUMNS = ("赋分", "扣分标准", "加分标准", "考核方式", "涉及内容", "责任单位", "备注")


def columns(scheme: Scheme) -> tuple[str, ...]:
    return (*scheme.level_names, *TEXT_COLUMNS)


def _label(node: Node) -> str:
    """A node's cell: its name, with the points the scheme states for it."""
    return node.name + (f"（{fmt(node.stated_points)}分）" if node.stated_points is not None else "")


def _leaves(node: Node, above: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Indicator]]:
    """Every row below ``node`` with the cells of the nodes above it (``node`` included)."""
    path = (*above, _label(node))
    for child in node.children:
        if isinstance(child, Node):
            yield from _leaves(child, path)
        else:
            yield path, child


def _bare(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def clause_cells(ind: Indicator, deduction: str, bonus: str) -> tuple[str, str]:
    """The 扣分标准 and 加分标准 cells: the row's texts, and every rule's clause they do not already hold."""
    cells = {False: deduction, True: bonus}
    for rule in walk(ind.rules):
        clause = rule.text.strip()
        if clause and not any(_bare(clause) in _bare(c) for c in cells.values()):
            side = rule.gives_bonus
            cells[side] = f"{cells[side]}\n{clause}" if cells[side] else clause
    return cells[False], cells[True]


def _row(scheme: Scheme, path: tuple[str, ...], ind: Indicator) -> list[str]:
    name = ("*" if ind.key else "") + ind.name
    t = ind.text
    deduction, bonus = clause_cells(ind, t.deduction, t.bonus)
    blanks = [""] * (scheme.depth - 1 - len(path))  # a row above the deepest level: blank cells between
    return [*path, *blanks, name, fmt(ind.points), deduction, bonus, t.method, t.content, "\n".join(ind.units), t.remarks]


def _block(scheme: Scheme, head: str, name: str, deduction: str = "", bonus: str = "") -> list[str]:
    row = [""] * len(columns(scheme))
    row[0], row[scheme.depth - 1] = head, name
    start = scheme.depth
    row[start + 1], row[start + 2] = deduction, bonus
    return row


Merge = tuple[int, int, int, int]


def to_rows(scheme: Scheme) -> tuple[list[list[str]], list[Merge], dict[str, int]]:
    """Table rows below the header, merged ranges (row, column, last row, last column; 0-based in these rows),
    and the row (0-based) of every row id and node id (a node: its first row)."""
    rows: list[list[str]] = []
    merges: list[Merge] = []
    at: dict[str, int] = {}
    above = tuple(range(scheme.depth - 1))  # the level columns above the rows
    for level in scheme.levels:
        start = len(rows)
        for node in level.walk():
            at.setdefault(node.id, start + (level.rows.index(node.rows[0]) if node.rows else 0))
        for path, ind in _leaves(level, ()):
            at[ind.id] = len(rows)
            rows.append(_row(scheme, path, ind))
        merges += _runs(rows, start, above)
    if scheme.comprehensive:
        start = len(rows)
        for ind in scheme.comprehensive:
            at[ind.id] = len(rows)
            rows.append(_block(scheme, "综合加分项", ind.name, bonus=clause_cells(ind, "", ind.text.bonus)[1]))
        merges += _runs(rows, start, (0,))
    if scheme.major:
        start = len(rows)
        if scheme.major_text:
            rows.append(_block(scheme, "重大扣分项", scheme.major_text))
        for ind in scheme.major:
            at[ind.id] = len(rows)
            rows.append(_block(scheme, "重大扣分项", ind.name, deduction=clause_cells(ind, ind.text.deduction, "")[0]))
        merges += _runs(rows, start, (0,))
    width = len(columns(scheme))
    for note in scheme.note.split("\n")[:-1]:
        merges.append((len(rows), 0, len(rows), width - 1))
        rows.append([note] + [""] * (width - 1))
    return rows, merges, at


def _runs(rows: list[list[str]], start: int, cols: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """Vertical runs of one non-empty value under the same cells to its left, in ``cols``, as merged ranges.

    The runs are found first and the covered cells emptied afterwards, so that every
    column still sees the cells to its left on every row.
    """
    out = []
    for col in cols:
        r = start
        while r < len(rows):
            end = r
            while (end + 1 < len(rows) and rows[r][col]
                   and rows[end + 1][: col + 1] == rows[r][: col + 1]):
                end += 1
            if end > r:
                out.append((r, col, end, col))
            r = end + 1
    for r1, col, r2, _ in out:
        for k in range(r1 + 1, r2 + 1):
            rows[k][col] = ""
    return out


def settings_entries(root: Path, at: dict[str, int], first: int) -> list[Entry]:
    """The settings entries, each row id with the line it has in the table (``first``: the line of row 0)."""
    return entries(root, {ident: first + row for ident, row in at.items()})


def to_xlsx(scheme: Scheme, root: Path | None = None) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "考核指标"
    stamp = datetime(scheme.year, 1, 1)
    book.properties.created = stamp
    book.properties.modified = stamp
    head = [scheme.title] + ([scheme.doc_number] if scheme.doc_number else [])
    for text in head:
        sheet.append([text])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                          end_column=len(columns(scheme)))
    sheet.append(list(columns(scheme)))
    top = sheet.max_row
    rows, merges, at = to_rows(scheme)
    for row in rows:
        sheet.append([_number(v) if c == scheme.depth else v for c, v in enumerate(row)])
    for r1, c1, r2, c2 in merges:
        sheet.merge_cells(start_row=top + 1 + r1, start_column=c1 + 1, end_row=top + 1 + r2, end_column=c2 + 1)
    wrap = Alignment(wrap_text=True, vertical="center")
    for row in sheet.iter_rows(min_row=top):
        for cell in row:
            cell.alignment = wrap
    for cell in sheet[top]:
        cell.font = Font(bold=True)
    widths = (*[14] * (scheme.depth - 1), 22, 6, 50, 30, 16, 30, 16, 12)
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    if root is not None:
        second = book.create_sheet(SETTINGS_SHEET)
        second.append(list(SETTINGS_HEADER))
        for entry in settings_entries(root, at, top + 1):
            second.append(entry.cells())
        second.append([SETTINGS_NOTE])
        for row in second.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in second[1]:
            cell.font = Font(bold=True)
        for number, width in enumerate((8, 14, 6, 16, 8, 90), 1):
            second.column_dimensions[get_column_letter(number)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), (scheme.year, 1, 1, 0, 0, 0))


def _number(value: str) -> str | int | float:
    """Points as numbers, so that Excel shows them as numbers; 「-」 as written."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value
