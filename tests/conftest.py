from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the expected outputs (golden files) from the current code")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small test project."""
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture(autouse=True, scope="session")
def cache_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Caches of the runs under test go to a scratch folder, not the user's ~/.cache."""
    saved = os.environ.get("ZWGK_CACHE_DIR")
    os.environ["ZWGK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if saved is None:
        os.environ.pop("ZWGK_CACHE_DIR", None)
    else:
        os.environ["ZWGK_CACHE_DIR"] = saved
