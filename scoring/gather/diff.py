"""Compare the scores of two git revisions: ``python build.py diff BASE [HEAD]``.

Each side is exported from git into a temporary folder (``git archive``) and
checked and scored there, so the user's working tree, index and worktree list
are never touched. HEAD defaults to the working tree itself. Only the data
makes a difference: a score depends on nothing else (``--as-of`` only moves the
date the to-do lists and deadline views are judged by, which a diff does not
show). A side that fails its check is not a crash: its errors are part of the diff.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.figures import fmt, fmt_signed
from ..core.problems import DataError, Problem, Severity, UsageError
from ..score.score import STATUS_LABELS, RowScore, ScoreTable
from . import codechange
from .gitrepo import GitError, Revision, build_info, checked_out, git_prefix, resolve
from .pipeline import check_and_score, file_facts

SCHEMA_VERSION = 2
WORKTREE = "工作区"


# --- one side ---------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    label: str
    commit: str  # "" for the working tree
    table: ScoreTable | None  # None when the side did not pass its check
    problems: tuple[Problem, ...]
    files: dict[str, str]  # path under a data folder (gitrepo.DATA_DIRS) → sha256 of its bytes

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == Severity.WARNING)


def file_hashes(root: Path) -> dict[str, str]:
    return {path: facts.sha256 for path, facts in file_facts(root).items()}


def load_side(data_root: Path, label: str, commit: str) -> Side:
    """Check and score one side; a side that fails its check keeps its problems instead of a table."""
    if not (data_root / "indicators").is_dir():
        missing = Problem("indicators/", 0, Severity.ERROR, "该版本中没有 indicators/（考核方案），无法计分")
        return Side(label, commit, None, (missing,), file_hashes(data_root))
    try:
        checked = check_and_score(data_root)
    except DataError as exc:
        return Side(label, commit, None, tuple(exc.problems), file_hashes(data_root))
    return Side(label, commit, checked.table, checked.problems,
                {path: facts.sha256 for path, facts in checked.files.items()})


def load_revision(root: Path, rev: Revision) -> Side:
    with checked_out(root, rev.commit) as data_root:
        return load_side(data_root, rev.label, rev.commit)


# --- the comparison ---------------------------------------------------------


@dataclass(frozen=True)
class LineChange:
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class RowChange:
    id: str
    name: str
    level1: str
    before: Decimal | None  # None: the row is not in that side's scheme
    after: Decimal | None
    status_before: str
    status_after: str
    removed: tuple[LineChange, ...]
    added: tuple[LineChange, ...]

    @property
    def delta(self) -> Decimal | None:
        return self.after - self.before if self.before is not None and self.after is not None else None


@dataclass(frozen=True)
class LevelChange:
    id: str
    name: str
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class FileChanges:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.renamed)


@dataclass(frozen=True)
class ScoreDiff:
    base: Side
    head: Side
    levels: tuple[LevelChange, ...]
    rows: tuple[RowChange, ...]
    evidence: FileChanges
    scheme: FileChanges
    new_problems: tuple[Problem, ...]
    fixed_problems: tuple[Problem, ...]
    code_changes: tuple[str, ...] = ()  # program or configuration files changed: a maintainer must review
    results: FileChanges = FileChanges()  # results/: the assessors' 核定分, the comparison with last year

    @property
    def total_changed(self) -> bool:
        b, h = self.base.table, self.head.table
        if b is None or h is None:
            return (b is None) != (h is None)
        return (b.total, b.normalised, b.grade) != (h.total, h.normalised, h.grade)

    @property
    def unchanged(self) -> bool:
        return not (self.total_changed or self.levels or self.rows or self.evidence or self.scheme or self.results
                    or self.new_problems or self.fixed_problems)


def _all_rows(table: ScoreTable | None) -> dict[str, RowScore]:
    if table is None:
        return {}
    return {r.indicator.id: r for r in (*table.rows, *table.comprehensive, *table.major)}


def _line_counts(row: RowScore | None) -> Counter[LineChange]:
    return Counter(LineChange(ln.amount, ln.reason) for ln in row.lines) if row else Counter()


def _row_change(ident: str, before: RowScore | None, after: RowScore | None) -> RowChange | None:
    b_score = before.score if before else None
    a_score = after.score if after else None
    b_status = before.status if before else ""
    a_status = after.status if after else ""
    if b_score == a_score and b_status == a_status:
        return None
    shown = after or before
    assert shown is not None
    old, new = _line_counts(before), _line_counts(after)
    return RowChange(ident, shown.indicator.name, shown.indicator.level1, b_score, a_score, b_status, a_status,
                     tuple((old - new).elements()), tuple((new - old).elements()))


def compare_rows(base: ScoreTable | None, head: ScoreTable | None) -> tuple[RowChange, ...]:
    """Rows whose score or evidence status differs, in the head's table order."""
    if base is None or head is None:
        return ()
    old, new = _all_rows(base), _all_rows(head)
    order = list(new) + [i for i in old if i not in new]
    changes = (_row_change(i, old.get(i), new.get(i)) for i in order)
    return tuple(c for c in changes if c is not None)


