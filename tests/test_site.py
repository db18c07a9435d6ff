"""The review site: real MkDocs builds of the mini fixture and of the repository's own sample."""

from __future__ import annotations

import json
import marshal
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import jieba
import pytest
from sharedbuild import SharedOutput
from test_edition import repository_build

from scoring.cli.main import main
from scoring.core.figures import fmt
from scoring.gather.collect import gather
from scoring.render.site import engine_jieba, search, sitetext

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EPOCH = "1638316800"  # 2021-12-01: fixed build date for the fixture copies (no git there)


def png() -> bytes:
    """A 2×2 red PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xc0\x39\x2b" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write(root: Path, rel: str, text: str) -> Path:
    path = root / "evidence" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


JIXIAO = """---
indicator: zuzhi.yanjiu
unit: 综合组
date: 2021-06-01
title: 年度绩效考核自查
kind: 工作报告
attachments: [截图.png, 说明.pdf]
facts:
  研究事项: [丙]
---
本单位开展绩效考核自查，结果如下。

![截图](截图.png)

详见[研究会议](yanjiu.md)和[政府网站](https://www.gov.cn/)。
"""

TAIZHANG = """---
indicator: gongkai.jiancha
unit: 办公室
date: 2021-09-28
title: 双公示台账检查记录
kind: 台账
facts:
  检查日期: 2021-09-28
---
建立非主动公开公文台账和舆情回应台账，逐月检查。
"""

EVIL = """---
indicator: zuzhi.zixun
unit: 政务中心
date: 2021-06-02
title: '</title><script>window.pwned="title"</script>咨询记录 [x](javascript:alert(1)) {: onclick="x"}'
kind: 其他
---
正文<script>window.pwned = "script"; document.title = "pwned";</script>

<img src=x onerror="window.pwned='img'; document.title='pwned'">

<iframe src="https://example.org/"></iframe>

[点我](javascript:window.pwned='link') <a href="javascript:void(0)" onclick="window.pwned='click'">链接</a>

<div onmouseover="window.pwned='hover'">悬停</div>
"""


def sample(root: Path) -> Path:
    """The mini fixture plus evidence with attachments, compounds and a hostile file."""
    shutil.copytree(FIXTURES / "mini", root)
    folder = root / "evidence" / "zonghe"
    (folder / "截图.png").write_bytes(png())
    (folder / "说明.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    write(root, "zonghe/jixiao.md", JIXIAO)
    write(root, "bgs/taizhang.md", TAIZHANG)
    write(root, "zwfw/evil.md", EVIL)
    return root


def build(root: Path, out: Path, *extra: str) -> int:
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return main(["site", "--project", str(root), "--out", str(out), *extra])
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def build_sample(base: Path) -> None:
    assert build(sample(base / "project"), base / "out") == 0


@pytest.fixture(scope="module")
def built(shared_output: SharedOutput) -> Path:
    """The sample's site, built once per test run (test_browser.py serves the same one): only read it."""
    return shared_output("sample-site", build_sample) / "out" / "site"


def html(site_dir: Path, page: str) -> str:
    return (site_dir / page / "index.html").read_text(encoding="utf-8")


def search_docs(site_dir: Path) -> tuple[list[dict[str, str]], re.Pattern[str]]:
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    return index["docs"], re.compile(index["config"]["separator"])


def found(docs: list[dict[str, str]], separator: re.Pattern[str], query: str) -> set[str]:
    """Pages the browser's search finds: Material matches ``query*`` against the indexed words."""
    hits = set()
    for doc in docs:
        words = separator.split(f"{doc['title']} {doc['text']}".lower())
        if any(w.startswith(query) for w in words):
            hits.add(doc["location"].split("#")[0])
    return hits


# --- the pages -------------------------------------------------------------------


def test_every_page_is_built(built: Path) -> None:
    for page in ("", "scheme", "scheme/zuzhi", "scheme/gongkai", "scheme/_totals", "units", "units/zonghe",
                 "units/bgs", "units/zwfw", "evidence", "evidence/yanjiu", "evidence/jixiao", "check", "rules"):
        assert (built / page / "index.html").is_file(), page
    assert (built / "search" / "search_index.json").is_file()
    assert (built / "sitemap.xml").is_file()


def test_tables_render_and_every_row_has_its_anchor(built: Path) -> None:
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "|---" not in text and "{#" not in text, page  # a table or an id left as text
    level = html(built, "scheme/zuzhi")
    assert 'id="zuzhi.yanjiu"' in level and 'id="zuzhi.zixun"' in level
    assert 'href="../../scheme/zuzhi/#zuzhi.yanjiu"' in html(built, "evidence/jixiao")
    assert 'id="bonus.biaozhang"' in html(built, "scheme/_totals")


def test_dashboard_shows_the_score_and_the_chart(built: Path, tmp_path: Path) -> None:
    project = sample(tmp_path / "again")
    table = gather(project, as_of=date(2021, 12, 1)).table
    page = html(built, "")
    assert f"{fmt(table.total)}<small> / {fmt(table.full_marks)} 分" in page
    assert table.normalised is not None and fmt(table.normalised) in page
    assert table.grade in page and "<svg" in page and "各一级指标得分与赋分" in page
    assert "已过的时限" in page and "尚未到期的时限" in page


def test_row_page_shows_texts_lines_facts_and_evidence(built: Path) -> None:
    page = html(built, "scheme/zuzhi")
    assert "每少研究一项，扣1分，扣分上限为4分" in page  # the verbatim 扣分标准
    assert "查看会议纪要" in page and "会议纪要中研究部署的事项" in page  # 考核方式, a fact's help text
    assert 'class="zwgk-key"' in page  # 政策咨询服务 is a key indicator
    # a score line cites its evidence by title and date, linked to its page
    assert 'href="../../evidence/jixiao/">年度绩效考核自查</a><time class="zwgk-date" datetime="' in page
    assert "zwgk-status zwgk-complete" in page


def test_unit_page_has_its_todo_list(tmp_path: Path) -> None:
    project = sample(tmp_path / "p")
    (project / "evidence" / "bgs" / "zixun.md").unlink()  # 政策咨询服务 now lacks evidence
    assert build(project, tmp_path / "out") == 0
    page = html(tmp_path / "out" / "site", "units/zwfw")
    todo = page.split('<h2 id="待办事项">', 1)[1].split('<h2 id="负责的指标">')[0].replace("<wbr>", "")  # names cut into words
    assert "政策咨询服务" in todo and "已开展政策咨询" in todo and "2021年12月10日" in todo


def test_evidence_pages_are_off_the_navigation(built: Path) -> None:
    for page in ("", "scheme/zuzhi", "evidence"):
        text = html(built, page)
        nav = text.split('md-sidebar--primary', 1)[1].split('md-sidebar--secondary', 1)[0]
        assert "证据材料" in nav
        assert "evidence/jixiao" not in nav and "evidence/yanjiu" not in nav
    index = html(built, "evidence")
    assert 'href="jixiao/"' in index and 'href="yanjiu/"' in index  # listed on the index instead


def test_attachments_are_copied_and_images_shown(built: Path) -> None:
    assert (built / "files" / "zonghe" / "截图.png").read_bytes() == png()
    assert (built / "files" / "zonghe" / "说明.pdf").is_file()
    page = html(built, "evidence/jixiao")
    quoted = "%E6%88%AA%E5%9B%BE.png"
    assert f'<img alt="截图.png" loading="lazy" src="../../files/zonghe/{quoted}"' in page  # attachment, inline
    assert f'<img alt="截图" src="../../files/zonghe/{quoted}"' in page  # the body's own image
    assert 'href="../../evidence/yanjiu/"' in page  # a body link to another evidence file
    assert 'href="https://www.gov.cn/"' in page


# --- untrusted evidence ------------------------------------------------------------------


def test_evidence_html_is_sanitized(built: Path) -> None:
    page = html(built, "evidence/evil")
    body = page.split('class="zwgk-evidence-body"', 1)[1].split("</div>\n", 1)[0]
    assert "<script" not in body and "onerror" not in body and "onclick" not in body and "onmouseover" not in body
    assert "<iframe" not in body and "javascript:" not in body
    assert "正文" in body and "悬停" in body
    assert "<script>window" not in page and "<img src=\"x\"" not in page


def test_titles_stay_text_everywhere(built: Path) -> None:
    page = html(built, "evidence/evil")
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "＜/title＞＜script＞" in title
    h1 = page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "<script" not in h1 and "&#60;script&#62;" in h1
    assert "<script>window" not in page


@pytest.mark.parametrize(("target", "what"), [
    ("../../indicators/01-zuzhi.yaml", "指向 evidence/ 目录之外"),
    ("/etc/passwd", "是绝对路径"),
    ("../../../../../../etc/passwd", "指向 evidence/ 目录之外"),
])
def test_a_link_out_of_evidence_is_a_build_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  target: str, what: str) -> None:
    project = sample(tmp_path / "p")
    out = tmp_path / "out"
    assert build(project, out) == 0
    before = (out / "site" / "index.html").read_bytes()
    write(project, "zonghe/bad.md", JIXIAO.replace("title: 年度绩效考核自查", "title: 越界").replace(
        "![截图](截图.png)", f"见[方案]({target})。"))
    capsys.readouterr()
    assert build(project, out) == 1
    err = capsys.readouterr().err
    message = f"evidence/zonghe/bad.md:13: 错误：正文中的链接“{target}”{what}"
    assert message in err
    assert "Traceback" not in err
    assert (out / "site" / "index.html").read_bytes() == before  # the previous site is intact
    assert not list(tmp_path.glob(".out.*"))  # no scratch left behind
    # ``check`` refuses exactly what the site refuses, with the same message
    assert main(["check", "--project", str(project)]) == 1
    assert message in capsys.readouterr().err


