"""Every user-facing field, declared once with its Chinese help text.

The checker, the ``new`` scaffold, the site's field reference and the docs all
read these declarations; a test fails when one is left undocumented.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool
    type: str
    help: str
    example: str = ""


EVIDENCE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", False, "文字", "证据编号，只用小写字母、数字、点、横线；不填则取文件名（不含 .md）", "zzld-yjbz-2021-03"),
    FieldSpec("indicator", True, "文字", "所印证的指标编号（见“考核方案”各行的编号），或综合加分项、重大扣分项的编号", "zzld.yjbz"),
    FieldSpec("unit", True, "文字", "提交材料的责任组（科室、单位）名称，须为单位名录中的名称或别名", "综合组"),
    FieldSpec("date", True, "日期", "事情发生或材料形成的日期（不是提交日期），格式 YYYY-MM-DD", "2021-03-18"),
    FieldSpec("title", True, "文字", "材料标题，一句话说明做了什么", "局党组会议研究政务公开工作"),
    FieldSpec("kind", True, "文字", "材料类型，如 会议纪要、台账、发文卡、网页截图、通报", "会议纪要"),
    FieldSpec("url", False, "网址", "可在线核实的网页地址，以 http:// 或 https:// 开头", "https://xzspj.jcgov.gov.cn/"),
    FieldSpec("attachments", False, "列表", "附件文件名列表，路径相对于本文件，且须在 evidence/ 目录内", "[jiyao.pdf]"),
    FieldSpec("facts", False, "映射", "计分所需的事实，名称和类型见所印证指标的“所需事实”", "{研究事项: [政务服务公开]}"),
    FieldSpec("visibility", False, "文字", "公开范围：internal（仅内部，默认）或 public（可公开）", "internal"),
    FieldSpec("reviewed_personal_data", False, "列表",
              "已复核、确认可以公开的个人信息（检查提示“疑似个人信息”时填写），每项写明内容（或提示中的 sha256 指纹）和理由",
              "[{内容: zwgk@example.gov.cn, 理由: 单位公开的政务公开信箱}]"),
)

EVIDENCE_FIELD_NAMES = tuple(f.name for f in EVIDENCE_FIELDS)

EVIDENCE_KINDS: tuple[str, ...] = (
    "会议纪要", "工作方案", "制度文件", "台账", "发文卡", "答复案卷", "网页截图",
    "通报", "函询回复", "表彰文件", "媒体报道", "工作报告", "统计报表", "其他",
)

VISIBILITIES = ("internal", "public")

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
