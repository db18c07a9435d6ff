"""YAML reading that keeps line numbers, and front matter splitting.

Every mapping comes back as a ``LineDict``: a plain dict that also knows the
line of each of its keys, so that a message can point at the line a person
must edit. Lines are 1-based and count from the top of the file.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml is part of the PyYAML wheel
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class LineDict(dict[Any, Any]):
    """A dict with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(_BaseLoader):
    line_offset = 0


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.line_offset
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in result:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # An impossible date (2021-13-01) stays text, so the field check can say which line is wrong.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse YAML; raise ``YamlSyntaxError`` with a file line and a Chinese message."""
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        raise YamlSyntaxError(line, _describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(line_offset + 1, f"YAML 格式错误：{exc}") from None
    finally:
        loader.dispose()


def _describe(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    hints = {
        "mapping values are not allowed": "此处不能出现冒号“:”（值中含冒号时请用引号括起来）",
        "block sequence entries are not allowed": "列表项“- ”的缩进不正确",
        "found character that cannot start any token": "出现了不能作为开头的字符（如 Tab、@、`），请用空格缩进或用引号括起来",
        "did not find expected ',' or ']'": "方括号列表 [ ] 没有闭合，或其中缺少逗号",
        "did not find expected ',' or '}'": "花括号映射 { } 没有闭合，或其中缺少逗号",
        "found unknown escape character": "双引号中的反斜杠“\\”无效，请改用单引号",
        "could not find expected ':'": "缺少冒号“:”，或缩进不一致",
        "found character '\\t' that cannot start any token": "YAML 中不能用制表符（Tab）缩进，请改用空格",
        "did not find expected key": "缩进不一致，或列表项与键混用",
        "found undefined alias": "引用了未定义的锚点（*）；以 * 开头的文字请用引号括起来",
        "expected alphabetic or numeric character, but found": "以 * 或 & 开头的文字请用引号括起来",
        "while scanning a quoted scalar": "引号没有闭合",
        "found unexpected end of stream": "引号没有闭合",
        "did not find expected node content": "值缺失或格式不正确",
    }
    for key, text in hints.items():
        if problem.startswith(key) or key in (exc.context or ""):
            return f"YAML 格式错误：{text}"
    detail = problem or exc.context or ""
    return f"YAML 格式错误（{detail}），请检查本行的冒号、引号和缩进"


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, 1-based line where the body starts).

    The front matter's own first line is line 2 of the file.
    """
    if not text.startswith("---"):
        raise FrontMatterError(1, "缺少 front matter：文件第一行应为 ---，其后是 YAML 字段，再以 --- 结束")
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        raise FrontMatterError(1, "文件第一行应只有 ---")
    match = _FENCE.search(text, first_nl + 1)
    if match is None:
        raise FrontMatterError(1, "front matter 没有结束：请在字段之后加一行 ---")
    front = text[first_nl + 1 : match.start()]
    end = text.find("\n", match.end())
    body = "" if end < 0 else text[end + 1 :]
    body_line = text.count("\n", 0, match.end()) + 2
    return front, body, body_line
