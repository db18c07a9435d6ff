"""What reading the scheme and the evidence share: a file's checked text, its path as written, YAML with lines,
a problem list bound to one file, and a mapping read through its declared keys (scoring/model/formats.py)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.problems import Problem, error, warning
from ..core.safeio import LIMIT_KEYS, MB, Limits, ReadRefused, Tree, decode, read_bytes
from ..core.yamlio import LineDict, YamlSyntaxError, load_yaml
from ..model import formats

# Size and SHA-256 of the bytes read, by relative path: file_facts (scoring/gather/pipeline.py) need not read them again.
Digests = dict[str, tuple[int, str]]


def checked_text(root: Path | Tree, path: Path, rel: str, limit: int, problems: list[Problem],
                  digests: Digests | None = None) -> str | None:
    """A file's text, or None with one problem: not a regular file in the project, too large, not UTF-8."""
    try:
        data = read_bytes(root, path, limit)
        if digests is not None:
            digests[rel] = (len(data), hashlib.sha256(data).hexdigest())
        return decode(data)
    except ReadRefused as exc:
        problems.append(error(rel, exc.line, exc.message, "unreadable"))
        return None


def rel_path(root: Path, path: Path) -> str:
    base, full = os.fspath(root), os.fspath(path)
    if base and full.startswith(base + os.sep):  # a path found under root: no need to normalise both
        rest = full[len(base) + 1 :]
        parts = rest.split(os.sep)
        if "" not in parts and "." not in parts and ".." not in parts:
            return "/".join(parts)
    return os.path.relpath(path, root).replace(os.sep, "/")


@dataclass
class Ctx:
    rel: str
    problems: list[Problem] = field(default_factory=list)

    def err(self, line: int, message: str, code: str = "") -> None:
        self.problems.append(error(self.rel, line, message, code))

    def warn(self, line: int, message: str, code: str = "") -> None:
        self.problems.append(warning(self.rel, line, message, code))


def yaml_line(data: Any, key: str | None = None) -> int:
    if isinstance(data, LineDict):
        return data.line_of(key) if key is not None else data.line
    return 0


def read_yaml_file(root: Path, path: Path, problems: list[Problem], limits: Limits) -> tuple[Any, Ctx] | None:
    ctx = Ctx(rel_path(root, path), problems)
    text = checked_text(root, path, ctx.rel, limits.yaml, problems)
    if text is None:
        return None
    try:
        return load_yaml(text), ctx
    except YamlSyntaxError as exc:
        ctx.err(exc.line, exc.message, "yaml")
        return None


def read_keys(ctx: Ctx, cls: type, data: Any, what: str, line: int = 1) -> tuple[dict[str, Any], bool]:
    """A mapping's declared keys (scoring/model/formats.py), every problem reported; True when none."""
    values, found = formats.read(cls, data, line, what)
    for exc in found:
        ctx.err(exc.line or line, exc.message, exc.code or "bad-value")
    return values, not found


def scheme_limits(raw: formats.LimitKeys | None) -> Limits:
    if raw is None:
        return Limits()
    values = {LIMIT_KEYS[key][0]: int(getattr(raw, key) * MB) for key in LIMIT_KEYS if getattr(raw, key) is not None}
    return Limits(**values)
