"""The gate in front of a library's internals: the versions they were verified against, and one notice.

Each ``engine_*`` module uses private names of one library (functions whose name starts with an
underscore, functions it replaces, attributes it rewrites). Those were read and tested against
exact versions, which the module lists in its ``GATE``. ``Gate.open`` compares them with the
installed ones: when they match, the module may use the internals; when any differs (or is
missing), the caller takes the library's public path instead, which gives the same output more
slowly, and the user is told so in one line, once per process (docs/upstream.md).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import metadata


@dataclass
class Gate:
    """The versions one library's internals were verified against."""

    verified: dict[str, str]  # distribution → version
    fallback: str  # what the build does instead, as the notice says it (Chinese)
    said: bool = field(default=False)

    def differences(self) -> list[str]:
        """Each distribution whose installed version is not the verified one, as the notice names it."""
        found: list[str] = []
        for name, version in self.verified.items():
            try:
                have = metadata.version(name)
            except metadata.PackageNotFoundError:
                have = "未安装"
            if have != version:
                found.append(f"{name} 为 {have}（验证过的是 {version}）")
        return found

    def open(self) -> bool:
        """Whether the internals may be used; if not, the one-line notice (the first time in this process)."""
        differ = self.differences()
        if differ and not self.said:
            self.said = True
            print(f"提示：已安装的 {'、'.join(differ)}；{self.fallback}。", file=sys.stderr)
        return not differ
