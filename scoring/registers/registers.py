"""Registers (台账): tables staff keep in Excel or WPS, committed as CSV under ``registers/``.

Each register is declared once here (``REGISTERS``): its file, title, and every
column's name, type, whether it is required, its allowed values, whether it
holds personal data, and a Chinese help text. From these declarations come the
reading and checking of every cell (a Chinese error naming file, row and
column), the JSON Schemas in ``schemas/registers/*.schema.json`` and the column
reference in docs/registers.md.

The file format is CSV, UTF-8 with a byte-order mark: Excel and WPS open it
without garbled Chinese (without the BOM, Chinese Excel reads UTF-8 as GBK),
save it back with "CSV UTF-8（逗号分隔）", and a pull request's diff shows one
line per changed row. A file saved as plain "CSV（逗号分隔）" by Chinese Excel
is GBK: it reads the same, with a warning asking for UTF-8 (a GBK file's diff is
unreadable). CRLF line ends, blank trailing rows and dates re-typed by Excel
(2021/9/28) read the same as the file written by hand.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core.problems import Problem, error, suggest, warning
from ..core.safeio import ReadRefused, read_bytes

FOLDER = "registers"
LIMIT = 5 * 1024 * 1024
Value = str | date | int | Decimal | bool | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | date | count | amount | choice | yesno
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    personal: bool = False  # personal data or internal content (case content, unpublished titles): never public
    example: str = ""

    @property
    def label(self) -> str:
        return {"text": "文字", "date": "日期 YYYY-MM-DD", "count": "非负整数", "amount": "金额（数字）",
                "choice": "选项", "yesno": "是 / 否"}[self.kind]

    def schema(self) -> dict[str, Any]:
        desc = self.help + ("（个人信息或内部内容，只在内部版显示）" if self.personal else "")
        out: dict[str, Any] = {"type": "string", "description": desc}
        if self.kind == "date":
            out["pattern"] = r"^(\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)?$"
        elif self.kind == "count":
            out["pattern"] = r"^\d*$"
        elif self.kind == "amount":
            out["pattern"] = r"^(\d+(\.\d+)?)?$"
        elif self.kind in ("choice", "yesno"):
            out["enum"] = [*self.choices_or_yesno, *([] if self.required else [""])]
        if self.required:
            out["minLength"] = 1
        return out

    @property
    def choices_or_yesno(self) -> tuple[str, ...]:
        return ("是", "否") if self.kind == "yesno" else self.choices


@dataclass(frozen=True)
class Spec:
    key: str  # file stem: registers/<key>.csv
    title: str
    about: str
    columns: tuple[Column, ...]
    id_column: str

    @property
    def file(self) -> str:
        return f"{FOLDER}/{self.key}.csv"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Row:
    number: int  # the row as Excel shows it (the header is row 1)
    values: Mapping[str, Value]

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Register:
    spec: Spec
    rows: tuple[Row, ...]

    def ref(self, row: Row) -> str:
        """How a score line, a check and the site name one row: 台账键:编号."""
        return f"{self.spec.key}:{row.text(self.spec.id_column)}"


@dataclass(frozen=True)
class Registers:
    """Every register a project keeps (a missing file is a missing register), and the report year."""

    year: int
    by_key: Mapping[str, Register] = field(default_factory=dict)

    def get(self, key: str) -> Register | None:
        return self.by_key.get(key)


# --- the registers ------------------------------------------------------------

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
# The leaf outcomes of table 三 of the national format (国办公开办函〔2021〕30号), as the register writes them.
OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("（一）予以公开", ()),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ()),
    ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                  "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")),
    ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")),
    ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                  "5.要求行政机关确认或重新出具已获取信息")),
    ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                  "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")),
)


_NUMBERED = re.compile(r"^[0-9]+\.")


def outcome_short(group: str) -> str:
    return re.sub(r"^（.）|（.*）$", "", group)


def outcome_value(group: str, sub: str) -> str:
    """The register's word for a leaf outcome: 予以公开, 不予公开：属于国家秘密 …"""
    short = outcome_short(group)
    return f"{short}：{_NUMBERED.sub('', sub)}" if sub else short


OUTCOMES = tuple(outcome_value(g, s) for g, subs in OUTCOME_GROUPS for s in (subs or ("",)))
DECISIONS = ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")
CASE_KINDS = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
CASE_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")

EVIDENCE_COLUMN = Column("证据", "text", "办理该事项的证据材料编号（evidence/ 下文件的 id），可不填", example="ysq-2021-007-dafu")

