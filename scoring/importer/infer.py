"""A row's cells → rules and facts in the scheme format, through the phrase table."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .phrases import ADVERSE, CLAUSES, Clause, Draft, Fact, Row, clauses

EMPTY = {"", "-", "—", "－", "/", "／", "无", "——"}
_DISCRETION = CLAUSES[0][1]
_OCCURRENCE = re.compile(r"每|发现|一次|有一")
_NOT_APPLICABLE = re.compile(r"不涉及|不适用|无此项")


def infer_cell(text: str, row: Row, bonus_column: bool = False) -> list[Draft]:
    """The drafts one cell's text gives (the 扣分标准, 加分标准 or 考核标准 cell)."""
    text = text.strip().lstrip("*＊").strip()
    if text in EMPTY:
        return []
    found = _ratio(text, row) or _percent_floor(text, row) or _direct(text)
    if found:
        return [found]
    parts, tail = clauses(text)
    if not parts:
        m = _DISCRETION.search(text) or re.search(r"加分酌情|酌情加分", text)
        if m:
            return [_manual(text, bonus_column or "加" in m.group(0), "酌情")]
        return [review(text, "没有找到分值（如“扣1分”“加2分”），无法确定计分方法", bonus_column)]
    counted = [c for c in parts if c.sign != "上限"]
    whole = _tiered(counted) or _nested(counted)
    if whole:
        return [whole]
    drafts: list[tuple[Clause, Draft]] = []
    for i, c in enumerate(parts):
        if c.sign == "上限":
            _shared_cap(drafts, c, row)
            continue
        row.tail = tail if i == len(parts) - 1 or all(p.sign == "上限" for p in parts[i + 1:]) else ""
        drafts.extend((c, d) for d in _classify(c, row))
    out = [d for _, d in drafts]
    if _NOT_APPLICABLE.search(tail):
        out.append(review(tail, "含“不涉及/不适用”的情形，需要人工确认如何计分"))
    return out


def _classify(c: Clause, row: Row) -> list[Draft]:
    near = ""
    for name, pattern, signs, build in CLAUSES:
        if c.sign not in signs:
            continue
        m = pattern.search(c.text)
        if m is None:
            continue
        draft = build(m, c, row)
        if draft is None:
            near = near or name
            continue
        if draft.review:
            return [review(c.text, draft.review, c.sign == "加")]
        _own_cap(draft, c, row)
        return _split_conditions(draft, c)
    reason = f"像是“{near}”，但缺少它所需的内容（如所列事项、日期）" if near else "这一句的计分方法没有对应的规则类型"
    return [review(c.text, reason, c.sign == "加")]


def _own_cap(draft: Draft, c: Clause, row: Row) -> None:
    if c.cap is None or draft.kind not in ("per_missing", "per_occurrence", "per_deadline", "bonus_per_item", "manual"):
        return
    if draft.kind == "per_occurrence" and draft.params.get("cap") is not None:
        return
    draft.params["cap"] = row.points if c.cap < 0 else c.cap


def _shared_cap(drafts: list[tuple[Clause, Draft]], cap_clause: Clause, row: Row) -> None:
    """A cap standing alone covers the counted clauses before it: one clause takes it, several share it."""
    assert cap_clause.cap is not None
    cap = row.points if cap_clause.cap < 0 else cap_clause.cap
    open_ = [(c, d) for c, d in drafts if not d.bonus and d.kind != "group" and d.params.get("cap") is None]
    if len(open_) == 1:
        d = open_[0][1]
        if d.kind in ("per_missing", "per_occurrence", "per_deadline", "manual"):
            d.params["cap"] = cap
            d.text += "。" + cap_clause.text
        return
    if len(open_) >= 2:
        for pair in open_:
            drafts.remove(pair)
        group = Draft("group", {"cap": cap, "rules": [d for _, d in open_]}, cap_clause.text, "多项共用扣分上限")
        drafts.append((cap_clause, group))


def _split_conditions(draft: Draft, c: Clause) -> list[Draft]:
    """「甲的；乙的，每项加2分」: one rule for each condition before a shared amount."""
    segments = [s for s in re.split(r"[；;]", c.body) if s.strip()]
    if draft.kind != "bonus_per_item" or len(segments) < 2 or not all("的" in s for s in segments):
        return [draft]
    out = []
    for i, segment in enumerate(segments):
        fact: Fact = draft.params["fact"]
        copy = Fact(fact.base, fact.type, fact.help.rsplit("：", 1)[0] + "：" + segment.strip("，, "), unit=fact.unit)
        text = segment.strip() if i < len(segments) - 1 else c.text.split("；")[-1].strip()
        out.append(Draft(draft.kind, {**draft.params, "fact": copy}, text, draft.phrase, bonus=True))
    return out


