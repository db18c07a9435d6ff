"""YAML text of an imported scheme, and the one atomic write of the project folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..core.figures import fmt


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # a value used twice is written twice, never as &id001
        return True


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = fmt(value)
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


def _date(dumper: yaml.SafeDumper, value: date) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(date, _date)


def to_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)


HEADER = "# 由 python build.py import 从考核表导入。标有 needs_review: true 的规则须人工核定后删去该标记。\n"


def render(files: dict[str, Any]) -> dict[str, str]:
    return {name: HEADER + to_yaml(data) for name, data in sorted(files.items())}


def existing_scheme(target: Path) -> bool:
    indicators = target / "indicators"
    return indicators.is_dir() and any(indicators.iterdir())


def write_project(target: Path, files: dict[str, str], report: str) -> None:
    """Write indicators/ and import-report.md: into a temporary folder first, then renamed into place.

    A folder that already holds a scheme is replaced only as a whole: the old
    indicators/ is moved aside, the new one renamed in, and the old one removed.
    """
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=target))
    try:
        ind = staging / "indicators"
        ind.mkdir()
        for name, text in files.items():
            (ind / name).write_text(text, encoding="utf-8")
        (staging / "import-report.md").write_text(report, encoding="utf-8")
        old = target / "indicators"
        aside = staging / "old-indicators"
        if old.exists():
            os.replace(old, aside)
        try:
            os.replace(ind, old)
        except OSError:
            if aside.exists():
                os.replace(aside, old)  # put the previous scheme back before the staging folder is removed
            raise
        os.replace(staging / "import-report.md", target / "import-report.md")
        evidence = target / "evidence"
        if not evidence.exists():
            evidence.mkdir()
            (evidence / "README.md").write_text("各单位的证据文件放在本目录下，见 CONTRIBUTING.md。\n", encoding="utf-8")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
