"""This year against last year: a 2022 scheme made from the sample's 2021 one, compared row by row."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from scoring.cli import main as cli
from scoring.gather.collect import gather
from scoring.gather.pipeline import check_and_score
from scoring.render.site import siteresults
from scoring.render.site.site import site_nav
from scoring.render.site.sitepages import render_docs
from scoring.render.site.sitewriter import MarkdownMemo
from scoring.results.lastyear import MAP_FILE, Year, compare
from scoring.score.lastyearfile import LASTYEAR_FILE
from scoring.score.verified import Verified, VerifiedRow

ROOT = Path(__file__).resolve().parent.parent
NEW_ROW = """
  - id: zdgk.xinzeng
    level2: 法定主动公开内容
    level3: 重大决策预公开情况
    points: 1
    key: false
    units: [办公室]
    text:
      deduction: "重大决策事项未进行预公开的，扣1分"
    facts:
      已预公开:
        type: flag
        help: 写明重大决策事项是否已预公开。
    rules:
      - kind: required
        fact: 已预公开
        deduct: 1
        text: 重大决策事项未进行预公开的，扣1分
"""


def _next_year(text: str) -> str:
    return text.replace("2022", "2023").replace("2021", "2022")  # 次年1月底 (2022-01-31) moves too


def _year_2022(target: Path) -> Path:
    """The sample moved to 2022, with one row re-weighted, one removed, one renamed, one added."""
    for folder in ("indicators", "evidence", "registers"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_dir():
                continue
            dest = target / _next_year(path.relative_to(ROOT).as_posix())
            dest.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix in (".md", ".yaml", ".csv"):
                dest.write_text(_next_year(path.read_text(encoding="utf-8")), encoding="utf-8")
            else:
                shutil.copyfile(path, dest)
    zzld = target / "indicators" / "01-zzld.yaml"
    text = zzld.read_text(encoding="utf-8")
    head, rest = text.split("  - id: zzld.yjbz\n", 1)
    zzld.write_text(head + "  - id: zzld.yjbz\n" + rest.replace("    points: 2\n", "    points: 3\n", 1), encoding="utf-8")
    zdgk = target / "indicators" / "03-zdgk.yaml"
    text = zdgk.read_text(encoding="utf-8").split("  - id: zdgk.lianhe\n")[0].rstrip() + "\n" + NEW_ROW
    text = text.replace("  - id: zdgk.jianyi\n", "  - id: zdgk.jytagk\n").replace(
        "    level3: 建议、提案答复公开\n", "    level3: 建议提案答复公开情况\n")
    zdgk.write_text(text, encoding="utf-8")
    (target / "evidence" / "bangongshi" / "2022-09-15-lianhe-fawen-fawenka.md").unlink()
    jianyi = target / "evidence" / "zonghe" / "2022-08-27-jianyi-tian-gongshi.md"
    jianyi.write_text(jianyi.read_text(encoding="utf-8").replace("zdgk.jianyi", "zdgk.jytagk"), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _year_2022(tmp_path_factory.mktemp("y2022") / "p")


def test_rows_are_matched_by_id_then_by_name(project: Path) -> None:
    c = compare(Year.of("2022", check_and_score(project)), Year.of("2021", check_and_score(ROOT)))
    how = {p.now.indicator.id: (p.then.indicator.id, p.matched_by) for p in c.matched if p.now and p.then}
    assert len(c.matched) == 39 and sum(1 for p in c.matched if p.matched_by == "编号") == 38
    assert how["zdgk.jytagk"] == ("zdgk.jianyi", "名称")
    assert [p.now.indicator.id for p in c.new if p.now] == ["zdgk.xinzeng"]
    assert [p.then.indicator.id for p in c.removed if p.then] == ["zdgk.lianhe"]
    yjbz = next(p for p in c.matched if p.now and p.now.indicator.id == "zzld.yjbz")
    assert yjbz.reweighted and (yjbz.then.points, yjbz.now.points) == (2, 3)  # type: ignore[union-attr]
    assert (yjbz.score_then, yjbz.score_now, yjbz.change) == (Decimal(1), Decimal(2), Decimal(1))  # still one item short: −1 of 3
    new = c.new[0]
    assert (new.score_then, new.score_now, new.change) == (None, Decimal(0), None)  # no evidence yet: 0 of 1
    # 81.88 last year; this year +1 (zzld.yjbz) −2 (zdgk.lianhe, 2 of 2, gone) +0 (the new row): 80.88
    assert (c.total(c.then), c.total(c.now)) == (Decimal("81.88"), Decimal("80.88"))
    assert (c.grade(c.then), c.grade(c.now)) == ("优秀", "优秀") and not c.verified
    unchanged = [p for p in c.matched if p.matched_by == "编号" and p.now and p.now.indicator.id != "zzld.yjbz"]
    assert all(p.change == 0 for p in unchanged), [(p.name, p.change) for p in unchanged if p.change]


def test_the_command_writes_the_workbook_and_a_map_staff_can_correct(project: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    shutil.copytree(project, work)
    out = tmp_path / "out"
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "对应的行 39 项，新增 1 项，删去 1 项（其中按名称对应 1 项）" in printed
    mapping = (work / MAP_FILE).read_text(encoding="utf-8")
    assert "  zdgk.jytagk: zdgk.jianyi\n" in mapping and "  zdgk.xinzeng: null\n" in mapping
    sheet = openpyxl.load_workbook(out / "lastyear.xlsx")["与上年比较"]
    rows = {r[0] or r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] or r[1]}
    assert rows["zdgk.xinzeng"][3] == "新增" and rows["zdgk.lianhe"][3] == "删去"
    assert rows["zzld.yjbz"][4:] == (2, 3, 1, 2, 1)
    # staff say the renamed row is new after all: the map wins
    (work / MAP_FILE).write_text(mapping.replace("zdgk.jytagk: zdgk.jianyi", "zdgk.jytagk: null"), encoding="utf-8")
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(out)]) == 0
    assert "对应的行 38 项，新增 2 项，删去 2 项（其中按名称对应 0 项）" in capsys.readouterr().out
    (work / MAP_FILE).write_text("rows:\n  zdgk.jytagk: zdgk.nosuch\n", encoding="utf-8")
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(out)]) == 1
    assert "results/lastyear-map.yaml:2: 错误：上年的方案中没有指标 zdgk.nosuch" in capsys.readouterr().err


def test_last_year_may_be_a_tag_of_this_repository(project: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    for folder in ("indicators", "evidence", "registers"):
        shutil.copytree(ROOT / folder, repo / folder)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "2021"], check=True)
    subprocess.run([*git, "tag", "y2021"], check=True)
    for folder in ("indicators", "evidence", "registers"):
        shutil.rmtree(repo / folder)
        shutil.copytree(project / folder, repo / folder)
    assert cli.main(["compare-last", "y2021", "--project", str(repo), "--out", str(tmp_path / "out")]) == 0
    assert "今年总分 80.88（优秀），上年 81.88（优秀）" in capsys.readouterr().out


# --- the results in the build: the site's pages and the dossier's sections ---------------------------------------

# The assessors' figures for the 2022 project (self-scores: zzld.yjbz 2 of 3, ptjs.baosong 1, zdgk.guihua 3,
# jdhy.zixun 3): 80.88 − 1 + 1 − 1 − 0.5 = 79.38 of 85, 93.39 on 100, 优秀.
VERIFIED = """source: 核定表.xlsx
rows:
  zzld.yjbz: {score: 1, note: "会议纪要未见研究预算"}
  ptjs.baosong: {score: 2, note: "报送问题已整改"}
  zdgk.guihua: {score: 2, note: "历史规划未公开"}
  jdhy.zixun: {score: 2.5}
