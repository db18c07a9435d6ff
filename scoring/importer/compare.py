"""Compare an imported scheme with a hand transcription, rule by rule, and score both on one evidence set.

Rows are paired by position (the 一级 rows in order, then the 综合加分项 and the
重大扣分项). Two rows *match* when their rules have the same kinds and the same
parameters: amounts, caps, steps, floors, deadlines, directions and the number
of listed items. Fact names, item names and rule texts are labels a transcriber
chooses and are not compared.

``aligned`` gives the imported scheme the reference's ids, fact names and item
names on every matching row (by position), so that evidence written for the
reference can be scored against the imported rules. Rows that do not match keep
their imported rules and lose their evidence: their score is whatever the
imported rules give without evidence.

    python -m scoring.importer.compare IMPORTED_PROJECT REFERENCE_PROJECT
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..load.load import load_scheme
from ..model.model import Indicator, Rule, Scheme
from ..model.params import params_of
from ..model.rules import KINDS
from .write import to_yaml


def signature(rule: Rule) -> tuple[Any, ...]:
    """What a rule computes, without its labels: every declared parameter but fact names and texts (the kind says)."""
    return rule.signature()


def _key(rule: Rule) -> str:
    return repr(signature(rule))


def flagged(ind: Indicator) -> bool:
    return any(getattr(r, "needs_review", False) for r in ind.rules)


@dataclass(frozen=True)
class Pair:
    imported: Indicator
    reference: Indicator

    @property
    def match(self) -> bool:
        mine = sorted(_key(r) for r in self.imported.rules)
        theirs = sorted(_key(r) for r in self.reference.rules)
        return mine == theirs

    def describe(self) -> str:
        def show(ind: Indicator) -> str:
            return "、".join(f"{r.kind}{signature(r)[1:]}" for r in ind.rules) or "（无规则）"

        return f"导入：{show(self.imported)}；手工转录：{show(self.reference)}"


def pairs(imported: Scheme, reference: Scheme) -> list[Pair]:
    out = [Pair(a, b) for a, b in zip(imported.rows, reference.rows, strict=False)]
    out += [Pair(a, b) for a, b in zip(imported.comprehensive, reference.comprehensive, strict=False)]
    out += [Pair(a, b) for a, b in zip(imported.major, reference.major, strict=False)]
    return out


def load(root: Path) -> Scheme:
    scheme, problems = load_scheme(root)
    if scheme is None:
        raise ValueError("; ".join(p.format() for p in problems))
    return scheme


# --- aligning names, so that the reference's evidence scores against the imported rules ---------


def _fact_params(rule: dict[str, Any]) -> list[str]:
    cls = KINDS.get(str(rule.get("kind")))
    return [p.name for p in params_of(cls) if p.type.facts and p.name in rule] if cls else []


def _items_of(rule: dict[str, Any]) -> list[str]:
    if "required" in rule:
        return [r["item"] if isinstance(r, dict) else r for r in rule["required"]]
    if "levels" in rule:
        return [i for lv in rule["levels"] for i in lv["missing"]]
    if "tiers" in rule:
        return [t["item"] for t in rule["tiers"]]
    if "items" in rule:
        return [i["item"] for i in rule["items"]]
    return []


def _rename_rule(mine: dict[str, Any], theirs: dict[str, Any], facts: dict[str, str], items: dict[str, str]) -> None:
    for key in _fact_params(mine):
        facts[mine[key]] = theirs[key]
    for a, b in zip(_items_of(mine), _items_of(theirs), strict=False):
        items[a] = b
    for sub_mine, sub_theirs in zip(_subrules(mine), _subrules(theirs), strict=False):
        _rename_rule(sub_mine, sub_theirs, facts, items)


def _subrules(rule: dict[str, Any]) -> list[dict[str, Any]]:
    return [*rule.get("rules", []), *(rule[k] for k in ("first", "then") if k in rule)]


def _apply(rule: dict[str, Any], facts: dict[str, str], items: dict[str, str]) -> None:
    for key in _fact_params(rule):
        rule[key] = facts.get(rule[key], rule[key])
    if "required" in rule:
        rule["required"] = [{**r, "item": items.get(r["item"], r["item"])} if isinstance(r, dict) else items.get(r, r)
                            for r in rule["required"]]
    for level in rule.get("levels", []):
        level["missing"] = [items.get(i, i) for i in level["missing"]]
    for tier in rule.get("tiers", []):
        tier["item"] = items.get(tier["item"], tier["item"])
    for earn in rule.get("items", []):
        earn["item"] = items.get(earn["item"], earn["item"])
    for sub in _subrules(rule):
        _apply(sub, facts, items)


def _sorted_rules(rules: list[dict[str, Any]], parsed: tuple[Rule, ...]) -> list[dict[str, Any]]:
    order = sorted(range(len(parsed)), key=lambda i: _key(parsed[i]))
    return [rules[i] for i in order]


def _align_item(mine: dict[str, Any], theirs: dict[str, Any], pair: Pair) -> None:
    facts: dict[str, str] = {}
    items: dict[str, str] = {}
    for a, b in zip(_sorted_rules(mine["rules"], pair.imported.rules),
                    _sorted_rules(theirs["rules"], pair.reference.rules), strict=True):
        _rename_rule(a, b, facts, items)
    for rule in mine["rules"]:
        _apply(rule, facts, items)
    renamed = {}
    for name, spec in mine["facts"].items():
        if "options" in spec:
            spec["options"] = [items.get(o, o) for o in spec["options"]]
        renamed[facts.get(name, name)] = spec
    mine["facts"] = renamed
    mine["id"] = theirs["id"]


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a level file (the leaves of its tree, in order), or the items of totals.yaml."""
    if "rows" in data:
        return [leaf for child in data["rows"] for leaf in (_items(child) if "rows" in child else [child])]
    return [*data.get("comprehensive", {}).get("items", []), *data.get("major", {}).get("items", [])]


