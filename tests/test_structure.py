"""The shape of the package (docs/architecture.md): subpackages by role in pipeline order, renderers that
read the checked project and never the pipeline, no import cycles, and small modules and functions."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scoring"
# The subpackages bottom to top: a module imports only from its own tier or one below it.
TIERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("model",),
    ("registers", "score"),
    ("load",),
    ("gather", "importer"),
    ("render",),
    ("results",),
    ("cli",),
)
RENDERERS = ("render.site", "render.dossier", "render.documents", "render.tables", "render.charts")
# A renderer may read the Project's value types but nothing else of the pipeline: not the loader, git,
# the command line or the one write of all outputs.
PIPELINE = ("load", "gather", "cli", "results", "render.outputs")
VALUE_TYPES = {
    "gather.project",  # Project
    "load.reporttext",  # ReportText: the staff's sections of the 自评报告, which the draft merges
}
RENDERER_EXCEPTIONS = {
    # 「在线提交材料」 links carry the template `build.py new` writes: the same function, not a copy.
    "render.site.forge": {"load.scaffold", "load.loadevidence"},
}
# Cycles that are accepted for now; empty: none is.
KNOWN_CYCLES: set[frozenset[str]] = set()
MAX_TOP_LEVEL = 12
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def module_names() -> dict[str, Path]:
    """Every module of the package, subpackages included, by dotted name ("importer.read")."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            found[".".join(parts)] = path
    return found


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The package modules a relative `from … import …` in `module` names."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    head = [*base, *(node.module.split(".") if node.module else [])]
    if node.module:
        return [".".join(head), *(".".join([*head, alias.name]) for alias in node.names)]
    return [".".join([*head, alias.name]) for alias in node.names]


def imports() -> dict[str, set[str]]:
    """Each module of the package → the package modules it imports (at any depth of the file)."""
    modules = module_names()
    found: dict[str, set[str]] = {}
    for module, path in modules.items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                names.update(_resolve(module, path, node))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scoring."):
                names.add(node.module.removeprefix("scoring."))
        found[module] = {n for n in names if n in modules and n != module}
    return found


def _within(module: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_every_module_is_seen() -> None:
    graph = imports()
    assert "importer.read" in graph and "model.rules" in graph["importer.compare"], sorted(graph)


def test_top_level_is_the_subpackages_by_role() -> None:
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    tiers = {name for tier in TIERS for name in tier}
    assert len(entries) <= MAX_TOP_LEVEL, entries
    assert set(entries) == {"__init__.py", *tiers}, set(entries) ^ {"__init__.py", *tiers}


def test_subpackages_import_only_their_tier_or_below() -> None:
    tier_of = {name: i for i, tier in enumerate(TIERS) for name in tier}
    wrong = []
    for module, deps in imports().items():
        for dep in deps:
            a, b = module.split(".")[0], dep.split(".")[0]
            if a != b and (tier_of[b] > tier_of[a] or (tier_of[b] == tier_of[a])):
                wrong.append(f"{module} → {dep}")
    assert not wrong, wrong


def test_renderers_import_value_types_not_the_pipeline() -> None:
    packages = {m for m, path in module_names().items() if path.name == "__init__.py"}
    for module, deps in imports().items():
        if not _within(module, RENDERERS):
            continue
        deps = deps - packages  # `from ..load import scaffold` names the package too
        allowed = RENDERER_EXCEPTIONS.get(module, set()) | VALUE_TYPES
        bad = {d for d in deps if _within(d, PIPELINE) and d not in allowed}
        assert not bad, (module, bad)


def test_no_import_cycles_beyond_the_known_one() -> None:
    graph = imports()
    cycles: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in graph.get(node, ()):
            if nxt in path:
                cycles.add(frozenset(path[path.index(nxt):]))
            elif len(path) < len(graph):
                visit(nxt, [*path, nxt])

    for start in graph:
        visit(start, [start])
    assert cycles <= KNOWN_CYCLES, cycles - KNOWN_CYCLES


def test_modules_and_functions_stay_small() -> None:
    big_modules, big_functions = [], []
    for module, path in module_names().items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            big_modules.append((module, len(text.splitlines())))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    big_functions.append((f"{module}.{node.name}", length))
    assert not big_modules, big_modules
    assert not big_functions, big_functions
