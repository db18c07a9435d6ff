"""From a cell's text to rule drafts: the table of phrasings.

A cell is cut into *clauses*, each ending at an amount (扣1分, 加2分, 不得分) and
keeping the cap that follows it (扣分上限为4分). Cell-wide patterns (a score
formula, a percentage floor, tiers, nested levels, several clauses under one
shared cap) are tried first; otherwise every clause is matched against
``CLAUSES``, one row per phrasing: pattern → kind + how its parameters are
read. To teach the importer a new phrasing, add a row there (and a test case).

A clause that no row matches, or a match that looks suspect, becomes a
``manual`` rule with the clause verbatim and ``needs_review: true``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半])"
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
MEASURES = "件|次|处|起|例|条|篇|个|项|人次|家"


def number(text: str) -> Decimal:
    if text == "半":
        return Decimal("0.5")
    return Decimal(_CN[text]) if text in _CN else Decimal(text)


@dataclass
class Fact:
    """A fact a draft needs; the row gives it a unique name."""

    base: str
    type: str
    help: str
    options: tuple[str, ...] = ()
    unit: str = ""
    adverse: bool = False


@dataclass
class Draft:
    kind: str
    params: dict[str, Any]  # Fact values stand for fact names
    text: str
    phrase: str  # the row of the phrase table that produced it
    review: str = ""  # why a person must look: the draft then becomes a manual rule
    bonus: bool = False


@dataclass
class Clause:
    text: str  # verbatim, amount and cap included
    body: str  # the text before the amount
    sign: str  # 扣 | 加 | 不得分
    amount: Decimal | None
    cap: Decimal | None = None


@dataclass
class Row:
    """What inference may read besides the cell: the row's points, units and 涉及内容."""

    points: Decimal
    units: tuple[str, ...] = ()
    content: str = ""
    year: int = 2000
    tail: str = ""  # the text after the cell's last amount (a list the clause refers to)
    drafts: list[Draft] = field(default_factory=list)


_N = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半])"
_AMOUNT = re.compile(
    r"(?P<cap>(?:扣分上限为?|最高扣|最多扣|累计扣分不超过)\s*(?P<capn>" + _N[1:-1] + r")\s*分|扣完为止)"
    r"|(?P<bcap>(?:加分上限为?|最高加|最多加|累计加分不超过)\s*(?P<bcapn>" + _N[1:-1] + r")\s*分)"
    r"|(?P<zero>不得分|不计分)"
    r"|(?P<sign>扣|加|减)\s*(?P<num>" + _N[1:-1] + r")\s*分"
)
_SEP = "，,、；;。：: \n"


# A numbered clause's mark: ①, （1）, 1、, 1., 一、
ENUM = re.compile(r"^\s*(?:[①-⑳]|[（(]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)）]|\d+\s*[、.．]|[一二三四五六七八九十]+、)\s*")
_ELLIPSIS = "…．.·—－-"


def lead(text: str) -> tuple[str, str]:
    """The cell's lead sentence (what the row is about) and the rest, where the clauses are.

    「公开内容合法合规，未出现公开不该公开的内容。①发现…的，每处扣2分」: the lead ends at the first 。 (or before the
    first numbered clause) when an amount comes only after it; a cell without one has no lead.
    """
    first = _AMOUNT.search(text)
    if first is None:
        return "", text
    head = text[:first.start()]
    marks = [m.start() for m in re.finditer(r"[①-⑳]|(?<=[。；;\s])[（(]?\s*\d+\s*[)）、.．]", head)]
    stops = [m.end() for m in re.finditer(r"。", head)]
    cut = marks[0] if marks else (stops[0] if stops else 0)
    if cut == 0 or not text[cut:first.start()].strip(_SEP) or not head[:cut].strip(_SEP):
        return "", text
    return head[:cut].strip(_SEP + " "), text[cut:]