def test_an_attachment_a_browser_would_run_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = sample(tmp_path / "p")
    (project / "evidence" / "zonghe" / "图.svg").write_text("<svg onload='alert(1)'/>", encoding="utf-8")
    jixiao = project / "evidence" / "zonghe" / "jixiao.md"
    jixiao.write_text(JIXIAO.replace("[截图.png, 说明.pdf]", "[图.svg]"), encoding="utf-8")
    assert build(project, tmp_path / "out") == 1
    assert "evidence/zonghe/jixiao.md:7: 错误：附件“图.svg”是 .svg 文件" in capsys.readouterr().err


def test_a_missing_image_is_a_warning_and_strict_stops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = sample(tmp_path / "p")
    assert build(project, tmp_path / "out") == 0
    assert "evidence/zwfw/evil.md:10: 警告：正文中的链接或图片“x”指向的文件不存在，已从网页和 PDF 中略去" in capsys.readouterr().err
    (project / "evidence" / "zwfw" / "evil.md").unlink()
    write(project, "zwfw/img.md", TAIZHANG.replace("逐月检查。", "逐月检查。\n\n![图](nothere.png)\n"))
    assert build(project, tmp_path / "out", "--strict") == 1
    assert "evidence/zwfw/img.md:12: 警告：正文中的链接或图片“nothere.png”指向的文件不存在" in capsys.readouterr().err