def aligned(imported_root: Path, reference_root: Path, target: Path) -> list[Pair]:
    """A project in ``target``: the imported scheme with the reference's names on matching rows, and the
    reference's evidence for those rows. Returns the pairs."""
    imported, reference = load(imported_root), load(reference_root)
    found = pairs(imported, reference)
    by_id = {p.imported.id: p for p in found}
    ref_data = {i["id"]: i for f in sorted((reference_root / "indicators").glob("*.yaml"))
                if f.name not in ("scheme.yaml", "units.yaml")
                for i in _items(yaml.safe_load(f.read_text(encoding="utf-8")))}
    shutil.rmtree(target, ignore_errors=True)
    (target / "indicators").mkdir(parents=True)
    for path in sorted((imported_root / "indicators").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in _items(data):
            pair = by_id.get(item["id"])
            if pair is not None and pair.match:
                _align_item(item, ref_data[pair.reference.id], pair)
        (target / "indicators" / path.name).write_text(to_yaml(data), encoding="utf-8")
    shutil.copy(reference_root / "indicators" / "units.yaml", target / "indicators" / "units.yaml")
    keep = {p.reference.id for p in found if p.match}
    for path in sorted((reference_root / "evidence").rglob("*")):
        if path.is_file():
            rel = path.relative_to(reference_root)
            if path.suffix == ".md" and _indicator_of(path) not in keep:
                continue
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target / rel)
    return found


def _indicator_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines()[1:40]:
        if line.startswith("indicator:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    return ""


def main(argv: list[str]) -> int:
    imported_root, reference_root = Path(argv[0]), Path(argv[1])
    found = pairs(load(imported_root), load(reference_root))
    matching = [p for p in found if p.match]
    print(f"{len(matching)} of {len(found)} rows have the same rule kinds and parameters")
    for p in found:
        if not p.match:
            mark = "needs_review" if flagged(p.imported) else "NOT FLAGGED"
            print(f"  {p.imported.id} = {p.reference.id} [{mark}] {p.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = ["Decimal", "Pair", "aligned", "pairs", "signature"]