def clauses(text: str) -> tuple[list[Clause], str]:
    """Cut a cell at its amounts; return the clauses and the text after the last one."""
    out: list[Clause] = []
    start = len(text) - len(lead(text)[1])
    for m in _AMOUNT.finditer(text):
        gap = text[start:m.start()]
        if m.group("cap") or m.group("bcap"):
            value = m.group("capn") or m.group("bcapn")
            cap = number(value) if value else None
            alone = not out or bool(re.search(r"[。；;]", gap)) or bool(gap.strip(_SEP))
            if out and not alone:
                out[-1].cap = cap if cap is not None else Decimal(-1)  # -1: 扣完为止, the row's points
                out[-1].text += text[start:m.end()]
            else:
                out.append(Clause(text[start:m.end()].strip(_SEP), "", "上限", None,
                                  cap if cap is not None else Decimal(-1)))
            start = m.end()
            continue
        body = text[start:m.start()].strip(_SEP)
        if m.group("zero"):
            out.append(Clause(text[start:m.end()].strip(_SEP), body, "不得分", None))
        else:
            sign = "加" if m.group("sign") == "加" else "扣"
            out.append(Clause(text[start:m.end()].strip(_SEP), body, sign, number(m.group("num"))))
        start = m.end()
    return out, text[start:].strip(_SEP)


def _last_sentence(text: str) -> str:
    """The condition a clause states: its last sentence, without the counting words before the amount."""
    parts = re.split(r"[。；;]", text.strip(_SEP))
    tail = [p for p in parts if p.strip(_SEP)]
    sentence = tail[-1].strip(_SEP) if tail else text
    return re.sub(r"[，,]\s*(?:每|发现|有)[^，,]{0,6}$", "", sentence).strip(_SEP) or sentence


def _items(text: str) -> tuple[str, ...]:
    """A list written with 、, 和, 及 or spaces, outside brackets and quotes."""
    parts = re.split(r"[、和及\s]+(?![^（(“]*[)）”])", text.strip(_SEP))
    return tuple(p.strip(_SEP) for p in parts if p.strip(_SEP))


def _tail_list(tail: str) -> tuple[str, ...]:
    items = tuple(p for p in re.split(r"[、\s]+(?![^（(“]*[)）”])", tail) if p)
    return items if len(items) >= 2 and all(len(i) <= 24 for i in items) else ()


def _date(text: str, year: int) -> date | None:
    m = re.fullmatch(r"(次年)?(\d{1,2})月(?:(\d{1,2})日|底|末)", text)
    if m:
        y = year + 1 if m.group(1) else year
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return None
        day = int(m.group(3)) if m.group(3) else calendar.monthrange(y, month)[1]
        try:
            return date(y, month, day)
        except ValueError:
            return None
    if text in ("年底", "年末", "年终"):
        return date(year, 12, 31)
    return None


_DATE = r"(?:次年)?\d{1,2}月(?:\d{1,2}日|底|末)|年底|年末"


# --- builders: one per row of the phrase table --------------------------------


