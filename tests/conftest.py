from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sharedbuild import SharedOutput, run_folder, shared_build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The files that cost most, heaviest first (CPU seconds of one file run alone, measured; docs/testing.md). They
# start first, so that with `--dist loadfile` no long file begins when the other workers are nearly done; the
# others follow in their usual order. A new heavy file belongs here.
HEAVY_FILES: tuple[str, ...] = (  # CPU seconds of each in the whole suite (`make test`, 2 cores, docs/testing.md)
    "test_edition.py",  # 104: the repository's builds that test_site, test_reader_site, test_search_browser read
    "test_pdfjobs.py",  # 79: the repository's dossier rendered three times
    "test_sitecache.py",  # 54
    "test_build.py",  # 39, and waiting: builds killed at ten moments
    "test_dossier.py",  # 29
    "test_lastyear.py",  # 28
    "test_fixture_schemes.py",  # 24, and 16 s waiting for Chromium
    "test_reader_site.py",  # 17, and a minute in Chromium (axe, every page at a phone's width)
    "test_preview.py",  # 19
    "test_site.py",  # 20
    "test_pdfcuts.py",  # 18
    "test_engines.py",  # 17
    "test_pdfgate.py",  # 14
    "test_attachments_browser.py",  # 11, and 10 s waiting for Chromium's viewers
    "test_body_shape.py",  # 10
    "test_forge.py",  # 10, and 17 s in Chromium
    "test_payloads_browser.py",  # 8
    "test_search_browser.py",  # 5, and 20 s in Chromium
    "test_browser.py",  # 3
)

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the expected outputs (golden files) from the current code")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The heavy files first (``HEAVY_FILES``), each file's tests kept together and in their order."""
    rank = {name: i for i, name in enumerate(HEAVY_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


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
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZWGK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True, scope="session")
def one_process_per_build() -> Iterator[None]:
    """A build a test starts without ``--jobs`` runs in one process (ZWGK_JOBS=1): under pytest-xdist every core
    already runs a test file, so more processes only add work (a parallel PDF of the sample takes a third more CPU
    than a serial one). The tests of the parallel paths ask for their jobs."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZWGK_JOBS", "1")
        yield


@pytest.fixture(scope="session")
def shared_output(tmp_path_factory: pytest.TempPathFactory) -> SharedOutput:
    """``shared_output(name, make)``: a folder ``make`` fills once per test run, shared by every test file and
    every pytest-xdist worker that asks for the same ``name`` (the sample's site, both editions of the
    repository's build ...). Only for tests that read it: one that changes it breaks the others."""
    root = run_folder(tmp_path_factory) / "shared"
    return lambda name, make: shared_build(root / name, make)
