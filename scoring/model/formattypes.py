"""The value types of the files' keys (scoring/model/formats.py) that only files use: ids, dates, years, counts,
non-empty texts, addresses, nested records and lists, size limits; each with its Chinese label and its JSON Schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.safeio import LIMIT_CEILINGS_MB
from .params import POINTS, Env, ParamType, _str, object_schema, read_fields

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
ID_PATTERN = "^[a-z0-9][a-z0-9._-]*$"
# Dates anywhere in a scheme or evidence: a year outside this is a typing slip (2201, 0021).
SANE_DATES = (date(1990, 1, 1), date(2099, 12, 31))
DATE_PATTERN = r"^(199\d|20\d\d)-\d\d-\d\d$"  # as SANE_DATES: 1990 to 2099
FACT_TYPES = ("items", "count", "number", "flag", "date", "adjustments")
COMBINE_MODES = ("sum", "once", "latest", "any", "all", "union", "collect")  # as scoring/model/combine.py
COMBINE_HELP = ("多个证据文件写了同一事实时如何合并：sum 相加（各报各的次数），once 只能由一个文件写明（全年总数、比率、分母），"
                "latest 以日期最晚的一份为准（会变化的状态），any 任一单位为是即可，all 每个单位都须为是，"
                "union 名称合并，collect 全部保留；不写则按类型：count 为 sum，number 为 once，flag 为 any"
                "（责任单位为“各组”等全体单位的行为 all），items 为 union，date、adjustments 为 collect")


# --- value types that only files use ----------------------------------------


def date_problem(value: Any) -> str | None:
    """Why a YAML value is not a usable date, or None."""
    if isinstance(value, date):
        if not SANE_DATES[0] <= value <= SANE_DATES[1]:
            return f"日期 {value.isoformat()} 不在合理范围内（{SANE_DATES[0].year}—{SANE_DATES[1].year}年），请检查年份"
        return None
    if isinstance(value, str) and re.match(r"^\d{4}-\d\d?-\d\d?[ Tt]\d", value.strip()):
        return f"“{value}”带有时刻：这里只能写日期 YYYY-MM-DD，如 2021-08-09"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value.strip()):  # the form, not a real day
        return _no_such_day(value.strip())
    return f"“{value}”不是 YYYY-MM-DD 格式的日期，如 2021-12-10"


def _no_such_day(text: str) -> str:
    import calendar

    year, month, _ = (int(part) for part in text.split("-"))
    low, high = SANE_DATES[0].year, SANE_DATES[1].year
    if not low <= year <= high:
        why = f"年份 {year:04d} 不在合理范围内（{low}—{high}年），请检查年份"
    elif not 1 <= month <= 12:
        why = f"没有 {month} 月"
    else:
        why = f"{year}年{month}月只有 {calendar.monthrange(year, month)[1]} 天"
    return f"日期 {text} 不存在：{why}"


def _day(value: Any, env: Env) -> date:
    problem = date_problem(value)
    if problem is not None:
        raise ValueError(problem)
    assert isinstance(value, date)
    return value


def _ident(value: Any, env: Env) -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise ValueError(f"“{value}”无效：只能用小写字母、数字、点和横线，以字母或数字开头")
    return value


def _year(value: Any, env: Env) -> int:
    low, high = SANE_DATES[0].year, SANE_DATES[1].year
    if isinstance(value, bool) or not isinstance(value, int):
        digits = re.sub(r"\D", "", str(value))[:4]
        example = digits if len(digits) == 4 else "2021"
        raise ValueError(f"应为四位数字的年份，如 {example}，而不是“{str(value)[:40]}”（不要写“年”“年度”等文字）")
    if not low <= value <= high:
        raise ValueError(f"年份 {value} 不在合理范围内（{low}—{high}），请检查")
    return value


def _count(value: Any, env: Env) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"应为非负整数，而不是“{str(value)[:40]}”")
    return value


def _text_or_texts(value: Any, env: Env) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(_str(v, env) for v in items)


def _filled(value: Any, env: Env) -> str:
    text = _str(value, env)
    if not text.strip():
        raise ValueError("不能为空")
    return text


def _url(value: Any, env: Env) -> str:
    if not (isinstance(value, str) and re.match(r"^https?://\S+$", value)):
        raise ValueError("网址应以 http:// 或 https:// 开头，且不含空格")
    return value


def any_list(value: Any, env: Env) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("应为列表（每项以“- ”开头，或写成 [ … ]）")
    return value


def any_mapping(value: Any, env: Env) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("应为“名称: 值”的映射")
    return value


DAY = ParamType("日期 YYYY-MM-DD", _day, lambda: {"type": "string", "pattern": DATE_PATTERN, "format": "date"})
IDENT = ParamType("编号（小写字母、数字、点、横线）", _ident, lambda: {"type": "string", "pattern": ID_PATTERN})
YEAR = ParamType("年份（四位数字）", _year, lambda: {"type": "integer", "minimum": SANE_DATES[0].year,
                                                    "maximum": SANE_DATES[1].year})
COUNT = ParamType("非负整数", _count, lambda: {"type": "integer", "minimum": 0})
FILLED = ParamType("文字（不能为空）", _filled, lambda: {"type": "string", "minLength": 1})
URL = ParamType("网址", _url, lambda: {"type": "string", "pattern": r"^https?://\S+$"}, whole=True)
TEXT_OR_TEXTS = ParamType("文字或文字列表", _text_or_texts, lambda: {
    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})


def raw_list(label: str, items: Any) -> ParamType:
    """A list the loader reads item by item itself (rows, rules, items): each with its own line."""
    return ParamType(label, any_list, lambda: {"type": "array", "items": items() if callable(items) else items})


def _read_record(cls: type, value: Any, env: Env, shape: str, what: str) -> Any:
    if not isinstance(value, Mapping):
        raise ValueError(f"应写成 {shape}，而不是“{str(value)[:40]}”")
    values, problems = read_fields(cls, value, Env(getattr(value, "line", env.line)), what)
    if problems:
        raise problems[0]
    return cls(**values)


def record(cls: type, shape: str, what: str) -> ParamType:
    """One mapping read into ``cls`` by its own declared keys; ``shape`` shows how to write it,
    ``what`` names it in messages (考核期 period)."""
    return ParamType(f"映射 {shape}", lambda v, env: _read_record(cls, v, env, shape, what),
                     lambda: object_schema(cls))


def record_list(cls: type, shape: str, what: str, allow_empty: bool = True) -> ParamType:
    """A list of mappings, each read into ``cls``."""

    def parse(value: Any, env: Env) -> tuple[Any, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            raise ValueError(f"应为{'' if allow_empty else '非空'}列表，每项写成 {shape}")
        return tuple(_read_record(cls, item, Env(getattr(item, "line", env.line)), shape, what) for item in value)

    return ParamType(f"列表，每项 {shape}", parse, lambda: {"type": "array", "items": object_schema(cls)})


def record_map(cls: type, shape: str, what: str) -> ParamType:
    """A mapping of names (chosen by the author) to mappings read into ``cls``; ``what`` takes the name."""

    def parse(value: Any, env: Env) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ValueError(f"应为映射：名称 → {shape}")
        line_of = getattr(value, "line_of", None)
        return {str(k): _read_record(cls, v, Env(line_of(k) if line_of else env.line), shape, what.format(k))
                for k, v in value.items()}

    return ParamType(f"映射：名称 → {shape}", parse, lambda: {"type": "object",
                                                              "additionalProperties": object_schema(cls)})


def limit_mb(key: str) -> ParamType:
    ceiling = LIMIT_CEILINGS_MB[key]

    def parse(value: Any, env: Env) -> Decimal:
        number = POINTS.parse(value, env)
        if not 0 < number <= ceiling:
            raise ValueError(f"应大于0且不超过 {ceiling}（单位 MB）")
        return Decimal(number)

    return ParamType(f"MB（大于0，不超过 {ceiling}）", parse,
                     lambda: {"type": "number", "exclusiveMinimum": 0, "maximum": ceiling})
