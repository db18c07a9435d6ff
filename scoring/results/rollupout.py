"""The roll-up's outputs: rollup.json, rollup.xlsx and a review site, written at once (one staging folder).

``python build.py rollup SOURCE... [--out DIR] [--last DIR]`` (docs/results.md).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import shutil
import sys
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.figures import fmt, fmt_signed
from ..core.output import Staging
from ..core.problems import UsageError
from ..render.site.sitetext import DEFAULT_CONFIG, TEMPLATES, md_text, plain_title
from .rollup import Entry, Rollup, RollupError, rank, read_all

ROLLUP_VERSION = 1
TIE_RULE = "同分者名次相同，其后的名次顺延（如 1、2、2、4）；同分者按单位代码、再按单位名称排列"


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- rollup.json ------------------------------------------------------------------------------------


def to_json(r: Rollup) -> str:
    doc: dict[str, Any] = {
        "rollup": ROLLUP_VERSION, "complete": r.complete, "shared_scheme": r.shared_scheme, "by": r.by,
        "verified": r.verified,
        "tie_rule": TIE_RULE,
        "ranking": [{
            "rank": x.rank, "bureau": x.entry.bureau, "code": x.entry.code or None, "year": x.entry.year,
            "scheme": x.entry.scheme_title,
            "value": _num(x.value), "total": _num(x.entry.total), "full_marks": _num(x.entry.full_marks),
            "normalised": _num(x.entry.normalised), "grade": x.entry.grade, "source": x.entry.source,
            "site": x.entry.site or None, "dossier": x.entry.dossier or None,
            "nodes": {n.id: _num(n.score) for n in x.entry.nodes} if r.shared_scheme else None,
            "last_rank": x.last_rank, "last_value": _num(x.last_value),
            "verified": x.entry.verified, "self_total": _num(x.entry.own_total if x.entry.verified else x.entry.total),
        } for x in r.ranked],
        "grades": [{"grade": g, "count": n} for g, n in r.grades],
        "lost_rows": [{"id": w.id, "name": w.name, "points": _num(w.points), "bureaus": w.bureaus,
                       "lost": _num(w.lost)} for w in r.lost_rows],
        "failed": [{"source": f.source, "reason": f.reason} for f in r.failed],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- rollup.xlsx ------------------------------------------------------------------------------------


def _ranking_rows(r: Rollup) -> tuple[list[str], list[list[Any]]]:
    nodes = r.ranked[0].entry.nodes if r.shared_scheme and r.ranked else ()
    heads = ["名次", "单位", "单位代码", "年度", r.by, "等次", "依据", *(n.name for n in nodes)]
    if r.has_last:
        heads += ["上年名次", "名次变化", "得分变化"]
    rows = []
    for x in r.ranked:
        row: list[Any] = [x.rank, x.entry.bureau, x.entry.code, x.entry.year, _num(x.value), x.entry.grade, _basis(x.entry),
                          *(_num(n.score) for n in x.entry.nodes[: len(nodes)])]
        if r.has_last:
            moved = x.last_rank - x.rank if x.last_rank is not None else None
            change = _num(x.value - x.last_value) if x.last_value is not None else None
            row += [x.last_rank, moved, change]
        rows.append(row)
    return heads, rows


def to_xlsx(r: Rollup, stamp: datetime) -> bytes:
    import openpyxl

    from ..core.officezip import fixed_zip, stamp_of

    book = openpyxl.Workbook()
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [("排名", *_ranking_rows(r))]
    sheets.append(("等次分布", ["等次", "单位数"], [[g, n] for g, n in r.grades]))
    if r.shared_scheme:
        sheets.append(("失分较多的指标", ["编号", "指标", "赋分", "失分单位数", "合计失分"],
                       [[w.id, w.name, _num(w.points), w.bureaus, _num(w.lost)] for w in r.lost_rows]))
    sheets.append(("未能读取", ["来源", "原因"], [[f.source, f.reason] for f in r.failed]))
    first = book.active
    assert first is not None
    book.remove(first)
    for title, heads, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(heads)
        for row in rows:
            sheet.append(row)
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a bureau's name is never a formula
        sheet.freeze_panes = "A2"
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp_of(stamp))


# --- the site -----------------------------------------------------------------------------------------


def _basis(entry: Entry) -> str:
    return "核定" if entry.verified else "自评"


def _cell(value: Any) -> str:
    return html.escape(fmt(value) if isinstance(value, Decimal) else ("" if value is None else str(value)))


def _link(text: str, url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return html.escape(text)
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def _table(heads: list[str], rows: list[list[str]]) -> list[str]:
    """An HTML table (cells already escaped): hundreds of bureaus pass through Markdown untouched, and fast."""
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr></thead>", "<tbody>"]
    out += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return [*out, "</tbody>", "</table>", ""]


def _index(r: Rollup) -> str:
    nodes = r.ranked[0].entry.nodes if r.shared_scheme and r.ranked else ()
    out = ["# 汇总排名", ""]
    if not r.complete:
        out += ['!!! warning "排名不完整"', f"    有 {len(r.failed)} 个来源未能读取，排名只含其余 {len(r.ranked)} 个单位；"
                "见[来源与未能读取的](sources.md)。", ""]
    if r.shared_scheme:
        out.append(f"各单位使用同一考核方案，按总分排名，并列出各{md_text(_top_name(r))}得分。")
    else:
        out.append("各单位的考核方案不同，只比较折算为百分制的得分（总分 ÷ 满分 × 100），各项得分不作比较。")
    out += ["", _verified_note(r), "", f"并列规则：{TIE_RULE}。", ""]
    links = any(x.entry.site for x in r.ranked)  # folders have no address: no empty columns for them
    heads = ["名次", "单位", r.by, "等次", *(_cell(n.name) for n in nodes), *(["网站", "材料汇编"] if links else [])]
    if r.has_last:
        heads[3:3] = ["上年名次", "变化"]
    rows = []
    for x in r.ranked:
        mark = ' <span class="zwgk-verified-badge">核定</span>' if x.entry.verified else ""
        cells = [str(x.rank), _cell(x.entry.bureau) + mark, _cell(x.value), _cell(x.entry.grade),
                 *(_cell(n.score) for n in x.entry.nodes[: len(nodes)])]
        if links:
            cells += [_link("网站", x.entry.site) if x.entry.site else "",
                      _link("PDF", x.entry.dossier) if x.entry.dossier else ""]
        if r.has_last:
            moved = "新" if x.last_rank is None else fmt_signed(Decimal(x.last_rank - x.rank))
            cells[3:3] = [str(x.last_rank or ""), moved]
        rows.append(cells)
    out += _table(heads, rows)
    out += ["## 等次分布", ""]
    out += _table(["等次", "单位数"], [[_cell(g) or "（无等次）", str(n)] for g, n in r.grades])
    return "\n".join(out) + "\n"


def _verified_note(r: Rollup) -> str:
    """Which figure the ranking used: the assessors' 核定 figures where they came back, else the self-score."""
    if not r.verified:
        return "各单位均按自评得分排名（各单位的 scores.json 都没有考核组核定分）。"
    if r.verified == len(r.ranked):
        return "各单位均按考核组核定得分排名（单位名称后标「核定」）；各项得分为自评得分。"
    return (f"{r.verified} 个单位按考核组核定得分排名（单位名称后标「核定」），其余 {len(r.ranked) - r.verified} 个单位"
            "尚无核定分，按自评得分排名；各项得分为自评得分。")


