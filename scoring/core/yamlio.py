"""YAML reading that keeps line numbers, refuses what a data file never needs,
and splits front matter.

Every mapping comes back as a ``LineDict``: a plain dict that also knows the
line of each of its keys, so that a message can point at the line a person
must edit. Lines are 1-based and count from the top of the file.

The files come from pull requests, so the loader is bounded: anchors and
aliases (the "billion laughs") are refused outright, nesting is capped, only
the plain YAML types are accepted (no ``!!python`` or other tags), and a value
YAML would turn into something no field can hold (a time of day, ``.nan``,
``.inf``, a duplicate key) is refused at its line. Every problem is one
``YamlSyntaxError`` with a Chinese message: a file with a YAML fault gives one
message, never a cascade.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml is part of the PyYAML wheel
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_DEPTH = 24  # a scheme needs about 8 levels (file, rows, row, rules, group, rules, rule, list)
_TAGS = frozenset({"!", *(f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge"))})


class LineDict(dict[Any, Any]):
    """A dict with the 1-based line of the mapping and of each key."""

    line: int
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(_BaseLoader):
    line_offset = 0

    def line(self, node: yaml.Node) -> int:
        mark = node.start_mark
        return (int(mark.line) if mark is not None else 0) + 1 + self.line_offset

    def refuse(self, node: yaml.Node, message: str) -> YamlSyntaxError:
        return YamlSyntaxError(self.line(node), message)


_STR = "tag:yaml.org,2002:str"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = loader.line(node)
    key_lines: dict[Any, int] = {}
    result.key_lines = key_lines
    construct = loader.construct_object
    for key_node, value_node in node.value:
        # A plain text scalar is its own value (what construct_yaml_str returns); nodes are
        # never shared, since aliases are refused, so nothing needs remembering.
        if key_node.tag == _STR and type(key_node) is yaml.ScalarNode:
            key = key_node.value
        else:
            key = construct(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise loader.refuse(key_node, "字段名应为文字，不能是列表或映射") from None
        if key in result:
            first = key_lines[key]
            raise loader.refuse(key_node, f"字段 {key} 重复出现（第一次在第{first}行），请删除或合并其中一个")
        if value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
            result[key] = value_node.value
        else:
            result[key] = construct(value_node, deep=True)
        key_lines[key] = loader.line(key_node)
    return result


_DATE = re.compile(r"\d{4}-\d\d?-\d\d?")


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    text = str(node.value)
    if _DATE.fullmatch(text) is None:
        raise loader.refuse(node, f"“{text}”带有时刻：这里只能写日期 YYYY-MM-DD，如 2021-08-09；"
                                  "如果是文字，请用引号括起来")
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        # An impossible date (2021-13-01) stays text, so the field check can say which line is wrong.
        return text
    assert isinstance(value, datetime.date)
    return value


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if math.isnan(value) or math.isinf(value):
        raise loader.refuse(node, f"“{node.value}”不是有限的数值（.nan、.inf 或超出范围的数）；请填写普通数字")
    return float(value)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    try:
        return int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))
    except ValueError:
        raise loader.refuse(node, "数字的位数过多，请填写普通大小的数字") from None


def _yaml12_booleans() -> None:
    """Only true/false (any case) are booleans, as in YAML 1.2: yes, no, on, off stay text.

    A YAML 1.1 reader turns ``normalise: no`` into false and ``on:`` into true; a person
    who writes 否 or no gets text, which a boolean field refuses with the word to write.
    """
    bool_tag = "tag:yaml.org,2002:bool"
    resolvers = {first: [r for r in found if r[0] != bool_tag]
                 for first, found in _BaseLoader.yaml_implicit_resolvers.items()}
    _Loader.yaml_implicit_resolvers = resolvers
    _Loader.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


_yaml12_booleans()
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _scan(text: str, line_offset: int) -> None:
    """Walk the parser's events once: refuse anchors, aliases, tags and deep nesting early."""
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        line = (int(event.start_mark.line) if event.start_mark is not None else 0) + 1 + line_offset
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlSyntaxError(line, "不支持 YAML 锚点和引用（& 与 *）；请直接写出内容，"
                                        "以 & 或 * 开头的文字请用引号括起来")
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlSyntaxError(line, f"不支持 YAML 标签 {shown}；请删除它，以 ! 开头的文字请用引号括起来")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(line, f"嵌套层次过深（超过 {MAX_DEPTH} 层），请检查括号是否成对")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


# The event walk is needed only when the text could hold what it refuses, or what the
# single-document loader would report differently from it:
# - an anchor starts with &, an alias with *, a tag with ! (a %TAG handle is used with !);
# - a second document needs a --- or ... line, and libyaml also breaks lines at NEL, LS
#   and PS and skips a BOM, which the indentation bound below does not count;
# - nesting: flow collections need [ or { (and a flow sequence entry "a: b" is one more
#   mapping, so [ counts twice); libyaml opens a block collection only at a column beyond
#   every open one, at most one indentless sequence sits on each block mapping, and a block
#   collection starts after nothing but spaces and - ? : on its line, so block nesting is at
#   most 2 x (longest such run + 1). Two columns more for good measure.
_SCAN_CHARS = re.compile("[&*!\r\x85\u2028\u2029\ufeff]|^(?:---|[.][.][.])", re.MULTILINE)
# A line that starts with at least n spaces or block indicators, for each n that matters.
_LEADS = tuple(re.compile(r"^[ \t?:-]{" + str(n) + "}", re.MULTILINE) for n in range(MAX_DEPTH))


