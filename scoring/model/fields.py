"""Every user-facing field, declared once with its Chinese help text.

The checker, the ``new`` scaffold, the site's field reference and the docs all
read these declarations; a test fails when one is left undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass

from .evidencekeys import EvidenceKeys
from .formattypes import FACT_TYPES as _DECLARED_FACT_TYPES
from .params import params_of


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool
    type: str
    help: str
    example: str = ""


# The evidence front matter's keys, as declared in evidencekeys.EvidenceKeys.
EVIDENCE_FIELDS: tuple[FieldSpec, ...] = tuple(
    FieldSpec(p.name, p.required, p.type.label, p.help, p.example) for p in params_of(EvidenceKeys))

EVIDENCE_FIELD_NAMES = tuple(f.name for f in EVIDENCE_FIELDS)

EVIDENCE_KINDS: tuple[str, ...] = (
    "会议纪要", "工作方案", "制度文件", "台账", "发文卡", "答复案卷", "网页截图",
    "通报", "函询回复", "表彰文件", "媒体报道", "工作报告", "统计报表", "其他",
)


FACT_TYPE_HELP: dict[str, str] = {
    "items": "名称列表，如 [政务服务公开, 财政信息公开]；只能从所列选项中选",
    "count": "非负整数，如 3；没有则填 0",
    "number": "非负数，如 1250 或 98.5",
    "flag": "true（是）或 false（否）",
    "date": "日期 YYYY-MM-DD，或日期列表 [2021-07-28, 2021-09-27]",
    "adjustments": "调整列表，每项含 分值 和 理由，如 [{分值: 0.5, 理由: 逾期答复一件}]",
}

FACT_TYPE_LABELS: dict[str, str] = {
    "items": "名称列表", "count": "数量", "number": "数值", "flag": "是否", "date": "日期", "adjustments": "调整记录",
}

FACT_TYPES = tuple(FACT_TYPE_HELP)
assert FACT_TYPES == _DECLARED_FACT_TYPES, "a fact type declared in formats.py has no help here"