def _tiered(counted: list[Clause]) -> Draft | None:
    """「被国家、省级…通报的，扣5分。被市…通报的，扣2分」: the highest tier present."""
    if len(counted) < 2 or any(c.sign != "扣" or c.amount is None for c in counted):
        return None
    whos = []
    for c in counted:
        m = re.search(r"被(?P<who>[^，。；]+?)(?:网信|公安|部门|约谈|通报|点名|批评)", c.body)
        if m is None or _OCCURRENCE.search(c.body):
            return None
        whos.append(m.group("who").rstrip("、"))
    fact = Fact("约谈通报层级", "items", "写明约谈或通报本单位的部门层级，只列可选项中的名称；未被约谈或通报的填写空列表 []。",
                options=tuple(whos))
    tiers = [{"item": w, "deduct": c.amount} for w, c in zip(whos, counted, strict=True)]
    return Draft("tiered", {"fact": fact, "tiers": tiers}, "。".join(c.text for c in counted), "按层级扣分")


def _nested(counted: list[Clause]) -> Draft | None:
    """「未公开甲和乙及丙的扣2分 未公开丙的扣1分」: levels whose items nest are one graded rule."""
    if len(counted) < 2 or any(c.sign != "扣" or c.amount is None or _OCCURRENCE.search(c.body) for c in counted):
        return None
    groups = []
    for c in counted:
        m = re.match(r"未(?:公开|建立|制定|开设|完成)(?P<what>.+?)的?$", c.body.strip("，, "))
        if m is None:
            return None
        groups.append(_split_items(m.group("what")))
    later = {i for g in groups[1:] for i in g}
    if not later <= set(groups[0]):
        return None
    levels = []
    for i, (c, items) in enumerate(zip(counted, groups, strict=True)):
        own = [x for x in items if i > 0 or x not in later]
        levels.append({"missing": own, "match": "any", "deduct": c.amount})
    options = tuple(groups[0])
    fact = Fact("已落实事项", "items", "写明已公开或已完成的事项，只列可选项中的名称，并附网址或材料。", options=options)
    return Draft("graded", {"fact": fact, "levels": levels}, " ".join(c.text for c in counted), "分档扣分")


def _split_items(text: str) -> list[str]:
    parts = re.split(r"[、和及](?![^（(“]*[)）”])", text)
    return [p.strip() for p in parts if p.strip()]


_FORMULA = re.compile(r"得分\s*[=＝]\s*[（(]?\s*(?P<inv>1\s*[-−－]\s*)?(?P<rate>[^（()）×*＊=＝]+?率)[）)]?"
                      r"(?:[（(](?P<num>[^/／（）()]+)[/／](?P<den>[^/／（）()]+)[）)])?[）)]?\s*[×*＊xX]\s*(?P<mult>\d+(?:\.\d+)?)")


def _ratio(text: str, row: Row) -> Draft | None:
    """「得分=合规率（合规数据量/报送数据总量）×5」, 「瞒报率=瞒报数据量/台账数据量。得分=（1-瞒报率）×5」."""
    m = _FORMULA.search(text)
    if m is None:
        return None
    rate = m.group("rate").strip()
    num, den = m.group("num"), m.group("den")
    if num is None:
        d = re.search(re.escape(rate) + r"\s*[=＝]\s*(?P<num>[^/／。，；]+)[/／](?P<den>[^。，；]+)", text)
        if d is None:
            return review(text, f"公式中的“{rate}”没有写明分子和分母")
        num, den = d.group("num"), d.group("den")
    num, den = num.strip(), den.strip()
    invert = m.group("inv") is not None
    if ADVERSE.search(num) and not invert:
        return review(text, f"公式按字面计算时，“{num}”越多得分越高，方向可疑（是否应为 1−{rate}？）")
    if Decimal(m.group("mult")) != row.points:
        return review(text, f"公式乘以{m.group('mult')}，与本行分值{row.points}不一致")
    facts = (Fact(num, "count", f"写明{num}，以核查结果为准。", adverse=bool(ADVERSE.search(num))),
             Fact(den, "count", f"写明{den}。"))
    return Draft("ratio_score", {"numerator": facts[0], "denominator": facts[1], "invert": invert},
                 text[m.start():].strip() if not invert else text, "按比例计分")


