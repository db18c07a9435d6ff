"""Read rollup-sources.yml (the bureaus' repositories a province builds centrally) for the CI matrix.

Used by .github/workflows/rollup-matrix.yml's first job, on a bare runner image (the system's python3,
no packages): prints ``bureaus=<JSON list>`` and ``count=<n>`` for $GITHUB_OUTPUT. The file is the
simple YAML this reads and nothing more:

    bureaus:
      - jcs/shenpiju          # owner/name on the same forge
      - jcs/gonganju@main     # a branch or tag after @ (default: the repository's default branch)

A mistake stops the job with a Chinese message naming the line; more than ``LIMIT`` repositories
too, since a matrix cannot hold them (docs/results.md "A CI matrix over the bureaus' repositories").
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# GitHub Actions: a matrix makes at most 256 jobs per workflow run. Gitea caps a whole run at 256 jobs;
# with the list job and the roll-up job that leaves 254, the bound for both.
LIMIT = 254
ENTRY = re.compile(r"^\s+-\s+([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:@([A-Za-z0-9_./-]+))?$")


def read(path: Path) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    inside = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = re.sub(r"\s*#.*$", "", raw).rstrip()  # a comment: a repository's name holds no #
        if not line.strip():
            continue
        if line == "bureaus:":
            inside = True
            continue
        match = ENTRY.match(line) if inside else None
        if match is None:
            raise ValueError(f"{path}:{number}：应为“bureaus:”下每行一个“  - 所有者/仓库名”（可加 @分支），这里是“{raw.strip()}”")
        found.append({"repo": match.group(1), "ref": match.group(2) or ""})
    if not found:
        raise ValueError(f"{path}：没有列出任何单位的仓库（bureaus: 下每行一个）")
    if len(found) > LIMIT:
        raise ValueError(f"{path}：列出了 {len(found)} 个仓库，一次运行的矩阵最多 {LIMIT} 个；"
                         "请把清单分成几个文件，各用一次运行生成，再用 rollup 一并汇总（见 docs/results.md）")
    return found


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "rollup-sources.yml")
    try:
        bureaus = read(path)
    except (OSError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"bureaus={json.dumps(bureaus, ensure_ascii=False, separators=(',', ':'))}")
    print(f"count={len(bureaus)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
