"""The outputs agree with each other and with the scheme: no stale neighbours, no empty placeholders, real numbers.

- ``build/`` never holds outputs of two states: a build drops what it did not
  rewrite when that was made from other data (``.outputs.json`` records which);
- the dossier leaves out a sentence whose datum is missing (文号, 等次) and,
  outside git with no ``--as-of``, dates its material by the day of the build, said so;
- ``scores.xlsx`` opened in LibreOffice (headless) adds up: SUM(赋分) = 85 and
  SUM(自评得分) = the rows' scores on the sample.
"""

from __future__ import annotations

import csv
import json
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from scoring.cli.main import main
from scoring.gather.collect import gather
from scoring.render.dossier.dossier import build_dossier, render_html

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1638316800"


def test_score_drops_a_site_and_pdf_made_from_other_data_and_keeps_those_of_the_same(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0
    manifest = json.loads((out / ".outputs.json").read_text(encoding="utf-8"))
    state = manifest["scores.csv"]
    (out / "site").mkdir()
    (out / "site" / "index.html").write_text("旧网站", encoding="utf-8")
    (out / "dossier.pdf").write_bytes(b"%PDF- old")
    (out / "notes.txt").write_text("用户自己的文件", encoding="utf-8")
    (out / ".outputs.json").write_text(json.dumps({**manifest, "site": state, "dossier.pdf": "other"}), encoding="utf-8")
    capsys.readouterr()
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0  # same data: the site stays
    said = capsys.readouterr().out
    assert (out / "site" / "index.html").is_file() and not (out / "dossier.pdf").exists()
    assert "已删除由其他数据生成的旧输出 dossier.pdf" in said and (out / "notes.txt").is_file()
    yanjiu = mini / "evidence" / "zonghe" / "yanjiu.md"
    yanjiu.write_text(yanjiu.read_text(encoding="utf-8").replace("[甲, 乙]", "[甲]"), encoding="utf-8")
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0  # other data: the site goes
    assert not (out / "site").exists() and "已删除由其他数据生成的旧输出 site/" in capsys.readouterr().out
    assert sorted(json.loads((out / ".outputs.json").read_text(encoding="utf-8"))) == [
        "scores.csv", "scores.json", "scores.xlsx"]


def test_the_dossier_leaves_out_what_the_scheme_does_not_say_and_dates_a_project_outside_git(mini: Path) -> None:
    scheme = mini / "indicators" / "scheme.yaml"
    text = scheme.read_text(encoding="utf-8")
    start = text.index("grade_bands:")
    end = text.index("normalise:")
    scheme.write_text(text[:start].replace("doc_number: 测发〔2021〕1号\n", "") + text[end:], encoding="utf-8")
    project = gather(mini)  # a copy outside git, no --as-of
    assert project.as_of_today and project.as_of == date.today()
    html = render_html(build_dossier(project))
    for empty in ("（）", "“”", "等次：<", "1970年"):
        assert empty not in html, empty
    assert "依据《测试市某局2021年度政务公开工作考核任务分解表》</p>" in html
    assert "（生成当天：项目不在 git 版本库中，可用 --as-of 指定日期）" in html
    dated = gather(mini, as_of=date(2021, 12, 1))
    assert not dated.as_of_today and "生成当天" not in render_html(build_dossier(dated))


def test_scores_xlsx_adds_up_in_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["score", "--project", str(ROOT), "--out", str(out)]) == 0
    table = gather(ROOT, with_git=False).table
    book = openpyxl.load_workbook(out / "scores.xlsx")
    sheet = book.active
    assert sheet is not None
    heads = [c.value for c in sheet[1]]
    last = sheet.max_row - 1  # the rows; the last line is the total
    points, scores = (openpyxl.utils.get_column_letter(heads.index(n) + 1) for n in ("赋分", "自评得分"))
    sheet["Z1"] = f"=SUM({points}2:{points}{last})"
    sheet["AA1"] = f"=SUM({scores}2:{scores}{last})"
    sheet["AB1"] = f"={points}{last + 1}"  # the total row's 赋分, a number too
    book.save(tmp_path / "sums.xlsx")
    utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", utf8_csv,
                    "--outdir", str(tmp_path), str(tmp_path / "sums.xlsx")], check=True, capture_output=True,
                   timeout=180)
    with (tmp_path / "sums.csv").open(encoding="utf-8") as handle:
        first = next(csv.reader(handle))
    rows = (*table.rows, *table.comprehensive, *table.major)
    assert Decimal(first[25]) == Decimal(85) == table.full_marks
    assert Decimal(first[26]) == sum((r.score for r in rows), Decimal(0))
    assert Decimal(first[27]) == Decimal(85)


