"""The second sheet of an exported table (方案设置): what the assessors' columns cannot hold, so the round trip loses nothing.

The assessors' columns show the scheme as a table (names, points, clauses,
units); the settings sheet carries the scheme's own YAML, one entry a row, so
that an import restores it exactly: ids, facts, rules and their parameters,
scheme.yaml (levels, period, clamp, grade bands, normalisation, caps,
accept_until, …), the units registry (ids, aliases, everyone).

It is generic on purpose: an entry is the parsed YAML of a file or of one node
of its tree, with the lists of children (``rows:``, ``items:``) emptied, so a
key added to the format later travels without a change here. The entries come
in document order, each naming its file and depth, so the tree is put back by
appending every entry to the last one a level above it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.yamlio import YamlSyntaxError, load_yaml
from .read import Grid, ImportFailure
from .write import to_yaml

SHEET = "方案设置"
HEADER = ("类型", "文件", "层级", "编号", "表中行", "设置（YAML）")
FILE, NODE, ROW, BONUS, MAJOR = "文件", "节点", "行", "加分项", "扣分项"
_BLOCKS = {BONUS: "comprehensive", MAJOR: "major"}
NOTE = ("本表由 python build.py export-scheme 写出，供 python build.py import 原样恢复考核方案（编号、事实、规则和方案设置）。"
        "请只修改第一张表；要按修改后的文字重新识别规则，删去本表后再导入。")


@dataclass(frozen=True)
class Entry:
    kind: str  # FILE, NODE, ROW, BONUS, MAJOR
    file: str  # the file under indicators/
    depth: int  # 0: the file itself; 1: a row or group directly in it; …
    id: str
    line: str  # the row of the assessors' sheet it is shown on ("" when none)
    data: Any

    def cells(self) -> list[str]:
        text = to_yaml(self.data).rstrip("\n") if self.data is not None else ""
        return [self.kind, self.file, str(self.depth), self.id, self.line, text]


def plain(data: Any) -> Any:
    """Parsed YAML as plain dicts and lists (no line numbers), so it can be written back."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def _emptied(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: ([] if k == key and isinstance(v, list) else v) for k, v in data.items()}


def _tree(file: str, rows: Any, depth: int, lines: dict[str, int]) -> Iterator[Entry]:
    for node in rows if isinstance(rows, list) else ():
        if not isinstance(node, dict):
            continue
        ident = str(node.get("id", ""))
        line = str(lines.get(ident, "")) if ident else ""
        if "rows" in node:
            yield Entry(NODE, file, depth, ident, line, _emptied(node, "rows"))
            yield from _tree(file, node["rows"], depth + 1, lines)
        else:
            yield Entry(ROW, file, depth, ident, line, node)


def entries(root: Path, lines: dict[str, int]) -> list[Entry]:
    """Every file of indicators/ as entries; ``lines``: the assessors' sheet row of each row id."""
    out: list[Entry] = []
    for path in sorted((root / "indicators").glob("*.yaml")):
        data = plain(load_yaml(path.read_text(encoding="utf-8")))
        name = path.name
        if isinstance(data, dict) and "rows" in data:
            out.append(Entry(FILE, name, 0, str(data.get("id", "")), "", _emptied(data, "rows")))
            out.extend(_tree(name, data["rows"], 1, lines))
        elif name == "totals.yaml" and isinstance(data, dict):
            blocks = {k: _emptied(v, "items") if k in _BLOCKS.values() and isinstance(v, dict) else v
                      for k, v in data.items()}
            out.append(Entry(FILE, name, 0, "", "", blocks))
            for kind, key in _BLOCKS.items():
                block = data.get(key)
                items = block.get("items") if isinstance(block, dict) else None
                for item in items if isinstance(items, list) else ():
                    ident = str(item.get("id", "")) if isinstance(item, dict) else ""
                    out.append(Entry(kind, name, 1, ident, str(lines.get(ident, "")), item))
        else:
            out.append(Entry(FILE, name, 0, "", "", data))
    return out


def find(grids: list[Grid]) -> Grid | None:
    """The settings sheet of an exported table, if the file has one."""
    for grid in grids:
        if grid.rows and tuple(c.text for c in grid.rows[0][:len(HEADER)]) == HEADER:
            return grid
    return None


def read(grid: Grid) -> list[Entry]:
    out: list[Entry] = []
    for r, row in enumerate(grid.rows[1:], 1):
        cells = [c.text for c in row[:len(HEADER)]]
        cells += [""] * (len(HEADER) - len(cells))
        if not any(cells) or cells[0] == NOTE:
            continue
        where = f"{grid.name}第{grid.lines[r]}行"
        if cells[0] not in (FILE, NODE, ROW, BONUS, MAJOR):
            raise ImportFailure(f"{where}：类型“{cells[0]}”无效，应为 {'、'.join((FILE, NODE, ROW, BONUS, MAJOR))} 之一")
        kind, file, depth, ident, line, text = cells
        if not depth.isdigit() or not file.endswith(".yaml") or "/" in file or "\\" in file or file.startswith("."):
            raise ImportFailure(f"{where}：文件名“{file}”或层级“{depth}”无效")
        try:
            data = plain(load_yaml(text)) if text else None
        except YamlSyntaxError as exc:
            raise ImportFailure(f"{where}（设置第{exc.line}行）：{exc.message}") from None
        if kind != FILE and not isinstance(data, dict):
            raise ImportFailure(f"{where}：{kind}的设置应是“键: 值”的映射")
        out.append(Entry(kind, file, int(depth), ident, line, data))
    return out


def rebuild(found: list[Entry], where: str) -> dict[str, Any]:
    """The files of indicators/ (name → YAML data) from the entries, in their order."""
    files: dict[str, Any] = {}
    stacks: dict[str, list[dict[str, Any]]] = {}
    for entry in found:
        if entry.kind == FILE:
            files[entry.file] = entry.data
            stacks[entry.file] = [entry.data] if isinstance(entry.data, dict) else []
            continue
        stack = stacks.get(entry.file)
        parent = files.get(entry.file)
        if stack is None or not isinstance(parent, dict) or not 1 <= entry.depth <= len(stack):
            raise ImportFailure(f"{where}：{entry.kind} {entry.id} 找不到它所在的文件或上级（{entry.file}，层级{entry.depth}）")
        if entry.kind in _BLOCKS:
            block = parent.get(_BLOCKS[entry.kind])
            if not isinstance(block, dict) or not isinstance(block.get("items"), list):
                raise ImportFailure(f"{where}：{entry.kind} {entry.id} 在 {entry.file} 中没有 items 列表")
            block["items"].append(entry.data)
            continue
        del stack[entry.depth:]
        above = stack[-1].get("rows")
        if not isinstance(above, list):
            raise ImportFailure(f"{where}：{entry.kind} {entry.id} 的上级没有 rows 列表")
        above.append(entry.data)
        if entry.kind == NODE:
            stack.append(entry.data)
    return files
