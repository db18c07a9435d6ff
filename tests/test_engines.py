"""The gates in front of the libraries' internals (scoring/engine_*.py): with a version other than the one verified,
the build takes the library's public path, says so once, and its output equals the normal build's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jieba.finalseg
import pytest
from test_build import EPOCH, snapshot

from scoring.cli.main import main
from scoring.core.engine_gate import Gate
from scoring.render.dossier import engine_weasyprint
from scoring.render.site import engine_jieba, engine_mkdocs, engine_search, search, sitecache

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def force_mismatch(monkeypatch: pytest.MonkeyPatch, gate: Gate, name: str) -> None:
    """``gate`` verified against a version of ``name`` that is not installed, and not yet said so."""
    monkeypatch.setitem(gate.verified, name, "0.0")
    monkeypatch.setattr(gate, "said", False)


def search_entries(site: Path) -> list[Any]:
    entries: list[Any] = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return entries


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("engines") / "mini"
    shutil.copytree(FIXTURES / "mini", target)
    return target


@pytest.fixture(scope="module")
def normal(project: Path) -> dict[str, bytes]:
    """``build.py all`` of the mini project as usual: the site through the page cache (scoring/render/site/sitecache.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        out = project.parent / "normal"
        assert main(["all", "--project", str(project), "--out", str(out)]) == 0
    return snapshot(out / "site")


def test_the_gates_open_on_the_versions_installed_here() -> None:
    for gate in (engine_mkdocs.GATE, engine_weasyprint.GATE, engine_jieba.GATE, engine_search.GATE):
        assert gate.differences() == [] and gate.open()


def test_a_gate_names_each_version_that_differs_and_says_so_once(monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    gate = Gate({"mkdocs": "0.0", "jieba": "0.42.1", "no-such-distribution": "1.0"}, "改走公开的路")
    assert not gate.open() and not gate.open()
    said = capsys.readouterr().err
    assert said == "提示：已安装的 mkdocs 为 1.6.1（验证过的是 0.0）、no-such-distribution 为 未安装（验证过的是 1.0）；改走公开的路。\n"


def test_build_all_with_another_mkdocs_takes_mkdocs_own_build(project: Path, normal: dict[str, bytes], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    force_mismatch(monkeypatch, engine_mkdocs.GATE, "mkdocs")

    def internals(*args: object) -> None:
        raise AssertionError("the page cache replays MkDocs' internals")

    monkeypatch.setattr(sitecache, "build", internals)
    capsys.readouterr()
    assert main(["all", "--project", str(project), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr()
    assert printed.err.count("提示：") == 1 and "已安装的 mkdocs 为 1.6.1（验证过的是 0.0）；网站改由 MkDocs 自身完整生成" in printed.err
    assert "dossier.pdf" in printed.out
    site = snapshot(tmp_path / "out" / "site")
    assert sorted(site) == sorted(normal) and [n for n in normal if site[n] != normal[n]] == []  # byte for byte
    assert search_entries(tmp_path / "out" / "site") == json.loads(normal["search/search_index.json"])["docs"]
    assert sum(name.endswith(".html") for name in site) > 10


def test_search_with_another_jieba_takes_jiebas_public_api(project: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert main(["site", "--project", str(project), "--out", str(tmp_path / "normal")]) == 0  # `site` alone: no PDF
    normal = snapshot(tmp_path / "normal" / "site")
    force_mismatch(monkeypatch, engine_jieba.GATE, "jieba")

    def internals(*args: object) -> None:
        raise AssertionError("the tuning rewrites jieba's dictionary")

    forced = set(jieba.finalseg.Force_Split_Words)
    search.TUNING.undo()  # the next build tunes again, now through the public API
    monkeypatch.setattr(engine_jieba, "load_dictionary", internals)
    monkeypatch.setattr(engine_jieba, "restore", internals)
    try:
        capsys.readouterr()
        assert main(["site", "--project", str(project), "--out", str(tmp_path / "out")]) == 0
        assert capsys.readouterr().err.count("提示：已安装的 jieba 为 0.42.1（验证过的是 0.0）；搜索分词改用 jieba 的公开接口") == 1
        assert search.TUNING.start is None and search.TUNING.total is not None  # tuned by the public path
        assert search_entries(tmp_path / "out" / "site") == json.loads(normal["search/search_index.json"])["docs"]
        site = snapshot(tmp_path / "out" / "site")
        assert sorted(site) == sorted(normal) and [n for n in normal if site[n] != normal[n]] == []
    finally:
        search.TUNING.undo()  # jieba's dictionary loaded again from its file
        jieba.finalseg.Force_Split_Words.clear()  # the words the public path deleted, which nothing public restores
        jieba.finalseg.Force_Split_Words.update(forced)
    assert jieba.lcut("绩效考核") == ["绩效考核"]


def test_search_with_another_material_ranks_with_the_themes_own_worker(project: Path, normal: dict[str, bytes],
                                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The site's ranking is Material 9.8.1's worker changed (scoring/render/site/engine_search.py): with another version the
    site serves the theme's own worker (`site` here: no PDF)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    worker = engine_search.WORKER
    assert normal[worker] == engine_search.WORKER_FILE.read_bytes() != engine_search.theme_worker().encode("utf-8")
    force_mismatch(monkeypatch, engine_search.GATE, "mkdocs-material")
    capsys.readouterr()
    assert main(["site", "--project", str(project), "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().err
    assert printed.count("提示：已安装的 mkdocs-material 为 9.8.1（验证过的是 0.0）；网站搜索改用主题自带的排序") == 1, printed
    site = snapshot(tmp_path / "out" / "site")
    assert site[worker] == engine_search.theme_worker().encode("utf-8")
    assert set(site) == set(normal) - {"dossier.pdf"}  # the same files, the theme's worker in place of the site's