def _needs_scan(text: str) -> bool:
    if _SCAN_CHARS.search(text) is not None:
        return True
    flow = 2 * text.count("[") + text.count("{")
    # flow + 2 * (lead + 3) > MAX_DEPTH, i.e. some line's run is at least this long:
    shortest = (MAX_DEPTH - flow - 6) // 2 + 1
    return shortest <= 0 or _LEADS[shortest].search(text) is not None


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse YAML; raise ``YamlSyntaxError`` with a file line and a Chinese message."""
    return _load_yaml(text, line_offset, _needs_scan(text))


def _load_yaml(text: str, line_offset: int, scan: bool) -> Any:
    try:
        if scan:
            _scan(text, line_offset)
        loader = _Loader(text)
    except UnicodeError:  # a lone surrogate: never from a decoded file, but refused all the same
        raise YamlSyntaxError(line_offset + 1, "YAML 中含有无效字符，请以 UTF-8 重新保存") from None
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_error_line(exc, line_offset, text), _describe(exc, text)) from None
    except yaml.YAMLError:
        raise YamlSyntaxError(line_offset + 1, "YAML 格式错误，请检查冒号、引号和缩进") from None
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_error_line(exc, line_offset, text), _describe(exc, text)) from None
    except yaml.YAMLError:
        raise YamlSyntaxError(line_offset + 1, "YAML 格式错误，请检查冒号、引号和缩进") from None
    finally:
        loader.dispose()


# The error is at the opening bracket or quote the user must close, not where the parser gave up.
_AT_CONTEXT = ("while parsing a flow", "while scanning a quoted scalar", "while scanning a block scalar")


def _error_line(exc: yaml.MarkedYAMLError, offset: int, text: str) -> int:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and ((exc.context or "").startswith(_AT_CONTEXT) or _long_key(exc, text)):
        mark = exc.context_mark
    return (int(mark.line) + 1 + offset) if mark else offset + 1


_HINTS = (
    ("tab", "YAML 中不能用制表符（Tab）缩进或对齐，请改用空格"),
    ("mapping values are not allowed", "此处不能出现冒号“:”（值中含冒号时请用引号括起来）"),
    ("block sequence entries are not allowed", "列表项“- ”的缩进不正确"),
    ("did not find expected ',' or ']'", "方括号列表 [ ] 没有闭合，或其中缺少逗号"),
    ("did not find expected ',' or '}'", "花括号映射 { } 没有闭合，或其中缺少逗号"),
    ("found unknown escape character", "双引号中的反斜杠“\\”无效，请改用单引号"),
    ("while scanning a tag", "不支持以 ! 开头的 YAML 标签；以 ! 开头的文字请用引号括起来"),
    ("found undefined tag handle", "不支持以 ! 开头的 YAML 标签；以 ! 开头的文字请用引号括起来"),
    ("could not find expected ':'", "缺少冒号“:”，或缩进不一致"),
    ("did not find expected key", "缩进不一致，或列表项与字段混用"),
    ("did not find expected '-' indicator", "列表项“- ”的缩进不一致"),
    ("found undefined alias", "不支持 YAML 引用（*）；以 * 开头的文字请用引号括起来"),
    ("did not find expected alphabetic or numeric character", "以 * 或 & 开头的文字请用引号括起来"),
    ("expected alphabetic or numeric character", "以 * 或 & 开头的文字请用引号括起来"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("quoted scalar", "引号没有闭合"),
    ("found unexpected document", "文件中只能有一份 YAML 内容（不要另起 --- 或 ...）"),
    ("expected a single document", "文件中只能有一份 YAML 内容（不要另起 --- 或 ...）"),
    ("found character that cannot start any token", "出现了不能作为开头的字符（如 @、`、%），请用引号括起来"),
    ("did not find expected node content", "值缺失或格式不正确"),
    ("found incompatible YAML document", "YAML 版本声明无效，请删除以 % 开头的行"),
    ("directive", "不支持以 % 开头的指令行，请删除"),
    ("block scalar", "多行文字（| 或 >）的写法不正确"),
    ("simple key", "字段名过长或缺少冒号“:”"),
    ("control characters are not allowed", "含有不可见的控制字符，请删除"),
    ("invalid leading UTF-8", "含有无效字符，请以 UTF-8 重新保存"),
)


_MAX_KEY = 1024  # libyaml's longest simple key, in characters


def _long_key(exc: yaml.MarkedYAMLError, text: str) -> int:
    """The length of the key libyaml gave up on for being too long (it says only "could not find ':'"), or 0."""
    if exc.context != "while scanning a simple key" or exc.context_mark is None:
        return 0
    line = _line_text(text, int(exc.context_mark.line))[int(exc.context_mark.column):]
    key = line.split(":", 1)[0] if ":" in line else ""
    return len(key.rstrip()) if len(key) > _MAX_KEY else 0


def _describe(exc: yaml.MarkedYAMLError, text: str) -> str:
    length = _long_key(exc, text)
    if length:
        return (f"YAML 格式错误：字段名过长（{length} 个字符，最多 {_MAX_KEY} 个）；"
                "字段名应是方案规定的简短名称，较长的文字请写在冒号之后作为值")
    said = f"{exc.problem or ''} {exc.context or ''}"
    mark = exc.problem_mark
    if mark is not None and "\t" in _line_text(text, int(mark.line))[: int(mark.column) + 1]:
        said = "tab " + said  # libyaml names the tab only in some of its messages
    for key, text in _HINTS:
        if key in said:
            return f"YAML 格式错误：{text}"
    return "YAML 格式错误，请检查本行的冒号、引号和缩进"


def _line_text(text: str, index: int) -> str:
    lines = text.split("\n", index + 1)
    return lines[index] if index < len(lines) else ""


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, 1-based line where the body starts).

    The front matter's own first line is line 2 of the file. Windows line
    endings and a byte-order mark are accepted: they read as plain LF text.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
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