def _top_name(r: Rollup) -> str:
    return r.ranked[0].entry.top_level if r.ranked else "一级指标"


def _rows(r: Rollup) -> str:
    out = ["# 失分较多的指标", ""]
    if not r.shared_scheme:
        return "\n".join([*out, "各单位的考核方案不同，无法按指标比较。", ""])
    out += ["失分单位多的指标排在前面，是需要培训和指导的地方。", ""]
    out += _table(["编号", "指标", "赋分", "失分单位数", "合计失分"],
                  [[_cell(w.id), _cell(w.name), _cell(w.points), str(w.bureaus), _cell(w.lost)] for w in r.lost_rows])
    return "\n".join(out) + "\n"


def _sources(r: Rollup) -> str:
    out = ["# 来源与未能读取的", ""]
    out += _table(["单位", "来源"], [[_cell(x.entry.bureau), _cell(x.entry.source)] for x in r.ranked])
    out += ["## 未能读取的来源", ""]
    if not r.failed:
        return "\n".join([*out, "无：所有来源都已读取。", ""])
    out += _table(["来源", "原因"], [[_cell(f.source), _cell(f.reason)] for f in r.failed])
    return "\n".join(out) + "\n"


def build_site(r: Rollup, title: str, target: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = Path(tempfile.mkdtemp(prefix=".rollup-docs.", dir=target.parent))
    try:
        pages = {"index.md": _index(r), "rows.md": _rows(r), "sources.md": _sources(r)}
        for name, text in pages.items():
            (docs / name).write_text(text, encoding="utf-8")
        shutil.copytree(TEMPLATES / "assets", docs / "assets")
        cfg = load_config(str(DEFAULT_CONFIG), docs_dir=str(docs), site_dir=str(target), strict=True,
                          site_name=plain_title(title), plugins=[],  # three pages: no search
                          nav=[{"汇总排名": "index.md"}, {"失分较多的指标": "rows.md"}, {"来源": "sources.md"}])
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    finally:
        shutil.rmtree(docs, ignore_errors=True)


# --- the command ---------------------------------------------------------------------------------------


def _read_last(folder: Path | None) -> dict[str, Any] | None:
    if folder is None:
        return None
    path = folder / "rollup.json" if folder.is_dir() else folder
    try:
        value = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError(f"--last {folder}：读不到上年的 rollup.json") from None
    return value if isinstance(value, dict) else None


def cmd_rollup(root: Path, args: argparse.Namespace) -> int:
    out = (args.out or root / "build" / "rollup").resolve()
    last = _read_last(args.last)
    results = read_all(list(args.sources), workers=args.jobs)
    try:
        r = rank(results, last)
    except RollupError as exc:
        for message in exc.messages:
            print(f"错误：{message}", file=sys.stderr)
        print("汇总未完成；未写出任何文件", file=sys.stderr)
        return 1
    years = sorted({x.entry.year for x in r.ranked})
    title = f"{'、'.join(map(str, years))}年度政务公开考核汇总" if years else "政务公开考核汇总"
    stamp = datetime(max(years or [2000]), 12, 31)
    staging = Staging(out)
    try:
        (staging.path / "rollup.json").write_text(to_json(r), encoding="utf-8")
        (staging.path / "rollup.xlsx").write_bytes(to_xlsx(r, stamp))
        build_site(r, title, staging.path / "site")
        staging.commit()
    finally:
        staging.close()
    for f in r.failed:
        print(f"未能读取：{f.source}：{f.reason}", file=sys.stderr)
    state = "完整" if r.complete else f"不完整，{len(r.failed)} 个来源未能读取"
    print(f"已写出 {out}：{len(r.ranked)} 个单位的排名（{state}）：rollup.json、rollup.xlsx、site/")
    return 0