def _per_deadline(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    days = [_date(d, row.year) for d in re.findall(_DATE, m.group("dates"))]
    if len(days) < 2 or None in days or c.amount is None:
        return None
    fact = Fact("完成日期", "date", f"写明每次完成的日期（YYYY-MM-DD），每次一个日期，可填多个。考核标准：{_last_sentence(c.body)}")
    return Draft("per_deadline", {"fact": fact, "deadlines": sorted(d for d in days if d), "per": c.amount}, c.text,
                 "逐个时限")


def _deadline(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    day = _date(m.group("date") or m.group("date2"), row.year)
    if day is None or c.amount is None:
        return None
    fact = Fact("完成日期", "date", f"写明完成的日期（YYYY-MM-DD），以报送记录、发文或公开日期为准。考核标准：{_last_sentence(c.body)}")
    return Draft("deadline", {"fact": fact, "deadline": day, "deduct": c.amount}, c.text, "限期完成")


def _each(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    items = _items(m.group("what"))
    if len(items) < 2 or c.amount is None:
        return None
    return _missing(items, c, row, "每项各扣")


def _missing(items: tuple[str, ...], c: Clause, row: Row, phrase: str) -> Draft:
    fact = Fact("已落实事项", "items", f"写明已落实、有材料印证的事项，只列可选项中的名称。考核标准：{_last_sentence(c.body)}",
                options=items)
    required: list[Any] = list(items)
    if len(row.units) == len(items) > 1:
        required = [{"item": i, "unit": u} for i, u in zip(items, row.units, strict=True)]
    return Draft("per_missing", {"fact": fact, "required": required, "per": c.amount}, c.text, phrase)


def _per_missing(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    items = _tail_list(row.tail)
    if not items and "分工" in c.body:
        items = _tail_list(row.content)
    if not items:
        listed = re.search(r"对(?P<list>[^，。；]+?)等", c.body) or re.search(r"(?P<list>[^，。；]+、[^，。；]+?)(?:等|内容|方面)",
                                                                               c.body)
        items = tuple(i for i in re.split(r"、", listed.group("list"))) if listed else ()
    if len(items) < 2:
        return None
    return _missing(items, c, row, "每缺一项")


def _listed(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    items = tuple(re.split(r"、", m.group("list")))
    if len(items) < 2 or c.cap is None or c.cap < 0:
        return None
    return _missing(items, c, row, "所列各项不合格扣分")


def fact_name(text: str) -> str:
    """A name from the scheme's words, without a clause's number, punctuation or ellipses at either end."""
    text = ENUM.sub("", text.strip(_SEP + _ELLIPSIS))
    return text.strip(_SEP + _ELLIPSIS + "“”\"'")


def _condition(body: str) -> str:
    """The condition a clause states, as the scheme words it: 「答复格式不规范的，」 → 答复格式不规范,
    「⑤……被退回且未及时修改的」 → 被退回且未及时修改."""
    text = fact_name(_last_sentence(body))
    text = re.sub(r"^(?:对|凡|如|若|考核中)", "", text)
    return fact_name(re.sub(r"(?:的|者|时)$", "", text.strip(_SEP))) or text


def _any_of(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    """「存在任何一种情况扣0.5分：甲、乙、丙」: once, however many of the listed cases occur."""
    listed = _tail_list(row.tail)
    if listed:
        fact = Fact("出现的情形", "items", f"写明出现了下列哪些情形，只列可选项中的名称；都没有的填写空列表 []。考核标准：{c.text}",
                    options=listed, adverse=True)
    else:
        fact = Fact("存在所列情形", "flag", f"写明是否存在下列任何一种情形（true 是，false 否）：{_last_sentence(c.body)}",
                    adverse=True)
    deduct = c.amount if c.amount is not None else row.points
    return Draft("event", {"fact": fact, "deduct": deduct}, c.text, "存在任一情形")


def _event_lead(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    """「被退回且未及时修改的」, 「发生…未…的」, 「答复被复议纠错的」: a clause whose condition names an event (被, 发生,
    出现, 存在) before any 未/无/没有 is one, whatever 未 follows."""
    if not re.match(r"[^未无没]*?(?:被|发生|出现|存在)", _condition(c.body)):
        return None
    return _event(m, c, row)


def _event(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    """「发生…的，扣N分」, 「答复格式不规范的，扣1分」: an adverse fact, named as the scheme words it."""
    if re.search(r"每|各扣", c.text):
        return None
    deduct = c.amount if c.amount is not None else row.points
    name = _condition(c.body)
    fact = Fact(name, "flag", f"写明是否{name}（true 是，false 否），并附检查或通报材料。考核标准：{c.text}", adverse=True)
    return Draft("event", {"fact": fact, "deduct": deduct}, c.text, "发生即扣分")


_RATE_NAME = r"[^，。；,;\s]+?(?:率|比例|比重|占比)"
_ABOVE = r"高于|超过|达到|大于"
_BELOW = r"低于|不足|未达到|达不到|小于"
_THRESHOLD_FRACTION = re.compile(rf"(?P<num>[^，。；,;]+?)(?P<side>{_BELOW}|{_ABOVE})(?P<den>[^，。；,;\d%]+?)(?:的)?"
                                 r"(?P<pct>\d+(?:\.\d+)?)\s*[%％](?P<incl>以上|以下)?")
_THRESHOLD_RATE = re.compile(rf"(?P<rate>{_RATE_NAME})(?:应|须)?(?P<side>{_BELOW}|{_ABOVE})\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]"
                             r"(?P<incl>以上|以下)?")


def _threshold(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    """「纠错数高于申请总数15%的，扣1分」, 「合格率低于90%的，扣2分」, 「差评率达到5%以上的」: a line, crossed or not."""
    body = _last_sentence(c.body)
    if re.search(r"每", body):
        return None
    params: dict[str, Any] = {}
    found = _THRESHOLD_RATE.search(body)
    if found:
        rate = fact_name(found.group("rate"))
        params["percent"] = Fact(rate, "number", f"写明{rate}，百分数（如 96.5 表示 96.5%），以统计或检查结果为准。")
    else:
        found = _THRESHOLD_FRACTION.search(body)
        if found is None:
            return None
        num, den = fact_name(found.group("num")), fact_name(found.group("den"))
        if not num or not den or num == den:
            return None
        params["numerator"] = Fact(num, "count", f"写明{num}。", adverse=found.group("side") in _ABOVE.split("|"))
        params["denominator"] = Fact(den, "count", f"写明{den}。")
    side, incl = found.group("side"), found.group("incl")
    above = side in _ABOVE.split("|")
    if (incl == "以上" and not above) or (incl == "以下" and above):
        return None  # 「低于…以上」: the words disagree
    params["above" if above else "below"] = Decimal(found.group("pct"))
    if incl or side == "达到":
        params["inclusive"] = True
    params["deduct"] = c.amount if c.amount is not None else row.points
    return Draft("ratio_threshold", params, c.text, "比例越线")


def _occurrence(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    measure = next((g for g in m.groups() if g), "个")
    fact = Fact(f"问题{measure}数", "count", f"写明经检查、通报或自查发现的下列情形的{measure}数，没有则填0：{_last_sentence(c.body)}",
                unit=measure, adverse=True)
    return Draft("per_occurrence", {"fact": fact, "per": c.amount}, c.text, "按次（件）扣分")


def _graded_and(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    items = (m.group("a").strip(_SEP), m.group("b").strip(_SEP))
    fact = Fact("已落实事项", "items", f"写明已建立或已完成的事项，只列可选项中的名称。考核标准：{_last_sentence(c.body)}",
                options=items)
    return Draft("graded", {"fact": fact, "levels": [{"missing": list(items), "match": "any", "deduct": c.amount}]},
                 c.text, "未建立A和B")


def duty(condition: str) -> str:
    """The duty a 「未…的」 condition says was left undone, as a fact true when done: 未实现对接 → 实现对接,
    纠错后未按期整改 → 纠错后按期整改, 无专人负责 → 有专人负责; 已完成 when the words give none."""
    phrases = re.split(r"[，,]", condition)
    said = next((i for i, p in enumerate(phrases) if re.search(r"未|没有|无", p)), 0)
    condition = "，".join(phrases[said:])  # 「答复按期办结，未按法定期限答复」: the phrase that says what was not done
    done = re.sub(r"未|没有|无", lambda m: "有" if m.group(0) != "未" else "", condition, count=1)
    return done if condition != done and 2 <= len(done) <= 30 else "已完成"


def _required(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    deduct = c.amount if c.amount is not None else row.points
    name = duty(_condition(c.body))
    fact = Fact(name, "flag", f"写明是否已做到（true 是，false 否），并附印证材料。扣分情形：{_last_sentence(c.body)}")
    return Draft("required", {"fact": fact, "deduct": deduct}, c.text, "未完成即扣分" if c.amount else "不得分")


def _review(reason: str) -> Callable[[re.Match[str], Clause, Row], Draft | None]:
    def build(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
        return Draft("manual", {}, c.text, "需要新规则类型", review=reason)

    return build


_CHECKLIST = re.compile(r"(?P<list>[^，。；,;:：、]+?(?:、[^，。；,;:：、]+?)+)等")
_LEAD = re.compile(r"^(?:未做好|未落实|未完成|做好|落实|完成|根据|对|视|按照|未|在)")


def checklist(text: str) -> tuple[str, ...]:
    """「未做好信息发布、政策解读、回应关切等工作」 → the listed items (an open list: 等)."""
    m = _CHECKLIST.search(text)
    if m is None:
        return ()
    items = [i.strip(_SEP + "“”") for i in m.group("list").split("、")]
    items[0] = _LEAD.sub("", items[0])
    items = [i for i in items if i]
    return tuple(items) if len(items) >= 2 and all(len(i) <= 20 for i in items) else ()


def _discretion(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    bonus = c.sign == "加" or "加分" in m.group(0)
    name = "酌情加分" if bonus else "酌情扣分"
    fact = Fact(name, "adjustments", f"考核组{name}的，逐项写明分值和理由，并附依据。考核标准：{c.text}")
    params: dict[str, Any] = {"fact": fact, "direction": "bonus" if bonus else "deduct"}
    listed = checklist(c.text)
    if listed:
        params["checklist"] = list(listed)
    return Draft("manual", params, c.text, "酌情（……等）" if listed else "酌情", bonus=bonus)


def _bonus_per(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    measure = m.group(1) or "项"
    fact = Fact(f"加分{measure}数", "count", f"写明符合下列加分条件的{measure}数，没有则填0，并附印证材料：{_last_sentence(c.body)}",
                unit=measure)
    return Draft("bonus_per_item", {"fact": fact, "per": c.amount}, c.text, "按项加分", bonus=True)


def _bonus_flag(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
    fact = Fact("符合加分条件", "flag", f"写明是否符合下列加分条件（true 是，false 否），并附印证材料：{_last_sentence(c.body)}")
    return Draft("bonus_flag", {"fact": fact, "bonus": c.amount}, c.text, "达到条件加分", bonus=True)


Builder = Callable[[re.Match[str], Clause, Row], Draft | None]

# The phrase table: (name, pattern on the clause, which clauses: 扣 / 加 / 不得分, builder). First match wins.
CLAUSES: list[tuple[str, re.Pattern[str], str, Builder]] = [
    ("酌情扣分", re.compile(r"(根据|视)[^，。；]{0,10}情况[^，。；]{0,4}扣分|酌情扣分|由考核组(酌情)?扣分"), "扣不得分", _discretion),
    ("比例越线", re.compile(r"(低于|高于|超过|不足|达到|大于|小于)[^，。；]{0,20}?\d+(\.\d+)?\s*[%％]"), "扣不得分", _threshold),
    ("得分制", re.compile(r"得\s*\d+(\.\d+)?\s*分|计\s*\d+(\.\d+)?\s*分|是否[^，。；]*[（(：:]\s*\d+(\.\d+)?\s*分"), "扣加不得分", _review(
        "同一格中既有得分（得N分）又有扣分或加分，无法确定按哪种方式计分；请改写为 earn_items/earn_flag 或扣分规则")),
    ("不适用", re.compile(r"不涉及|不适用|无此项"), "扣加不得分", _review(
        "含“不涉及/不适用”的情形，但没有说明不检查该项（如“不检查该项指标”），需要人工确认如何计分")),
    ("逐个时限", re.compile(rf"未(?:于|在|按)?(?P<dates>(?:(?:{_DATE})[、和及，,]?\s*){{2,}})前?.*每(?:次|缺一次|少一次|逾期一次)"), "扣",
     _per_deadline),
    ("限期完成", re.compile(rf"(?P<date>{_DATE})前.*未(?:完成|提交|报送|公开|公示|按时)|未(?:在|于|按)?(?P<date2>{_DATE})前"), "扣",
     _deadline),
    ("每项各扣", re.compile(r"未(?:建立|开通|设立|开设|制定|公开)?(?P<what>[^，。；]+和[^，。；]+?)的?[，,]\s*各扣"), "扣", _each),
    ("每缺一项", re.compile(r"每(?:少|缺)[^，,。；]{0,6}?(?:一|1)\s*(?:项|个|类)"), "扣", _per_missing),
    ("下列每一项", re.compile(r"(?:下列|以下).*每一?项"), "扣", _per_missing),
    ("存在任一情形", re.compile(r"存在(?:任何|任一|以下任何|下列任何)一种情[况形]|(?:出现|存在|有)(?:下列|以下|所列)?任何一种"), "扣不得分",
     _any_of),
    ("按次（件）扣分", re.compile(rf"(?:每|发现|有)\s*(?:一|1)?\s*({MEASURES})|每通报一(次)|一(次)扣"), "扣", _occurrence),
    ("所列各项不合格扣分", re.compile(r"^(?P<list>[^，。；、]{1,12}?(?:、[^，。；、]{1,12}?)+)(?:内容|等)?(?:不符合|未|不)"),
     "扣", _listed),
    ("未建立A和B", re.compile(r"未(?:建立|制定|公开|开设|设立)(?P<a>[^，。；]+?)和(?P<b>[^，。；]+?)的"), "扣", _graded_and),
    ("发生即扣分", re.compile(r"被|发生|出现|存在"), "扣不得分", _event_lead),
    ("未完成即扣分", re.compile(r"未|无|没有"), "扣不得分", _required),
    ("发生即扣分", re.compile(r"发生|出现|存在|不符合|不规范|不及时|不准确|不完整|不到位|滥用|错误|违规|违反|泄露|被通报|被约谈"),
     "扣不得分", _event),
    ("酌情加分", re.compile(r"加分酌情|酌情加分"), "加", _discretion),
    ("按项加分", re.compile(rf"每[一]?\s*({MEASURES})?[^，。；]{{0,12}}?[，,]?\s*加\s*{NUM}\s*分"), "加", _bonus_per),
    ("达到条件加分", re.compile(r"加"), "加", _bonus_flag),
]

# Words that name something bad: a score formula rewarding them is read backwards.
ADVERSE = re.compile(r"迟报|瞒报|漏报|错报|逾期|超期|差错|不合格|不合规|投诉")
