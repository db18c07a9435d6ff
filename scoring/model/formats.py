"""Every key of every file a person edits, declared once.

Each file, and each mapping inside one, is a dataclass whose fields carry a
``param(...)`` declaration (scoring/model/params.py): the key's name, type, default,
whether it is required, a Chinese help text and an example. The rule kinds in
scoring/model/rules/ are declared the same way. From these declarations come:

- the loader's reading of every key (``read``): an unknown key, a value of the
  wrong type, a yes/no word where true/false is meant, or a missing required key
  is an error at its line with the nearest valid key;
- the JSON Schemas in ``schemas/`` that editors use (``schemas()``, written by
  ``python -m scoring.cli.schemas``);
- the key reference in docs/scheme-format.md (``docs_markdown()``);
- the evidence field list that ``new``, the site and the checker show (fields.py).

A test fails when the schemas or the docs differ from what these give.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .evidencekeys import EvidenceKeys
from .formattypes import (
    COMBINE_HELP,
    COMBINE_MODES,
    COUNT,
    DAY,
    FACT_TYPES,
    FILLED,
    IDENT,
    YEAR,
    any_mapping,
    limit_mb,
    raw_list,
    record,
    record_list,
    record_map,
)
from .model import CLAMP_POLICIES, DEFAULT_LEVELS
from .params import (
    BOOL,
    POINTS,
    TEXT,
    TEXTS,
    Env,
    Param,
    ParamType,
    RuleError,
    _str,
    choice,
    object_schema,
    param,
    params_of,
    read_fields,
)

# --- scheme.yaml -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Period:
    start: date = field(metadata=param(DAY, "考核期开始日期", "2021-01-01"))
    end: date = field(metadata=param(DAY, "考核期结束日期", "2021-12-31"))


@dataclass(frozen=True, kw_only=True)
class GradeBandKeys:
    min: Decimal = field(metadata=param(POINTS, "达到该等次的最低分（含本数）", "90"))
    grade: str = field(metadata=param(TEXT, "等次名称", "优秀"))


@dataclass(frozen=True, kw_only=True)
class LimitKeys:
    yaml_mb: Decimal | None = field(default=None, metadata=param(
        limit_mb("yaml_mb"), "每个 YAML 文件和每份 front matter 的大小上限（MB），默认 1"))
    body_mb: Decimal | None = field(default=None, metadata=param(
        limit_mb("body_mb"), "每份证据正文的大小上限（MB），默认 2"))
    attachment_mb: Decimal | None = field(default=None, metadata=param(
        limit_mb("attachment_mb"), "每个附件的大小上限（MB），默认 50"))


PERIOD_SHAPE = "{start: 2021-01-01, end: 2021-12-31}"


def _level_names(value: Any, env: Env) -> tuple[str, ...]:
    names: tuple[str, ...] = TEXTS.parse(value, env)
    if len(names) < 2:
        raise ValueError("至少写两级：从最外一级写到各行所在的一级，如 [类别, 考核内容]")
    for name in names:
        if not name.strip():
            raise ValueError("级别名称不能为空")
        if name in CLAMP_POLICIES:
            raise ValueError(f"级别名称不能是“{name}”（它是 clamp 的取值）")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"级别名称“{repeated[0]}”出现了两次")
    return names


def _clamp_policy(value: Any, env: Env) -> str:
    """A policy word or a level name: which level names are valid is checked once the levels are known."""
    text = _str(value, env)
    if not text.strip():
        raise ValueError(f"应为 {' / '.join(CLAMP_POLICIES)} 之一，或某一级的名称")
    return text


LEVEL_NAMES = ParamType("文字列表（至少两级）", _level_names, lambda: {
    "type": "array", "minItems": 2, "uniqueItems": True, "items": {"type": "string", "minLength": 1}})
CLAMP = ParamType(f"{' / '.join(CLAMP_POLICIES)} / 级别名称", _clamp_policy, lambda: {
    "anyOf": [{"enum": list(CLAMP_POLICIES)}, {"type": "string", "minLength": 1}]})


@dataclass(frozen=True, kw_only=True)
class BureauKeys:
    name: str = field(metadata=param(TEXT, "被考核单位的全称", "晋城市行政审批服务管理局"))
    code: str = field(default="", metadata=param(
        TEXT, "单位代码：统一社会信用代码或行政区划代码；汇总排名时据此识别同一单位", "11140500MB1957262X"))


@dataclass(frozen=True, kw_only=True)
class SchemeKeys:
    title: str = field(metadata=param(TEXT, "方案（考核任务分解表）的标题，如文件所写",
                                      "晋城市行政审批服务管理局2021年度政务公开工作考核任务分解表"))
    issuer: str = field(default="", metadata=param(TEXT, "制定方案的单位", "晋城市行政审批服务管理局"))
    doc_number: str = field(default="", metadata=param(TEXT, "文号", "晋市审管发〔2021〕35号"))
    bureau: BureauKeys | None = field(default=None, metadata=param(
        record(BureauKeys, "{name: 单位名称, code: 单位代码}", "bureau "),
        "被考核的单位；不写则为制定方案的单位（issuer）。市里统一制定方案时，各单位在此写明自己", "{name: 晋城市行政审批服务管理局}"))
    issued: date | None = field(default=None, metadata=param(DAY, "印发日期", "2021-08-09"))
    year: int | None = field(default=None, metadata=param(YEAR, "考核年度（四位数字）；不写则取考核期开始的年份", "2021"))
    period: Period = field(metadata=param(record(Period, PERIOD_SHAPE, "考核期 period "), "考核期：开始和结束日期",
                                          PERIOD_SHAPE))
    due_date: date | None = field(default=None, metadata=param(
        DAY, "完成时限（方案规定各项工作完成的日期）；方案没有规定时不写", "2021-12-10"))
    accept_until: date | None = field(default=None, metadata=param(
        DAY, "证据日期最晚可到哪一天（如年度报告、年终检查在次年1、2月形成）；不写则为考核期结束日期", "2022-02-28"))
    levels: tuple[str, ...] = field(default=DEFAULT_LEVELS, metadata=param(
        LEVEL_NAMES, "方案自己的各级名称，从最外一级写到各行（计分的指标）所在的一级，至少两级；"
                     "所有输出的表头都用这些名称", "[类别, 考核内容]"))
    clamp: str = field(metadata=param(CLAMP,
                                      "扣分上限的计算方式，必须写明：level1 一级指标扣分不超过其分值（三级可突破自身分值，山西做法）；"
                                      "row 每行扣完为止；none 不设上限；也可写 levels 中除最后一级外的某级名称，"
                                      "该级每个指标扣分不超过其分值", "level1"))
    grade_bands: tuple[GradeBandKeys, ...] = field(default=(), metadata=param(
        record_list(GradeBandKeys, "{min: 分数, grade: 等次}", "等次档位"), "等次档位，每档写最低分和等次名称",
        "[{min: 90, grade: 优秀}, {min: 0, grade: 较差}]"))
    normalise: bool = field(default=False, metadata=param(
        BOOL, "true：按 得分/满分×100 折算为百分制后评定等次（满分不是100分时）", "true"))
    total_floor: Decimal | None = field(default=None, metadata=param(
        POINTS, "总分最低计为多少分；不写则不设下限（重大扣分可使总分为负）", "0"))
    note: str = field(default="", metadata=param(TEXT, "计分说明页上显示的说明文字"))
    show_internal_titles: bool = field(default=False, metadata=param(
        BOOL, "true：公开版在内部材料的编号旁显示其标题；false（默认）：公开版只显示编号（标题可能含人名、案件）", "false"))
    limits: LimitKeys | None = field(default=None, metadata=param(
        record(LimitKeys, "{yaml_mb: 1, body_mb: 2, attachment_mb: 50}", "limits "), "文件大小上限（MB），一般不写",
        "{attachment_mb: 100}"))


# --- units.yaml --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UnitKeys:
    id: str = field(metadata=param(IDENT, "单位编号（ASCII，用于网址）", "zonghe"))
    name: str = field(metadata=param(TEXT, "单位的规范名称", "综合组"))
    aliases: tuple[str, ...] = field(default=(), metadata=param(TEXTS, "原表中出现的其他写法", "[政务中心]"))
    everyone: bool = field(default=False, metadata=param(BOOL, "true：代表名录中的每个单位（如“各组（科室、单位）”）"))


@dataclass(frozen=True, kw_only=True)
class UnitsFileKeys:
    units: tuple[UnitKeys, ...] = field(metadata=param(
        record_list(UnitKeys, "{id, name, aliases}", "单位名录中的单位", allow_empty=True),
        "责任组（科室、单位）名录；考核表未列责任单位时可为空列表 []，提交证据前再补上"))


# --- rows, facts, texts ------------------------------------------------------


def _where(value: Any, env: Env) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise ValueError("where 应为“列名: 值”的映射，如 {公开属性: 不予公开}")
    return tuple((str(k), "是" if v is True else "否" if v is False else str(v)) for k, v in value.items())


@dataclass(frozen=True, kw_only=True)
class RegisterQueryKeys:
    file: str = field(metadata=param(FILLED, "台账名（registers/ 下的文件名，不含 .csv），见 docs/registers.md", "gwsx"))
    filter: str = field(default="", metadata=param(TEXT, "该台账的筛选条件名称（见 docs/registers.md）；不写则取全部行",
                                                   "属性滥用"))
    where: tuple[tuple[str, str], ...] = field(default=(), metadata=param(
        ParamType("映射：列名 → 值", _where, lambda: {"type": "object", "additionalProperties": {"type": "string"}}),
        "只计这些列等于所写值的行", "{公开属性: 不予公开}"))
    sum: str = field(default="", metadata=param(TEXT, "求和的数字列（事实类型为 number）；不写则计行数", "件数"))
    line: int = 0


REGISTER_QUERY_SHAPE = "{file, filter, where, sum}"


@dataclass(frozen=True, kw_only=True)
class FactKeys:
    type: str = field(metadata=param(choice(*FACT_TYPES), "事实的类型：items 名称列表，count 数量，number 数值，"
                                                          "flag 是否，date 日期，adjustments 人工调整", "count"))
    help: str = field(metadata=param(TEXT, "告诉填写证据的人写什么（中文，必填）", "写明本年度被通报的次数，没有则填0"))
    options: tuple[str, ...] = field(default=(), metadata=param(TEXTS, "items 类事实的可选项", "[甲, 乙]"))
    max: int | None = field(default=None, metadata=param(COUNT, "count 类事实的最大值"))
    unit: str = field(default="", metadata=param(TEXT, "数字后显示的量词，如 件、次、%", "件"))
    adverse: bool = field(default=False, metadata=param(BOOL, "true：该事实计的是不好的事（如迟报数据量），供方案核查使用"))
    register: RegisterQueryKeys | None = field(default=None, metadata=param(
        record(RegisterQueryKeys, REGISTER_QUERY_SHAPE, "register "),
        "由台账计算该事实（不再由证据填写）：计行数、是否有行、各行编号或某列之和", "{file: gwsx, filter: 属性滥用}"))
    combine: str = field(default="", metadata=param(choice(*COMBINE_MODES), COMBINE_HELP, "once"))
    restate: bool = field(default=False, metadata=param(
        BOOL, "combine: once 时，true 允许其他文件再次写明相同的值（不同的值仍是错误）"))


@dataclass(frozen=True, kw_only=True)
class TextKeys:
    deduction: str = field(default="", metadata=param(TEXT, "扣分标准（原文）"))
    bonus: str = field(default="", metadata=param(TEXT, "加分标准（原文）"))
    method: str = field(default="", metadata=param(TEXT, "考核方式（原文）"))
    content: str = field(default="", metadata=param(TEXT, "涉及内容（原文）"))
    remarks: str = field(default="", metadata=param(TEXT, "备注（原文）"))


@dataclass(frozen=True, kw_only=True)
class CorrectionKeys:
    field: str = dataclasses.field(metadata=param(TEXT, "更正所在的栏目，如 text.content", "text.content"))
    source: str = dataclasses.field(metadata=param(TEXT, "原文的写法", "领城"))
    corrected: str = dataclasses.field(metadata=param(TEXT, "更正后的写法", "领域"))
    note: str = dataclasses.field(default="", metadata=param(TEXT, "更正的理由", "PDF 提取错字"))


def _rule_items() -> dict[str, Any]:
    return {"$ref": "#/$defs/rule"}


FACT_SHAPE = "{type, help}"
FACT_WHAT = "事实“{}”"
# The loader reads each fact by itself (formats.read), so one bad fact does not take the others with it.
FACTS = ParamType(f"映射：名称 → {FACT_SHAPE}", lambda v, env: _facts_of_row(v),
                  record_map(FactKeys, FACT_SHAPE, FACT_WHAT).schema)


def _facts_of_row(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"应为映射：事实名称 → {FACT_SHAPE}")
    return value
RULES = raw_list("规则列表", _rule_items)
UNITS_OF = ParamType("单位名称列表", lambda v, env: TEXTS.parse(v, env), lambda: {"type": "array", "items": {"type": "string"}})
CORRECTIONS = record_list(CorrectionKeys, "{field, source, corrected, note}", "更正记录")


@dataclass(frozen=True, kw_only=True)
class RowKeys:
    id: str = field(metadata=param(IDENT, "稳定的指标编号：<一级编号>.<简称>", "zzld.yjbz"))
    level2: str = field(default="", metadata=param(
        TEXT, "旧写法（方案为三级时）：本行所属第二级的名称；相邻且相同的行合为一组。新写法用分组的 rows", "组织领导"))
    level3: str = field(default="", metadata=param(TEXT, "旧写法（方案为三级时）：本行的名称，同 name", "单位领导班子研究情况"))
    name: str = field(default="", metadata=param(TEXT, "指标名称（本行在最后一级的名称）", "单位领导班子研究情况"))
    points: Decimal = field(metadata=param(POINTS, "赋分；只有加分的行写 0", "2"))
    points_text: str = field(default="", metadata=param(TEXT, "赋分栏的原文，不是数字时填写（如 -）", "-"))
    key: bool = field(default=False, metadata=param(BOOL, "true：标 * 的重要指标"))
    units: tuple[str, ...] = field(default=(), metadata=param(UNITS_OF, "责任单位，按原表写法（可用别名）",
                                                              "[政务服务中心, 财务科]"))
    text: TextKeys | None = field(default=None, metadata=param(
        record(TextKeys, "{deduction, bonus, method, content, remarks}", "原文 text "), "原表各栏的原文"))
    corrections: tuple[CorrectionKeys, ...] = field(default=(), metadata=param(
        CORRECTIONS, "转录与原文不同之处，逐处记录"))
    facts: Mapping[str, Any] | None = field(default=None, metadata=param(
        FACTS, "计分所需的事实：名称 → {type, help}"))
    rules: tuple[Any, ...] = field(default=(), metadata=param(RULES, "计分规则，每条 {kind: …}（见规则类型）"))


NODE_ROWS = raw_list("列表，每项是一行或一个分组", lambda: {"$ref": "#/$defs/node"})
NODE_CAP_HELP = "本级扣分上限：其下各行扣分（先按内层上限计）合计最多扣这么多；不写则不设"
NODE_CLAMP_HELP = ("true：其下扣分合计不超过本级分值（同 cap: 本级分值）；false：即使 scheme.yaml 的 clamp 指向本级，"
                   "这里也不设上限；不写则按 scheme.yaml 的 clamp")
NODE_UNITS_HELP = "责任单位；其下没有写 units 的行沿用最近一级写明的单位"


@dataclass(frozen=True, kw_only=True)
class GroupKeys:
    name: str = field(metadata=param(TEXT, "分组的名称（第一级与各行之间某一级的指标名称）", "网上办事大厅应用情况"))
    id: str = field(default="", metadata=param(IDENT, "分组编号；不写则为上一级编号加“.”加序号，如 gk.2", "gk.wsdt"))
    points: Decimal | None = field(default=None, metadata=param(
        POINTS, "方案写明的本组分值；与其下赋分之和不符时，方案核查会提示", "10"))
    points_text: str = field(default="", metadata=param(TEXT, "分值栏的原文，不是数字时填写", "10分"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, NODE_CAP_HELP, "4"))
    clamp: bool | None = field(default=None, metadata=param(BOOL, NODE_CLAMP_HELP, "true"))
    units: tuple[str, ...] = field(default=(), metadata=param(UNITS_OF, NODE_UNITS_HELP, "[政务服务科]"))
    rows: tuple[Any, ...] = field(metadata=param(NODE_ROWS, "本组下的各项：有 rows 的是下一级分组，没有的是计分的行"))


@dataclass(frozen=True, kw_only=True)
class LevelFileKeys:
    id: str = field(metadata=param(IDENT, "第一级指标编号（ASCII）", "zzld"))
    name: str = field(metadata=param(TEXT, "第一级指标名称", "组织领导与工作保障"))
    points: Decimal | None = field(default=None, metadata=param(
        POINTS, "方案写明的分值；与其下赋分之和不符时，方案核查会提示", "10"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, NODE_CAP_HELP, "10"))
    clamp: bool | None = field(default=None, metadata=param(BOOL, NODE_CLAMP_HELP, "true"))
    units: tuple[str, ...] = field(default=(), metadata=param(UNITS_OF, NODE_UNITS_HELP, "[办公室]"))
    rows: tuple[Any, ...] = field(metadata=param(NODE_ROWS, "本指标下的各项：有 rows 的是下一级分组，没有的是计分的行"))


# --- totals.yaml -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ItemKeys:
    id: str = field(metadata=param(IDENT, "加分项或扣分项编号", "bonus.biaozhang"))
    name: str = field(metadata=param(TEXT, "名称，如原文", "（一）受到表彰"))
    text: str = field(default="", metadata=param(TEXT, "加分或扣分标准（原文）"))
    points: Decimal | None = field(default=None, metadata=param(POINTS, "分值（一般不写）"))
    key: bool = field(default=False, metadata=param(BOOL, "true：标 * 的重要指标"))
    units: tuple[str, ...] = field(default=(), metadata=param(UNITS_OF, "责任单位（一般不写）"))
    corrections: tuple[CorrectionKeys, ...] = field(default=(), metadata=param(CORRECTIONS, "转录与原文不同之处"))
    facts: Mapping[str, Any] | None = field(default=None, metadata=param(FACTS, "所需事实：名称 → {type, help}"))
    rules: tuple[Any, ...] = field(default=(), metadata=param(RULES, "计分规则，每条 {kind: …}"))


ITEMS = raw_list("项目列表", lambda: {"$ref": "#/$defs/item"})


@dataclass(frozen=True, kw_only=True)
class ComprehensiveKeys:
    items: tuple[Any, ...] = field(default=(), metadata=param(ITEMS, "各综合加分项"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, "综合加分合计的上限；不写则不设上限"))


@dataclass(frozen=True, kw_only=True)
class MajorKeys:
    items: tuple[Any, ...] = field(default=(), metadata=param(ITEMS, "各重大扣分项"))
    text: str = field(default="", metadata=param(TEXT, "重大扣分项的总述（原文）"))




@dataclass(frozen=True, kw_only=True)
class TotalsFileKeys:
    comprehensive: Mapping[str, Any] | None = field(default=None, metadata=param(
        ParamType("映射 {cap, items}", any_mapping, lambda: {"$ref": "#/$defs/comprehensive"}), "综合加分项"))
    major: Mapping[str, Any] | None = field(default=None, metadata=param(
        ParamType("映射 {text, items}", any_mapping, lambda: {"$ref": "#/$defs/major"}), "重大扣分项"))


# --- reading ----------------------------------------------------------------


def read(cls: type, data: Any, line: int, what: str) -> tuple[dict[str, Any], list[RuleError]]:
    """A mapping's declared keys: the values that parsed, defaults for absent optional keys, and problems."""
    if not isinstance(data, Mapping):
        return {}, [RuleError(line, f"{what}应为“字段: 值”的映射")]
    values, problems = read_fields(cls, data, Env(getattr(data, "line", line)), what)
    for p in params_of(cls):
        if not p.required and p.name not in values:
            values[p.name] = p.default
    return values, problems


