"""``python build.py compare-last LAST``: this year against last year (scoring/results/lastyear.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.output import write_files
from ..core.problems import DataError, Severity, UsageError
from ..gather.gitrepo import checked_out, resolve
from ..gather.pipeline import check_and_score
from ..score.lastyearfile import LASTYEAR_FILE
from ..score.lastyearfile import to_yaml as lastyear_yaml
from .lastyear import MAP_FILE, Year, compare, load_map, map_yaml, recorded, to_markdown, to_xlsx


def _last_year(root: Path, spec: str) -> Year:
    """Last year: another project folder, or a revision (tag, branch, commit) of this repository."""
    folder = Path(spec)
    try:
        if (folder / "indicators").is_dir():
            return Year.of(str(folder), check_and_score(folder.resolve(), with_lastyear=False))
        rev = resolve(root, spec)
        with checked_out(root, rev.commit) as data_root:
            return Year.of(f"版本 {spec}", check_and_score(data_root, with_lastyear=False))
    except DataError as exc:
        errors = [p for p in exc.problems if p.severity == Severity.ERROR]
        raise UsageError(f"上年（{spec}）的方案或证据有 {len(errors)} 个错误，无法比较；"
                         "请在上年的项目中运行 python build.py check") from None


def cmd_compare_last(root: Path, args: argparse.Namespace) -> int:
    now = Year.of("今年", check_and_score(root, with_lastyear=False))
    then = _last_year(root, args.last)
    fixed, problems = load_map(root, now.table, then.table)
    if problems:
        for p in problems:
            print(p.format(), file=sys.stderr)
        print(f"{MAP_FILE} 有错误；未写出任何文件", file=sys.stderr)
        return 1
    c = compare(now, then, fixed)
    out = (args.out or root / "build").resolve()
    write_files(out, {"lastyear.xlsx": to_xlsx(c), "lastyear.md": to_markdown(c).encode("utf-8")})
    wrote_map = not (root / MAP_FILE).exists()
    results = {"lastyear.yaml": lastyear_yaml(recorded(c)).encode("utf-8")}  # what every build compares with
    if wrote_map:
        results["lastyear-map.yaml"] = map_yaml(c).encode("utf-8")
    write_files(root / "results", results)
    print(f"今年总分 {c.total(now)}（{c.grade(now)}），上年 {c.total(then)}（{c.grade(then)}）；"
          f"对应的行 {len(c.matched)} 项，新增 {len(c.new)} 项，删去 {len(c.removed)} 项"
          f"（其中按名称对应 {sum(1 for p in c.matched if p.matched_by == '名称')} 项）")
    print(f"已写出 {out / 'lastyear.xlsx'}、lastyear.md 和 {LASTYEAR_FILE}（网站和 PDF 的“与上年比较”据此生成，请提交）"
          + (f"，以及指标对照表 {MAP_FILE}（请核对）" if wrote_map else ""))
    return 0
