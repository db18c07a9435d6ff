"""The Chinese import report: printed to the terminal and written beside the scheme."""

from __future__ import annotations

from ..model.rules import KINDS
from .assemble import Assembled


def kind_name(kind: str) -> str:
    """A kind's name in the report: its ``short`` name where it has one, else its label (the kind when unknown)."""
    cls = KINDS.get(kind)
    return (cls.short or cls.label) if cls else kind


def report(result: Assembled, source: str, table: str) -> str:
    lines = ["# 考核表导入报告", "", f"- 来源：{source}（{table}）", "- 写入：本目录下的 indicators/",
             f"- 读取指标行：{result.rows} 行（含综合加分项、重大扣分项）",
             f"- 识别出的规则：{sum(result.kinds.values())} 条；需要人工核定：{len(result.reviews)} 条", ""]
    lines += ["## 按规则类型", "", "| 规则类型 | 条数 |", "|---|---|"]
    lines += [f"| {kind_name(k)}（{k}） | {n} |" for k, n in sorted(result.kinds.items())]
    lines += ["", "## 需要人工核定的规则", ""]
    if result.reviews:
        lines += ["以下规则已按“人工评定”（manual）写入并标记 `needs_review: true`，原文照录。请对照考核方案改写为合适的规则，"
                  "或确认由考核组人工评定后删去该标记。", "", "| 位置 | 指标 | 原文 | 原因 |", "|---|---|---|---|"]
        lines += [f"| {r.where} | {r.id} {r.name} | {_cell(r.text)} | {r.reason} |" for r in result.reviews]
    else:
        lines.append("无。")
    if result.warnings:
        lines += ["", "## 提示", ""] + [f"- {w}" for w in result.warnings]
    if result.columns:
        lines += ["", "## 表格各列", "", "表头每一列或已读取，或说明未导入的原因。", "", "| 列 | 表头 | 用途 |", "|---|---|---|"]
        lines += [f"| 第{c + 1}列 | {_cell(text)} | {what} |" for c, text, what in result.columns]
    how = ("编号取自“方案设置”，与导出前的方案相同。" if result.restored else
           "编号按表中位置生成（一级 yjNN，行 yjNN.MM，综合加分项 jiafen.KK，重大扣分项 koufen.KK）。")
    lines += ["", "## 指标编号对照", "", how, "", "| 编号 | 原表位置 | 名称 |", "|---|---|---|"]
    lines += [f"| {ident} | {where} | {_cell(names)} |" for ident, where, names in result.ids]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def summary(result: Assembled, target: str) -> str:
    kinds = "，".join(f"{kind_name(k)} {n}" for k, n in sorted(result.kinds.items()))
    lines = [f"已导入 {result.rows} 行指标，识别规则 {sum(result.kinds.values())} 条（{kinds}）。"]
    if result.reviews:
        lines.append(f"需要人工核定 {len(result.reviews)} 条：")
        lines += [f"  {r.where}: {r.id} {r.name}：{r.reason}" for r in result.reviews]
    for warning in result.warnings:
        lines.append(f"  提示：{warning}")
    lines.append(f"已写出 {target}/indicators/ 和 {target}/import-report.md；请运行 python build.py check --project {target}")
    return "\n".join(lines)
