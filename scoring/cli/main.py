"""The command line: parse arguments, call the pipeline, print, set the exit code.

Exit codes: 0 success, 1 bad data, 2 bad usage. No traceback reaches a user.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from ..core import envvars
from ..core.figures import fmt
from ..core.problems import DataError, Problem, Severity, UsageError, printable
from ..gather.collect import gather
from ..gather.project import Project
from ..model.values import Edition
from ..render import tables
from ..render.dossier.pdfjobs import default_jobs
from ..render.edition import edition_of
from ..render.outputs import Settings, build, output_dir, site_cache

_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的命令 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _zh  # type: ignore[attr-defined]  # argparse's own messages, in Chinese


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是 YYYY-MM-DD 格式的日期") from None


def _parser() -> _Parser:
    common = _Parser(add_help=False)
    common.add_argument("--project", type=Path, default=Path("."), metavar="目录",
                        help="项目目录（含 indicators/ 和 evidence/），默认当前目录")
    common.add_argument("--strict", action="store_true", help="把警告也当作错误（用于 CI）")
    common.add_argument("--out", type=Path, default=None, metavar="目录", help="输出目录，默认为项目下的 build/")
    common.add_argument("--as-of", type=_date, default=None, metavar="日期",
                        help="待办清单和时限（已过、将到）按哪一天判断，默认取最近一次提交的日期；不影响得分")
    parser = _Parser(prog="python build.py", description="政务公开考核：校验证据、计分、生成审阅网站和 PDF 材料汇编。",
                     epilog=envvars.help_text(), formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    sub.required = True
    for name, text in COMMANDS_HELP.items():
        sub.add_parser(name, parents=[common], help=text, description=text)
    sub.choices["check"].add_argument("--scheme-notes", action="store_true",
                                      help="逐条列出方案核查提示（关于考核方案原文的提示，默认只给条数）")
    _diff_and_new_arguments(sub.choices)
    _import_arguments(sub.choices)
    for name in OUTPUTS:
        sub.choices[name].add_argument(
            "--edition", choices=[e.value for e in Edition], default=Edition.INTERNAL.value, metavar="版本",
            help="internal（内部审阅版，默认：全部材料）或 public（公开版：标为 visibility: public 以外的材料只列编号"
                 "和计分，写出后检查有无内部材料泄露；可对外发布的只有公开版）")
    for name, what in (("site", "生成网站的证据页时"), ("pdf", "生成 PDF 时"), ("all", "生成网站的证据页和 PDF 时")):
        sub.choices[name].add_argument("--jobs", type=_jobs, default=None, metavar="N",
                                       help=f"{what}并行的进程数，默认为环境变量 ZWGK_JOBS 或本机的处理器核数；1 为不并行")
    return parser


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是正整数")
    return int(text)


def _default_jobs() -> int:
    """``--jobs`` when it is not given: ZWGK_JOBS, else the processors this process may run on."""
    named = envvars.get("ZWGK_JOBS")
    if not named:
        return default_jobs()
    try:
        return _jobs(named)
    except argparse.ArgumentTypeError:
        raise UsageError(f"环境变量 ZWGK_JOBS 应为正整数，现在是“{printable(named)}”") from None


def _diff_and_new_arguments(parsers: dict[str, _Parser]) -> None:
    """The arguments of ``diff`` and ``new``, the two commands that do not score one gathered project."""
    diff = parsers["diff"]
    diff.add_argument("base", metavar="BASE", help="基准版本：提交编号、分支或标签，如 origin/main、HEAD~1")
    diff.add_argument("head", metavar="HEAD", nargs="?", default=None,
                      help="要比较的版本，默认为当前工作区（含未提交的修改）")
    diff.add_argument("--json", action="store_true", help="输出 JSON（供程序读取），默认输出 Markdown")
    new = parsers["new"]
    new.add_argument("row", metavar="ROW", help="指标编号，如 zzld.yjbz（也可用指标名称）")
    new.add_argument("--unit", metavar="单位", help="提交材料的单位名称；指标只有一个责任单位时可省略")
    new.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="事情发生或材料形成的日期，默认今天")
    new.add_argument("--title", metavar="标题", help="材料标题，一句话说明做了什么；不填则留空待填写")
    new.add_argument("--kind", metavar="类型", help="材料类型，如 会议纪要、台账、网页截图；不填则留空待填写")


def _import_arguments(parsers: dict[str, _Parser]) -> None:
    """The arguments of ``import`` and ``export-scheme`` (the latter has only the common ones)."""
    imp = parsers["import"]
    imp.add_argument("file", metavar="FILE", help="考核组发来的考核表：.xlsx、.xls、.docx（.doc、.wps、.et 需先转换）")
    imp.add_argument("--to", metavar="目录", help="写入的项目目录（其下生成 indicators/），默认 import-年度")
    imp.add_argument("--sheet", metavar="名称", help="要导入的工作表名称，或 Word 中表格的序号（文件中有多个表格时）")
    imp.add_argument("--year", type=int, metavar="年度", help="考核年度，表格标题和文件名中都没有年度时使用")
    imp.add_argument("--force", action="store_true", help="目录中已有考核方案时，整体替换 indicators/")
    parsers["verified-import"].add_argument("file", metavar="FILE", help="考核组填好“核定得分”“核定意见”后返回的 .xlsx")
    parsers["compare-last"].add_argument("last", metavar="上年",
                                         help="上年的项目目录（含 indicators/），或本仓库的一个版本（如标签 2021）")
    roll = parsers["rollup"]
    roll.add_argument("sources", nargs="+", metavar="来源",
                      help="各单位构建的输出目录（含 scores.json），或已发布审阅网站的地址（http:// 或 https://）")
    roll.add_argument("--last", type=Path, default=None, metavar="目录",
                      help="上年汇总的输出目录（含 rollup.json），用于比较名次和得分的变化")
    roll.add_argument("--jobs", type=_jobs, default=16, metavar="N", help="同时读取的来源数，默认 16")


COMMANDS_HELP = {
    "check": "校验考核方案和全部证据，列出所有错误和警告",
    "score": "计分，在终端打印得分表，并写出 build/scores.json、scores.csv、scores.xlsx",
    "site": "生成审阅网站 build/site/",
    "pdf": "生成 PDF 材料汇编 build/dossier.pdf",
    "serve": "本地预览审阅网站，indicators/ 或 evidence/ 有改动时自动重新生成",
    "all": "校验、计分，并一次写出得分表、审阅网站、PDF 材料汇编、自评报告和政府信息公开工作年度报告初稿",
    "annual-report": "由台账和考核结果起草政府信息公开工作年度报告，写出 build/annual-report.docx",
    "self-report": "起草自评报告，写出 build/自评报告.docx 和可编辑的文字稿 自评报告.md",
    "diff": "比较两个版本（git 提交）的得分、证据文件和校验结果，输出 Markdown（或 --json）",
    "new": "为一项指标新建证据文件，列出该指标计分所需的全部事实，待填写",
    "import": "从考核组发来的考核表（Excel 或 Word）导入考核方案，写出 indicators/ 和导入报告",
    "export-scheme": "把考核方案导出为考核表格式的 Excel 和 Word 文件 build/scheme-export.xlsx、.docx（附“方案设置”，可原样导入）",
    "verified-export": "写出给考核组填写核定得分的表格 build/verified-export.xlsx（其他单元格锁定）",
    "verified-import": "读入考核组返回的核定表，写出 results/verified.yaml（经合并请求审核后生效）",
    "compare-last": "与上年比较：按编号、再按名称对应两年的指标，写出 build/lastyear.xlsx 和指标对照表 results/lastyear-map.yaml",
    "rollup": "汇总多个单位的得分（各单位的输出目录或已发布网站的地址），写出排名 build/rollup/",
}


# What each command writes (names of scoring.render.outputs.OUTPUTS), after gathering and checking.
OUTPUTS: dict[str, tuple[str, ...]] = {
    "check": (),
    "score": ("tables",),
    "site": ("site",),
    "pdf": ("pdf",),
    "all": ("tables", "site", "pdf", "selfreport", "annual-report"),
    "annual-report": ("annual-report",),
    "self-report": ("selfreport",),
}
# Commands that report every problem and what is still owed (the others print only warnings).
REPORTS = ("check", "all")


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def _summary(problems: Sequence[Problem]) -> str:
    counts = {s: sum(1 for p in problems if p.severity == s) for s in Severity}
    return (f"错误 {counts[Severity.ERROR]} 个，警告 {counts[Severity.WARNING]} 个，"
            f"方案核查提示 {counts[Severity.NOTICE]} 条")


# Where the scheme's notices are listed in full; the terminal gives their count only, unless asked.
NOTES_WHERE = "见审阅网站的“方案核查”页（check/），或运行 python build.py check --scheme-notes 逐条列出"


def report(project: Project, scheme_notes: bool = False) -> None:
    """What ``check`` prints: the person's own errors and warnings first, the scheme's notices as one line (all of
    them with ``scheme_notes``), the counts, and the facts rows still owe."""
    own = [p for p in project.problems if p.severity != Severity.NOTICE]
    notices = [p for p in project.problems if p.severity == Severity.NOTICE]
    _print_problems(own)
    if scheme_notes:
        _print_problems(notices)
    elif notices:
        print(f"方案核查提示 {len(notices)} 条（关于考核方案原文，与证据无关），{NOTES_WHERE}", file=sys.stderr)
    print(f"校验通过：{len(project.scheme.rows)} 项指标，{len(project.evidence)} 份证据；{_summary(project.problems)}")
    owing = [r for r in project.table.rows if r.missing_facts]
    if owing:
        print(f"以下 {len(owing)} 项指标还缺少计分所需的事实（缺少的部分按最不利情形计分）：")
        for r in owing:
            units = "、".join(r.indicator.units) or "未指定责任单位"
            print(f"  {r.indicator.id} {r.indicator.name}（{units}）：缺少 {'、'.join(r.missing_facts)}，"
                  f"可挽回 {fmt(r.at_risk)} 分")


def run(root: Path, args: argparse.Namespace) -> int:
    """gather → report → build: the commands that check one project and write its outputs."""
    outputs = OUTPUTS[args.command]
    out = output_dir(root, args.out) if outputs else None
    project = gather(root, strict=args.strict, as_of=args.as_of, with_git="site" in outputs)
    if args.command in REPORTS:
        report(project, getattr(args, "scheme_notes", False))
    else:
        _print_problems([p for p in project.problems if p.severity == Severity.WARNING])
    edition = Edition(args.edition)
    project, guard = edition_of(project, edition)
    if out is None:
        if edition is Edition.PUBLIC:
            print(f"{edition.label}：可以生成（标为可公开的文件中没有未登记的个人信息）")
        return 0
    jobs = getattr(args, "jobs", None) or _default_jobs()
    written = build(project, outputs, out, guard=guard, settings=Settings(jobs=jobs, cache=site_cache(out)))
    if "tables" in outputs:
        sys.stdout.write(tables.terminal(project.table))
        if project.verified is not None:
            sys.stdout.write(tables.verified_lines(project.table, project.verified))
    for w in written:
        for message in w.warnings:
            print(message, file=sys.stderr)
    print(f"已写出 {out}（{edition.label}）：" + "；".join(w.summary for w in written))
    if "site" in outputs:
        print("本地预览请运行 python build.py serve")
    return 0


def _dispatch(root: Path, args: argparse.Namespace) -> int:
    """Run the command ``args`` names on the project at ``root``; the build commands go through ``run``."""
    if args.command == "serve":  # keeps running and shows errors instead of stopping on them
        from .preview import serve

        return serve(root, args)
    if args.command == "diff":  # scores two git revisions, each gathered on its own
        from ..gather.diff import cmd_diff

        return cmd_diff(root, args)
    if args.command == "import":  # reads a table, writes a new scheme; needs no project
        from ..importer import cmd_import

        return cmd_import(args)
    if args.command == "export-scheme":  # needs only the scheme
        from ..importer import cmd_export

        return cmd_export(root, args)
    if args.command in ("verified-export", "verified-import"):  # the assessors' 核定分, both ways
        from ..results.verified_commands import cmd_verified_export, cmd_verified_import

        return (cmd_verified_export if args.command == "verified-export" else cmd_verified_import)(root, args)
    if args.command == "compare-last":  # this year against last year
        from ..results.lastyear_command import cmd_compare_last

        return cmd_compare_last(root, args)
    if args.command == "rollup":  # reads other bureaus' published scores; needs no project
        from ..results.rollupout import cmd_rollup

        return cmd_rollup(root, args)
    if args.command == "new":  # needs only the scheme, and works while evidence has errors
        from ..load.scaffold import cmd_new

        return cmd_new(root, args)
    return run(root, args)


def main(argv: Sequence[str] | None = None) -> int:
    # numpy (under the score tables) starts a BLAS thread pool as it loads. Nothing here does linear algebra, and a
    # process of one thread may fork the helpers that render the site's pages (scoring/render/site/sitecache.py).
    envvars.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        args = _parser().parse_args(argv)
        root = args.project.resolve()
        if not root.is_dir():
            raise UsageError(f"项目目录 {args.project} 不存在")
        return _dispatch(root, args)
    except UsageError as exc:
        print(f"用法错误：{exc}\n运行 python build.py --help 查看用法", file=sys.stderr)
        return 2
    except DataError as exc:
        # Scheme notices are shown by a successful check; here only what stops the build.
        _print_problems([p for p in exc.problems if p.severity != Severity.NOTICE])
        print(f"校验未通过：{_summary(exc.problems)}；未写出任何文件", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except MemoryError:
        print("错误：内存不足，构建已停止，未写出任何文件；请关闭其他程序后重试，或用 --jobs 1 少开进程", file=sys.stderr)
        return 1
    except Exception as exc:  # last resort: a bug must still not show a user a traceback
        if getattr(exc, "plain", False):  # a message that says what happened and what to do (pdfjobs.WorkerDied)
            print(f"错误：{exc}", file=sys.stderr)
            return 1
        if envvars.get("ZWGK_DEBUG"):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}\n这是程序的缺陷，不是您的数据问题；请把这条信息告诉维护人员"
              "（设置环境变量 ZWGK_DEBUG=1 可看到详细信息）", file=sys.stderr)
        return 1