# --- schemas and docs --------------------------------------------------------

# The file names in schemas/, the declaration of each file's top level, and what the schema is for.
FILES: tuple[tuple[str, type, str, str, tuple[str, ...]], ...] = (
    ("scheme.schema.json", SchemeKeys, "indicators/scheme.yaml", "方案的基本信息、考核期、计分政策和等次", ()),
    ("units.schema.json", UnitsFileKeys, "indicators/units.yaml", "责任组（科室、单位）名录", ()),
    ("level.schema.json", LevelFileKeys, "indicators/NN-*.yaml", "一个第一级指标及其下的分组和各行",
     ("node", "group", "row", "rule")),
    ("totals.schema.json", TotalsFileKeys, "indicators/totals.yaml", "综合加分项和重大扣分项",
     ("comprehensive", "major", "item", "rule")),
    ("evidence.schema.json", EvidenceKeys, "evidence/**/*.md 的 front matter", "一份证据材料的 front matter", ()),
)


def _defs() -> dict[str, Any]:
    from .rules import rule_schema

    return {
        "rule": rule_schema(),
        "row": object_schema(RowKeys),
        "group": object_schema(GroupKeys),
        # An item with rows: is a group, else a row: the editor then names the keys of the right one.
        "node": {"if": {"type": "object", "required": ["rows"]}, "then": {"$ref": "#/$defs/group"},
                 "else": {"$ref": "#/$defs/row"}},
        "item": object_schema(ItemKeys),
        "comprehensive": object_schema(ComprehensiveKeys),
        "major": object_schema(MajorKeys),
    }


