"""The public edition: internal evidence keeps its score lines and nothing else, and a leak stops the build.

The sample project is built in both editions (the real MkDocs site and WeasyPrint PDF); every
output file is read back (HTML unescaped, JSON decoded, .gz decompressed, PDF text through
poppler's pdftotext, embedded files through pypdf) and searched for each internal file's content.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from pypdf import PdfReader
from sharedbuild import SharedOutput
from test_build import tree_hash
from test_dossier import make_project

from scoring.cli.main import main
from scoring.gather.collect import gather
from scoring.load.privacy import fingerprint
from scoring.model.model import Evidence
from scoring.model.values import WITHHELD, Edition
from scoring.render import edition
from scoring.render.site import sitetext

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1638316800"  # 2021-12-01


def squash(text: str) -> str:
    """Text without white space or the zero-width spaces the search index joins words with."""
    return re.sub(r"[\s\u200b]+", "", text)


_READ: dict[tuple[str, bool, bytes], str] = {}  # the same bytes are read once: the site carries a copy of the PDF


def readable(path: Path) -> str:
    """What a reader (or a search engine) can get out of one output file, squashed."""
    data = path.read_bytes()
    key = (path.suffix, path.name.endswith(".json"), hashlib.sha256(data).digest())
    if key not in _READ:
        _READ[key] = _readable(*key[:2], data)
    return _READ[key]


@functools.cache  # a PDF's text is read once for the module (the site carries a copy of the PDF)
def pdf_pages(data: bytes) -> tuple[str, ...]:
    """Each page's text (poppler's pdftotext, which ends every page with a form feed), squashed."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return tuple(squash(page) for page in text.split("\f")[:-1])


