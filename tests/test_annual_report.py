"""The annual report's Word file: written by its own command, read back cell by cell with python-docx,
opened by LibreOffice headless and converted to PDF with its three tables intact."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest

from scoring.cli.main import main
from scoring.registers.annualtables import CARRIED_IN, GRAND, NEW
from scoring.registers.registers import load_registers

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1640995200"


@dataclass
class Built:
    docx: Path
    pdf_text: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("annual")
    assert main(["annual-report", "--project", str(ROOT), "--out", str(base / "out")]) == 0
    path = base / "out" / "annual-report.docx"
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is installed by scripts/setup.sh --test"
    subprocess.run([office, f"-env:UserInstallation={(base / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(base / "pdf"), str(path)], capture_output=True, timeout=180, check=True)
    pdf = base / "pdf" / "annual-report.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return Built(path, text)


def test_python_docx_reads_back_every_cell_of_the_three_tables(built: Built) -> None:
    document = docx.Document(str(built.docx))
    paragraphs = [p.text for p in document.paragraphs]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in paragraphs
    table2, table3, table4 = document.tables
    assert [c.text for c in table2.rows[2].cells] == ["第二十条第（一）项", "行政规范性文件",
                                                      "本年制发件数：2；本年废止件数：1；现行有效件数：9"]
    header = [c.text for c in table3.rows[0].cells]
    assert header == ["申请人情况", "自然人", *["法人或其他组织"] * 5, "总计"]  # merged over its five kinds
    assert [c.text for c in table3.rows[1].cells][2:7] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    registers, _ = load_registers(ROOT, 2021)
    with open(ROOT / "registers" / "ysq.csv", encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()[1:]
    by_label = {r.cells[0].text.strip(): [c.text for c in r.cells[1:]] for r in table3.rows[2:]}
    assert by_label[NEW][-1] == str(sum(1 for ln in lines if ln.split(",")[1].startswith("2021")))
    assert by_label[CARRIED_IN] == ["2", "1", "0", "0", "0", "0", "3"]
    assert by_label[GRAND][-1] == "31"
    assert by_label["4.保护第三方合法权益"] == ["1", "0", "0", "0", "0", "0", "1"]
    # two header rows; 一, 二; 三's own row, its 6 groups, 19 sub-rows and （七）总计; 四
    assert len(table3.rows) == 2 + 2 + 1 + 6 + 19 + 1 + 1
    assert all(c.text for r in table3.rows[2:] for c in r.cells[1:] if r.cells[0].text != "三、本年度办理结果")
    assert [c.text for c in table4.rows[1].cells] == ["行政复议", "0", "1", "0", "0", "1"]
    assert len(registers.by_key) == 6


def test_libreoffice_converts_it_to_pdf_with_the_tables_intact(built: Built) -> None:
    text = built.pdf_text
    assert "2021年政府信息" in text.replace(" ", "")
    squashed = "".join(text.split())
    for label in ("第二十条第（八）项", "行政事业性收费", "一、本年新收政府信息公开申请数量", "（七）总计",
                  "四、结转下年度继续办理", "行政诉讼：复议后起诉", "结果纠正"):
        assert label in squashed, label
    for head in ("自然", "法人或其他", "商业", "科研", "社会", "法律", "总计"):  # narrow header cells wrap
        assert head in squashed, head
    assert "整改情况" in squashed


def test_the_word_file_is_the_same_bytes_twice(built: Built, tmp_path: Path) -> None:
    assert main(["annual-report", "--project", str(ROOT), "--out", str(tmp_path / "again")]) == 0
    digest = hashlib.sha256((tmp_path / "again" / "annual-report.docx").read_bytes()).hexdigest()
    assert digest == hashlib.sha256(built.docx.read_bytes()).hexdigest()