def schemas() -> dict[str, dict[str, Any]]:
    """Every JSON Schema of schemas/, by file name."""
    defs = _defs()
    out: dict[str, dict[str, Any]] = {}
    for name, cls, where, about, needs in FILES:
        body = object_schema(cls)
        wanted = {k: defs[k] for k in needs}
        out[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                     "$id": f"https://zwgk.invalid/schemas/{name}",
                     "title": where, "description": f"{about}（由 scoring/model/formats.py 的声明生成，请勿手改）",
                     **body, **({"$defs": wanted} if wanted else {})}
    return out


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


DOC_SECTIONS: tuple[tuple[str, type], ...] = (
    ("`scheme.yaml`", SchemeKeys),
    ("`scheme.yaml` → `bureau`", BureauKeys),
    ("`scheme.yaml` → `period`", Period),
    ("`scheme.yaml` → `grade_bands` (each)", GradeBandKeys),
    ("`scheme.yaml` → `limits`", LimitKeys),
    ("`units.yaml`", UnitsFileKeys),
    ("`units.yaml` → `units` (each)", UnitKeys),
    ("a level file (one per top-level node)", LevelFileKeys),
    ("a level file or group → `rows` (each group: an item with `rows`)", GroupKeys),
    ("a level file or group → `rows` (each row: an item without `rows`)", RowKeys),
    ("a row → `text`", TextKeys),
    ("a row → `facts` → (each fact)", FactKeys),
    ("a row → `facts` → (each fact) → `register`", RegisterQueryKeys),
    ("a row → `corrections` (each)", CorrectionKeys),
    ("`totals.yaml`", TotalsFileKeys),
    ("`totals.yaml` → `comprehensive`", ComprehensiveKeys),
    ("`totals.yaml` → `major`", MajorKeys),
    ("`totals.yaml` → `comprehensive`/`major` → `items` (each)", ItemKeys),
    ("evidence front matter", EvidenceKeys),
)


def _row(p: Param) -> str:
    example = f"`{p.example}`" if p.example else ""
    return f"| `{p.name}` | {p.type.label} | {p.default_text} | {p.help} | {example} |"


def docs_markdown() -> str:
    """The key reference of docs/scheme-format.md, generated from the declarations."""
    out: list[str] = []
    for title, cls in DOC_SECTIONS:
        out += [f"#### {title}", "", "| key | type | default | meaning | example |", "|---|---|---|---|---|"]
        out += [_row(p) for p in params_of(cls)]
        out.append("")
    return "\n".join(out)
