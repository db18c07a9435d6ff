"""A row's cells → rules and facts in the scheme format, through the phrase table."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import declared
from .phrases import _AMOUNT, _SEP, ADVERSE, CLAUSES, MEASURES, NUM, Clause, Draft, Fact, Row, checklist, clauses, number

EMPTY = {"", "-", "—", "－", "/", "／", "无", "——"}
_DISCRETION = CLAUSES[0][1]
_OCCURRENCE = re.compile(r"每|发现|一次|有一")
_NOT_APPLICABLE = re.compile(r"不涉及|不适用|无此项")


def infer_cell(text: str, row: Row, bonus_column: bool = False) -> list[Draft]:
    """The drafts one cell's text gives (the 扣分标准, 加分标准 or 考核标准 cell)."""
    text = text.strip().lstrip("*＊").strip()
    if text in EMPTY:
        return []
    text, skip = _not_applicable(text)
    if not text.strip(_SEP):
        return skip
    return _scored(text, row, bonus_column) + skip


def _scored(text: str, row: Row, bonus_column: bool) -> list[Draft]:
    found = _earning(text, row) or _ratio(text, row) or _percent_floor(text, row) or _direct(text)
    if found:
        return [found]
    parts, tail = clauses(text)
    counted = [c for c in parts if c.sign != "上限"]
    if not counted:  # no amount, at most a cap: 「…等工作的，酌情扣分，扣分上限为2分」
        m = _DISCRETION.search(text) or re.search(r"加分酌情|酌情加分", text)
        if m:
            draft = _manual(text, bonus_column or "加" in m.group(0), "酌情")
            caps = [c.cap for c in parts if c.cap is not None]
            if caps:
                draft.params["cap"] = row.points if caps[-1] < 0 else caps[-1]
            return [draft]
        return [review(text, "没有找到分值（如“扣1分”“加2分”），无法确定计分方法", bonus_column)]
    whole = _tiered(counted) or _nested(counted)
    if whole:
        return [whole]
    drafts: list[tuple[Clause, Draft]] = []
    for i, c in enumerate(parts):
        if c.sign == "上限":
            _shared_cap(drafts, c, row)
            continue
        row.tail = tail if i == len(parts) - 1 or all(p.sign == "上限" for p in parts[i + 1:]) else ""
        again = c.sign == "扣" and c.body.endswith(("再", "另", "加"))  # 再扣, 另扣, 加扣: on top of the clause before
        if again:
            c.body = c.body[:-1].strip(_SEP)
        found_here = _classify(c, row)
        if again:
            found_here = [_followup(drafts, c, found_here[0])]
        drafts.extend((c, d) for d in found_here)
    out = [d for _, d in drafts]
    if _NOT_APPLICABLE.search(tail):
        out.append(review(tail, "含“不涉及/不适用”的情形，但没有说明不检查该项（“不检查该项指标”）：若为“不扣分”，不涉及时"
                          "照常计满分，证据写明相应事实为0或“否”即可；请确认后删去此条"))
    return out


_SKIP = re.compile(r"(?P<cond>[^，。；;,：:]*?(?:不涉及|不适用|无此项|未涉及|没有此项|未开展此项)[^，。；;,：:]*?)的?[，,]?\s*"
                   r"(?:不检查|不考核|不予考核|不纳入考核|不计入考核|不参与考核|此项不考核|该项不考核)[^。；;]*[。；;]?")


def _not_applicable(text: str) -> tuple[str, list[Draft]]:
    """「无此项工作的，不检查该项指标」: taken out of the cell, a not_applicable rule of its own."""
    out = []
    while (m := _SKIP.search(text)) is not None:
        cond = re.sub(r"^(?:对|凡|如|若)", "", m.group("cond").strip(_SEP)) or "无此项工作"
        sentence = m.group(0).strip(_SEP)
        fact = Fact(cond, "flag", f"写明本单位是否{cond}（true 是：本项不检查，不计入满分；false 否：照常计分），"
                    f"并附说明。考核标准：{sentence}")
        out.append(Draft("not_applicable", {"fact": fact}, sentence, "无此项工作不检查"))
        text = (text[:m.start()] + text[m.end():]).strip()
    return text, out


def _followup(drafts: list[tuple[Clause, Draft]], c: Clause, then: Draft) -> Draft:
    """「…扣2分；被退回且未及时修改的，再扣5分」: the later clause counts only once the one before has lost points."""
    before = [i for i, (_, d) in enumerate(drafts) if not d.bonus and not d.review]
    if then.review or not before:
        return review(c.text, "“再扣”之前没有可识别的扣分规则，无法确定在哪一项的基础上再扣")
    _, first = drafts.pop(before[-1])
    return Draft("followup", {"first": first, "then": then}, f"{first.text}；{c.text}", "再扣")


_WHETHER = re.compile(r"是否(?P<what>[^：:（(，,。；;？?]+)[？?]?\s*[：:（(]\s*(?:得|计)?\s*(?P<n>\d+(?:\.\d+)?)\s*分\s*[）)]?")
_EARN_PER = re.compile(rf"每(?P<verb>[^，,。；;\d]{{0,8}}?)\s*(?:一|1)\s*(?P<measure>{MEASURES})[^，,。；;]{{0,10}}?[，,]?\s*(?:得|计)\s*"
                       rf"(?P<per>{NUM[1:-1]})\s*分(?:[，,]?\s*(?:最高|最多|上限为?|满分)\s*(?:得|计)?\s*(?P<max>{NUM[1:-1]})\s*分)?")
_EARN_IF = re.compile(r"(?P<cond>[^，,。；;]+?)的[，,]?\s*(?:得|计)\s*(?P<n>\d+(?:\.\d+)?)\s*分")