def _readable(suffix: str, is_json: bool, data: bytes) -> str:
    if suffix == ".gz":
        data = gzip.decompress(data)
    if data[:5] == b"%PDF-":
        return "".join(pdf_pages(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    if is_json:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return squash(html.unescape(re.sub(r"<[^>]*>", "", html.unescape(text))))


def sentence(body: str) -> str:
    """The longest sentence of a body, squashed: specific enough to be found only where it was copied."""
    parts = re.split(r"[。！？；|\n]", re.sub(r"[*_#>`\[\]()-]", "", body))
    return max((squash(p) for p in parts), key=len)


@dataclass
class Editions:
    internal: Path
    public: Path
    evidence: tuple[Evidence, ...]

    @property
    def hidden(self) -> list[Evidence]:
        return [ev for ev in self.evidence if ev.visibility != "public"]


def build(out: Path, *extra: str) -> int:
    return main(["all", "--project", str(ROOT), "--out", str(out), *extra])


def build_edition(base: Path, edition: str) -> None:
    """The build into ``base / "out"``; what it printed on stderr in ``base / "stderr.txt"``."""
    said = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(said):
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code = build(base / "out", *(("--edition", edition) if edition != "internal" else ()))
    (base / "stderr.txt").write_text(said.getvalue(), encoding="utf-8")
    assert code == 0, said.getvalue()


def repository_build(shared_output: SharedOutput, edition: str) -> Path:
    """``build.py all`` of the repository in ``edition``, once per test run (test_site.py reads the internal
    one too): only read it."""
    return shared_output(f"repository-all-{edition}", partial(build_edition, edition=edition)) / "out"


@pytest.fixture(scope="module")
def editions(shared_output: SharedOutput) -> Editions:
    """Each edition built once, shared."""
    return Editions(repository_build(shared_output, "internal"), repository_build(shared_output, "public"),
                    gather(ROOT, with_git=False).evidence)


@functools.cache  # the builds are only read: each folder's text is read once for the module
def all_text(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): readable(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_public_edition_holds_no_sentence_hash_or_name_of_an_internal_file(editions: Editions) -> None:
    public, internal = all_text(editions.public), all_text(editions.internal)
    assert len(editions.hidden) >= 20
    for ev in editions.hidden:
        line = sentence(ev.body)
        assert len(line) >= 12, ev.path
        assert any(line in text for text in internal.values()), ev.path  # the search would find it
        assert [name for name, text in public.items() if line in text] == [], ev.path
    attachments = [(a, ROOT / a.path) for ev in editions.hidden for a in ev.attachments]
    assert attachments  # the sample's meeting minutes
    hashes = {hashlib.sha256(p.read_bytes()).hexdigest() for p in editions.public.rglob("*") if p.is_file()}
    for attachment, path in attachments:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert any(digest in text for text in internal.values())
        assert digest not in hashes
        assert [name for name, text in public.items() if digest in text] == []
        assert [name for name, text in public.items() if attachment.name in text] == []
        assert not list(editions.public.rglob(Path(attachment.name).name))
        assert list(editions.internal.rglob(Path(attachment.name).name))


def test_the_public_edition_holds_no_personal_cell_of_a_register(editions: Editions) -> None:
    """Applicants' names and request content: on the internal site's register tables, nowhere in the public edition
    (its site, PDF, search index or Word file)."""
    import docx

    from scoring.registers.registers import load_registers, personal_cells

    found, _ = load_registers(ROOT, 2021)
    cells = [squash(c) for texts in personal_cells(found).values() for c in texts]
    contents = [c for c in cells if len(c) >= 8]
    assert len(contents) >= 20
    public, internal = all_text(editions.public), all_text(editions.internal)
    for cell in contents:
        assert any(cell in text for text in internal.values()), cell
        assert [name for name, text in public.items() if cell in text] == [], cell
    word = "".join(c.text for t in docx.Document(str(editions.public / "annual-report.docx")).tables
                   for r in t.rows for c in r.cells)
    word += "".join(p.text for p in docx.Document(str(editions.public / "annual-report.docx")).paragraphs)
    assert "依申请公开" in word or "政府信息公开申请" in word
    assert [c for c in contents if c in squash(word)] == []  # (short reasons such as 过程性信息 are table 三 labels)


def test_a_score_line_counted_from_a_register_links_its_rows(editions: Editions) -> None:
    """zdgk.shuxing's fact comes from the 公文公开属性台账: its line links the row, which has that anchor."""
    from scoring.render.documents.annualreport import register_anchor

    anchor = register_anchor("gwsx:晋市审管发〔2021〕31号")
    for folder in (editions.internal, editions.public):
        level = (folder / "site" / "scheme" / "zdgk" / "index.html").read_text(encoding="utf-8")
        assert f'href="../../annual-report/#{anchor}"' in level
        page = (folder / "site" / "annual-report" / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in page and "三、收到和处理政府信息公开申请情况" in page


def test_a_register_row_cites_its_evidence_as_every_page_does(editions: Editions) -> None:
    """A register's 证据 cell names an evidence file by id; the report's page shows its title and date, linked (in
    the public edition an internal file is cited by id with no link, as elsewhere), never the bare id."""
    import csv

    cited = {row["证据"] for path in sorted((ROOT / "registers").glob("*.csv"))
             for row in csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()) if row.get("证据")}
    by_id = {ev.id: ev for ev in editions.evidence}
    assert cited and cited <= by_id.keys()
    for folder in (editions.internal, editions.public):
        page = (folder / "site" / "annual-report" / "index.html").read_text(encoding="utf-8")
        for ref in sorted(cited):
            ev = by_id[ref]
            link = f'<a href="../evidence/{ref}/">{html.escape(ev.title, quote=False)}</a>'
            if folder == editions.internal or ev.visibility == "public":
                assert link in page, ref
            else:
                assert f"../evidence/{ref}/" not in page, ref
                assert f'<span class="zwgk-withheld">{WITHHELD}</span> {ref}' in page, ref
            assert f"<td>{ref}</td>" not in page


def test_a_register_cell_in_a_public_output_fails_the_leak_check(tmp_path: Path) -> None:
    """The leak check itself looks for register cells: a page that prints one is refused, naming the register."""
    from scoring.core.problems import DataError

    project = gather(ROOT, with_git=False)
    guard = edition.LeakGuard.of(project)
    (tmp_path / "page.html").write_text("<p>本月收到申请：某小区配套幼儿园规划审批材料，已登记。</p>", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        guard.check(tmp_path)
    assert "registers/ysq.csv" in caught.value.problems[0].message
    (tmp_path / "page.html").write_text("<p>本月收到政府信息公开申请3件。</p>", encoding="utf-8")
    assert "未发现" in guard.check(tmp_path)


def test_the_public_pdf_embeds_only_public_files(editions: Editions) -> None:
    public_files = {a.path for ev in editions.evidence if ev.visibility == "public" for a in ev.attachments}
    every_file = {a.path for ev in editions.evidence for a in ev.attachments}
    assert public_files < every_file
    assert set(PdfReader(editions.public / "dossier.pdf").attachments) == public_files
    assert set(PdfReader(editions.internal / "dossier.pdf").attachments) == every_file


def test_scores_do_not_change_between_editions(editions: Editions) -> None:
    for name in ("scores.json", "scores.csv"):
        assert (editions.public / name).read_bytes() == (editions.internal / name).read_bytes(), name


def test_the_public_edition_is_byte_identical_across_two_builds(editions: Editions, tmp_path: Path) -> None:
    """The edition that is published, built twice, on the small project with an image, an attached original and
    one file marked public (test_dossier.py's): a fifth of the repository's build, with every kind of output. (A
    whole build's determinism in the internal edition: test_build.py's builds of the small project.)"""
    project = make_project(tmp_path / "project")
    marked = project / "evidence" / "zonghe" / "wangzhan.md"
    marked.write_text(marked.read_text(encoding="utf-8").replace("---\n", "---\nvisibility: public\n", 1),
                      encoding="utf-8")
    trees = []
    for name in ("one", "two"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
            assert main(["all", "--project", str(project), "--out", str(tmp_path / name), "--edition", "public"]) == 0
        trees.append(tree_hash(tmp_path / name))
    assert trees[0] == trees[1]
    shown = [p.parent.name for p in (tmp_path / "one" / "site" / "evidence").glob("*/index.html")]
    assert len(shown) == 1 and PdfReader(tmp_path / "one" / "dossier.pdf").attachments, shown  # the public file
    assert tree_hash(editions.public) != tree_hash(editions.internal)


def test_internal_evidence_is_cited_by_id_with_no_page_and_no_link(editions: Editions) -> None:
    site_dir = editions.public / "site"
    for ev in editions.hidden:
        assert not (site_dir / "evidence" / ev.id).exists(), ev.id
        assert (editions.internal / "site" / "evidence" / ev.id / "index.html").is_file()
    pages = {p: p.read_text(encoding="utf-8") for p in site_dir.rglob("*.html")}
    links = [p for p, text in pages.items() for ev in editions.hidden if f"evidence/{ev.id}/" in text]
    assert links == []
    cited = editions.hidden[0]
    row_page = next(text for p, text in pages.items() if p.parent.name == cited.indicator.split(".")[0]
                    and p.parent.parent == site_dir / "scheme")
    assert re.search(rf"{WITHHELD}</span>\s*{re.escape(cited.id)}", row_page)
    pdf_text = readable(editions.public / "dossier.pdf")
    assert squash(f"{WITHHELD}") in pdf_text and cited.id in pdf_text


def test_every_page_says_which_edition_it_is(editions: Editions) -> None:
    for folder, which in ((editions.public, Edition.PUBLIC), (editions.internal, Edition.INTERNAL)):
        for html_page in (folder / "site").rglob("*.html"):
            assert which.note in html_page.read_text(encoding="utf-8"), html_page
        pages = pdf_pages((folder / "dossier.pdf").read_bytes())
        assert len(pages) == len(PdfReader(folder / "dossier.pdf").pages)
        for number, page in enumerate(pages, 1):
            assert squash(which.note) in page, (which, number)
    metadata = PdfReader(editions.public / "dossier.pdf").metadata
    assert metadata is not None and "公开版" in str(metadata.title)


# --- a leak stops the build ---------------------------------------------------------------


LEAKING_LINE = "\n{% for ev in evidence %}{{ ev.body|t }}\n{% endfor %}\n"


def test_a_template_that_prints_an_internal_body_fails_the_public_build(mini: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A filter bug that lets internal evidence through, and a template that prints every body."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    assert main(["all", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    before = tree_hash(out)
    templates = tmp_path / "templates"
    shutil.copytree(sitetext.TEMPLATES, templates)
    index = templates / "evidence_index.md.j2"
    index.write_text(index.read_text(encoding="utf-8") + LEAKING_LINE, encoding="utf-8")
    monkeypatch.setattr(sitetext, "TEMPLATES", templates)  # read at each build, never copied
    monkeypatch.setattr(edition, "withhold", lambda ev, show_title: ev)
    capsys.readouterr()
    assert main(["site", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 1
    err = capsys.readouterr().err
    assert ("site/evidence/index.html: 错误：公开版泄露了内部材料，未发布：正文中含有 evidence/zonghe/yanjiu.md 的正文"
            "（为免经日志再次外泄，不显示内容；请对照该内部文件查找）") in err
    assert "site/search/search_index.json: 错误：公开版泄露了内部材料，未发布：搜索索引 evidence/" in err
    assert "会议研究了甲、乙两项" not in err  # the message names the leak without repeating it
    assert "未写出任何文件" in err
    assert tree_hash(out) == before  # the previous public edition is still there, whole
    assert not [p for p in tmp_path.iterdir() if ".stage-" in p.name]


def test_the_same_template_passes_the_internal_build(mini: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    templates = tmp_path / "templates"
    shutil.copytree(sitetext.TEMPLATES, templates)
    index = templates / "evidence_index.md.j2"
    index.write_text(index.read_text(encoding="utf-8") + LEAKING_LINE, encoding="utf-8")
    monkeypatch.setattr(sitetext, "TEMPLATES", templates)  # read at each build, never copied
    assert main(["site", "--project", str(mini), "--out", str(tmp_path / "out")]) == 0
    assert "会议研究了甲、乙两项" in (tmp_path / "out" / "site" / "evidence" / "index.html").read_text(encoding="utf-8")


def test_a_public_build_does_not_keep_an_internal_pdf_from_before(mini: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    assert main(["all", "--project", str(mini), "--out", str(out)]) == 0
    assert main(["site", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["site"]


# --- personal data ---------------------------------------------------------------------------

PERSONAL = """---
id: shenqing-dafu
indicator: zuzhi.yanjiu
unit: 综合组
date: 2021-03-18
title: 依申请公开答复
kind: 答复案卷
visibility: public
---
答复已送达申请人。
身份证号 11010519491231002X 已核对。
联系手机 13812345678。
退费账户 6222021234567890128。
回复邮箱 zhangsan@example.com。
"""
# (line, kind) of each finding in PERSONAL
FINDINGS = [(11, "身份证号"), (12, "手机号"), (13, "银行卡号"), (14, "电子邮箱")]
VALUES = ["11010519491231002X", "13812345678", "6222021234567890128", "zhangsan@example.com"]


def test_personal_data_warns_with_file_and_line_and_the_public_edition_refuses_it(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    path = mini / "evidence" / "zonghe" / "shenqing-dafu.md"
    rel = "evidence/zonghe/shenqing-dafu.md"
    path.write_text(PERSONAL, encoding="utf-8")
    assert main(["check", "--project", str(mini)]) == 0
    err = capsys.readouterr().err
    warned = re.findall(rf"^{rel}:(\d+): 警告：疑似个人信息（(\S+?)）", err, re.M)
    assert [(int(line), kind) for line, kind in warned] == FINDINGS

    out = tmp_path / "out"
    for command in ("check", "all"):
        args = [command, "--project", str(mini), "--edition", "public"]
        assert main([*args, "--out", str(out)] if command == "all" else args) == 1, command
        err = capsys.readouterr().err
        refused = re.findall(rf"^{rel}:(\d+): 错误：本文件标为 visibility: public，公开版不能发布其中未登记的个人信息："
                             r"疑似个人信息（(\S+?)）", err, re.M)
        assert [(int(line), kind) for line, kind in refused] == FINDINGS, command
    assert not out.exists()
    assert main(["all", "--project", str(mini), "--out", str(out)]) == 0  # the internal edition: warnings only

    reviewed = "reviewed_personal_data:\n" + "".join(
        f'  - {{内容: "{fingerprint(v)}", 理由: 申请人书面同意公开}}\n' for v in VALUES[:3])
    path.write_text(PERSONAL.replace("visibility: public\n", "visibility: public\n" + reviewed), encoding="utf-8")
    assert main(["all", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 1  # one is left
    assert len(re.findall("公开版不能发布", capsys.readouterr().err)) == 1
    reviewed += "  - {内容: zhangsan@example.com, 理由: 申请人要求以此邮箱接收答复并同意公开}\n"
    path.write_text(PERSONAL.replace("visibility: public\n", "visibility: public\n" + reviewed), encoding="utf-8")
    assert main(["all", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    assert "13812345678" in (out / "site" / "evidence" / "shenqing-dafu" / "index.html").read_text(encoding="utf-8")


def test_an_internal_file_with_personal_data_is_withheld_not_refused(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (mini / "evidence" / "zonghe" / "shenqing-dafu.md").write_text(
        PERSONAL.replace("visibility: public", "visibility: internal"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["all", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    text = "".join(readable(p) for p in out.rglob("*") if p.is_file())
    assert "shenqing-dafu" in text  # cited by its id
    for value in VALUES:
        assert value not in text and value.lower() not in text.lower(), value
    assert not (out / "site" / "evidence" / "shenqing-dafu").exists()


def test_a_bad_edition_is_a_usage_error(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["all", "--project", str(mini), "--edition", "outside"]) == 2
    assert "用法错误" in capsys.readouterr().err


def test_show_internal_titles_must_be_true_or_false(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scheme = mini / "indicators" / "scheme.yaml"
    scheme.write_text(scheme.read_text(encoding="utf-8") + "show_internal_titles: 是\n", encoding="utf-8")
    assert main(["check", "--project", str(mini)]) == 1
    assert re.search(r"indicators/scheme.yaml:\d+: 错误：scheme.yaml 的字段 show_internal_titles 无效：应为 true 或 false",
                     capsys.readouterr().err)


def test_show_internal_titles_shows_the_title_beside_the_id(mini: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    assert main(["site", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    index = (out / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
    assert "局党组会议研究政务公开工作" not in index and "yanjiu" in index
    scheme = mini / "indicators" / "scheme.yaml"
    scheme.write_text(scheme.read_text(encoding="utf-8") + "show_internal_titles: true\n", encoding="utf-8")
    assert main(["site", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    index = (out / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
    assert "局党组会议研究政务公开工作" in index
    assert "会议研究了甲、乙两项" not in "".join(readable(p) for p in out.rglob("*") if p.is_file())



def test_only_the_public_edition_is_published_and_pull_requests_stay_internal() -> None:
    import yaml

    def commands(name: str) -> list[str]:
        flow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
        runs = [step.get("run", "") for job in flow["jobs"].values() for step in job.get("steps", [])]
        return [line.strip() for run in runs for line in run.splitlines()
                if re.search(r"python build\.py (site|pdf|all)\b", line)]

    published = commands("publish.yml")
    assert published and all(line.endswith("--edition public") for line in published), published
    reviewed = commands("pull-request.yml")
    assert reviewed and not any("--edition" in line for line in reviewed), reviewed


def test_a_public_body_keeps_the_words_of_a_link_to_an_internal_file_but_not_the_link(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (mini / "evidence" / "zonghe" / "gongkai.md").write_text(
        PERSONAL.split("---\n答复")[0].replace("shenqing-dafu", "gongkai").replace("依申请公开答复", "公开的说明")
        + "---\n研究情况[见党组会议纪要](yanjiu.md)。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["site", "--project", str(mini), "--out", str(out)]) == 0
    page = (out / "site" / "evidence" / "gongkai" / "index.html").read_text(encoding="utf-8")
    assert "见党组会议纪要" in page and "evidence/yanjiu/" in page
    assert main(["site", "--project", str(mini), "--out", str(out), "--edition", "public"]) == 0
    page = (out / "site" / "evidence" / "gongkai" / "index.html").read_text(encoding="utf-8")
    assert "见党组会议纪要" in page and "yanjiu" not in page.split("zwgk-evidence-body", 1)[1].split("</div>", 1)[0]


def test_the_site_carries_its_scores_and_a_manifest(editions: Editions) -> None:
    """A roll-up reads published sites: each carries the build's scores.json and says whose they are."""
    for folder, kind in ((editions.internal, "internal"), (editions.public, "public")):
        assert (folder / "site" / "scores.json").read_bytes() == (folder / "scores.json").read_bytes()
        manifest = json.loads((folder / "site" / "manifest.json").read_text(encoding="utf-8"))
        scores = json.loads((folder / "scores.json").read_text(encoding="utf-8"))
        assert manifest["edition"] == kind and manifest["dossier"] == "dossier.pdf"
        assert manifest["bureau"] == scores["bureau"] == {"name": "晋城市行政审批服务管理局", "code": None}
        assert manifest["scheme"]["fingerprint"] == scores["scheme"]["fingerprint"] != ""
        assert manifest["year"] == 2021 and manifest["scores_schema"] == scores["schema"]
