"""Read the tables of an .xlsx, .xls, .docx (or, through LibreOffice, .doc/.wps/.et) file.

Every table comes back as a ``Grid`` of ``Cell``s with merged ranges resolved:
each cell knows the top-left position (``origin``) of the range it belongs to,
and carries that range's text, so the structure step can tell a vertically
merged 一级 cell (inherit it) from a horizontally merged section row (read it
once). Nothing here interprets the table.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.problems import UsageError


class ImportFailure(Exception):
    """A file that cannot be imported, with the Chinese reason (exit 1)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    text: str
    origin: tuple[int, int]  # (row, column) of the top-left cell of its merged range; its own position if not merged


@dataclass(frozen=True)
class Grid:
    name: str  # 工作表“Sheet1” / 第2个表格
    rows: tuple[tuple[Cell, ...], ...]
    lines: tuple[int, ...]  # the row number a person sees in the source (Excel row, Word table row)
    before: tuple[str, ...] = ()  # paragraphs just above a Word table (the title is usually there)
    images: int = 0  # pictures in the sheet or document


WORD = (".docx",)
EXCEL = (".xlsx", ".xlsm")
OLD = {".doc": "docx", ".wps": "docx", ".xls": "", ".et": "xlsx"}  # "" = read directly (python-calamine)
SUPPORTED = "、".join((*WORD, *EXCEL, *OLD))
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _ole_problem(path: Path) -> str | None:
    """Why an OOXML-named file that is really an OLE compound file cannot be read."""
    data = path.read_bytes()
    if not data.startswith(_OLE):
        return None
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return "文件设置了打开密码（已加密），无法读取；请在 WPS 或 Office 中打开，取消密码后另存为 .docx 或 .xlsx，再导入"
    return f"文件扩展名是 {path.suffix}，内容却是旧版 Office 格式；请在 WPS 或 Office 中打开，另存为 .docx 或 .xlsx，再导入"


def read_tables(path: Path) -> list[Grid]:
    """Every table of the file, in document order."""
    if not path.is_file():
        raise UsageError(f"文件 {path} 不存在")
    suffix = path.suffix.lower()
    if suffix in WORD or suffix in EXCEL:
        problem = _ole_problem(path)
        if problem:
            raise ImportFailure(problem)
        from docx.opc.exceptions import PackageNotFoundError
        try:
            return read_docx(path) if suffix in WORD else read_xlsx(path)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, zlib.error, PackageNotFoundError,
                SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
            raise ImportFailure(f"文件已损坏或不是有效的 {suffix} 文件（{type(exc).__name__}）；"
                                "请在 WPS 或 Office 中打开确认，另存一份后再导入") from None
    if suffix == ".xls":
        return read_calamine(path)
    if suffix in OLD:
        return _convert(path, OLD[suffix])
    raise UsageError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}；可导入：{SUPPORTED}")


def _convert(path: Path, target: str) -> list[Grid]:
    """Convert .doc/.wps/.et with LibreOffice headless, then read the result."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        kind = "Excel 工作簿（.xlsx）" if target == "xlsx" else "Word 文档（.docx）"
        raise ImportFailure(f"{path.suffix} 是旧版格式，本机没有安装 LibreOffice，无法自动转换；"
                            f"请在 WPS 或 Office 中打开该文件，“另存为”{kind}，再导入另存的文件")
    with tempfile.TemporaryDirectory(prefix="zwgk-convert-") as tmp:
        try:
            subprocess.run([office, "--headless", "--convert-to", target, "--outdir", tmp, str(path)],
                           capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            raise ImportFailure("LibreOffice 转换超时（3分钟）；请在 WPS 或 Office 中另存为 .docx 或 .xlsx 后再导入") from None
        converted = Path(tmp) / f"{path.stem}.{target}"
        if not converted.is_file():
            raise ImportFailure("LibreOffice 未能转换该文件（可能已损坏或设有密码）；请在 WPS 或 Office 中打开，"
                                "另存为 .docx 或 .xlsx 后再导入")
        return read_docx(converted) if target == "docx" else read_xlsx(converted)


# --- Excel -------------------------------------------------------------------


def _grid_from_values(values: list[list[str]], merges: list[tuple[int, int, int, int]]) -> list[list[Cell]]:
    """Cells with merged ranges (0-based, inclusive) carrying their top-left text."""
    width = max((len(r) for r in values), default=0)
    grid = [[Cell(row[c] if c < len(row) else "", (r, c)) for c in range(width)] for r, row in enumerate(values)]
    for r1, c1, r2, c2 in merges:
        if r1 >= len(grid) or c1 >= width:
            continue
        top = grid[r1][c1]
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                if (r, c) != (r1, c1):
                    grid[r][c] = Cell(top.text, (r1, c1))
    return grid


def read_xlsx(path: Path) -> list[Grid]:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    grids = []
    for sheet in book.worksheets:
        values = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
        grid = _grid_from_values(values, merges)
        images = len(getattr(sheet, "_images", ()))
        grids.append(Grid(f"工作表“{sheet.title}”", tuple(tuple(r) for r in grid),
                          tuple(range(1, len(grid) + 1)), images=images))
    return grids


def read_calamine(path: Path) -> list[Grid]:
    """Old .xls (BIFF) workbooks, through python-calamine; also reads .xlsx."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            values = [[_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            grid = _grid_from_values(values, merges)
            grids.append(Grid(f"工作表“{name}”", tuple(tuple(r) for r in grid), tuple(range(1, len(grid) + 1))))
    except Exception as exc:  # calamine raises its own error types for broken or protected files
        raise ImportFailure(f"无法读取该 {path.suffix} 文件：可能已损坏或设有密码（{type(exc).__name__}）；"
                            "请在 WPS 或 Office 中打开，另存为 .xlsx 后再导入") from None
    return grids


# --- Word --------------------------------------------------------------------


def read_docx(path: Path) -> list[Grid]:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table

    document = docx.Document(str(path))
    body = document.element.body
    grids: list[Grid] = []
    paragraphs: list[str] = []
    images = len(body.findall(".//" + qn("w:drawing"))) + len(body.findall(".//" + qn("w:pict")))
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t"))).strip()
            if text:
                paragraphs.append(text)
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            grid = _docx_grid(table)
            number = len(grids) + 1
            grids.append(Grid(f"第{number}个表格", tuple(tuple(r) for r in grid), tuple(range(1, len(grid) + 1)),
                              before=tuple(paragraphs[-6:]), images=images))
            paragraphs = []
    if not grids:
        grids.append(Grid("正文", (), (), before=tuple(paragraphs[-6:]), images=images))
    return grids


def _docx_grid(table: Any) -> list[list[Cell]]:
    from docx.oxml.ns import qn
    from docx.table import _Cell

    rows: list[list[Cell]] = []
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[Cell] = []
        before = tr.find(qn("w:trPr"))
        skip = 0
        if before is not None:
            grid_before = before.find(qn("w:gridBefore"))
            if grid_before is not None:
                skip = int(grid_before.get(qn("w:val")) or 0)
        row.extend(Cell("", (r, c)) for c in range(skip))
        for tc in tr.tc_lst:
            col = len(row)
            if tc.vMerge == "continue" and rows and col < len(rows[-1]):
                above = rows[-1][col]
                first = Cell(above.text, above.origin)
            else:
                text = "\n".join(p.text.strip() for p in _Cell(tc, table).paragraphs).strip()
                first = Cell(text, (r, col))
            row.append(first)
            row.extend(Cell(first.text, first.origin) for _ in range(tc.grid_span - 1))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        row.extend(Cell("", (r, c)) for c in range(len(row), width))
    return rows
