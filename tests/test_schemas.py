"""The JSON Schemas in schemas/ and the loader agree.

The schemas are generated from the same declarations the loader reads
(scoring/model/formats.py, the rule kinds in scoring/model/rules/). These tests hold
the two together from outside: the files on disk are what the declarations
give; every YAML file and evidence front matter in the repository validates;
every key the loader accepts is in the schema; and over the bad-input cases,
a file the loader refuses for a key or type reason is refused by the schema,
and a file the schema refuses is refused by the loader.
"""

from __future__ import annotations

import fnmatch
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_bad_input import CASES, FIXTURES, lay_case

from scoring.core.yamlio import FrontMatterError, YamlSyntaxError, load_yaml, split_front_matter
from scoring.load.load import load_scheme
from scoring.load.loadevidence import evidence_files, load_evidence
from scoring.model import formats
from scoring.model.params import params_of

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
KEY_OR_TYPE = {"unknown-key", "missing-key", "bad-value"}
# Cases whose one mistake is a key or a value's type: the loader must say so with one of those codes.
KEY_CASES = {"bad-date", "date-no-such-day", "date-zero-year", "evidence-unknown-key", "fact-type-typo",
             "impossible-date", "level-missing-name",
             "missing-field", "negative-cap", "negative-count-max", "negative-deduction", "negative-points",
             "percent-floor-above-100", "row-key-on-word", "row-quoted-points", "row-text-unknown-key",
             "row-unknown-key", "scheme-clamp-missing", "scheme-date-insane", "scheme-due-date-chinese",
             "scheme-normalise-chinese-no", "scheme-normalise-yes-word", "scheme-period-as-text", "scheme-unknown-key",
             "scheme-year-with-nian", "totals-unknown-key", "units-unknown-key", "yaml-timestamp-issued"}


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _plain(value: Any) -> Any:
    """What a YAML 1.2 editor sees: dates as their text, mappings as plain objects."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _schema_for(rel: str, data: Any) -> str:
    name = Path(rel).name
    if rel.endswith(".md"):
        return "evidence.schema.json"
    if name in ("scheme.yaml", "units.yaml"):
        return name.replace(".yaml", ".schema.json")
    if (isinstance(data, dict) and ("comprehensive" in data or "major" in data) and "rows" not in data) or (
            name == "totals.yaml" and not data):  # an empty totals.yaml, or {}: no 加分/扣分 blocks
        return "totals.schema.json"
    return "level.schema.json"


def _data_files(project: Path) -> Iterator[tuple[str, Any]]:
    """Every scheme file and evidence front matter of a project that parses as YAML, as an editor sees it."""
    for path in sorted((project / "indicators").glob("*.yaml")):
        try:
            yield path.relative_to(project).as_posix(), load_yaml(path.read_text(encoding="utf-8"))
        except (YamlSyntaxError, UnicodeDecodeError):
            continue
    for path in evidence_files(project):
        try:
            front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
            yield path.relative_to(project).as_posix(), load_yaml(front, line_offset=1)
        except (YamlSyntaxError, FrontMatterError, UnicodeDecodeError, OSError):
            continue


def _schema_errors(rel: str, data: Any) -> list[str]:
    validator = _validator(_schema_for(rel, data))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_plain(data))]


def test_schemas_on_disk_are_what_the_declarations_give(update_golden: bool) -> None:
    """Refresh with `python -m scoring.cli.schemas` (or pytest --update-golden)."""
    if update_golden:
        formats.write_schemas(SCHEMAS)
    made = formats.schemas()
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == sorted(made)
    for name, schema in made.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == formats.schema_text(schema), (
            f"schemas/{name} is stale: run python -m scoring.cli.schemas")


def test_the_schemas_are_valid_json_schemas() -> None:
    for path in SCHEMAS.glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if "properties" in schema:
            yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


def test_every_key_the_loader_accepts_is_in_a_schema_with_its_help() -> None:
    """Each declared mapping appears in the schemas with exactly its keys, closed, each described."""
    everything = [o for name in formats.schemas() for o in _objects(_validator(name).schema)]
    for _, cls in formats.DOC_SECTIONS:
        keys = {p.name: p.help for p in params_of(cls)}
        found = [o for o in everything if set(o["properties"]) == set(keys)]
        assert found, f"{cls.__name__}: no schema object has exactly its keys {sorted(keys)}"
        for obj in found:
            assert obj.get("additionalProperties") is False
            assert {k: v.get("description") for k, v in obj["properties"].items()} == keys


@pytest.mark.parametrize("project", [ROOT, FIXTURES / "mini"], ids=["sample", "mini"])
def test_every_data_file_in_the_repository_validates(project: Path) -> None:
    files = list(_data_files(project))
    assert len(files) >= 9
    for rel, data in files:
        assert _schema_errors(rel, data) == [], rel


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir() and not (p / "special.json").exists())


@pytest.mark.parametrize("case", _cases())
def test_schema_and_loader_refuse_the_same_bad_files(case: str, tmp_path: Path) -> None:
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    lay_case(CASES / case, project)
    scheme, problems = load_scheme(project)
    if scheme is not None:
        problems += load_evidence(project, scheme)[1]
    refused = {p.path for p in problems if p.severity.value == "错误"}
    by_key = {p.path for p in problems if p.code in KEY_OR_TYPE}
    assert bool(by_key) == (case in KEY_CASES), (case, problems)
    for rel, data in _data_files(project):
        errors = _schema_errors(rel, data)
        if rel in by_key:
            assert errors, f"{case}: the loader refuses {rel} for a key or type reason, the schema accepts it"
        if errors:
            assert rel in refused, f"{case}: the schema refuses {rel} ({errors[0]}), the loader accepts it"


def test_docs_list_every_key_of_every_file(update_golden: bool) -> None:
    path = ROOT / "docs" / "scheme-format.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- file-keys:start -->\n", "<!-- file-keys:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    fresh = head + start + formats.docs_markdown() + end + tail
    if update_golden:
        path.write_text(fresh, encoding="utf-8")
    assert text == fresh, "docs/scheme-format.md's key reference is stale (pytest --update-golden to refresh)"


def test_the_editor_settings_map_every_scheme_file_to_its_schema() -> None:
    """.vscode/settings.json: each scheme file of the repository matches one glob, of the schema it validates against."""
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = {Path(schema).name: globs for schema, globs in settings["yaml.schemas"].items()}
    assert set(mapping) == set(formats.schemas()) - {"evidence.schema.json"}
    assert all((SCHEMAS / name).exists() for name in mapping)
    files = [p for p in ROOT.glob("**/indicators/*.yaml") if "cases" not in p.parts and ".venv" not in p.parts]
    assert len(files) >= 14
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        matched = [name for name, globs in mapping.items() if any(fnmatch.fnmatch(rel, g) for g in globs)]
        assert matched == [_schema_for(rel, load_yaml(path.read_text(encoding="utf-8")))], rel
    assert settings["yaml.yamlVersion"] == "1.2"  # yes/no are text in the editor too, as in the loader
