"""Whether a change between two revisions touches the program or its configuration.

Evidence and the scheme are data: a reviewer from the bureau can approve them.
Everything else that a build or CI runs is code: MkDocs configuration (it can
load Python hooks), templates, the scoring package, the build script, CI
workflows and the pinned dependencies. A pull request that changes any of it
runs its code on CI and on every reviewer's machine that builds it, so it
needs a maintainer's review. CODEOWNERS routes the same paths.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

# Paths relative to the repository's top: a folder ends with "/".
CODE_PATHS = (
    "mkdocs.yml", "site_templates/", "scoring/", "build.py", ".github/", "requirements.txt", "constraints.txt",
    "pyproject.toml", "Makefile", "package.json", "package-lock.json", "scripts/", "CODEOWNERS",
    ".vscode/", "schemas/",
)
NOTICE = "本次合并请求修改了程序或配置，需由维护人员审核"


def is_code(path: str) -> bool:
    return any(path.startswith(p) if p.endswith("/") else path == p for p in CODE_PATHS)


def code_paths(paths: list[str]) -> tuple[str, ...]:
    return tuple(sorted({p for p in paths if is_code(p)}))


def changed_code(root: Path, base: str, head: str | None) -> tuple[str, ...]:
    """Code and configuration files that differ between ``base`` and ``head`` (None: the working tree).

    Renames count on both sides; an untracked file counts in the working tree.
    """
    top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                         check=True, timeout=60).stdout.strip()
    args = ["git", "-C", top, "diff", "--name-only", "-z", "--no-renames", base, *([head] if head else []), "--"]
    names = subprocess.run(args, capture_output=True, check=True, timeout=120).stdout.decode("utf-8", "replace")
    paths = [p for p in names.split("\0") if p]
    if head is None:
        untracked = subprocess.run(["git", "-C", top, "ls-files", "-z", "--others", "--exclude-standard"],
                                   capture_output=True, check=True, timeout=120).stdout.decode("utf-8", "replace")
        paths += [p for p in untracked.split("\0") if p]
    return code_paths(paths)