_STEPS = (r"每(?:降低|下降|减少|低)(?P<step>[\d.一二两三四五六七八九十]+)个?百分点[，,]?\s*扣\s*(?P<per>\d+(?:\.\d+)?)\s*分"
          r"(?:[，,]?\s*(?:扣分上限为?\s*(?P<cap>\d+(?:\.\d+)?)\s*分|(?P<all>扣完为止)))?")
_PERCENT = re.compile(r"(?P<num>[^，。；,]*?)占(?P<den>[^，。；,]*?)(?:的比例|比例|比重)?(?:不得|不应|应不)(?:少|低)于"
                      r"\s*(?P<floor>\d+(?:\.\d+)?)\s*%[，,]?\s*" + _STEPS)
_SHARE = re.compile(r"(?P<what>[^，。；,]+?)(?:的)?(?:比例|比重|占比)不(?:得|应)?(?:少|低)于\s*(?P<floor>\d+(?:\.\d+)?)\s*%[，,]?\s*"
                    + _STEPS)
_RATE = re.compile(r"(?P<rate>[^，。；,\s]+?率)(?:(?:应|须)?达到\s*(?P<floor>\d+(?:\.\d+)?)\s*%)?[，,]?\s*" + _STEPS)
_DIRECT = re.compile(r"(?P<rate>[^，。；,\s]+?率)按(?:比例|实际比例)(?:得分|计分)")


def _percent_floor(text: str, row: Row) -> Draft | None:
    """「…占…不得少于90%，每降低两个百分点，扣0.5分」, 「…比例不低于60%，每低1个百分点…」, 「及时率每下降1个百分点扣0.1分」."""
    from .phrases import number

    m = _PERCENT.search(text)
    if m:
        num, den, floor = m.group("num").strip(), m.group("den").strip(), Decimal(m.group("floor"))
    elif m := _SHARE.search(text):
        what = m.group("what").strip()
        num, den, floor = f"{what}（分子）", f"{what}（分母）", Decimal(m.group("floor"))
    else:
        m = _RATE.search(text)
        if m is None:
            return None
        rate = m.group("rate")
        num, den = f"{rate}的分子", f"{rate}的分母"
        floor = Decimal(m.group("floor")) if m.group("floor") else Decimal(100)
    params: dict[str, Any] = {
        "numerator": Fact(num, "count", f"写明{num}。"), "denominator": Fact(den, "count", f"写明{den}。"),
        "floor": floor, "step": number(m.group("step")), "per": Decimal(m.group("per")),
    }
    if m.group("cap"):
        params["cap"] = Decimal(m.group("cap"))
    elif m.group("all"):
        params["cap"] = row.points
    params["rounding"] = "up"
    return Draft("percent_floor", params, text[m.start():m.end()].strip("，, "), "比例下限")


def _direct(text: str) -> Draft | None:
    """「办事指南要素完整率按比例得分」: score = rate × points."""
    m = _DIRECT.search(text)
    if m is None:
        return None
    rate = m.group("rate")
    facts = (Fact(f"{rate}的分子", "count", f"写明计算{rate}的分子（达到要求的数量）。"),
             Fact(f"{rate}的分母", "count", f"写明计算{rate}的分母（应达到要求的总数）。"))
    return Draft("ratio_score", {"numerator": facts[0], "denominator": facts[1], "invert": False}, text, "按比例得分")


def _manual(text: str, bonus: bool, phrase: str) -> Draft:
    name = "酌情加分" if bonus else "酌情扣分"
    fact = Fact(name, "adjustments", f"考核组{name}的，逐项写明分值和理由，并附依据。考核标准：{text}")
    return Draft("manual", {"fact": fact, "direction": "bonus" if bonus else "deduct"}, text, phrase, bonus=bonus)


def review(text: str, reason: str, bonus: bool = False) -> Draft:
    """A clause the importer does not understand: a manual rule a person must replace."""
    name = "待核定加分" if bonus else "待核定扣分"
    fact = Fact(name, "adjustments", "本条考核标准未能自动识别为计分规则，请核定后改写规则；"
                f"在此之前由考核组逐项写明分值和理由。原文：{text}")
    return Draft("manual", {"fact": fact, "direction": "bonus" if bonus else "deduct"}, text, "未识别",
                 review=reason, bonus=bonus)


def infer_method(text: str) -> list[Draft]:
    """The 考核方式 cell: 「市政府办公室根据工作情况扣分」 is a manual deduction besides the counted rules."""
    m = _DISCRETION.search(text)
    return [_manual(text, False, "酌情")] if m else []