def test_a_site_built_without_the_pdf_has_no_link_to_it(mini: Path, tmp_path: Path) -> None:
    from scoring.render.site.sitepages import render_docs

    project = gather(mini, as_of=date(2021, 12, 1))
    alone = render_docs(project).pages["index.md"]
    together = render_docs(project, dossier=True).pages["index.md"]
    assert "dossier.pdf" not in alone and 'href="dossier.pdf"' in together



def test_a_unit_s_to_do_list_gives_every_point_lost_or_at_risk_with_reason_file_and_fact(mini: Path) -> None:
    from scoring.render.site.sitepages import render_docs

    (mini / "evidence" / "bgs" / "zixun.md").unlink()
    project = gather(mini, as_of=date(2021, 12, 1))
    units = {u.unit.id: u for u in project.table.units}
    todo = {t.row.indicator.id: t for t in units["zonghe"].todo}
    assert set(todo) == {"zuzhi.yanjiu", "gongkai.shuangshi"}  # lost points, nothing missing: still listed
    yanjiu = todo["zuzhi.yanjiu"]
    assert (yanjiu.lost, yanjiu.at_risk, yanjiu.reasons) == (Decimal(1), Decimal(0), ("缺少“丙”，扣1分",))
    assert yanjiu.files == ("evidence/zonghe/yanjiu.md",) and yanjiu.facts == ()
    zixun = {t.row.indicator.id: t for t in units["zwfw"].todo}["zuzhi.zixun"]
    assert zixun.files == () and zixun.facts == ("已开展政策咨询",) and zixun.at_risk == zixun.lost == Decimal(1)
    pages = render_docs(project).pages
    assert "evidence/zonghe/yanjiu.md" in pages["units/zonghe.md"] and "缺少“丙”，扣1分" in pages["units/zonghe.md"]
    assert "新建（python build.py new zuzhi.zixun --unit 政务服务中心）" in pages["units/zwfw.md"]


def test_the_reasons_shown_add_up_to_the_deduction_shown_clamp_line_included(mini: Path) -> None:
    from scoring.render import tables

    scheme = mini / "indicators" / "scheme.yaml"
    scheme.write_text(scheme.read_text(encoding="utf-8").replace("clamp: level1", "clamp: row"), encoding="utf-8")
    yanjiu = mini / "evidence" / "zonghe" / "yanjiu.md"
    yanjiu.write_text(yanjiu.read_text(encoding="utf-8").replace("[甲, 乙]", "[]"), encoding="utf-8")
    table = gather(mini, as_of=date(2021, 12, 1)).table
    row = table.row("zuzhi.yanjiu")
    assert row is not None and row.deduction == Decimal(2)  # 3 missing × 1, 扣完为止 at the row's 2 points
    assert row.reasons.endswith("扣完为止：本行扣分以赋分2分为限，超出的1分不计")
    record = next(r for r in csv.reader(tables.to_csv(table).decode("utf-8-sig").splitlines())
                  if r[0] == "zuzhi.yanjiu")
    assert record[-2] == row.reasons and record[-4] == "2"
