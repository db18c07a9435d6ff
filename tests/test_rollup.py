"""The roll-up of many bureaus: five variants of the sample, read from folders and from a local web server."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from scoring.cli import main as cli
from scoring.results.rollup import Failed, rank, read_all

ROOT = Path(__file__).resolve().parent.parent

# name, code, evidence removed (by file stem). Removing a file leaves its row without it: worst case.
VARIANTS = {
    "甲局": ("A001", ()),
    "乙局": ("A002", ()),
    "丙局": ("A003", ("2021-05-18-qiye-kaiban-dingxiang-tuisong",)),  # jdhy.jingzhun, required, 2 points
    "丁局": ("A004", ("2021-12-20-guihua-zhuanlan-jietu",  # zdgk.guihua, graded: −2 at worst
                     "2021-07-08-shuanggongshi-hegui-shangbannian", "2021-12-06-shuanggongshi-hegui-xiabannian")),
    "戊局": ("A005", ("2021-12-08-shiji-mulu-tuijin-baogao",)),  # bzgf.shiji, one deadline, 2 points
}
# Worked out by hand from the sample's score table (81.88 of 85; 一级 scores 3, 4, 43.38, 5, 13, 8.5) and the
# rows each variant loses: 丙 −2 in 解读咨询回应; 丁 −2 −4.94 in 主动公开 (zdgk.guihua's grades without evidence:
# 十四五规划纲要 and 专项规划, −2; zdgk.sgs-hegui scored 4.94 of 5); 戊 −2 in 标准化规范化.
# 甲 and 乙 tie, and so do 丙 and 戊: each pair is listed by code.
EXPECTED = [  # rank, bureau, total, grade, the six 一级 scores
    (1, "甲局", "81.88", "优秀", ["3", "4", "43.38", "5", "13", "8.5"]),
    (1, "乙局", "81.88", "优秀", ["3", "4", "43.38", "5", "13", "8.5"]),
    (3, "丙局", "79.88", "优秀", ["3", "4", "43.38", "5", "11", "8.5"]),
    (3, "戊局", "79.88", "优秀", ["3", "2", "43.38", "5", "13", "8.5"]),
    (5, "丁局", "74.94", "良好", ["3", "4", "36.44", "5", "13", "8.5"]),
]


def _variant(base: Path, name: str, code: str, removed: tuple[str, ...]) -> Path:
    project = base / f"project-{code}"
    for folder in ("indicators", "evidence", "registers"):
        shutil.copytree(ROOT / folder, project / folder)
    scheme = project / "indicators" / "scheme.yaml"
    scheme.write_text(scheme.read_text(encoding="utf-8") + f"bureau: {{name: {name}, code: {code}}}\n", encoding="utf-8")
    for stem in removed:
        for path in (project / "evidence").rglob(f"{stem}.*"):
            path.unlink()
    out = base / f"out-{code}"
    assert cli.main(["score", "--project", str(project), "--out", str(out), "--as-of", "2021-12-31"]) == 0
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("rollup")
    return {name: _variant(base, name, code, removed) for name, (code, removed) in VARIANTS.items()}


@pytest.fixture(scope="module")
def server(outputs: dict[str, Path]) -> Iterator[str]:
    """The five outputs over HTTP on 127.0.0.1, plus one whose scores.json is not JSON."""
    web = next(iter(outputs.values())).parent / "web"
    for name, folder in outputs.items():
        shutil.copytree(folder, web / VARIANTS[name][0])
    (web / "bad").mkdir()
    (web / "bad" / "scores.json").write_text("{not json", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(web))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


def _as_expected(ranking: list[dict[str, Any]]) -> list[tuple[object, ...]]:
    return [(x["rank"], x["bureau"], str(x["value"]), x["grade"], [str(v) for v in x["nodes"].values()]) for x in ranking]


def test_rollup_of_folders_writes_ranking_workbook_and_site(outputs: dict[str, Path], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rollup"
    sources = [str(outputs[name]) for name in ("戊局", "丁局", "乙局", "甲局", "丙局")]  # order given is not the rank
    assert cli.main(["rollup", *sources, "--out", str(out)]) == 0
    doc = json.loads((out / "rollup.json").read_text(encoding="utf-8"))
    assert doc["complete"] and doc["shared_scheme"] and doc["by"] == "总分" and not doc["failed"]
    assert _as_expected(doc["ranking"]) == [(r, n, t, g, nodes) for r, n, t, g, nodes in EXPECTED]
    assert doc["grades"] == [{"grade": "优秀", "count": 4}, {"grade": "良好", "count": 1}]
    lost = {row["id"]: (row["bureaus"], row["lost"]) for row in doc["lost_rows"]}
    assert lost["jdhy.jingzhun"] == (1, 2) and lost["zdgk.guihua"] == (1, 2) and lost["bzgf.shiji"] == (1, 2)
    assert lost["jdhy.qudao"] == (5, 10)  # lost by every bureau: first in the list
    assert doc["lost_rows"][0]["id"] == "jdhy.qudao"
    book = openpyxl.load_workbook(out / "rollup.xlsx")
    sheet = book["排名"]
    assert [c.value for c in sheet[1]][:6] == ["名次", "单位", "单位代码", "年度", "总分", "等次"]
    assert [(row[0], row[1], row[4]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (1, "甲局", 81.88), (1, "乙局", 81.88), (3, "丙局", 79.88), (3, "戊局", 79.88), (5, "丁局", 74.94)]
    page = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "按总分排名" in page and "同分者名次相同" in page and "排名不完整" not in page
    assert page.index("甲局") < page.index("乙局") < page.index("丙局") < page.index("戊局") < page.index("丁局")
    assert "已写出" in capsys.readouterr().out
    # with last year's roll-up (this one, dated a year back): each bureau's rank then and now
    last = tmp_path / "last"
    last.mkdir()
    before = json.loads((out / "rollup.json").read_text(encoding="utf-8"))
    for item in before["ranking"]:
        item["year"] -= 1
    (last / "rollup.json").write_text(json.dumps(before, ensure_ascii=False), encoding="utf-8")
    again = tmp_path / "again"
    assert cli.main(["rollup", *sources[:3], "--out", str(again), "--last", str(last)]) == 0
    moved = {x["bureau"]: (x["last_rank"], x["rank"], x["last_value"]) for x in json.loads(
        (again / "rollup.json").read_text(encoding="utf-8"))["ranking"]}
    assert moved == {"乙局": (1, 1, 81.88), "戊局": (3, 2, 79.88), "丁局": (5, 3, 74.94)}
    assert "上年名次" in (again / "site" / "index.html").read_text(encoding="utf-8")


def test_rollup_over_http_lists_what_it_could_not_read(server: str, outputs: dict[str, Path]) -> None:
    down = _closed_port()
    sources = [server + VARIANTS[name][0] + "/" for name in VARIANTS] + [down, server + "bad/", server + "none/"]
    results = read_all(sources)
    r = rank(results)
    assert not r.complete
    assert [(x.rank, x.entry.bureau, str(x.value)) for x in r.ranked] == [(e[0], e[1], e[2]) for e in EXPECTED]
    failed = {f.source: f.reason for f in results if isinstance(f, Failed)}
    assert "无法连接" in failed[down] and "已重试 3 次" in failed[down]
    assert "不是有效的 JSON" in failed[server + "bad/"]
    assert "HTTP 404" in failed[server + "none/"]
    assert r.ranked[0].entry.site == server + "A001/"


def test_the_same_bureau_twice_is_an_error_naming_both(outputs: dict[str, Path], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(outputs["甲局"], twin)
    out = tmp_path / "rollup"
    assert cli.main(["rollup", str(outputs["甲局"]), str(twin), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "同一单位同一年度出现两次：甲局（2021年）" in err and str(twin) in err and str(outputs["甲局"]) in err
    assert not out.exists()


def test_schemes_that_differ_are_compared_on_a_hundred_point_scale(outputs: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(outputs["丙局"], other)
    doc = json.loads((other / "scores.json").read_text(encoding="utf-8"))
    doc["bureau"] = {"name": "己局", "code": "B001"}
    doc["scheme"]["fingerprint"] = "sha256:another"
    doc["total"].update(total=90, full_marks=100, normalised=None)
    (other / "scores.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = rank(read_all([str(outputs["甲局"]), str(other)]))
    assert not r.shared_scheme and r.by == "百分制得分" and not r.lost_rows
    assert [(x.entry.bureau, str(x.value)) for x in r.ranked] == [("甲局", "96.33"), ("己局", "90.00")]


def test_a_bureau_with_the_assessors_figures_is_ranked_by_them(outputs: dict[str, Path], tmp_path: Path) -> None:
    """戊局's assessors gave back bzgf.shiji's 2 points (its self-score 0: the evidence was removed): its 核定 total
    81.88 ties 甲局 and 乙局 at the top (listed by code), where its self-score 79.88 would tie 丙局 at 3."""
    project = tmp_path / "project-A005"
    shutil.copytree(outputs["戊局"].parent / "project-A005", project)
    (project / "results").mkdir()
    (project / "results" / "verified.yaml").write_text(
        "source: 核定表.xlsx\nrows:\n  bzgf.shiji: {score: 2, note: 目录已制定}\n  bzgf.xianji: {score: 2}\n",
        encoding="utf-8")
    verified = tmp_path / "out-A005"
    assert cli.main(["score", "--project", str(project), "--out", str(verified), "--as-of", "2021-12-31"]) == 0
    out = tmp_path / "rollup"
    sources = [str(outputs[name]) for name in ("甲局", "乙局", "丙局", "丁局")] + [str(verified)]
    assert cli.main(["rollup", *sources, "--out", str(out)]) == 0
    doc = json.loads((out / "rollup.json").read_text(encoding="utf-8"))
    assert doc["verified"] == 1
    assert [(x["rank"], x["bureau"], x["value"], x["grade"], x["verified"], x["self_total"]) for x in doc["ranking"]] == [
        (1, "甲局", 81.88, "优秀", False, 81.88), (1, "乙局", 81.88, "优秀", False, 81.88),
        (1, "戊局", 81.88, "优秀", True, 79.88), (4, "丙局", 79.88, "优秀", False, 79.88),
        (5, "丁局", 74.94, "良好", False, 74.94)]
    sheet = openpyxl.load_workbook(out / "rollup.xlsx")["排名"]
    assert [(row[1], row[6]) for row in sheet.iter_rows(min_row=2, values_only=True)][2] == ("戊局", "核定")
    page = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "1 个单位按考核组核定得分排名（单位名称后标「核定」），其余 4 个单位尚无核定分，按自评得分排名" in page
    assert page.count('<span class="zwgk-verified-badge">核定</span>') == 1
    assert page.index("乙局") < page.index("zwgk-verified-badge") < page.index("丙局")