def compare_levels(base: ScoreTable | None, head: ScoreTable | None) -> tuple[LevelChange, ...]:
    if base is None or head is None:
        return ()
    old = {lv.node.id: lv for lv in base.levels}
    new = {lv.node.id: lv for lv in head.levels}
    out = []
    for ident in list(new) + [i for i in old if i not in new]:
        b, a = old.get(ident), new.get(ident)
        shown = a if a is not None else b
        assert shown is not None
        if (b.score if b else None) != (a.score if a else None):
            out.append(LevelChange(ident, shown.node.name, b.score if b else None, a.score if a else None))
    return tuple(out)


def compare_files(base: dict[str, str], head: dict[str, str], top: str) -> FileChanges:
    """Files under ``top`` added, changed, removed or renamed (same content, new path)."""
    old = {p: h for p, h in base.items() if p.startswith(top + "/")}
    new = {p: h for p, h in head.items() if p.startswith(top + "/")}
    added = [p for p in new if p not in old]
    removed = [p for p in old if p not in new]
    renamed: list[tuple[str, str]] = []
    for path in list(removed):
        twin = next((a for a in added if new[a] == old[path]), None)
        if twin is not None:
            renamed.append((path, twin))
            removed.remove(path)
            added.remove(twin)
    changed = [p for p in new if p in old and new[p] != old[p]]
    return FileChanges(tuple(added), tuple(changed), tuple(removed), tuple(renamed))


def _problem_key(p: Problem) -> tuple[str, str, str]:
    return (p.path, p.severity.value, p.message)  # line numbers shift when a file is edited


def compare_problems(base: Side, head: Side) -> tuple[tuple[Problem, ...], tuple[Problem, ...]]:
    """(new in head, gone from head): errors and warnings only, compared without their line."""
    def relevant(side: Side) -> list[Problem]:
        return [p for p in side.problems if p.severity != Severity.NOTICE]

    old = {_problem_key(p) for p in relevant(base)}
    new = {_problem_key(p) for p in relevant(head)}
    return (tuple(p for p in relevant(head) if _problem_key(p) not in old),
            tuple(p for p in relevant(base) if _problem_key(p) not in new))


def compare(base: Side, head: Side) -> ScoreDiff:
    new_problems, fixed = compare_problems(base, head)
    return ScoreDiff(
        base=base, head=head,
        levels=compare_levels(base.table, head.table), rows=compare_rows(base.table, head.table),
        evidence=compare_files(base.files, head.files, "evidence"),
        scheme=compare_files(base.files, head.files, "indicators"),
        new_problems=new_problems, fixed_problems=fixed,
        results=compare_files(base.files, head.files, "results"),
    )


def diff_revisions(root: Path, base_name: str, head_name: str | None) -> ScoreDiff:
    """Score BASE and HEAD (None: the working tree)."""
    git_prefix(root)
    base = resolve(root, base_name)
    head = resolve(root, head_name) if head_name is not None else None
    base_side = load_revision(root, base)
    if head is None:
        head_side = load_side(root, WORKTREE + ("（含未提交的修改）" if _dirty(root) else ""), "")
    else:
        head_side = load_revision(root, head)
    code = codechange.changed_code(root, base.commit, head.commit if head else None)
    return dataclasses.replace(compare(base_side, head_side), code_changes=code)


