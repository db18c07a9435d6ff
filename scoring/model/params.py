"""Rule parameters, declared once on the rule kinds' own fields.

A kind's parameter is a dataclass field whose metadata holds a ``ParamType``
and a Chinese help text (``param``). Name, default and required-ness come from
the field itself. Parsing, the parameter error messages, the fact-type check,
the docs table and the JSON Schema fragment are all read from that one place.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.figures import to_decimal


class RuleError(ValueError):
    """A problem at a line; ``code`` says which kind (unknown-key, missing-key, bad-value) when known."""

    def __init__(self, line: int, message: str, code: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Env:
    """What parsing a value may need beyond the value: where it is, and the scheme's period."""

    line: int
    period_start: date | None = None


@dataclass(frozen=True)
class ParamType:
    label: str  # Chinese name of the type, in messages and in the docs
    parse: Callable[[Any, Env], Any]  # raises ValueError with a Chinese reason, or RuleError with its own line
    schema: Callable[[], dict[str, Any]]  # a JSON Schema fragment for editors
    facts: tuple[str, ...] = ()  # for a fact reference: the fact types it accepts
    whole: bool = False  # its messages name the field themselves (日期“…”格式不对): shown as they are
    # What the importer compares of a parsed value (importer/compare.py); None: a label a transcriber
    # chooses (a fact name, a text), not compared.
    compare: Callable[[Any], Any] | None = lambda value: value


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    help: str
    required: bool
    default: Any
    example: str = ""

    @property
    def default_text(self) -> str:
        if self.required:
            return "必填"
        if self.default is None or self.default in ("", ()):
            return "不写"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, tuple):
            return "[" + ", ".join(map(str, self.default)) + "]"
        return str(self.default)


def param(ptype: ParamType, help: str, example: str = "") -> dict[str, Any]:
    """Field metadata that makes a dataclass field a declared parameter (or a file's key)."""
    return {"param": (ptype, help, example)}


def params_of(cls: type) -> tuple[Param, ...]:
    """The declared parameters of a rule kind or of a record, in field order."""
    cached: tuple[Param, ...] | None = cls.__dict__.get("_params")
    if cached is not None:
        return cached
    out = []
    for f in dataclasses.fields(cls):
        if "param" not in f.metadata:
            continue
        ptype, help_text, example = f.metadata["param"]
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        default = None if required or f.default is dataclasses.MISSING else f.default
        out.append(Param(f.name, ptype, help_text, required, default, example))
    result = tuple(out)
    type.__setattr__(cls, "_params", result)
    return result


def _line_of(data: Mapping[str, Any], key: str, fallback: int) -> int:
    line_of: Callable[[str], int] | None = getattr(data, "line_of", None)
    return line_of(key) if line_of else fallback