"""
MM = 72 / 25.4


def _text(html_file: Path) -> str:
    """A page's article as plain text, without the navigation."""
    page = html_file.read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", page, re.S)
    assert article is not None
    inline = re.sub(r"</?(?:strong|em|code|a|span|small|wbr)\b[^>]*>", "", article.group(0))
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", inline)))


@pytest.fixture(scope="module")
def built(project: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The 2022 project with its 核定分 and the comparison with 2021, built once: its site and its dossier."""
    base = tmp_path_factory.mktemp("results")
    work = base / "p"
    shutil.copytree(project, work)
    (work / "results").mkdir()
    (work / "results" / "verified.yaml").write_text(VERIFIED, encoding="utf-8")
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(base / "compared")]) == 0
    out = base / "out"
    assert cli.main(["site", "--project", str(work), "--out", str(out)]) == 0
    assert cli.main(["pdf", "--project", str(work), "--out", str(out)]) == 0
    return work, out


def test_compare_last_writes_the_figures_every_build_compares_with(built: tuple[Path, Path]) -> None:
    text = (built[0] / LASTYEAR_FILE).read_text(encoding="utf-8")
    assert 'source: "2021年度"\ntotal: {score: 81.88, grade: "优秀"}\nrows:\n' in text
    assert '  zdgk.jianyi: {name: "建议、提案答复公开", points: 2, score: 2, now: zdgk.jytagk, by: 名称}\n' in text
    assert '  zdgk.lianhe: {name: "部门联合发文属性认定", points: 2, score: 2, now: null}\n' in text


def test_the_site_shows_the_verified_figures_and_the_comparison(built: tuple[Path, Path]) -> None:
    site = built[1] / "site"
    home = _text(site / "index.html")
    assert "核定总分 79.38 / 85 分" in home and "核定等次 优秀" in home
    assert "考核组核定总分 79.38 分（折算百分制 93.39），核定等次优秀，与自评相差 -1.5 分；核定与自评不同的指标 4 项" in home
    assert "上年总分 81.88（优秀），今年 80.88（优秀），变化 -1 分" in home
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert "results/verified/" in nav and "results/lastyear/" in nav
    diff = _text(site / "results" / "verified" / "index.html")
    assert "考核组核定了 4 项指标，其余 36 项未核定，沿用自评得分" in diff
    assert "总分 80.88 79.38 -1.5 折算百分制 95.15 93.39 -1.76 等次 优秀 优秀" in diff
    listed = diff.split("未核定的指标")[0]  # largest |差额| first, then by id
    assert (listed.index("ptjs.baosong") < listed.index("zdgk.guihua") < listed.index("zzld.yjbz")
            < listed.index("jdhy.zixun"))
    assert "zzld.yjbz 单位领导班子研究情况 3 2 1 -1 会议纪要未见研究预算" in listed
    level = _text(site / "scheme" / "zzld" / "index.html")
    assert "单位领导班子研究情况 3 2 1 -1 会议纪要未见研究预算" in level  # the level's table: 自评 核定 差额 意见
    assert "机构、人员保障情况 2 2 — — 未核定，沿用自评得分" in level
    assert "考核组核定：核定得分 1 分，与自评相差 -1 分。核定意见：会议纪要未见研究预算。" in level
    assert "考核组核定：未核定，沿用自评得分（2 分）。" in level
    last = _text(site / "results" / "lastyear" / "index.html")
    assert "今年与上年（2021年度）逐项比较，比较的是自评得分" in last  # 2021 has no 核定分: the self-scores
    assert "总分 81.88 80.88 -1 等次 优秀 优秀" in last
    assert "对应的指标 39 项（其中得分或赋分有变化的 1 项），今年新增 1 项，今年删去 1 项" in last
    assert "zdgk.jytagk 建议提案答复公开情况 上年：zdgk.jianyi 建议、提案答复公开 名称 2 2 2 2 0" in last
    assert "zzld.yjbz 单位领导班子研究情况 编号 2 3 调整 1 2 +1" in last
    assert "zdgk.xinzeng 重大决策预公开情况 1 0" in last and "zdgk.lianhe 部门联合发文属性认定 2 2" in last


def test_the_dossier_shows_them_inside_the_margins(built: tuple[Path, Path]) -> None:
    # one pass of pdftotext over the pages before 三、逐项说明 (page 17): each word and its box; the text is the words
    xml = subprocess.run(["pdftotext", "-bbox", "-l", "20", str(built[1] / "dossier.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    word = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    text = htmllib.unescape("".join(w[2] for w in re.findall(word, xml)))
    assert "（四）核定差异考核组核定了4项指标，其余36项未核定，沿用自评得分。核定总分79.38分（折算百分制93.39分）" in text
    assert "ptjs.baosong信息报送系统更新维护情况212+1报送问题已整改" in text
    assert text.count("（四）核定差异") == text.count("（五）与上年比较") == 2  # in the contents, and the sections
    assert "（五）与上年比较与上年（2021年度）逐项比较，比较的是自评得分。上年总分81.88分（优秀），今年80.88分（优秀），变化-1分" in text
    assert "部门联合发文属性认定（今年删去）2—2——" in text and "重大决策预公开情况（今年新增）—1—0—" in text
    assert "核定总分79.38分（折算百分制93.39分），核定等次“优秀”；考核组未核定的36项沿用自评得分" in text  # the breakdown
    landscape = 0
    for page in xml.split("<page ")[1:]:
        width, height = (float(v) for v in re.findall(r'(?:width|height)="([\d.]+)"', page)[:2])
        if width < height or "核定" not in page:
            continue
        landscape += 1  # the breakdown with its 核定 and 差额 columns: every word inside the margins
        for x0, x1, found in re.findall(word, page):
            assert float(x0) >= 28 * MM - 1 and float(x1) <= width - 26 * MM + 1, found
    assert landscape >= 2


def test_the_pages_follow_the_verified_file_and_show_nothing_without_it(project: Path) -> None:
    """No results/: no page, column or card of them. A changed figure renders the pages again, memo or not."""
    plain = gather(project, with_git=False)
    memo = MarkdownMemo()
    docs = render_docs(plain, memo=memo)
    level = "scheme/zzld.md"
    assert "results/verified.md" not in docs.pages and "results/lastyear.md" not in docs.pages
    assert "核定" not in docs.pages["index.md"] and "核定" not in docs.pages[level]
    assert not any("考核结果" in str(entry) for entry in site_nav(plain.scheme, siteresults.nav(plain)))
    for score in ("0.5", "1.5"):
        verified = Verified({"zzld.yjbz": VerifiedRow(Decimal(score), "意见")}, "表.xlsx")
        docs = render_docs(replace(plain, verified=verified), memo=memo)
        assert f"核定得分 **{score}** 分" in docs.pages[level] and "results/verified.md" in docs.pages
