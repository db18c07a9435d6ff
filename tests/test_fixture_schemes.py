"""Three sample schemes of other shapes score to their hand-computed figures and render with their own level names.

Each folder under tests/fixtures/schemes/ is a complete project; its GOLDEN.md
computes the score by hand, row by row. The figures below are copied from
there. Every scheme is built once (site, PDF, score tables) with
``build.py all --project``, and the outputs are read back: the level names the
scheme declares are shown, and level names it does not declare are not.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from test_browser import SHOTS, Chromium, chromium

from scoring.cli.main import main
from scoring.core.problems import Problem, Severity
from scoring.gather.pipeline import check_and_score
from scoring.render.pdftext import pdf_text

SCHEMES = Path(__file__).resolve().parent / "fixtures" / "schemes"
EPOCH = "1638316800"
STANDARD = ("一级指标", "二级指标", "三级指标")
D = Decimal


@dataclass(frozen=True)
class Golden:
    folder: str
    levels: tuple[str, ...]
    tops: tuple[tuple[str, Decimal], ...]  # (top node id, score) in order
    full_marks: Decimal
    total: Decimal
    normalised: Decimal
    grade: str
    at_risk: Decimal
    # (file, the line's text in that file, fragments of the message): the intended check notices, all of them
    notices: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # (row id, its cells: one per level) for a few rows, as scores.json gives them
    paths: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())


GOLDEN = [
    Golden("county-2022-two-level", ("类别", "考核内容"),
           (("zdgk", D(8)), ("jdhy", D("4.5")), ("ysq", D(4)), ("ptjs", D("2.5"))),
           full_marks=D(32), total=D(20), normalised=D("62.50"), grade="合格", at_risk=D(2),
           paths=(("zdgk.zcwj", ("主动公开", "政策文件公开")),)),
    Golden("city-2023-five-level", ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标"),
           (("gkzd", D(4)), ("zdgk", D(7)), ("hdhy", D(3))),
           full_marks=D(20), total=D(15), normalised=D("75.00"), grade="良好", at_risk=D(2),
           paths=(("gkzd.zhidu", ("公开制度建设", "制度规范", "基础制度", "公开工作制度", "政府信息公开工作制度")),
                  ("gkzd.yanjiu", ("公开制度建设", "制度规范", "工作机制", "", "专题研究政务公开工作")))),
    Golden("district-2024-three-level", ("一级指标", "二级指标", "三级指标"),
           (("zzbz", D(3)), ("gkzx", D(12)), ("ysq", D(1))),
           full_marks=D(28), total=D(17), normalised=D("60.71"), grade="合格", at_risk=D(0),
           notices=(("02-gkzx.yaml", "points: 12", ("主动公开", "12", "13")),
                    ("01-zzbz.yaml", "kind: per_missing", ("zzbz.yanjiu", "扣分上限4分")),
                    ("02-gkzx.yaml", "per: 1.5, cap: 4", ("gkzx.xiangmu", "扣分上限4分"))),
           paths=(("gkzx.xiangmu", ("公开执行", "重点领域公开", "重大建设项目信息公开")),)),
]
IDS = [g.folder for g in GOLDEN]


def _line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` that contains ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{path.name} has no line with {text!r}")


# --- scores --------------------------------------------------------------------


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_scheme_scores_its_hand_computed_figures(golden: Golden) -> None:
    table = check_and_score(SCHEMES / golden.folder).table
    assert [(lv.rows[0].indicator.level1_id, lv.score) for lv in table.levels] == list(golden.tops)
    assert table.full_marks == golden.full_marks
    assert table.total == golden.total
    assert table.normalised == golden.normalised
    assert table.grade == golden.grade
    assert table.at_risk == golden.at_risk


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_check_passes_with_exactly_the_intended_notices(golden: Golden, capsys: pytest.CaptureFixture[str]) -> None:
    root = SCHEMES / golden.folder
    assert main(["check", "--project", str(root)]) == 0, capsys.readouterr().err
    problems = check_and_score(root).problems
    assert [p.format() for p in problems if p.severity != Severity.NOTICE] == []
    notices = [p for p in problems if p.severity == Severity.NOTICE]
    assert len(notices) == len(golden.notices), [p.format() for p in notices]
    for file, text, fragments in golden.notices:
        line = _line_of(root / "indicators" / file, text)
        assert any(_is(p, file, line, fragments) for p in notices), (file, line, [p.format() for p in notices])


def _is(problem: Problem, file: str, line: int, fragments: tuple[str, ...]) -> bool:
    return Path(problem.path).name == file and problem.line == line and all(f in problem.message for f in fragments)


def test_a_group_limit_and_a_not_applicable_row_move_the_score(tmp_path: Path) -> None:
    """Without the group cap and the group clamp the district scheme loses 2 more points; with the row applicable, 2 more full marks."""
    project = tmp_path / "p"
    shutil.copytree(SCHEMES / "district-2024-three-level", project)
    ysq = project / "indicators" / "03-ysq.yaml"
    ysq.write_text(ysq.read_text(encoding="utf-8").replace("    cap: 3 ", "    # cap: 3 "), encoding="utf-8")
    gkzx = project / "indicators" / "02-gkzx.yaml"
    gkzx.write_text(gkzx.read_text(encoding="utf-8").replace("    clamp: true ", "    # clamp: true "), encoding="utf-8")
    table = check_and_score(project).table
    assert [(lv.rows[0].indicator.level1_id, lv.score) for lv in table.levels] == [("zzbz", D(3)), ("gkzx", D(11)), ("ysq", D(0))]
    assert (table.total, table.normalised) == (D(15), D("53.57"))
    fuyi = project / "evidence" / "sfj" / "fuyi.md"
    fuyi.write_text(fuyi.read_text(encoding="utf-8").replace("本年度无复议诉讼案件: true",
                                                            "本年度无复议诉讼案件: false\n  被纠错件数: 0\n  复议诉讼件数: 1"),
                    encoding="utf-8")
    table = check_and_score(project).table
    assert table.full_marks == D(30) and table.total == D(17)


# --- the built outputs -----------------------------------------------------------


@dataclass(frozen=True)
class Built:
    golden: Golden
    out: Path

    def pages(self) -> dict[str, str]:
        """Every HTML page of the site and its search index, by path."""
        site = self.out / "site"
        return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*"))
                if p.suffix in (".html", ".json") and p.is_file()}

    def pdf_text(self) -> str:
        reader = PdfReader(io.BytesIO((self.out / "dossier.pdf").read_bytes()))
        return re.sub(r"\s+", "", "".join(pdf_text(reader)))  # what pypdf reads (test_leaks.py), faster

    def xlsx_headers(self) -> dict[str, list[str]]:
        book = openpyxl.load_workbook(self.out / "scores.xlsx", read_only=True)
        headers = {ws.title: [str(c) for c in next(ws.iter_rows(max_row=1, values_only=True)) if c is not None]
                   for ws in book.worksheets}
        book.close()
        return headers

    def json(self) -> Any:
        return json.loads((self.out / "scores.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    """One real build per scheme for the whole module, from a copy of the folder."""
    built: dict[str, Built] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for golden in GOLDEN:
            base = tmp_path_factory.mktemp(golden.folder)
            project = base / "project"
            shutil.copytree(SCHEMES / golden.folder, project)
            out = base / "out"
            assert main(["all", "--project", str(project), "--out", str(out)]) == 0
            built[golden.folder] = Built(golden, out)
        yield built


def _absent(golden: Golden) -> list[str]:
    return [name for name in STANDARD if name not in golden.levels]


def _contiguous(names: tuple[str, ...], row: list[str]) -> bool:
    n = len(names)
    return any(tuple(row[i:i + n]) == names for i in range(len(row) - n + 1))


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_site_shows_the_schemes_own_level_names(golden: Golden, builds: dict[str, Built]) -> None:
    built = builds[golden.folder]
    assert (built.out / "site" / "index.html").is_file()
    pages = built.pages()
    html = "\n".join(pages.values())
    for name in golden.levels:
        assert name in html
    found = [f"{page}: …{m.group(0)}…" for page, text in pages.items() for name in _absent(golden)
             for m in re.finditer(f".{{0,20}}{name}.{{0,10}}", text)]
    assert found == [], f"the site of a scheme whose levels are {golden.levels}"


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_pdf_shows_the_schemes_own_level_names(golden: Golden, builds: dict[str, Built]) -> None:
    text = builds[golden.folder].pdf_text()
    assert "政务公开" in text  # the text layer is there
    for name in golden.levels:
        assert name in text
    for name in _absent(golden):
        assert name not in text


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_xlsx_has_one_column_per_level(golden: Golden, builds: dict[str, Built]) -> None:
    headers = builds[golden.folder].xlsx_headers()
    first = next(iter(headers.values()))
    assert _contiguous(golden.levels, first), first
    for row in headers.values():
        for name in _absent(golden):
            assert name not in row


def _rows(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if data.get("section") == "row":
            yield data
        for value in data.values():
            yield from _rows(value)
    elif isinstance(data, list):
        for value in data:
            yield from _rows(value)


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_scores_json_names_the_levels_and_each_rows_path(golden: Golden, builds: dict[str, Built]) -> None:
    data = builds[golden.folder].json()
    scheme = data["scheme"] if isinstance(data.get("scheme"), dict) else {}
    assert list(golden.levels) in [data.get("levels"), scheme.get("levels")]  # the spec: top-level "levels"
    rows = {r["id"]: r for r in _rows(data)}
    for ident, cells in golden.paths:
        assert rows[ident]["path"] == list(cells)
    assert all(len(r["path"]) == len(golden.levels) for r in rows.values())
    text = json.dumps(data, ensure_ascii=False)
    for name in _absent(golden):
        assert name not in text
    assert (D(str(data["total"]["total"])), D(str(data["total"]["normalised"]))) == (golden.total, golden.normalised)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """One Chromium for the three schemes' pages."""
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_every_table_fits_its_page_in_chromium(golden: Golden, builds: dict[str, Built], browser: Chromium) -> None:
    """A scheme of five levels has five name columns: on a 1280-pixel screen no table may scroll or be cut."""
    site = builds[golden.folder].out / "site"
    pages = ["scheme/index.html", *(str(p.relative_to(site)) for p in sorted(site.glob("scheme/*/index.html")))]
    for page in pages:
        browser.open((site / page).as_uri())
        wide = browser.js(  # Material wraps each table in a scrolling box: neither may scroll
            "[...document.querySelectorAll('.md-typeset table, .md-typeset__scrollwrap, .md-typeset__table')]"
            ".filter(t => t.scrollWidth > t.clientWidth + 1).length")
        assert wide == 0, f"{golden.folder}/{page}: {wide} table(s) wider than the page"
        assert browser.js("document.documentElement.scrollWidth <= window.innerWidth"), page
        if page == pages[0]:
            browser.screenshot(SHOTS / f"{golden.folder}-scheme.png")
