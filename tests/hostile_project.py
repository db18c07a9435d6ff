"""A project whose every declared text key carries a script payload (tests/test_payloads_browser.py).

The keys are enumerated from their declarations (scoring/model/formats.py, and the rule
kinds' shared keys in scoring/model/rules/base.py): a key whose JSON Schema is a plain string
or a list of strings gets a payload, a nested record is walked, and every other
key must be one whose type can hold no markup (a date, a number, an id pattern,
true/false, a reference to something else). So a key added later is covered, or
the test names it and asks for it to be classified.

Each payload carries its own number, so a payload that runs names the key it
came from: ``FILLED[n]`` is the key that got payload ``n``. It runs by assigning
a global ``pwn<n>``, which the browser test looks for.
"""

from __future__ import annotations

import dataclasses
import shutil
import typing
from pathlib import Path
from typing import Any

import yaml

from scoring.model import evidencekeys, formats, rules
from scoring.model.model import DEFAULT_LEVELS
from scoring.model.params import params_of

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Break out of double- and single-quoted attributes, of <title>, into URLs,
# inline SVG, entity-encoded markup a second unescape would wake (the search
# index and its highlight), Markdown's own link and attribute syntax, Jinja.
TEMPLATES = (
    '" autofocus onfocus="pwn{n}=1" x="',
    "' autofocus onfocus='pwn{n}=1' x='",
    "</title><script>pwn{n}=1</script>",
    "<img src=x onerror=pwn{n}=1>",
    "<svg><script>pwn{n}=1</script></svg><svg onload=pwn{n}=1>",
    '[点](javascript:pwn{n}=1) <a href="javascript:pwn{n}=1">链接</a>',
    "&lt;img src=x onerror=pwn{n}=1&gt; &#60;script&#62;pwn{n}=1&#60;/script&#62;",
    '{{: onclick="pwn{n}=1" }} *强调* {{{{ 7*7 }}}}',
    '"><iframe srcdoc="<script>parent.pwn{n}=1</script>">',
    "<mark><img src=x onerror=pwn{n}=1></mark>",
)

# Keys whose type holds no free text: the test fails on any other non-text key.
NO_TEXT = {"日期 YYYY-MM-DD", "编号（小写字母、数字、点、横线）", "年份（四位数字）", "非负整数", "分值", "true/false",
           "日期", "internal / public", "MB（大于0，不超过 16）", "MB（大于0，不超过 64）", "MB（大于0，不超过 1024）"}
# Keys the generator fills itself (the tree, cross-references kept valid, file names), after ``fill``.
STRUCTURE = {"rows", "items", "rules", "facts", "units", "comprehensive", "major", "levels", "url", "attachments",
             "reviewed_personal_data"}
# Keys that must name something else in the project (an indicator, a fact, an item): a payload there is
# an unknown-reference error, not text on a page. Their targets (fact names, item names) are filled instead.
# A fact's `register:` names a register under registers/ and its columns (the registers' own cells are tested
# in tests/test_registers.py); a fact with it would no longer be stated by the hostile evidence.
REFERENCES = {("EvidenceKeys", "indicator"), ("EvidenceKeys", "id"), ("BaseRule", "overlaps"),
              ("CorrectionKeys", "field"), ("SchemeKeys", "clamp"), ("FactKeys", "register"),
              ("RegisterQueryKeys", "file"), ("RegisterQueryKeys", "filter"), ("RegisterQueryKeys", "sum")}


class Filler:
    """Hands out numbered payloads and records which key got which."""

    def __init__(self) -> None:
        self.keys: list[str] = []  # payload n went into keys[n]

    def next(self, key: str) -> str:
        n = len(self.keys)
        self.keys.append(key)
        return f"字段{n}" + TEMPLATES[n % len(TEMPLATES)].format(n=n)

    def url(self, key: str) -> str:
        n = len(self.keys)
        self.keys.append(key)
        return f'https://example.org/"><svg/onload=pwn{n}=1>\'onmouseover=pwn{n}=1'


def _record_class(cls: type, name: str) -> tuple[type | None, bool]:
    """The dataclass a record key holds (``TextKeys | None``, ``tuple[GradeBandKeys, ...]``), if any,
    and whether the key holds a list of them."""
    hint = typing.get_type_hints(cls)[name]
    for arg in (hint, *typing.get_args(hint)):
        if dataclasses.is_dataclass(arg) and isinstance(arg, type):
            return arg, typing.get_origin(hint) is tuple
    return None, False


def text_keys() -> set[str]:
    """Every declared key that holds free text, as ``Class.key``: what ``hostile_project`` must fill."""
    classes = [cls for _, cls in formats.DOC_SECTIONS] + [rules.BaseRule]
    return {f"{cls.__name__}.{p.name}" for cls in classes for p in params_of(cls)
            if _kind(p.type) != "other" and (cls.__name__, p.name) not in REFERENCES and p.name not in STRUCTURE
            and _record_class(cls, p.name)[0] is None}


def _kind(ptype: Any) -> str:
    schema = ptype.schema()
    if schema == {"type": "string"} or schema == {"type": "string", "minLength": 1}:
        return "text"
    if schema.get("type") == "array" and schema.get("items") in ({"type": "string"}, {"type": "string", "minLength": 1}):
        return "texts"
    if "anyOf" in schema and {"type": "string"} in schema["anyOf"]:
        return "texts"
    return "other"


