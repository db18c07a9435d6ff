"""Generate a project with N synthetic evidence files for any scheme.

The facts of each file are made from the row's declared fact types, so the
generated project passes the check and exercises every rule.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.load.load import load_scheme  # noqa: E402
from scoring.model.model import FactSpec, Indicator, Scheme, walk  # noqa: E402

BODY = (
    "本材料记录了{unit}在{day}开展的{title}相关工作。会议（活动）按照年度政务公开工作要点，"
    "对信息公开、政策解读、回应关切、平台建设等事项进行了研究部署，明确了责任人和完成时限，"
    "并形成台账备查。\n\n"
    "## 主要内容\n\n"
    "1. 对照考核任务分工逐项梳理，建立工作台账；\n"
    "2. 在门户网站和政务新媒体同步公开，并做好解读；\n"
    "3. 对发现的问题立行立改，按月报送进度。\n\n"
    "| 序号 | 事项 | 完成情况 |\n|---|---|---|\n| 1 | 绩效考核台账更新 | 已完成 |\n| 2 | 政策解读 | 已完成 |\n"
)


def _fact(spec: FactSpec, rng: random.Random, scheme: Scheme) -> object:
    if spec.type == "items":
        options = list(spec.options) or ["事项一", "事项二"]
        return rng.sample(options, k=max(1, len(options) - rng.randint(0, 1)))
    if spec.type == "count":
        high = spec.max if spec.max is not None else 3
        return rng.randint(0, min(high, 3))
    if spec.type == "number":
        return rng.randint(50, 1000)
    if spec.type == "flag":
        return rng.random() < 0.85
    if spec.type == "date":
        return scheme.period_start + timedelta(days=rng.randint(0, 300))
    return [{"分值": 0.5, "理由": "生成的人工评定记录"}]


def _parts_within_wholes(row: Indicator, facts: dict[str, object]) -> None:
    """A ratio's part never above its whole in one file, so never in their sums (the check refuses that)."""
    for rule in walk(row.rules):
        part, whole = getattr(rule, "numerator", None), getattr(rule, "denominator", None)
        if part in facts and whole in facts:
            low, high = sorted((facts[part], facts[whole]))  # type: ignore[type-var]
            facts[part], facts[whole] = low, high


def _yaml(value: object) -> str:
    if isinstance(value, list):
        inner = ", ".join(_yaml(v) for v in value)
        return f"[{inner}]"
    if isinstance(value, dict):
        inner = ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _units(scheme: Scheme, row: Indicator) -> list[str]:
    names = [u.name for u in scheme.units if u.id in row.unit_ids and not u.everyone]
    return names or [u.name for u in scheme.real_units]


def generate(source: Path, dest: Path, count: int, seed: int = 2021) -> Path:
    """Copy ``source``'s indicators to ``dest`` and write ``count`` evidence files."""
    scheme, problems = load_scheme(source)
    if scheme is None:
        raise SystemExit(f"scheme does not load: {problems}")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source / "indicators", dest / "indicators")
    if (source / "mkdocs.yml").exists():
        shutil.copy(source / "mkdocs.yml", dest / "mkdocs.yml")
    rng = random.Random(seed)
    rows = [r for r in scheme.all_indicators() if r.facts]
    stated: set[tuple[str, str]] = set()  # (row, fact) of a ``combine: once`` fact already written
    span = (scheme.period_end - scheme.period_start).days
    for i in range(count):
        row = rows[i % len(rows)]
        unit = rng.choice(_units(scheme, row))
        day = scheme.period_start + timedelta(days=rng.randint(0, span))
        facts = {f.name: _fact(f, rng, scheme) for f in row.facts if f.type != "adjustments"}
        _parts_within_wholes(row, facts)
        for spec in row.facts:  # a fact stated once (the check refuses a second file that states it)
            if spec.combine == "once" and spec.name in facts:
                if (row.id, spec.name) in stated:
                    del facts[spec.name]
                stated.add((row.id, spec.name))
        title = f"{row.name}工作材料（第{i + 1}份）"
        lines = ["---", f"id: gen-{i:05d}", f"indicator: {row.id}", f"unit: {unit}", f"date: {day.isoformat()}",
                 f"title: {title}", "kind: 工作报告", "facts:"]
        lines += [f"  {name}: {_yaml(value)}" for name, value in facts.items()]
        lines += ["---", BODY.format(unit=unit, day=day.isoformat(), title=row.name)]
        folder = dest / "evidence" / f"batch-{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"gen-{i:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    return dest


if __name__ == "__main__":
    out = generate(ROOT, Path(sys.argv[2]), int(sys.argv[1]))
    print(f"generated {sys.argv[1]} evidence files in {out}")