def nearest(word: str, choices: list[str]) -> str:
    """'，是否为 cap？' for a near miss, else the list of valid keys."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"，是否为 {close[0]}？" if close else f"；可用：{'、'.join(choices)}"


def _comma_hint(key: Any, data: Mapping[str, Any]) -> str:
    """A key with no value that is not a name (「每例扣6分」): most likely the tail of a flow-style value cut at an ASCII comma."""
    if data.get(key) is not None or str(key).isascii():
        return ""
    return ("（“{…}”写法中，值里的英文逗号会把值断开，后半段被当成了参数名；"
            "请给整个值加引号，如 text: \"发现一例, 每例扣6分\"，或改用中文逗号“，”）")


def read_fields(cls: type, data: Mapping[str, Any], env: Env, what: str,
                extra_keys: tuple[str, ...] = ()) -> tuple[dict[str, Any], list[RuleError]]:
    """The values of ``cls``'s parameters from a YAML mapping, and every problem found.

    A value that does not parse is left out (the caller sees the problem);
    ``what`` names the thing in messages (规则 per_occurrence, 指标 zdgk.guihua);
    ``extra_keys`` are keys the caller reads itself (kind).
    """
    declared = params_of(cls)
    names = [p.name for p in declared]
    known = frozenset(names)
    line_of: Callable[[str], int] | None = getattr(data, "line_of", None)
    noun = "参数" if what.startswith("规则") else "字段"
    problems: list[RuleError] = []
    meant: set[str] = set()  # keys a typo stands for: their absence is the same mistake, said once
    for key in data:
        if (key not in known if type(key) is str else str(key) not in known) and key not in extra_keys:
            said = f"{what}不认识{noun} {key}" if what else f"未知字段 {key}"
            meant.update(difflib.get_close_matches(str(key), names, n=1, cutoff=0.5))
            problems.append(RuleError(_line_of(data, key, env.line),
                                      f"{said}{nearest(str(key), [*extra_keys, *names])}{_comma_hint(key, data)}",
                                      "unknown-key"))
    values: dict[str, Any] = {}
    for p in declared:
        raw = data.get(p.name)
        if raw is None:
            if p.required and p.name not in meant:
                said = f"{what}缺少{noun} {p.name}" if what else f"缺少必填字段 {p.name}"
                problems.append(RuleError(_line_of(data, p.name, env.line) if p.name in data else env.line,
                                          f"{said}（{p.help}）", "missing-key"))
            continue
        line = line_of(p.name) if line_of else env.line
        try:
            values[p.name] = p.type.parse(raw, Env(line, env.period_start))
        except RuleError as exc:  # a nested record or rule names its own line
            problems.append(exc)
        except (ValueError, TypeError) as exc:
            said = f"{what}的{noun} {p.name} 无效：" if what else f"字段 {p.name} 无效："
            problems.append(RuleError(line, f"{'' if p.type.whole else said}{exc}", "bad-value"))
    return values, problems


def parse_fields(cls: type, data: Mapping[str, Any], env: Env, what: str,
                 extra_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The values of ``cls``'s parameters from a YAML mapping; RuleError on the first problem."""
    values, problems = read_fields(cls, data, env, what, extra_keys)
    if problems:
        raise problems[0]
    return values


# --- the parameter types ----------------------------------------------------


def _str(value: Any, env: Env) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError("应为文字")
    return str(value)


def number_value(value: Any) -> Decimal:
    """A YAML number as an exact Decimal; text is refused, so the editor's schema and the loader agree."""
    if isinstance(value, str):
        if _looks_numeric(value):
            raise ValueError(f"“{value[:40]}”加了引号，是文字而不是数字；请去掉引号")
        raise ValueError(f"“{value[:40]}”不是数字（只写数字，不要写单位或文字）")
    return to_decimal(value)


def _looks_numeric(text: str) -> bool:
    try:
        to_decimal(text)
    except ValueError:
        return False
    return True


def _number(value: Any, env: Env) -> Decimal:
    return number_value(value)


def _points(value: Any, env: Env) -> Decimal:
    number = number_value(value)
    if number < 0:
        raise ValueError("分值不能为负数（扣分还是加分由规则类型决定）")
    return number


def _percent(value: Any, env: Env) -> Decimal:
    number = number_value(value)
    if not 0 <= number <= 100:
        raise ValueError("应为 0 到 100 之间的百分数（写 15 表示 15%）")
    return number


def _positive(value: Any, env: Env) -> Decimal:
    number = number_value(value)
    if number <= 0:
        raise ValueError("应大于0")
    return number


