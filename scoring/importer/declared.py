"""Phrase-table rows the rule kinds declare themselves (``BaseRule.import_phrases``).

A kind registered in ``rules.KINDS`` with ``import_phrases`` is read from a
table's words without a row in phrases.py: each ``Phrasing`` is a pattern, the
parameter the clause's amount goes to, and its named groups read as numbers into
the parameters of the same name. These rows are tried before phrases.py's own,
so that a kind's specific wording is not taken by a general one.
"""

from __future__ import annotations

import re

from ..model.params import params_of
from ..model.rules import KINDS, Phrasing
from .phrases import Builder, Clause, Draft, Fact, Row, _condition, _last_sentence, number


def _builder(kind: str, phrasing: Phrasing) -> Builder:
    def build(m: re.Match[str], c: Clause, row: Row) -> Draft | None:
        cls = KINDS.get(kind)
        if cls is None or c.amount is None:
            return None
        declared = {p.name: p for p in params_of(cls)}
        fact_param = declared[phrasing.fact]
        fact = Fact(_condition(c.body), fact_param.type.facts[0],
                    f"{fact_param.help}。考核标准：{_last_sentence(c.body)}")
        numbers = {k: number(v) for k, v in m.groupdict().items() if v is not None and k in declared}
        return Draft(kind, {phrasing.fact: fact, **numbers, phrasing.amount: c.amount}, c.text, phrasing.name,
                     bonus=cls.is_bonus)

    return build


def rows() -> list[tuple[str, re.Pattern[str], str, Builder]]:
    """The declared rows, in the order the kinds were registered."""
    return [(p.name, re.compile(p.pattern), p.signs, _builder(kind, p))
            for kind, cls in KINDS.items() for p in cls.import_phrases]
