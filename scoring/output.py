"""Writing outputs so that a failed build leaves the previous ones intact."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_files(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write every file next to its target first, then move them all into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp_name, 0o644)
            staged.append((name, Path(tmp_name)))
        for name, staged_path in staged:
            os.replace(staged_path, out_dir / name)
    finally:
        for _, staged_path in staged:
            staged_path.unlink(missing_ok=True)


class BuildDir:
    """A scratch directory beside the target; ``commit`` swaps it in whole."""

    def __init__(self, target: Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))

    def commit(self, target: Path) -> None:
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(self.path, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