def fill(cls: type, data: dict[str, Any], filler: Filler, unclassified: list[str]) -> None:
    """Every text key of ``cls`` in ``data`` set to a payload (lists get one appended); records walked."""
    for p in params_of(cls):
        key = f"{cls.__name__}.{p.name}"
        if (cls.__name__, p.name) in REFERENCES or p.name in STRUCTURE:
            continue  # references, and the structure (walked by the caller)
        kind = _kind(p.type)
        nested, many = _record_class(cls, p.name)
        if nested is not None:
            value = data.get(p.name)
            items = value if isinstance(value, list) else [value] if isinstance(value, dict) else [{}]
            data[p.name] = items if many else items[0]
            for item in items:
                fill(nested, item, filler, unclassified)
        elif kind == "text":
            data[p.name] = filler.next(key)
        elif kind == "texts":
            old = data.get(p.name) or []
            data[p.name] = [*(old if isinstance(old, list) else [old]), filler.next(key)]
        elif p.type.label not in NO_TEXT and "enum" not in p.type.schema():
            unclassified.append(f"{key}: {p.type.label}")


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def hostile_project(root: Path, png: bytes) -> tuple[Filler, list[str]]:
    """The mini fixture at ``root`` with a payload in every text key; all evidence public."""
    shutil.copytree(FIXTURES / "mini", root)
    filler, unclassified = Filler(), list[str]()
    ind = root / "indicators"

    scheme = _load(ind / "scheme.yaml")
    fill(formats.SchemeKeys, scheme, filler, unclassified)
    scheme["levels"] = [filler.next("SchemeKeys.levels") for _ in DEFAULT_LEVELS]
    scheme["clamp"] = scheme["levels"][0]
    _dump(ind / "scheme.yaml", scheme)

    units = _load(ind / "units.yaml")
    renamed: dict[str, str] = {}
    for unit in units["units"]:
        old = [unit["name"], *unit.get("aliases", [])]
        fill(formats.UnitKeys, unit, filler, unclassified)
        renamed.update({name: unit["name"] for name in old})
    _dump(ind / "units.yaml", units)

    fact_items: dict[str, str] = {}
    for path in sorted(ind.glob("0*.yaml")):
        level = _load(path)
        if path.name.startswith("02"):  # the new spelling: an explicit group, its rows named by ``name``
            for row in level["rows"]:
                row["name"] = row.pop("level3")
                del row["level2"]
            level["rows"] = [{"name": "", "rows": level["rows"]}]
        _fill_node(formats.LevelFileKeys, level, filler, unclassified, renamed, fact_items)
        for row in level["rows"][0]["rows"] if path.name.startswith("02") else ():
            del row["level2"], row["level3"]  # the old spelling, filled in the first file's rows
        _dump(path, level)

    totals = _load(ind / "totals.yaml")
    fill(formats.TotalsFileKeys, totals, filler, unclassified)
    for part, cls in (("comprehensive", formats.ComprehensiveKeys), ("major", formats.MajorKeys)):
        fill(cls, totals[part], filler, unclassified)
        for item in totals[part]["items"]:
            _fill_row(formats.ItemKeys, item, filler, unclassified, renamed, fact_items)
    _dump(ind / "totals.yaml", totals)

    for path in sorted((root / "evidence").rglob("*.md")):
        _fill_evidence(path, filler, unclassified, renamed, fact_items, png)
    return filler, unclassified


def _fill_node(cls: type, node: dict[str, Any], filler: Filler, unclassified: list[str],
               renamed: dict[str, str], fact_items: dict[str, str]) -> None:
    fill(cls, node, filler, unclassified)
    for child in node["rows"]:
        if "rows" in child:
            _fill_node(formats.GroupKeys, child, filler, unclassified, renamed, fact_items)
        else:
            _fill_row(formats.RowKeys, child, filler, unclassified, renamed, fact_items)
    if node.get("units"):
        node["units"] = [renamed[u] for u in node["units"]]


def _fill_row(cls: type, row: dict[str, Any], filler: Filler, unclassified: list[str],
              renamed: dict[str, str], fact_items: dict[str, str]) -> None:
    where = "text.content" if cls is formats.RowKeys else "text"
    row.setdefault("corrections", [{"field": where, "source": "", "corrected": ""}])
    fill(cls, row, filler, unclassified)
    corrected = "".join(c["corrected"] for c in row["corrections"])
    if cls is formats.RowKeys:
        row["text"]["content"] += corrected
    else:
        row["text"] += corrected
    row["units"] = [renamed[u] for u in row.get("units", [])]
    for name, fact in (row.get("facts") or {}).items():
        fill(formats.FactKeys, fact, filler, unclassified)
        if fact["type"] != "items":
            fact.pop("options")
        else:
            fact_items[name] = fact["options"][-1]
        if fact["type"] not in ("count", "number"):
            fact.pop("unit")
    for rule in row.get("rules", []):
        fill(rules.BaseRule, rule, filler, unclassified)


def _fill_evidence(path: Path, filler: Filler, unclassified: list[str], renamed: dict[str, str],
                   fact_items: dict[str, str], png: bytes) -> None:
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    front = yaml.safe_load(head)
    unit = renamed[front["unit"]]
    fill(evidencekeys.EvidenceKeys, front, filler, unclassified)
    front["unit"] = unit
    front["url"] = filler.url("EvidenceKeys.url")
    front["visibility"] = "public"
    attachment = filler.next("EvidenceKeys.attachments").replace("/", "∕") + ".png"
    (path.parent / attachment).write_bytes(png)
    front["attachments"] = [attachment]
    front["reviewed_personal_data"] = [{"内容": filler.next("EvidenceKeys.reviewed_personal_data"),
                                        "理由": filler.next("EvidenceKeys.reviewed_personal_data")}]
    for name, value in (front.get("facts") or {}).items():
        if name in fact_items and isinstance(value, list):
            value.append(fact_items[name])
    body += "\n" + "\n\n".join(filler.next("body") for _ in TEMPLATES) + "\n"
    path.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10_000)
                    + "---\n" + body, encoding="utf-8")