REGISTERS: tuple[Spec, ...] = (
    Spec("ysq", "政府信息公开申请台账", "每件政府信息公开申请一行（含上年结转、结转下年度的）", (
        Column("编号", "text", "申请的登记编号，全台账唯一", True, example="2021-007"),
        Column("收到日期", "date", "收到申请的日期；补正的，写收到补正的日期；邮寄的，写签收日期", True,
               example="2021-09-28"),
        Column("申请人类型", "choice", "申请人情况，按年报表三的栏目", True, APPLICANTS, example="自然人"),
        Column("申请人", "text", "申请人姓名或名称", personal=True, example="张某某"),
        Column("申请内容", "text", "申请公开的政府信息", personal=True, example="某项目施工许可证"),
        Column("办理结果", "choice", "按年报表三“本年度办理结果”的分类；尚未答复的不填", False, OUTCOMES,
               example="予以公开"),
        Column("答复日期", "date", "作出答复的日期；尚未答复的不填", example="2021-11-01"),
        Column("延期答复", "yesno", "经批准延长答复期限的写“是”（期限为40个工作日）", example="否"),
        Column("征求第三方意见工作日", "count", "征求第三方意见所用的工作日数，不计入答复期限；没有写0或不填",
               example="0"),
        EVIDENCE_COLUMN,
        Column("备注", "text", "其他说明", personal=True),
    ), "编号"),
    Spec("gwsx", "公文公开属性台账", "每件拟发公文一行：公开属性及其理由", (
        Column("文号", "text", "公文的文号，全台账唯一", True, example="晋市审管发〔2021〕31号"),
        Column("标题", "text", "公文标题（非主动公开公文的标题不对外）", True, personal=True, example="关于印发……的通知"),
        Column("印发日期", "date", "印发（成文）日期", True, example="2021-10-20"),
        Column("公开属性", "choice", "发文卡上认定的公开属性", True, ("主动公开", "依申请公开", "不予公开"),
               example="依申请公开"),
        Column("理由", "text", "认定为依申请公开、不予公开的理由（这两种属性必填）", personal=True, example="过程性信息"),
        Column("上位文件主动公开", "choice", "所执行的上位文件是否主动公开；没有上位文件写“无”", False,
               ("是", "否", "无"), example="否"),
        EVIDENCE_COLUMN,
    ), "文号"),
    Spec("zdgk", "主动公开数据台账", "年报表二的数字，每类一行", (
        Column("类别", "choice", "年报表二的信息内容", True, DECISIONS, example="行政许可"),
        Column("本年制发件数", "count", "规章、行政规范性文件本年制发件数", example="2"),
        Column("本年废止件数", "count", "规章、行政规范性文件本年废止件数", example="0"),
        Column("现行有效件数", "count", "规章、行政规范性文件现行有效件数", example="11"),
        Column("本年处理决定数量", "count", "行政许可、行政处罚、行政强制本年处理决定数量", example="15320"),
        Column("本年收费金额（万元）", "amount", "行政事业性收费本年收费金额，单位万元", example="0"),
        Column("数据来源", "text", "数字从哪里统计来的（系统、台账），便于核对", example="审批系统年度统计"),
    ), "类别"),
    Spec("fyss", "行政复议、行政诉讼案件台账", "因政府信息公开被申请行政复议、提起行政诉讼的每件案件一行", (
        Column("案号", "text", "复议或诉讼案号，全台账唯一", True, example="晋市复〔2021〕12号"),
        Column("类型", "choice", "年报表四的栏目", True, CASE_KINDS, example="行政复议"),
        Column("收到日期", "date", "收到复议申请书或起诉状副本的日期", True, example="2021-06-10"),
        Column("结果", "choice", "结果；年底尚未审结的写“尚未审结”", True, CASE_RESULTS, example="结果纠正"),
        Column("结案日期", "date", "复议决定或判决的日期；尚未审结的不填", example="2021-08-02"),
        Column("申请人", "text", "复议申请人或原告", personal=True),
        Column("案由", "text", "案件涉及的申请和争议", personal=True),
        EVIDENCE_COLUMN,
    ), "案号"),
    Spec("yqhy", "政务舆情回应台账", "每件政务舆情一行：发现、研判、回应", (
        Column("编号", "text", "舆情登记编号，全台账唯一", True, example="YQ-2021-03"),
        Column("发现日期", "date", "发现舆情的日期", True, example="2021-05-12"),
        Column("舆情摘要", "text", "舆情内容摘要", True, personal=True),
        Column("来源", "text", "发现渠道，如 网络媒体、12345热线", example="网络媒体"),
        Column("回应日期", "date", "作出回应的日期；尚未回应的不填", example="2021-05-13"),
        Column("回应方式", "choice", "回应方式", False, ("网站发布", "新闻发布会", "政务新媒体", "答复当事人", "其他"),
               example="网站发布"),
        EVIDENCE_COLUMN,
    ), "编号"),
    Spec("snjz", "上年结转申请数", "上年度年报“四、结转下年度继续办理”所列件数，按申请人类型各一行，用于核对本台账的上年结转", (
        Column("申请人类型", "choice", "申请人情况，按年报表三的栏目", True, APPLICANTS, example="自然人"),
        Column("件数", "count", "上年度年报所列结转下年度继续办理的件数", True, example="2"),
    ), "申请人类型"),
)
BY_KEY = {s.key: s for s in REGISTERS}


