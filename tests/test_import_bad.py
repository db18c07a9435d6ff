"""Files that cannot be imported: a clear Chinese message, exit 1, nothing written.

The bad files are made here: an encrypted Office file (a compound file with the
EncryptionInfo and EncryptedPackage streams that Office writes for a password,
from office_files.py),
a truncated workbook, tables without a recognisable header, several tables, a
scan (a picture and no table), an old .doc on a machine without LibreOffice.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from office_files import encrypted_office_file
from PIL import Image

from scoring.cli.main import main

TABLES = Path(__file__).resolve().parent / "fixtures" / "import"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["import", *args])
    return code, capsys.readouterr().err


def _fails(capsys: pytest.CaptureFixture[str], path: Path, target: Path, *words: str) -> None:
    code, err = _run(capsys, str(path), "--to", str(target))
    assert code == 1, err
    assert f"{path}: 错误：" in err and "未写出任何文件" in err
    for word in words:
        assert word in err, err
    assert not target.exists()


def _docx_with(*tables: list[list[str]], picture: bool = False) -> docx.document.Document:
    document = docx.Document()
    document.add_paragraph("示例县2022年度政务公开工作考核细则")
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    if picture:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
        buffer.seek(0)
        document.add_picture(buffer)
    return document


SCHEME = [["类别", "分值", "考核标准"], ["主动公开", "3", "未公开年度报告的，扣3分。"]]


def test_password_protected_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("locked.xlsx", "locked.docx"):
        path = tmp_path / name
        path.write_bytes(encrypted_office_file())
        _fails(capsys, path, tmp_path / "out", "打开密码", "取消密码后另存为")


def test_corrupt_workbook_and_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("county-2022-two-level.xlsx", "city-2023-four-level.docx"):
        path = tmp_path / name
        path.write_bytes((TABLES / name).read_bytes()[:700])
        _fails(capsys, path, tmp_path / "out", "文件已损坏", "另存一份后再导入")
    old = tmp_path / "broken.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 300)
    _fails(capsys, old, tmp_path / "out", "可能已损坏或设有密码", "另存为 .xlsx")


def test_no_recognisable_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    book.active.append(["单位", "联系人", "电话"])
    book.active.append(["综合组", "张三", "1234"])
    path = tmp_path / "contacts.xlsx"
    book.save(path)
    _fails(capsys, path, tmp_path / "out", "没有找到考核表的表头", "一级指标", "分值")


def test_several_tables_need_a_choice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.docx"
    _docx_with(SCHEME, [["一级指标", "二级指标", "赋分", "扣分标准"], ["甲", "乙", "2", "未完成的，扣2分"]]).save(str(path))
    _fails(capsys, path, tmp_path / "out", "有 2 个考核表格", "第1个表格", "第2个表格", "--sheet")
    code, err = _run(capsys, str(path), "--to", str(tmp_path / "out"), "--sheet", "2", "--year", "2022")
    assert code == 0, err
    assert (tmp_path / "out" / "indicators" / "01-yj01.yaml").read_text(encoding="utf-8").count("  name: 乙") == 1


def test_unknown_sheet_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, str(TABLES / "jincheng-2021.xlsx"), "--to", str(tmp_path / "out"), "--sheet", "Sheet9")
    assert code == 2 and "没有“Sheet9”" in err and "工作表“分解表”" in err
    assert not (tmp_path / "out").exists()


def test_image_only_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scan.docx"
    document = docx.Document()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    buffer.seek(0)
    document.add_picture(buffer)
    document.save(str(path))
    _fails(capsys, path, tmp_path / "out", "只有图片", "Word 或 Excel 原件")


def test_old_word_file_without_libreoffice(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for suffix, kind in ((".doc", "Word 文档（.docx）"), (".wps", "Word 文档（.docx）"), (".et", "Excel 工作簿（.xlsx）")):
        path = tmp_path / f"old{suffix}"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
        _fails(capsys, path, tmp_path / "out", "没有安装 LibreOffice", f"“另存为”{kind}")


def test_unsupported_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scheme.pdf"
    path.write_bytes(b"%PDF-1.4")
    code, err = _run(capsys, str(path), "--to", str(tmp_path / "out"))
    assert code == 2 and "不支持的文件类型 .pdf" in err
    code, err = _run(capsys, str(tmp_path / "missing.xlsx"))
    assert code == 2 and "不存在" in err


def test_existing_scheme_is_kept_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "project"
    shutil.copytree(TABLES.parent / "mini" / "indicators", target / "indicators")
    before = {p.name: p.read_bytes() for p in (target / "indicators").iterdir()}
    code, err = _run(capsys, str(TABLES / "county-2022-two-level.xlsx"), "--to", str(target))
    assert code == 1 and "已有考核方案" in err and "--force" in err
    assert {p.name: p.read_bytes() for p in (target / "indicators").iterdir()} == before
    assert not (target / "import-report.md").exists()
    code, err = _run(capsys, str(TABLES / "county-2022-two-level.xlsx"), "--to", str(target), "--force")
    assert code == 0, err
    names = sorted(p.name for p in (target / "indicators").iterdir())
    assert names == ["01-yj01.yaml", "02-yj02.yaml", "03-yj03.yaml", "04-yj04.yaml", "scheme.yaml", "totals.yaml", "units.yaml"]
    assert sorted(p.name for p in target.iterdir()) == ["evidence", "import-report.md", "indicators"]  # no staging left


def test_missing_year_asks_for_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "table.docx"
    document = _docx_with(SCHEME)
    document.paragraphs[0].text = "政务公开工作考核细则"
    document.save(str(path))
    code, err = _run(capsys, str(path), "--to", str(tmp_path / "out"))
    assert code == 2 and "--year" in err
    code, err = _run(capsys, str(path), "--to", str(tmp_path / "out"), "--year", "2024")
    assert code == 0, err
    assert "year: 2024" in (tmp_path / "out" / "indicators" / "scheme.yaml").read_text(encoding="utf-8")


def test_target_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    code, err = _run(capsys, str(TABLES / "county-2022-two-level.xlsx"), "--to", str(target))
    assert code == 1 and f"{target}: 错误：无法写入" in err and "未写出任何文件" in err
    assert target.read_text(encoding="utf-8") == "x"
