"""The keys of an evidence file's front matter, declared once as scoring/model/formats.py declares the scheme's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .formattypes import DATE_PATTERN, FILLED, TEXT_OR_TEXTS, URL, any_list, date_problem
from .params import TEXT, Env, ParamType, param


def _evidence_date(value: Any, env: Env) -> date:
    if not isinstance(value, date):
        problem = date_problem(value)
        if problem and "不存在" in problem:
            raise ValueError(problem)
        hint = f"：{problem}" if problem and "时刻" in problem else ""
        raise ValueError(f"日期“{value}”格式不对，应为 YYYY-MM-DD，如 2021-03-18{hint}")
    return value


def _attachment_names(value: Any, env: Env) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(n, str) and n.strip() for n in items):
        raise ValueError("attachments 应为文件名列表，如 [jiyao.pdf]")
    return tuple(items)


VISIBILITIES = ("internal", "public")


@dataclass(frozen=True, kw_only=True)
class EvidenceKeys:
    id: str | None = field(default=None, metadata=param(
        TEXT, "证据编号，只用小写字母、数字、点、横线；不填则取文件名（不含 .md）", "zzld-yjbz-2021-03"))
    indicator: str = field(metadata=param(FILLED, "所印证的指标编号（见“考核方案”各行的编号），或综合加分项、重大扣分项的编号",
                                          "zzld.yjbz"))
    unit: str = field(metadata=param(FILLED, "提交材料的责任组（科室、单位）名称，须为单位名录中的名称或别名", "综合组"))
    date: date = field(metadata=param(
        ParamType("日期", _evidence_date, lambda: {"type": "string", "pattern": DATE_PATTERN, "format": "date"},
                  whole=True),
        "事情发生或材料形成的日期（不是提交日期），格式 YYYY-MM-DD", "2021-03-18"))
    title: str = field(metadata=param(FILLED, "材料标题，一句话说明做了什么", "局党组会议研究政务公开工作"))
    kind: str = field(metadata=param(FILLED, "材料类型，如 会议纪要、台账、发文卡、网页截图、通报", "会议纪要"))
    url: str = field(default="", metadata=param(URL, "可在线核实的网页地址，以 http:// 或 https:// 开头",
                                                "https://xzspj.jcgov.gov.cn/"))
    attachments: tuple[str, ...] = field(default=(), metadata=param(
        ParamType("文件名列表", _attachment_names, TEXT_OR_TEXTS.schema, whole=True),
        "附件文件名列表，路径相对于本文件，且须在 evidence/ 目录内", "[jiyao.pdf]"))
    facts: Mapping[str, Any] | None = field(default=None, metadata=param(
        ParamType("映射", lambda v, env: _facts_mapping(v), lambda: {"type": "object"}, whole=True),
        "计分所需的事实，名称和类型见所印证指标的“所需事实”", "{研究事项: [政务服务公开]}"))
    visibility: str = field(default="internal", metadata=param(
        ParamType("internal / public", lambda v, env: _visibility(v), lambda: {"enum": list(VISIBILITIES)},
                  whole=True),
        "公开范围：internal（仅内部，默认）或 public（可公开）", "internal"))
    reviewed_personal_data: tuple[Any, ...] = field(default=(), metadata=param(
        ParamType("列表", any_list, lambda: {"type": "array", "items": {
            "type": "object", "properties": {"内容": {"type": "string"}, "理由": {"type": "string"}},
            "required": ["内容", "理由"], "additionalProperties": False}}),
        "已复核、确认可以公开的个人信息（检查提示“疑似个人信息”时填写），每项写明内容（或提示中的 sha256 指纹）和理由",
        "[{内容: zwgk@example.gov.cn, 理由: 单位公开的政务公开信箱}]"))


def _facts_mapping(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("facts 应为“事实名称: 值”的映射")
    return value


def _visibility(value: Any) -> str:
    if value not in VISIBILITIES:
        raise ValueError("visibility 应为 internal（仅内部）或 public（可公开）")
    return str(value)
