"""Every user-facing field and rule kind is declared once and documented."""

from __future__ import annotations

from pathlib import Path

from scoring.model.fields import EVIDENCE_FIELDS, FACT_TYPE_HELP
from scoring.model.rules import KINDS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "scheme-format.md").read_text(encoding="utf-8")


def test_every_evidence_field_has_chinese_help_and_is_documented() -> None:
    for field in EVIDENCE_FIELDS:
        assert field.help and not field.help.isascii(), field.name
        assert f"\n{field.name}:" in DOC, f"evidence field {field.name} is not in docs/scheme-format.md"


def test_every_rule_kind_is_documented() -> None:
    for kind in KINDS:
        assert f"`{kind}`" in DOC, f"rule kind {kind} is not in docs/scheme-format.md"


def test_every_fact_type_is_documented() -> None:
    for name in FACT_TYPE_HELP:
        assert f"| `{name}` |" in DOC, f"fact type {name} is not in docs/scheme-format.md"
