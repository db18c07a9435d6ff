"""``build.py import`` and ``build.py export-scheme``: the assessors' table ⇄ indicators/.

read (files → grids) → structure (header, levels, sections) → infer (phrase
table → rules) → assemble (YAML data) → write (one atomic write) + report.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.problems import UsageError
from .assemble import Assembled, Meta, assemble
from .read import Grid, ImportFailure, read_tables
from .report import report, summary
from .restore import restore
from .settings import find as find_settings
from .structure import Layout, describe, find_header, walk
from .write import existing_scheme, render, write_project

__all__ = ["ImportFailure", "Imported", "cmd_export", "cmd_import", "import_file"]


@dataclass
class Imported:
    files: dict[str, str]  # indicators/ file name → YAML text
    result: Assembled
    report: str
    table: str


def _choose(path: Path, grids: list[Grid], sheet: str | None) -> Layout:
    if sheet is not None:
        chosen = [g for i, g in enumerate(grids, 1) if g.name in (f"工作表“{sheet}”",) or sheet == str(i)]
        if not chosen:
            names = "、".join(g.name for g in grids)
            raise UsageError(f"文件中没有“{sheet}”（可选：{names}；Word 文件按表格序号选，如 --sheet 2）")
        grids = chosen
    found = [layout for layout in (find_header(g) for g in grids) if layout is not None]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        listed = "；".join(f"{lay.grid.name}（表头：{'、'.join(t for t in lay.signature if t)}）" for lay in found)
        raise ImportFailure(f"文件中有 {len(found)} 个考核表格：{listed}。请用 --sheet 指定要导入的一个"
                            "（工作表名称，或 Word 中表格的序号，如 --sheet 1）")
    if all(not g.rows or not any(c.text for r in g.rows for c in r) for g in grids) and any(g.images for g in grids):
        raise ImportFailure("文件中只有图片（可能是扫描件），没有可读取的文字表格；请向考核组索取 Word 或 Excel 原件，"
                            "或先用 WPS 的“图片转文字/表格”功能转成表格后再导入")
    raise ImportFailure("没有找到考核表的表头：表头应有指标名称列（如 一级指标、二级指标、三级指标、类别、考核内容）"
                        "和分值列（分值、赋分、分数）或考核标准列（考核标准、评分标准、扣分标准）；"
                        "请检查表头文字，或把表头改成上述名称后再导入")


def _meta(path: Path, layout: Layout, year: int | None) -> Meta:
    grid = layout.grid
    above = [c.text for row in grid.rows[:layout.header] for c in row if c.text]
    texts = [*grid.before, *dict.fromkeys(above)]
    titled = [t for t in texts if re.search(r"表|细则|方案|指标|考核", t) and len(t) <= 80]
    title = titled[-1] if titled else path.stem
    found = year
    if found is None:
        m = re.search(r"(20\d{2})\s*年", title) or re.search(r"(20\d{2})", path.stem)
        if m is None:
            raise UsageError(f"未能从表格标题“{title}”或文件名中识别考核年度；请用 --year 指定，如 --year 2022")
        found = int(m.group(1))
    issuer = re.match(r"^(.+?)(20\d{2})\s*年", title)
    doc_number = next((m.group(0) for t in texts if (m := re.search(r"\S+〔\d{4}〕\d+号", t))), "")
    return Meta(title=title, year=found, source=path.name, issuer=issuer.group(1) if issuer else "", doc_number=doc_number,
                has_units="units" in layout.columns, named=len(layout.levels) > 1, levels=level_names(layout))


ROW_LEVEL = "考核内容"  # the rows' level when the table names only its categories (类别 | 分值 | 考核标准)


def level_names(layout: Layout) -> tuple[str, ...]:
    """The scheme's own level names, from the header's level columns: 一级指标…四级指标, or 类别 and 考核内容.

    A table with one level column has its rows named from their standards: the rows' level gets a name of its own.
    """
    header = layout.grid.rows[layout.header]
    names = [re.sub(r"\s+", "", header[c].text) or f"第{i}级" for i, c in enumerate(layout.levels, 1)]
    names = [n if n not in names[:i] else f"{n}{i + 1}" for i, n in enumerate(names)]
    if len(names) == 1:
        names.append(ROW_LEVEL if names[0] != ROW_LEVEL else "考核标准")
    return tuple(names)


def import_file(path: Path, sheet: str | None = None, year: int | None = None) -> Imported:
    """Read and interpret the table; nothing is written."""
    grids = read_tables(path)
    kept = find_settings(grids) if sheet is None else None
    if kept is not None:  # an exported table: put the scheme back as it was
        try:
            shown: Layout | None = _choose(path, [g for g in grids if g is not kept], None)
        except ImportFailure:
            shown = None
        restored = restore(kept, shown, path.name)
        restored.columns = describe(shown) if shown else []
        return Imported(render(restored.files), restored, "", shown.grid.name if shown else kept.name)
    layout = _choose(path, grids, sheet)
    rows = walk(layout)
    if not any(r.levels for r in rows):
        raise ImportFailure(f"{path.name}：表头下面没有指标行")
    meta = _meta(path, layout, year)
    result = assemble(rows, meta)
    result.columns = describe(layout)
    result.warnings[:0] = [f"第{c + 1}列“{text}”{what[what.index('（') + 1:-1]}" for c, text, what in result.columns
                           if c in layout.taken]
    files = render(result.files)
    return Imported(files, result, "", layout.grid.name)


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        imported = import_file(path, args.sheet, args.year)
    except ImportFailure as exc:
        print(f"{path}: 错误：{exc.message}；未写出任何文件", file=sys.stderr)
        return 1
    scheme = imported.result.files["scheme.yaml"]
    year = scheme.get("year") or scheme["period"]["start"].year  # an exported scheme may leave year to its period
    target = Path(args.to) if args.to else Path(f"import-{year}")
    if existing_scheme(target) and not args.force:
        print(f"{target}/indicators/ 已有考核方案，未写出任何文件；确需覆盖请加 --force，或用 --to 指定新的目录",
              file=sys.stderr)
        return 1
    text = report(imported.result, path.name, imported.table)
    try:
        write_project(target, imported.files, text)
    except OSError as exc:
        print(f"{target}: 错误：无法写入（{exc.strerror or exc}）；请换一个目录（--to）；未写出任何文件", file=sys.stderr)
        return 1
    print(summary(imported.result, str(target)))
    return 0


def cmd_export(root: Path, args: argparse.Namespace) -> int:
    out = (args.out or root / "build") / "scheme-export.xlsx"
    return export_scheme(root, out)


def export_scheme(root: Path, out: Path) -> int:
    """Write the scheme of ``root`` to ``out`` (.xlsx) and beside it as .docx; 1 when the scheme has errors."""
    from ..core.output import write_files
    from ..core.problems import Severity
    from ..load.load import load_scheme
    from .export import to_xlsx
    from .export_docx import to_docx
    from .settings import SHEET as SETTINGS_SHEET

    scheme, problems = load_scheme(root)
    errors = [p for p in problems if p.severity == Severity.ERROR]
    if scheme is None or errors:
        for problem in errors:
            print(problem.format(), file=sys.stderr)
        print("考核方案有错误，未写出任何文件", file=sys.stderr)
        return 1
    word = out.with_suffix(".docx")
    write_files(out.parent, {out.name: to_xlsx(scheme, root), word.name: to_docx(scheme, root)})
    print(f"已写出 {out} 和 {word.name}（{len(scheme.rows)} 行指标；第二张表“{SETTINGS_SHEET}”供原样导入）")
    return 0

