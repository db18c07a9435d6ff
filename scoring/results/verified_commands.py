"""The commands of the assessors' 核定分: ``verified-export`` and ``verified-import FILE`` (scoring/score/verified.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.output import write_files
from ..core.problems import UsageError
from ..gather.pipeline import check_and_score
from ..load.load import load_scheme
from ..score.verified import VERIFIED_FILE, export_table, read_returned, to_yaml


def cmd_verified_export(root: Path, args: argparse.Namespace) -> int:
    checked = check_and_score(root)
    out = (args.out or root / "build").resolve()
    write_files(out, {"verified-export.xlsx": export_table(checked.table)})
    print(f"已写出 {out / 'verified-export.xlsx'}：请考核组在“核定得分”“核定意见”两列填写后返回，"
          "再用 python build.py verified-import 读入")
    return 0


def cmd_verified_import(root: Path, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"文件 {path} 不存在")
    scheme, _ = load_scheme(root)
    if scheme is None:
        raise UsageError("考核方案有错误，请先运行 python build.py check")
    rows, found = read_returned(path, scheme)
    if found:
        for message in found:
            print(f"错误：{message}", file=sys.stderr)
        print(f"核定表有 {len(found)} 处错误；未写出任何文件", file=sys.stderr)
        return 1
    write_files(root / "results", {"verified.yaml": to_yaml(rows, path.name).encode("utf-8")})
    print(f"已写出 {VERIFIED_FILE}：{len(rows)} 行核定得分（其余 {len(scheme.rows) - len(rows)} 行沿用自评得分）；"
          "请提交合并请求审核")
    return 0