def _earning(text: str, row: Row) -> Draft | None:
    """Additive scoring (得分制): 「是否…：0.5分」, 「每发布1条得0.5分，最高2分」, 「有…的得1分」.

    Only a cell with no 扣N分/加N分 of its own; a cell mixing both goes through the clauses (and to review)."""
    if any(m.group("sign") for m in _AMOUNT.finditer(text)):
        return None
    asked = [(m.group("what").strip(_SEP), Decimal(m.group("n"))) for m in _WHETHER.finditer(text)]
    if len(asked) == 1:
        what, points = asked[0]
        fact = Fact(what, "flag", f"写明是否{what}（true 是，false 否），并附印证材料。考核标准：{text}")
        return Draft("earn_flag", {"fact": fact, "points": points}, text, "是否…（N分）")
    if asked:
        return _earn_items(asked, text, "是否…（N分）")
    m = _EARN_PER.search(text)
    if m:
        measure = m.group("measure")
        cap = number(m.group("max")) if m.group("max") else row.points
        fact = Fact(f"得分{measure}数", "count", f"写明符合下列得分条件的{measure}数，没有则填0，并附印证材料。考核标准：{text}",
                    unit=measure)
        return Draft("earn_per_item", {"fact": fact, "per": number(m.group("per")), "max": cap}, text, "每…得N分")
    earned = [(re.sub(r"^(?:凡|对|如|若)", "", m.group("cond").strip(_SEP)), Decimal(m.group("n")))
              for m in _EARN_IF.finditer(text)]
    if not earned:
        return None
    partial = any(re.match(r"不|未|没有", w) and p > 0 for w, p in earned)  # 「完整的得4分，不完整的得2分」
    if partial or sum((p for _, p in earned), Decimal(0)) != row.points:
        shown = "、".join(f"{w}得{p}分" for w, p in earned)
        why = "是分档得分（只取其中一档），不是逐项累加" if partial else f"合计与本行分值{row.points}分不一致"
        return review(text, f"得分情形（{shown}）{why}；请改写为 graded 或 earn_items")
    if len(earned) == 1:
        what, points = earned[0]
        fact = Fact(what, "flag", f"写明是否{what}（true 是，false 否），并附印证材料。考核标准：{text}")
        return Draft("earn_flag", {"fact": fact, "points": points}, text, "…的得N分")
    return _earn_items(earned, text, "…的得N分")


def _earn_items(items: list[tuple[str, Decimal]], text: str, phrase: str) -> Draft:
    fact = Fact("已做到事项", "items", f"写明已做到的得分事项，只列可选项中的名称，并附印证材料。考核标准：{text}",
                options=tuple(w for w, _ in items))
    return Draft("earn_items", {"fact": fact, "items": [{"item": w, "points": p} for w, p in items]}, text, phrase)


def _classify(c: Clause, row: Row) -> list[Draft]:
    near = ""
    for name, pattern, signs, build in [*declared.rows(), *CLAUSES]:
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
_SHARE = re.compile(r"(?P<what>[^，。；,]+?)(?:的)?(?P<word>比例|比重|占比)不(?:得|应)?(?:少|低)于\s*(?P<floor>\d+(?:\.\d+)?)\s*%[，,]?\s*"
                    + _STEPS)
_RATE = re.compile(r"(?P<rate>[^，。；,\s]+?率)(?:(?:应|须)?达到\s*(?P<floor>\d+(?:\.\d+)?)\s*%)?[，,]?\s*" + _STEPS)
_DIRECT = re.compile(r"(?P<rate>[^，。；,\s]+?率)按(?:比例|实际比例)(?:得分|计分)")


def _percent_floor(text: str, row: Row) -> Draft | None:
    """「…占…不得少于90%，每降低两个百分点，扣0.5分」, 「…比例不低于60%，每低1个百分点…」, 「及时率每下降1个百分点扣0.1分」."""
    m = _PERCENT.search(text)
    if m:
        num, den, floor = m.group("num").strip(), m.group("den").strip(), Decimal(m.group("floor"))
        params: dict[str, Any] = {"numerator": Fact(num, "count", f"写明{num}。"),
                                  "denominator": Fact(den, "count", f"写明{den}。")}
    elif m := _SHARE.search(text):
        rate, floor = m.group("what").strip() + m.group("word"), Decimal(m.group("floor"))
        params = {"percent": _stated(rate)}
    else:
        m = _RATE.search(text)
        if m is None:
            return None
        rate = m.group("rate")
        floor = Decimal(m.group("floor")) if m.group("floor") else Decimal(100)
        params = {"percent": _stated(rate)}
    params.update({"floor": floor, "step": number(m.group("step")), "per": Decimal(m.group("per"))})
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
    return Draft("ratio_score", {"percent": _stated(m.group("rate")), "invert": False}, text, "按比例得分")


def _stated(rate: str) -> Fact:
    """A percentage the evidence states directly (及时率 96.5), not a numerator and denominator."""
    return Fact(rate, "number", f"写明{rate}，百分数（如 96.5 表示 96.5%），以统计或检查结果为准。")


def _manual(text: str, bonus: bool, phrase: str) -> Draft:
    name = "酌情加分" if bonus else "酌情扣分"
    fact = Fact(name, "adjustments", f"考核组{name}的，逐项写明分值和理由，并附依据。考核标准：{text}")
    params: dict[str, Any] = {"fact": fact, "direction": "bonus" if bonus else "deduct"}
    listed = checklist(text)
    if listed:
        params["checklist"] = list(listed)
        phrase += "（……等）"
    return Draft("manual", params, text, phrase, bonus=bonus)


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
