"""The 自评报告: drafted from the sample's scores, read back from Word, rendered by LibreOffice, kept text, editions."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import docx
import pytest

from scoring.cli.main import main
from scoring.core.figures import fmt
from scoring.gather.collect import gather
from scoring.gather.project import Project
from scoring.load.reporttext import PATH, SECTIONS, load_report_text
from scoring.render.documents import selfreport

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample() -> Project:
    return gather(ROOT, strict=True, with_git=False)


@pytest.fixture(scope="module")
def sample_docx(sample: Project) -> bytes:
    return selfreport.to_docx(selfreport.draft(sample))


def test_every_row_with_its_score_reads_back_from_word(sample: Project, sample_docx: bytes) -> None:
    doc = docx.Document(io.BytesIO(sample_docx))
    assert len(doc.tables) == 1
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == list(selfreport.HEADER)
    numbered = [r for r in rows if r[0].isdigit()]
    assert len(numbered) == len(sample.table.rows) == 40
    for cells, score in zip(numbered, sample.table.rows, strict=True):
        assert cells[1].lstrip("*") == score.indicator.name
        assert (cells[2], cells[3]) == (fmt(score.points), fmt(score.score))
        assert cells[4] == (score.reasons or "—")
    assert f"自评总分{fmt(sample.table.total)}分" in rows[-1][0]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ["一、基本情况", "二、自评得分情况", "三、存在的问题", "四、整改措施和下一步打算"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "晋市审管发〔2022〕3号" in text  # the staff's 文号 from reports/自评报告.md
    assert "（二）下一步打算" in text and "【待填写" not in text  # their 四、 replaces the draft


def test_libreoffice_lays_it_out_on_the_gbt9704_page(sample_docx: bytes, tmp_path: Path) -> None:
    (tmp_path / "r.docx").write_bytes(sample_docx)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "r.docx")], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "r.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.3" in info and "841.89" in info  # A4
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes " in f for f in fonts)  # every face embedded and subset: no missing glyphs
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert "自评报告" in pages[0] and "一、基本情况" in pages[0]
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])
    # the text block: words start 28 mm from the left edge and 37 mm from the top
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    boxes = [(float(a), float(b)) for a, b in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"', bbox)]
    mm = 72 / 25.4
    assert abs(min(x for x, _ in boxes) - 28 * mm) < 2 * mm
    assert 37 * mm - 1 <= min(y for _, y in boxes) < 45 * mm


def _report(project: Path, text: str) -> None:
    (project / "reports").mkdir(exist_ok=True)
    (project / PATH).write_text(text, encoding="utf-8")


def test_staff_text_is_kept_and_placeholders_warned(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert load_report_text(mini)[0].exists is False
    draft = selfreport.draft(gather(mini, with_git=False))
    assert [p.drafted for p in draft.parts] == [True] * 4
    _report(mini, selfreport.source(draft))  # the drafted text, copied into the project as the docs say
    kept, problems = load_report_text(mini)
    assert [s.name for s in kept.sections] == list(SECTIONS)
    assert [p.blocks for p in draft.parts] == [s.blocks for s in kept.sections]
    lines = (mini / PATH).read_text(encoding="utf-8").splitlines()
    assert [p.line for p in problems] == [i for i, line in enumerate(lines, 1) if "【待填写" in line]
    assert main(["check", "--strict", "--project", str(mini)]) == 1
    assert f"{PATH}:{problems[0].line}: 警告：自评报告还有待填写的内容" in capsys.readouterr().err
    _report(mini, "---\ndoc_number: 某发〔2022〕1号\n---\n## 一、基本情况\n\n本局自己写的\n一段话。\n\n"
                  "## 四、整改措施和下一步打算\n\n### （一）整改\n\n已全部整改。\n")
    project = gather(mini, strict=True, with_git=False)
    report = selfreport.draft(project)
    assert [p.drafted for p in report.parts] == [False, True, True, False]
    assert report.parts[0].blocks[0].text == "本局自己写的一段话。"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(selfreport.to_docx(report))).paragraphs)
    assert "某发〔2022〕1号" in text and "本局自己写的一段话。" in text and "（一）整改" in text


def test_a_bad_report_file_is_an_error_at_its_line(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _report(mini, "---\ndoc_numbr: x\n---\n## 一、基本情况\n\n文字。\n\n## 五、其他\n\n文字。\n")
    assert main(["self-report", "--project", str(mini), "--out", str(mini / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{PATH}:2: 错误：不认识字段 doc_numbr，是否为 doc_number？" in err
    assert f"{PATH}:8: 错误：不认识的部分“五、其他”" in err
    assert not (mini / "out").exists()


def test_public_edition_leak_check_reads_the_word_file(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = "会议研究了甲、乙两项。这是一段只在内部会议纪要中出现的文字，不可公开。"
    minutes = mini / "evidence" / "zonghe" / "yanjiu.md"
    minutes.write_text(minutes.read_text(encoding="utf-8").replace("会议研究了甲、乙两项。", secret), encoding="utf-8")
    _report(mini, f"## 四、整改措施和下一步打算\n\n{secret}\n")
    out = mini / "out"
    assert main(["self-report", "--edition", "public", "--project", str(mini), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "自评报告.docx: 错误：公开版泄露了内部材料" in err and "evidence/zonghe/yanjiu.md" in err
    _report(mini, "## 四、整改措施和下一步打算\n\n已全部整改。\n")
    assert main(["self-report", "--edition", "public", "--project", str(mini), "--out", str(out)]) == 0
    assert (out / selfreport.DOCX_NAME).is_file() and (out / selfreport.SOURCE_NAME).is_file()
