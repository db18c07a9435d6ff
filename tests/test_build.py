"""One build: every output staged and swapped in at once, nothing written into the project, safe files."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from scoring.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1638316800"  # 2021-12-01


def tree_hash(folder: Path) -> str:
    """Names, kinds and bytes of everything in ``folder``: equal hashes, equal trees."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir():
            digest.update(f"d {rel}\n".encode())
        else:
            digest.update(f"f {rel} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(project: Path, output: str, tmp_path: Path) -> dict[str, bytes]:
    """``output`` ("site", "preview") of a clean build of the project as it is now: a fresh folder, no cache."""
    from scoring.gather.collect import gather
    from scoring.render.outputs import build

    fresh = tmp_path / "clean"
    shutil.rmtree(fresh, ignore_errors=True)
    build(gather(project), (output,), fresh)
    files = snapshot(fresh / output)
    shutil.rmtree(fresh)
    return files


def run_all(project: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "all", "--project", str(project),
                             "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_all_killed_at_any_moment_leaves_the_previous_or_the_new_build(mini: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert main(["all", "--project", str(mini), "--out", str(out)]) == 0
    old = tree_hash(out)
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    yanjiu = mini / "evidence" / "zonghe" / "yanjiu.md"
    yanjiu.write_text(yanjiu.read_text(encoding="utf-8").replace("title: ", "title: 修改后的"), encoding="utf-8")
    started = time.monotonic()
    assert run_all(mini, reference).wait() == 0  # the new build, whole, and how long one takes
    duration = time.monotonic() - started
    new = tree_hash(reference)
    assert new != old
    # two builds at a time, each on its own copy of the previous output (in its own folder: no shared lock)
    second = tmp_path / "lane" / "out"
    shutil.copytree(pristine, second)
    seen: list[str] = []
    for i in range(0, 10, 2):  # ten moments spread over a whole build, its last writes and swap included
        procs = [(run_all(mini, folder), duration * (i + k + 0.5) / 10, folder) for k, folder in enumerate((out, second))]
        started = time.monotonic()
        for proc, moment, folder in procs:
            time.sleep(max(0.0, moment - (time.monotonic() - started)))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            seen.append(tree_hash(folder))
            if seen[-1] != old:  # start the next one from the previous build again
                shutil.rmtree(folder)
                shutil.copytree(pristine, folder)
    assert len(seen) == 10
    assert set(seen) <= {old, new}, [s[:8] for s in seen]
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0  # the next build clears what kills left
    assert main(["score", "--project", str(mini), "--out", str(second)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lane", "mini", "out", "pristine", "reference"]
    assert [p.name for p in second.parent.iterdir()] == ["out"]


def test_a_failing_output_writes_nothing(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0
    before = snapshot(out)
    from scoring.render import outputs as build_mod

    def broken(project: object, folder: Path) -> build_mod.Written:
        raise RuntimeError("模拟网站生成失败")

    monkeypatch.setitem(build_mod.OUTPUTS, "site", broken)
    (mini / "evidence" / "zonghe" / "yanjiu.md").write_text(
        (mini / "evidence" / "zonghe" / "yanjiu.md").read_text(encoding="utf-8").replace("[甲, 乙]", "[甲]"),
        encoding="utf-8")
    capsys.readouterr()
    assert main(["all", "--project", str(mini), "--out", str(out)]) == 1
    assert "已写出" not in capsys.readouterr().out
    assert snapshot(out) == before  # the tables were rendered, but not written: nothing is half new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini", "out"]


def test_out_elsewhere_leaves_the_project_byte_identical(tmp_path: Path) -> None:
    """A project in git, with a score history to compute: nothing is written under it, caches included."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", project)
    env = {**os.environ, "GIT_AUTHOR_DATE": "2021-12-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2021-12-01T10:00:00+08:00",
           "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "z@example.cn", "GIT_COMMITTER_NAME": "张三",
           "GIT_COMMITTER_EMAIL": "z@example.cn"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "一"]):
        subprocess.run(["git", "-C", str(project), *args], check=True, env=env, capture_output=True)
    before = {p.relative_to(project).as_posix(): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"")
              for p in project.rglob("*")}
    out = tmp_path / "elsewhere" / "out"
    assert main(["all", "--project", str(project), "--out", str(out)]) == 0
    after = {p.relative_to(project).as_posix(): (p.stat().st_mode, p.read_bytes() if p.is_file() else b"")
             for p in project.rglob("*")}
    assert after == before
    assert (out / "site" / "index.html").is_file() and (out / "dossier.pdf").is_file()
    assert "共 1 个版本" in (out / "site" / "index.html").read_text(encoding="utf-8")  # the history was computed
    # built together, the site carries the very PDF and its dashboard links it
    assert (out / "site" / "dossier.pdf").read_bytes() == (out / "dossier.pdf").read_bytes()
    assert 'href="dossier.pdf"' in (out / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", [".", "evidence/out", ".."])
def test_out_cannot_be_the_project_or_its_data(mini: Path, bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--project", str(mini), "--out", str(mini / bad)]) == 2
    assert "输出目录" in capsys.readouterr().err


def test_outputs_are_world_readable_whatever_the_umask(mini: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    saved = os.umask(0o077)
    try:
        assert main(["site", "--project", str(mini), "--out", str(out)]) == 0
        assert main(["score", "--project", str(mini), "--out", str(out)]) == 0
    finally:
        os.umask(saved)
    index = (out / "site" / "index.html").read_text(encoding="utf-8")  # kept: the same data as the tables
    assert "dossier.pdf" not in index and not (out / "site" / "dossier.pdf").exists()  # no PDF, no link
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


# --- the score files -------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://example.org\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def test_xlsx_holds_numbers_as_numbers_and_formulas_as_text(mini: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    level = mini / "indicators" / "01-zuzhi.yaml"
    text = level.read_text(encoding="utf-8")
    level.write_text(text.replace("level3: 单位领导班子研究情况", "level3: '=1+1'"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out / "scores.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=False))
    header = [c.value for c in rows[0]]
    score, lost, gained = (header.index(n) for n in ("自评得分", "扣分", "加分"))
    for row in rows[1:]:
        for i in (score, lost, gained):
            assert row[i].data_type == "n" and isinstance(row[i].value, (int, float)), row[i].coordinate
            assert row[i].number_format == "0.00"
            assert row[i].value >= 0 or i == score
    total = rows[-1]
    assert total[1].value == "合计"
    points = float(str(total[4].value))
    assert points - total[lost].value + total[gained].value == pytest.approx(total[score].value)
    named = next(r for r in rows if r[0].value == "zuzhi.yanjiu")
    assert named[3].value == "=1+1" and named[3].data_type == "s"  # text, not a formula
    with zipfile.ZipFile(out / "scores.xlsx") as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    csv = (out / "scores.csv").read_text(encoding="utf-8-sig")
    assert ",'=1+1," in csv


@pytest.mark.parametrize("value", HOSTILE)
def test_every_formula_start_is_escaped_in_csv(value: str) -> None:
    from scoring.render.tables import _csv_cell

    assert _csv_cell(value) == "'" + value
    assert _csv_cell("-") == "-"  # the scheme's mark for "none" is not a formula


def test_xlsx_is_byte_identical_across_builds_at_different_times(mini: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert main(["score", "--project", str(mini), "--out", str(tmp_path / "a")]) == 0
    time.sleep(1.1)  # openpyxl stamps the clock's second
    assert main(["score", "--project", str(mini), "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "a" / "scores.xlsx").read_bytes() == (tmp_path / "b" / "scores.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO((tmp_path / "a" / "scores.xlsx").read_bytes())) as book:
        assert b"2021-12-01T00:00:00Z" in book.read("docProps/core.xml")
