"""The rule-kind reference of docs/scheme-format.md and the JSON Schema of a rule, from ``KINDS``."""

from __future__ import annotations

from typing import Any

from ..params import Param, object_schema, params_of
from .base import KINDS, BaseRule

COMMON_PARAMS = params_of(BaseRule)


def kind_params(cls: type[BaseRule]) -> tuple[Param, ...]:
    """A kind's own parameters (those every rule shares are documented once)."""
    common = {p.name for p in COMMON_PARAMS}
    return tuple(p for p in params_of(cls) if p.name not in common)


def docs_markdown() -> str:
    """The rule-kind reference of docs/scheme-format.md, generated from the declarations."""
    out = ["| kind | 名称 | computes | phrasings in real schemes | note |", "|---|---|---|---|---|"]
    for kind, cls in KINDS.items():
        phr = "<br>".join(f"「{p}」" for p in cls.phrasings)
        out.append(f"| `{kind}` | {cls.label} | {cls.summary} | {phr} | {cls.note} |")
    out.append("")
    for kind, cls in KINDS.items():
        out += [f"#### `{kind}`（{cls.label}）", "", "| parameter | type | default | meaning |", "|---|---|---|---|"]
        for p in kind_params(cls):
            out.append(f"| `{p.name}` | {p.type.label} | {p.default_text} | {p.help} |")
        out.append("")
        if cls.examples:
            out += ["```yaml", *(f"- {e}" for e in cls.examples), "```", ""]
    out += ["#### Every rule may also carry", "", "| parameter | type | default | meaning |", "|---|---|---|---|"]
    out += [f"| `{p.name}` | {p.type.label} | {p.default_text} | {p.help} |" for p in COMMON_PARAMS]
    return "\n".join(out) + "\n"


def rule_schema() -> dict[str, Any]:
    """A JSON Schema of one rule (``$defs/rule`` refers back to it for nested rules)."""
    variants = []
    for kind, cls in KINDS.items():
        obj = object_schema(cls, {"kind": {"const": kind, "description": f"{cls.label}：{cls.summary}"}})
        obj["required"] = ["kind", *obj.get("required", [])]
        variants.append(obj)
    return {"oneOf": variants}