# --- reading ------------------------------------------------------------------


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a register file and its encoding (utf-8 or gbk); ``ValueError`` when neither."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise ValueError("文件既不是 UTF-8 也不是 GBK 编码的文本；请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”") from None


_DATE_FORMS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
               re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"))


def parse_cell(column: Column, text: str) -> Value:
    """A cell's value, or ``ValueError`` with a Chinese reason. Empty cells are None."""
    if not text:
        return None
    if column.kind == "date":
        for form in _DATE_FORMS:
            match = form.match(text)
            if match:
                try:
                    day = date(*map(int, match.groups()))
                except ValueError:
                    raise ValueError(f"“{text}”不是存在的日期") from None
                if not 1990 <= day.year <= 2099:
                    raise ValueError(f"日期 {day.isoformat()} 的年份不合理，请检查")
                return day
        raise ValueError(f"“{text}”不是日期；应写成 YYYY-MM-DD，如 2021-09-28")
    if column.kind == "count":
        if not re.fullmatch(r"\d+", text):
            raise ValueError(f"应为非负整数，而不是“{text[:30]}”")
        return int(text)
    if column.kind == "amount":
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(f"应为数字（万元），而不是“{text[:30]}”") from None
        if amount < 0 or not amount.is_finite():
            raise ValueError(f"应为不小于0的数字，而不是“{text[:30]}”")
        return amount
    if column.kind in ("choice", "yesno"):
        if text not in column.choices_or_yesno:
            options = column.choices_or_yesno
            listed = "、".join(options) if len(options) <= 8 else "、".join(options[:6]) + " 等（见 docs/registers.md）"
            raise ValueError(f"“{text[:40]}”不是可选的值{suggest(text, options, 0.4)}可选：{listed}")
        return text == "是" if column.kind == "yesno" else text
    return text