# --- the build ----------------------------------------------------------------------------


def test_the_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    project = sample(tmp_path / "p")
    assert build(project, tmp_path / "out") == 0
    again = tmp_path / "out" / "site"
    files = sorted(p.relative_to(built) for p in built.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (built / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_a_projects_own_mkdocs_yml_is_used(tmp_path: Path) -> None:
    project = sample(tmp_path / "p")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("use_directory_urls: true",
                                                                      "use_directory_urls: false")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert build(project, tmp_path / "out") == 0
    page = (tmp_path / "out" / "site" / "evidence" / "jixiao.html").read_text(encoding="utf-8")
    assert 'src="../files/zonghe/%E6%88%AA%E5%9B%BE.png"' in page and 'href="../evidence/yanjiu.html"' in page


def test_the_repository_sample_builds(shared_output: SharedOutput) -> None:
    """The real scheme and its sample evidence, as `python build.py all` builds them (test_edition.py's build)."""
    out = repository_build(shared_output, "internal") / "site"
    project = gather(ROOT)
    for level in project.scheme.levels:
        page = (out / "scheme" / level.id / "index.html").read_text(encoding="utf-8")
        for row in level.rows:
            assert f'id="{row.id}"' in page
    for ev in project.evidence:
        assert (out / "evidence" / ev.id / "index.html").is_file()
    docs, separator = search_docs(out)
    for query in ("台账", "考核"):
        assert_every_occurrence_is_found(docs, separator, query)


# --- search -----------------------------------------------------------------------------


def assert_every_occurrence_is_found(docs: list[dict[str, str]], separator: re.Pattern[str], query: str) -> None:
    containing = {d["location"].split("#")[0] for d in docs if query in (d["title"] + d["text"]).replace("\u200b", "")}
    assert containing, query
    assert containing <= found(docs, separator, query), query


def test_search_finds_words_inside_compounds(built: Path) -> None:
    docs, separator = search_docs(built)
    jixiao = [d for d in docs if d["location"].startswith("evidence/jixiao/")]
    text = "".join(d["title"] + d["text"] for d in jixiao).replace("\u200b", "")
    assert "绩效考核" in text and "考核" not in text.replace("绩效考核", "")  # the page only says 绩效考核
    assert "evidence/jixiao/" in found(docs, separator, "考核")
    assert {"evidence/taizhang/", "evidence/zixun/"} <= found(docs, separator, "台账")
    for query in ("台账", "考核"):
        assert_every_occurrence_is_found(docs, separator, query)
    assert "\\u200b" in separator.pattern


def test_jieba_needs_the_tuning() -> None:
    project = gather(FIXTURES / "mini")
    terms = search.search_terms(project.scheme, project.evidence)
    search.TUNING.undo()
    assert jieba.lcut("绩效考核和双公示台账") in (["绩效考核", "和", "双", "公示", "台账"], ["绩效考核", "和", "双公示", "台账"])
    search.TUNING.apply(terms)
    assert jieba.lcut("绩效考核") == ["绩效", "考核"]
    search.TUNING.apply(terms)  # again: the same result from the same start
    assert jieba.lcut("绩效考核") == ["绩效", "考核"]
    search.TUNING.undo()
    assert jieba.lcut("绩效考核") == ["绩效考核"]


def test_the_tuning_keeps_what_it_found_and_ignores_a_damaged_list(tmp_path: Path) -> None:
    """The compounds to split are kept for the next process; the tuning from the kept list, or after the list was
    damaged, is the one found by walking the dictionary."""
    project = gather(FIXTURES / "mini")
    terms = search.search_terms(project.scheme, project.evidence)
    sentence = "依申请公开的绩效考核和双公示台账，政务公开工作"
    try:
        walked = search.TUNING.apply(terms)
        want = jieba.lcut(sentence)
        assert search.TUNING.apply(terms, tmp_path) == walked and jieba.lcut(sentence) == want
        (kept,) = tmp_path.glob("split-*.txt")
        digest, _, text = kept.read_text(encoding="utf-8").partition("\n")
        split = text.split("\n")
        assert len(split) == walked[1] > 0
        assert search.TUNING.apply(terms, tmp_path) == walked and jieba.lcut(sentence) == want  # from the list
        kept.write_text(digest + "\n" + "\n".join(split[1:]), encoding="utf-8")  # a word cut, the digest left
        assert search.TUNING.apply(terms, tmp_path) == walked and jieba.lcut(sentence) == want  # damaged: walked again
        assert kept.read_text(encoding="utf-8").partition("\n")[2].split("\n") == split
    finally:
        search.TUNING.undo()


def test_the_kept_dictionary_is_jiebas_own_and_a_damaged_copy_is_not_loaded(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process loads jieba's dictionary from the copy kept in the cache folder: the same entries and total as
    jieba's own load; a copy whose bytes changed is not loaded but written again."""
    own = jieba.Tokenizer()
    own.check_initialized()
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())
    engine_jieba.load_dictionary(tmp_path)  # no copy yet: jieba's own load, then the copy written
    (kept,) = tmp_path.glob("dictionary-*.marshal")
    assert jieba.dt.initialized and jieba.dt.FREQ == own.FREQ and jieba.dt.total == own.total
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())
    engine_jieba.load_dictionary(tmp_path)  # from the copy
    assert jieba.dt.FREQ == own.FREQ and list(jieba.dt.FREQ) == list(own.FREQ) and jieba.dt.total == own.total
    assert jieba.lcut("依申请公开的绩效考核") == own.lcut("依申请公开的绩效考核")
    whole = kept.read_bytes()
    other = {**own.FREQ, "绩效考核": 0}  # well-formed, but not the bytes the digest is of: not loaded, written again
    kept.write_bytes(whole[:65] + marshal.dumps((other, own.total)))
    monkeypatch.setattr(jieba, "dt", jieba.Tokenizer())
    engine_jieba.load_dictionary(tmp_path)
    assert jieba.dt.FREQ == own.FREQ and kept.read_bytes() == whole


def test_the_compounds_to_split_are_those_holding_a_head_after_their_first_character() -> None:
    """``compounds`` (one regular expression) against the definition, position by position, over jieba's
    whole dictionary and the heads of the mini project's scheme."""
    project = gather(FIXTURES / "mini")
    heads = search.SearchTuning.heads(search.search_terms(project.scheme, project.evidence))
    search.TUNING.undo()
    jieba.dt.check_initialized()
    longest = max(map(len, heads))

    def holds(word: str) -> bool:
        return any(word[i:j] in heads for i in range(1, len(word) - 1) for j in range(i + 2, min(len(word), i + longest) + 1))

    want = [w for w, count in jieba.dt.FREQ.items() if count and len(w) > 2 and holds(w)]
    assert search.compounds(jieba.dt.FREQ, heads) == want and len(want) > 100
    assert "绩效考核" in want and "考核" not in want


def test_markdown_escaping_keeps_text_verbatim() -> None:
    assert sitetext.md_text("7*24小时 [a](b) <i>x</i>\n{: #y}") == (
        "7&#42;24小时 &#91;a&#93;&#40;b&#41; &#60;i&#62;x&#60;/i&#62; &#123;&#58; &#35;y&#125;")
    assert sitetext.plain_title("a</title><b>&") == "a＜/title＞＜b＞＆"


# --- live preview -----------------------------------------------------------------------------


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        try:
            page = fetch(url)
        except OSError:
            page = ""
        if text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not served at {url} within {seconds} s; last page: {page[:500]}")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    project = sample(tmp_path / "p")
    env = {**os.environ, "ZWGK_PORT": "0", "PYTHONUNBUFFERED": "1"}
    errors = tmp_path / "stderr.txt"  # with -X faulthandler: where it hangs, if it does not end (below)
    with open(errors, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-X", "faulthandler", str(ROOT / "build.py"), "serve", "--project",
                                 str(project), "--out", str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=err,
                                text=True, env=env)
    try:
        assert proc.stdout is not None
        url = ""
        for line in proc.stdout:
            if match := re.search(r"http://127\.0\.0\.1:\d+/", line):
                url = match.group(0)
                break
        assert url, "the preview server printed no address"
        yield project, url
    finally:
        proc.send_signal(signal.SIGINT)
        try:  # generous: on a loaded machine (the suite runs over every core) a rebuild may still be finishing;
            # what the server still prints is read meanwhile, so a full pipe never holds it up
            said, _ = proc.communicate(timeout=90)
            assert proc.returncode == 0 and "预览已结束" in said, said[-2000:]
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            proc.wait(timeout=30)
            raise AssertionError("the preview did not end within 90 s of Ctrl+C; its threads:\n"
                                 + errors.read_text(encoding="utf-8", errors="replace")[-6000:]) from None
        finally:
            proc.kill()


def test_serve_rebuilds_and_shows_problems_instead_of_crashing(preview: tuple[Path, str]) -> None:
    project, url = preview
    page = wait_for(url, "自评总览")
    assert "/__zwgk__/preview.js" in page  # the page reloads itself after a rebuild
    generation = json.loads(fetch(url + "__zwgk__/build"))["generation"]
    broken = write(project, "zonghe/broken.md", TAIZHANG.replace("indicator: gongkai.jiancha", "indicator: gongkai.jianca"))
    page = wait_for(url + "scheme/", "校验未通过")
    assert "evidence/zonghe/broken.md:2" in page and "未知指标 gongkai.jianca" in page
    assert json.loads(fetch(url + "__zwgk__/build"))["generation"] > generation
    broken.write_text(TAIZHANG.replace("双公示台账检查记录", "改正后的台账"), encoding="utf-8")
    wait_for(url + "evidence/broken/", "改正后的台账")


# A KeyboardInterrupt raised while Python runs a finalizer is printed and dropped there ("Exception ignored in");
# a rebuild makes plenty of garbage, so Ctrl+C may land in one. The driver below makes it land there on purpose.
DROPS_THE_INTERRUPT = """
import os, signal, sys
from scoring.cli import preview
from scoring.cli.main import main
rebuild, seen = preview.PreviewState.rebuild, []
class Finalizer:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(200_000))  # the handler runs here, inside __del__: its KeyboardInterrupt goes no further
def wrapped(self):
    seen.append(1)
    if len(seen) == 2:  # the first rebuild after an edit
        Finalizer()
    return rebuild(self)
preview.PreviewState.rebuild = wrapped
sys.exit(main(sys.argv[1:]))
"""


def test_serve_ends_after_ctrl_c_even_when_the_interrupt_is_dropped_in_a_finalizer(mini: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ZWGK_PORT": "0", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", DROPS_THE_INTERRUPT, "serve", "--project", str(mini), "--out",
                             str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "预览地址" in line:
                break
        (mini / "evidence" / "bgs" / "zixun.md").write_text(
            (mini / "evidence" / "bgs" / "zixun.md").read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
        said, errors = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "KeyboardInterrupt" in errors  # dropped in the finalizer, as Python does
    assert proc.returncode == 0 and "预览已结束" in said, (said, errors[-2000:])