# Words YAML 1.1 (and people) use for yes and no. The loader reads only true/false as booleans
# (YAML 1.2), so these arrive as text and are refused here with the word to write instead.
YES_NO_WORDS = {
    **dict.fromkeys(("yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "是", "对", "有", "真"), "true"),
    **dict.fromkeys(("no", "No", "NO", "n", "N", "off", "Off", "OFF", "否", "不", "错", "无", "假"), "false"),
}


def bool_value(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    meant = YES_NO_WORDS.get(value) if isinstance(value, str) else None
    if meant is not None:
        raise ValueError(f"应为 true 或 false；“{value}”不是布尔值，请写 {meant}")
    raise ValueError(f"应为 true 或 false，而不是“{str(value)[:40]}”")


def _bool(value: Any, env: Env) -> bool:
    return bool_value(value)


def _date(value: Any, env: Env) -> date:
    if not isinstance(value, date):
        raise ValueError(f"“{value}”不是 YYYY-MM-DD 格式的日期")
    return value


def _dates(value: Any, env: Env) -> tuple[date, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("应为非空的日期列表")
    days = tuple(_date(v, env) for v in value)
    if list(days) != sorted(days):
        raise ValueError("应按时间先后排列")
    return days


def _texts(value: Any, env: Env) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("应为列表")
    return tuple(_str(v, env) for v in value)


def _string_schema() -> dict[str, Any]:
    return {"type": "string"}


def _number_schema() -> dict[str, Any]:
    return {"type": "number", "minimum": 0}


TEXT = ParamType("文字", _str, _string_schema, compare=None)
POINTS = ParamType("分值", _points, _number_schema)
POSITIVE = ParamType("正数", _positive, lambda: {"type": "number", "exclusiveMinimum": 0})
PERCENT = ParamType("百分数", _percent, lambda: {"type": "number", "minimum": 0, "maximum": 100})
BOOL = ParamType("true/false", _bool, lambda: {"type": "boolean"})
DATE = ParamType("日期", _date, lambda: {"type": "string", "format": "date"})
DATES = ParamType("日期列表（按先后）", _dates,
                  lambda: {"type": "array", "minItems": 1, "items": {"type": "string", "format": "date"}})
TEXTS = ParamType("文字列表", _texts, lambda: {"type": "array", "items": {"type": "string"}}, compare=len)


def choice(*options: str) -> ParamType:
    def parse(value: Any, env: Env) -> str:
        if value not in options:
            close = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.5)
            raise ValueError(f"应为 {' / '.join(options)} 之一" + (f"，是否为 {close[0]}？" if close else ""))
        return str(value)

    return ParamType(" / ".join(options), parse, lambda: {"enum": list(options)})


def fact(*types: str) -> ParamType:
    """A reference to a fact the row declares, of one of these fact types."""
    return ParamType(f"事实名称（{'/'.join(types)}）", _str, _string_schema, types, compare=None)


def records(cls: type, what: str, shorthand: str = "") -> ParamType:
    """A list of mappings, each read into ``cls`` by its own declared parameters.

    With ``shorthand``, a plain text item stands for ``{shorthand: text}``.
    """
    keys = "、".join(p.name for p in params_of(cls))

    def parse(value: Any, env: Env) -> tuple[Any, ...]:
        if not isinstance(value, list) or not value:
            raise ValueError(f"应为非空列表，每项为 {{{keys}}}")
        out = []
        for item in value:
            if shorthand and not isinstance(item, Mapping):
                item = {shorthand: item}
            if not isinstance(item, Mapping):
                raise ValueError(f"每项应为 {{{keys}}}")
            line = getattr(item, "line", env.line)
            out.append(cls(**parse_fields(cls, item, dataclasses.replace(env, line=line), what)))
        return tuple(out)

    def schema() -> dict[str, Any]:
        obj = object_schema(cls)
        return {"type": "array", "minItems": 1,
                "items": {"anyOf": [{"type": "string"}, obj]} if shorthand else obj}

    return ParamType(f"列表，每项 {{{keys}}}", parse, schema,
                     compare=lambda value: tuple(compared(item) for item in value))


def compared(value: Any) -> tuple[Any, ...]:
    """What the importer compares of a rule or a record: its declared parameters' values, labels left out."""
    return tuple(p.type.compare(getattr(value, p.name)) for p in params_of(type(value)) if p.type.compare is not None)


def object_schema(cls: type, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A JSON Schema object for ``cls``'s parameters, the help texts as descriptions."""
    declared = params_of(cls)
    props: dict[str, Any] = dict(extra or {})
    for p in declared:
        fragment = p.type.schema()
        if not p.required:  # an optional key may be written empty (cap: null): the loader reads it as absent
            fragment = {"anyOf": [fragment, {"type": "null"}]}
            if isinstance(p.default, (bool, str)) and p.default != "":
                fragment["default"] = p.default
        props[p.name] = {**fragment, "description": p.help}
    required = [p.name for p in declared if p.required]
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out