def read_register(spec: Spec, text: str, path: str) -> tuple[Register, list[Problem]]:
    """One register's rows as its declaration reads them, and every problem with file, row and column."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        return Register(spec, ()), [error(path, 1, f"{spec.title}是空文件：第1行应为表头（{'、'.join(c.name for c in spec.columns)}）")]
    header = [c.strip() for c in rows[0]]
    problems = _header_problems(spec, header, path)
    where = {name: i for i, name in enumerate(header) if spec.column(name)}
    out: list[Row] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        values: dict[str, Value] = {}
        for column in spec.columns:
            index = where.get(column.name)
            cell = cells[index].strip() if index is not None and index < len(cells) else ""
            place = f"第{number}行 {column_letter(index) if index is not None else ''}列“{column.name}”"
            try:
                values[column.name] = parse_cell(column, cell)
            except ValueError as exc:
                problems.append(error(path, number, f"{place}：{exc}", "register-cell"))
                values[column.name] = None
                continue
            if column.required and not cell and index is not None:
                problems.append(error(path, number, f"{place}：不能为空（{column.help}）", "register-cell"))
        out.append(Row(number, values))
    register = Register(spec, tuple(out))
    problems += _duplicates(register, path)
    return register, problems


def _header_problems(spec: Spec, header: list[str], path: str) -> list[Problem]:
    problems: list[Problem] = []
    names = [c.name for c in spec.columns]
    for index, name in enumerate(header):
        if not name or spec.column(name):
            continue
        problems.append(error(path, 1, f"第1行 {column_letter(index)}列：表头“{name}”不是{spec.title}的列"
                                       f"{suggest(name, names, 0.4) or '。'}可用的列：{'、'.join(names)}", "register-header"))
    for column in spec.columns:
        if column.required and column.name not in header:
            problems.append(error(path, 1, f"第1行：缺少必填的列“{column.name}”（{column.help}）", "register-header"))
    repeated = sorted({n for n in header if n and header.count(n) > 1})
    problems += [error(path, 1, f"第1行：列“{n}”出现了两次", "register-header") for n in repeated]
    return problems


def _duplicates(register: Register, path: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for row in register.rows:
        ident = row.text(register.spec.id_column)
        if not ident:
            continue
        if ident in seen:
            problems.append(error(path, row.number, f"第{row.number}行：{register.spec.id_column}“{ident}”"
                                                    f"与第{seen[ident]}行重复", "register-cell"))
        seen.setdefault(ident, row.number)
    return problems


def load_registers(root: Path, year: int) -> tuple[Registers, list[Problem]]:
    """Every register file under ``registers/``; an unknown CSV file there is an error with the nearest name."""
    folder = root / FOLDER
    found: dict[str, Register] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return Registers(year), problems
    for path in sorted(folder.iterdir()):
        rel = f"{FOLDER}/{path.name}"
        if path.name.startswith(".") or path.suffix.lower() not in (".csv",):
            if path.suffix.lower() in (".xlsx", ".xls", ".et"):
                problems.append(error(rel, 0, "台账请另存为“CSV UTF-8（逗号分隔）”后提交（.csv），表格文件的改动在合并请求中无法逐行查看"))
            continue
        spec = BY_KEY.get(path.stem)
        if spec is None:
            known = [s.key for s in REGISTERS]
            problems.append(error(rel, 0, f"未知的台账文件“{path.name}”{suggest(path.stem, known) or '。'}"
                                          f"可用的台账：{'、'.join(f'{s.key}.csv（{s.title}）' for s in REGISTERS)}"))
            continue
        register, more = _read_file(root, path, spec, rel)
        problems += more
        if register is not None:
            found[spec.key] = register
    return Registers(year, found), problems


def _read_file(root: Path, path: Path, spec: Spec, rel: str) -> tuple[Register | None, list[Problem]]:
    try:
        text, encoding = decode_csv(read_bytes(root, path, LIMIT, "台账"))
    except (ReadRefused, ValueError) as exc:
        return None, [error(rel, getattr(exc, "line", 0), getattr(exc, "message", str(exc)))]
    register, problems = read_register(spec, text, rel)
    if encoding == "gbk":
        problems.append(warning(rel, 0, "台账是 GBK 编码（Excel 的“CSV（逗号分隔）”）：内容已按 GBK 读取，但合并请求中的改动无法阅读；"
                                        "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”", "register-gbk"))
    return register, problems


# --- schemas and docs ---------------------------------------------------------


def schemas() -> dict[str, dict[str, Any]]:
    """A JSON Schema per register: one row, as the CSV header names its cells (every cell is text)."""
    out: dict[str, dict[str, Any]] = {}
    for spec in REGISTERS:
        name = f"{spec.key}.schema.json"
        out[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://zwgk.invalid/schemas/registers/{name}",
            "title": spec.file,
            "description": f"{spec.title}：{spec.about}。每行一个对象（由 scoring/registers/registers.py 的声明生成，请勿手改）",
            "type": "array",
            "items": {"type": "object", "properties": {c.name: c.schema() for c in spec.columns},
                      "required": [c.name for c in spec.columns if c.required], "additionalProperties": False},
        }
    return out


def write_schemas(folder: Path) -> list[Path]:
    """schemas/registers/<key>.schema.json, as ``python -m scoring.cli.schemas`` writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def docs_markdown() -> str:
    """The column reference of docs/registers.md, generated from the declarations."""
    out: list[str] = []
    for spec in REGISTERS:
        out += [f"#### `{spec.file}`: {spec.title}", "", f"{spec.about}。", "",
                "| column | type | required | allowed values | meaning | example |", "|---|---|---|---|---|---|"]
        for c in spec.columns:
            allowed = " / ".join(c.choices_or_yesno) if c.kind in ("choice", "yesno") else ""
            note = "（内部）" if c.personal else ""
            out.append(f"| {c.name} | {c.label} | {'必填' if c.required else ''} | {allowed} | {c.help}{note} | "
                       f"{c.example} |")
        out.append("")
    return "\n".join(out)


# --- editions -----------------------------------------------------------------


def personal_cells(found: Registers) -> dict[str, tuple[str, ...]]:
    """Every cell of a personal column, by register file: what the public edition must not show."""
    out: dict[str, tuple[str, ...]] = {}
    for register in found.by_key.values():
        names = [c.name for c in register.spec.columns if c.personal]
        texts = tuple(t for row in register.rows for n in names if (t := row.text(n)))
        if texts:
            out[register.spec.file] = texts
    return out


def without_personal(found: Registers) -> Registers:
    """The registers as the public edition carries them: personal columns emptied."""
    def row(register: Register, r: Row) -> Row:
        personal = {c.name for c in register.spec.columns if c.personal}
        return Row(r.number, {k: (None if k in personal else v) for k, v in r.values.items()})

    return Registers(found.year, {k: Register(reg.spec, tuple(row(reg, r) for r in reg.rows))
                                  for k, reg in found.by_key.items()})
