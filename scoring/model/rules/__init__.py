# ruff: noqa: I001  (the import order of the families is the registration order: docs and schema list kinds so)
"""Rule kinds: each turns the facts evidence gives into score lines.

A rule is a frozen value parsed from the scheme; ``apply`` is pure. Amounts are
exact decimals: negative for points lost, positive for points gained (a bonus,
or a cap giving back what exceeds it). Every rule yields at least one line, so
that a row shows why it kept its points as well as why it lost them.

Each kind is one class, in one module of this package, that declares everything
about itself (``base.py`` says what); defining it registers it in ``KINDS``, and
parsing, the check, the importer, the JSON Schema and the docs table are read
from there. Adding a kind is its class (a new module here, imported below, or a
class in an existing family) and its cases in tests/test_rules.py.

What "absent" means (a fact no evidence gives), the same for every kind:

- in a row of the table: the worst case the rule allows, marked *at risk*
  (evidence could recover it), so that no evidence is never full marks;
- in a 综合加分项 or 重大扣分项 (``Context.optional``): nothing happened, so
  no deduction and no bonus.

Bonus kinds give nothing when their fact is absent, in either place.
"""

from __future__ import annotations

from ..model import Context, Given, Line, Rule, walk
from ..params import RuleError

# The families, in the order the docs and the schema list them (registration order).
from .base import KINDS, BaseRule, Phrasing, registered
from .counting import PerMissing, PerOccurrence
from .ratios import PercentFloor, RatioRule, RatioScore, RatioThreshold
from .dates import Deadline, PerDeadline
from .flags import Event, NotApplicable, Required
from .levels import Graded, Tiered
from .earning import EarnFlag, EarnItems, EarnPerItem
from .composite import Followup, Group
from .manual import Manual
from .bonus import BonusFlag, BonusPerItem
from .docs import COMMON_PARAMS, docs_markdown, kind_params, rule_schema
from .parse import check_fact_types, fact_refs, parse_rule, with_measures

__all__ = [
    "COMMON_PARAMS", "KINDS", "BaseRule", "BonusFlag", "BonusPerItem", "Context", "Deadline", "EarnFlag", "EarnItems",
    "EarnPerItem", "Event", "Followup", "Given", "Graded", "Group", "Line", "Manual", "NotApplicable", "PerDeadline",
    "PerMissing", "PerOccurrence", "PercentFloor", "Phrasing", "RatioRule", "RatioScore", "RatioThreshold", "Required",
    "Rule", "RuleError", "Tiered", "check_fact_types", "docs_markdown", "fact_refs", "kind_params", "parse_rule",
    "registered", "rule_schema", "walk", "with_measures",
]
