"""Where the package and the project's own files are, computed once from this file's place."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # scoring/
REPO = PACKAGE.parent  # the checkout: site_templates/, schemas/
TEMPLATES = REPO / "site_templates"


def sources() -> list[Path]:
    """Every Python file of the package, subpackages included, in a stable order."""
    return sorted(PACKAGE.rglob("*.py"))