def _dirty(root: Path) -> bool:
    return build_info(root).dirty


# --- Markdown ---------------------------------------------------------------


def _score(table: ScoreTable | None) -> str:
    return f"{fmt(table.total)} / {fmt(table.full_marks)}" if table else "无法计分"


def _delta(before: Decimal | None, after: Decimal | None) -> str:
    if before is None or after is None:
        return "—"
    return fmt_signed(after - before) if after != before else "0"


def _cell(text: str) -> str:
    """Text inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _opt(value: Decimal | None) -> str:
    return fmt(value) if value is not None else "—"


def _summary_table(d: ScoreDiff) -> list[str]:
    b, h = d.base.table, d.head.table
    lines = [f"| | 基准 {d.base.label} | 本次 {d.head.label} | 变化 |", "|---|---:|---:|---:|",
             f"| 总分 | {_score(b)} | {_score(h)} | {_delta(b.total if b else None, h.total if h else None)} |"]
    if (b and b.normalised is not None) or (h and h.normalised is not None):
        bn, hn = (b.normalised if b else None), (h.normalised if h else None)
        lines.append(f"| 折算百分制 | {_opt(bn)} | {_opt(hn)} | {_delta(bn, hn)} |")
    lines.append(f"| 等次 | {b.grade if b else '—'} | {h.grade if h else '—'} | |")
    lines.append(f"| 错误 / 警告 | {d.base.errors} / {d.base.warnings} | {d.head.errors} / {d.head.warnings} | |")
    return lines


def _headline(d: ScoreDiff) -> str:
    if d.unchanged:
        return "**无变化**：得分、证据文件和校验结果都与基准版本相同。"
    if d.head.table is None:
        return f"**本次版本未通过校验**（错误 {d.head.errors} 个），无法计分；请先修正下面列出的错误。"
    b, h = d.base.table, d.head.table
    if b is None:
        return f"基准版本未通过校验，无法比较总分；本次总分 {fmt(h.total)}，等次{h.grade}。"
    if b.total == h.total:
        return f"总分不变（{fmt(h.total)}），等次{h.grade}。"
    grade = f"等次仍为{h.grade}" if b.grade == h.grade else f"等次{b.grade} → {h.grade}"
    return f"总分 {fmt(b.total)} → {fmt(h.total)}（{fmt_signed(h.total - b.total)}），{grade}。"


def _row_lines(rows: Sequence[RowChange]) -> list[str]:
    out = [f"### 得分有变化的指标（{len(rows)} 项）", "",
           "| 编号 | 指标 | 之前 | 之后 | 变化 | 材料状态 |", "|---|---|---:|---:|---:|---|"]
    for r in rows:
        status = STATUS_LABELS.get(r.status_after, "已从方案中删除")
        if r.status_before and r.status_before != r.status_after:
            status = f"{STATUS_LABELS.get(r.status_before, '')} → {status}"
        out.append(f"| `{r.id}` | {_cell(r.name)} | {_opt(r.before)} | {_opt(r.after)} | {_delta(r.before, r.after)} "
                   f"| {status} |")
    for r in rows:
        if r.removed or r.added:
            out += ["", f"**`{r.id}` {r.name}** 的计分明细：", "", "```diff"]
            out += [f"- {fmt_signed(ln.amount):>5}  {ln.reason}" for ln in r.removed]
            out += [f"+ {fmt_signed(ln.amount):>5}  {ln.reason}" for ln in r.added]
            out.append("```")
    return out


def _level_lines(levels: Sequence[LevelChange], name: str) -> list[str]:
    out = [f"### {name}得分", "", f"| {_cell(name)} | 之前 | 之后 | 变化 |", "|---|---:|---:|---:|"]
    out += [f"| {_cell(lv.name)} | {_opt(lv.before)} | {_opt(lv.after)} | {_delta(lv.before, lv.after)} |"
            for lv in levels]
    return out


def _file_lines(title: str, files: FileChanges) -> list[str]:
    out = [f"### {title}", ""]
    out += [f"- 新增 `{p}`" for p in files.added]
    out += [f"- 修改 `{p}`" for p in files.changed]
    out += [f"- 改名 `{a}` → `{b}`" for a, b in files.renamed]
    out += [f"- 删除 `{p}`" for p in files.removed]
    return out


def _problem_lines(title: str, problems: Sequence[Problem]) -> list[str]:
    out = [f"### {title}（{len(problems)} 个）", ""]
    for p in problems:
        where = f"{p.path}:{p.line}" if p.line else p.path
        out.append(f"- `{where}` {p.severity.value}：{p.message}")
    return out


def to_markdown(d: ScoreDiff) -> str:
    out = ["## 得分变化", ""]
    if d.code_changes:
        out += [f"> **{codechange.NOTICE}**：" + "、".join(f"`{p}`" for p in d.code_changes), ""]
    out += [_headline(d), "", *_summary_table(d)]
    sections: list[list[str]] = []
    if d.new_problems:
        sections.append(_problem_lines("本次新出现的错误和警告", d.new_problems))
    if d.rows:
        sections.append(_row_lines(d.rows))
    if d.levels:
        table = d.head.table or d.base.table  # the scheme names its top level (一级指标, 类别 …)
        sections.append(_level_lines(d.levels, table.scheme.top_name if table else "一级指标"))
    if d.evidence:
        sections.append(_file_lines("证据文件变化", d.evidence))
    if d.scheme:
        sections.append(_file_lines("考核方案文件变化", d.scheme))
    if d.results:
        sections.append(_file_lines("核定分与上年比较文件变化（results/）", d.results))
    if d.fixed_problems:
        sections.append(_problem_lines("本次已解决的错误和警告", d.fixed_problems))
    for section in sections:
        out += ["", *section]
    return "\n".join(out) + "\n"


# --- JSON -------------------------------------------------------------------


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _side_json(side: Side) -> dict[str, Any]:
    t = side.table
    return {"label": side.label, "commit": side.commit or None, "ok": t is not None,
            "total": _num(t.total) if t else None, "full_marks": _num(t.full_marks) if t else None,
            "normalised": _num(t.normalised) if t else None, "grade": t.grade if t else None,
            "levels": {lv.node.id: _num(lv.score) for lv in t.levels} if t else {},
            "errors": side.errors, "warnings": side.warnings}


def _problem_json(p: Problem) -> dict[str, Any]:
    return {"path": p.path, "line": p.line, "severity": p.severity.name.lower(), "message": p.message, "code": p.code}


def _files_json(files: FileChanges) -> dict[str, Any]:
    return {"added": list(files.added), "changed": list(files.changed), "removed": list(files.removed),
            "renamed": [{"from": a, "to": b} for a, b in files.renamed]}


def to_json(d: ScoreDiff) -> str:
    b, h = d.base.table, d.head.table
    doc = {
        "schema": SCHEMA_VERSION, "unchanged": d.unchanged,
        "base": _side_json(d.base), "head": _side_json(d.head),
        "total_delta": _num(h.total - b.total) if b and h else None,
        "levels": [{"id": lv.id, "name": lv.name, "before": _num(lv.before), "after": _num(lv.after)}
                   for lv in d.levels],
        "rows": [{"id": r.id, "name": r.name, "level1": r.level1, "before": _num(r.before), "after": _num(r.after),
                  "delta": _num(r.delta), "status_before": r.status_before or None, "status_after": r.status_after or None,
                  "removed": [{"amount": _num(ln.amount), "reason": ln.reason} for ln in r.removed],
                  "added": [{"amount": _num(ln.amount), "reason": ln.reason} for ln in r.added]} for r in d.rows],
        "evidence": _files_json(d.evidence), "scheme": _files_json(d.scheme), "results": _files_json(d.results),
        "new_problems": [_problem_json(p) for p in d.new_problems],
        "fixed_problems": [_problem_json(p) for p in d.fixed_problems],
        "code_changes": list(d.code_changes),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


# --- the command ------------------------------------------------------------


def cmd_diff(root: Path, args: argparse.Namespace) -> int:
    """Print the diff; exit 0 even when HEAD has errors (they are part of the output)."""
    try:
        result = diff_revisions(root, args.base, args.head)
    except GitError as exc:
        raise UsageError(f"git 执行失败：{exc}") from None
    print(to_json(result) if args.json else to_markdown(result), end="")
    return 0
