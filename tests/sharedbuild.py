"""Outputs built once per test run and read by many test files, across pytest-xdist's workers.

The fixture is ``shared_output`` (conftest.py); the type and the locking are here, so that test files can name the
type (``from sharedbuild import SharedOutput``).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

Make = Callable[[Path], None]
SharedOutput = Callable[[str, Make], Path]


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of this test run that every worker sees: pytest-xdist gives each worker its own base folder
    (``.../pytest-N/popen-gw0``) inside the run's; without workers the base folder is the run's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_build(folder: Path, make: Make) -> Path:
    """``folder`` made by ``make(folder)`` once, whichever process asks first; the others wait and reuse it.

    A lock file beside it (``flock``) serialises the askers; ``<name>.done`` marks a finished build, so a build
    that failed (its test fails) is tried again by the next asker rather than reused half made."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder.with_name(folder.name + ".done")
    with open(folder.with_name(folder.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder
