"""Incremental site builds: after any sequence of edits, the site equals a clean build byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build import EPOCH, clean_build, snapshot

from scoring.cli.main import main
from scoring.render.outputs import site_cache
from scoring.render.site import sitecache
from scoring.render.site.pagecache import FORMAT

ROOT = Path(__file__).resolve().parent.parent


def site(project: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, bytes], int]:
    """Build the site; return every file of it and how many pages came from the cache."""
    capsys.readouterr()
    assert main(["site", "--project", str(project), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    found = re.search(r"(\d+) 页未变，取自缓存", printed)
    return snapshot(out / "site"), int(found.group(1)) if found else 0


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def assert_same(got: dict[str, bytes], want: dict[str, bytes]) -> None:
    assert sorted(got) == sorted(want)
    differ = [name for name in want if got[name] != want[name]]
    assert not differ, differ[:10]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_build_after_each_edit_equals_a_clean_build(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    first, reused = site(mini, out, capsys)
    assert reused == 0
    pages = sum(1 for name in first if name.endswith(".html")) - 1  # 404.html is no page
    again, reused = site(mini, out, capsys)
    assert reused == pages and again == first  # nothing changed: every page from the cache
    assert_same(first, clean_build(mini, "site", tmp_path))  # a first build with an empty cache is a clean one
    fresh, reused = site(mini, tmp_path / "other", capsys)
    assert reused == 0 and fresh == first  # two builds with empty caches are the same

    evidence = mini / "evidence"
    steps: list[tuple[str, Callable[[], object]]] = [
        ("a body", lambda: edit(evidence / "bgs" / "zixun.md", "咨询台账。", "咨询台账，共 12 条记录。")),
        ("a fact that changes a score", lambda: edit(evidence / "zonghe" / "yanjiu.md", "[甲, 乙]", "[甲]")),
        ("a new file, its body linking to another file's page and to a file", lambda: (
            (evidence / "zonghe" / "tongzhi.pdf").write_bytes(PDF),
            (evidence / "zonghe" / "yanjiu-2.md").write_text(
                "---\nindicator: zuzhi.yanjiu\nunit: 综合组\ndate: 2021-06-01\ntitle: 第二次研究政务公开工作\n"
                "kind: 会议纪要\nfacts:\n  研究事项: [乙]\n---\n会议研究了乙，见[咨询台账](../bgs/zixun.md)"
                "和[通知](tongzhi.pdf)。\n", encoding="utf-8"))),
        ("a file deleted", lambda: (evidence / "bgs" / "jiancha-07.md").unlink()),
        ("mkdocs.yml", lambda: (mini / "mkdocs.yml").write_text(
            (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("primary: indigo", "primary: teal"),
            encoding="utf-8")),
        ("a body again, under the new mkdocs.yml", lambda: edit(evidence / "bgs" / "zixun.md", "12 条", "13 条")),
    ]
    reuse: dict[str, int] = {}
    for name, change in steps:
        change()
        got, reuse[name] = site(mini, out, capsys)
        assert_same(got, clean_build(mini, "site", tmp_path))
    # what could be reused was: an edited body re-renders its page and the pages that list or score it
    assert 0 < reuse["a body"] < pages
    assert 0 < reuse["a fact that changes a score"] < pages
    assert reuse["a body again, under the new mkdocs.yml"] > 0
    assert reuse["mkdocs.yml"] == 0


def entries(out: Path) -> list[Path]:
    return sorted(site_cache(out).glob("site-internal/*"))


@pytest.mark.parametrize("damage", ["truncated html", "truncated json", "other format", "html of another page",
                                    "not json"])
def test_a_damaged_cache_is_ignored_not_trusted(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    first, _ = site(mini, out, capsys)
    htmls = [p for p in entries(out) if p.suffix == ".html"]
    metas = [p for p in entries(out) if p.suffix == ".json"]
    assert len(htmls) > 1 and len(htmls) == len(metas)
    rotated = [p.read_bytes() for p in htmls[1:] + htmls[:1]]
    for html, meta, other in zip(htmls, metas, rotated, strict=True):
        if damage == "truncated html":
            html.write_bytes(html.read_bytes()[: len(html.read_bytes()) // 2])
        elif damage == "truncated json":
            meta.write_bytes(meta.read_bytes()[:-5])
        elif damage == "other format":
            data = json.loads(meta.read_bytes())
            meta.write_text(json.dumps({**data, "format": FORMAT + 1}), encoding="utf-8")
        elif damage == "html of another page":
            html.write_bytes(other)
        else:
            meta.write_bytes(b"\xff\xfe not json")
    got, reused = site(mini, out, capsys)
    assert reused == 0  # no damaged entry was used
    assert_same(got, first)
    _, reused = site(mini, out, capsys)  # and the rebuilt entries are whole again
    assert reused == len(htmls)


def test_the_cache_lives_outside_the_project_and_the_output(mini: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    before = snapshot(mini)
    site(mini, out, capsys)
    assert snapshot(mini) == before
    cache = site_cache(out)
    assert entries(out) and not cache.is_relative_to(out) and not cache.is_relative_to(mini)
    assert not any(p.name.endswith((".json", ".html")) and p.parent.name.startswith("site-")
                   for p in out.rglob("*"))
    shutil.rmtree(cache)  # safe to delete: the next build is a clean one
    _, reused = site(mini, out, capsys)
    assert reused == 0


def test_a_first_build_into_a_new_folder_finds_the_templates_compiled(mini: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """What is keyed by its own content (compiled templates, jieba's dictionary, the theme's listing) is kept once
    for every output folder: a build into a new folder makes none of it again, and its pages are the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sitecache, "_theme_listing", {})  # as a new process (jieba may be loaded already)
    first, _ = site(mini, tmp_path / "one", capsys)
    shared = tmp_path / "cache" / "site-shared"
    made = {p: p.stat().st_mtime_ns for p in shared.rglob("*") if p.is_file()}
    assert {"jinja", "theme"} <= {p.parent.name for p in made}
    again, reused = site(mini, tmp_path / "two", capsys)
    assert reused == 0 and again == first  # a new folder: every page rendered, the same bytes
    assert {p: p.stat().st_mtime_ns for p in shared.rglob("*") if p.is_file()} == made


def test_a_change_in_an_inherited_config_renders_every_page_again(mini: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (mini / "base.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (mini / "mkdocs.yml").write_text("INHERIT: base.yml\n", encoding="utf-8")
    out = tmp_path / "out"
    site(mini, out, capsys)
    assert site(mini, out, capsys)[1] > 0
    edit(mini / "base.yml", "primary: indigo", "primary: teal")
    got, reused = site(mini, out, capsys)
    assert reused == 0
    assert_same(got, clean_build(mini, "site", tmp_path))


def test_a_file_added_to_the_theme_between_builds_is_in_the_next_one(mini: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's listing is kept between builds of one process; a file added to ``custom_dir`` still shows."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (mini / "overrides" / "assets").mkdir(parents=True)
    (mini / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n"), encoding="utf-8")
    out = tmp_path / "out"
    first, _ = site(mini, out, capsys)
    assert "assets/added.txt" not in first
    (mini / "overrides" / "assets" / "added.txt").write_text("主题新增的文件\n", encoding="utf-8")
    got, _ = site(mini, out, capsys)
    assert got["assets/added.txt"] == "主题新增的文件\n".encode()
    assert_same(got, clean_build(mini, "site", tmp_path))


def test_the_theme_listing_kept_on_disk_is_used_only_whole(mini: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process reads the theme's listing from the cache folder; a listing whose text no longer matches its
    digest is not used (the theme is listed again) and is written again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))  # the listing cut below is every output's
    out = tmp_path / "out"
    first, _ = site(mini, out, capsys)
    (kept,) = site_cache(out).parent.glob("site-shared/theme/listing-*.json")
    whole = kept.read_text(encoding="utf-8")
    digest, _, text = whole.partition("\n")
    fewer = json.dumps(json.loads(text)[:-5], ensure_ascii=False)
    monkeypatch.setattr(sitecache, "_theme_listing", {})  # as a new process
    kept.write_text(f"{digest}\n{fewer}", encoding="utf-8")  # the digest of another text: listed again
    again, _ = site(mini, out, capsys)
    assert again == first and kept.read_text(encoding="utf-8") == whole
    monkeypatch.setattr(sitecache, "_theme_listing", {})
    kept.write_text(f"{hashlib.sha256(fewer.encode()).hexdigest()}\n{fewer}", encoding="utf-8")  # whole: used
    cut, _ = site(mini, out, capsys)
    assert len(first) - len(cut) == 5


def test_a_change_of_the_theme_language_between_builds_translates_the_search_defaults_again(
        mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The search plugin's translated defaults are kept between builds of one process, per language."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    first, _ = site(mini, out, capsys)
    config = json.loads(first["search/search_index.json"])["config"]
    assert config["pipeline"] == ["stemmer"]  # Material's Chinese default (mkdocs.yml sets the separator)
    (mini / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "  language: zh\n", "  language: en\n"), encoding="utf-8")
    got, _ = site(mini, out, capsys)
    config = json.loads(got["search/search_index.json"])["config"]
    assert config["pipeline"] == ["stopWordFilter"]  # its English one
    assert_same(got, clean_build(mini, "site", tmp_path))


def memo_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(site_cache(out).glob("markdown/site-internal/*.md"))}


def test_the_markdown_of_unchanged_pages_is_kept_for_the_next_build(mini: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's Markdown is kept beside the site cache by a digest of what it shows: a body edit makes one
    page's Markdown again (the others are read back), and a kept file that was changed is not trusted."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    first, _ = site(mini, out, capsys)
    kept = memo_files(out)
    assert len(kept) == sum(1 for name in first if name.endswith(".html")) - 1  # one per page (404.html is none)
    edit(mini / "evidence" / "bgs" / "zixun.md", "咨询台账。", "咨询台账，共 12 条记录。")
    edited, _ = site(mini, out, capsys)
    now = memo_files(out)
    assert len(now.keys() - kept.keys()) == 1 and len(kept.keys() - now.keys()) == 1  # the edited evidence page
    assert_same(edited, clean_build(mini, "site", tmp_path))
    for i, path in enumerate(sorted(site_cache(out).glob("markdown/site-internal/*.md"))):
        digest, _, text = path.read_text(encoding="utf-8").partition("\n")
        damaged = text.replace("|", "", 1) if i % 2 else text[: len(text) // 2]  # a changed table, a cut file
        path.write_text(f"{digest}\n{damaged}", encoding="utf-8")
    shutil.rmtree(site_cache(out) / "site-internal")  # every page rendered from its Markdown again
    got, reused = site(mini, out, capsys)
    assert reused == 0
    assert_same(got, edited)
    assert memo_files(out) == now  # the damaged files were made again


# The helpers are forks of the build, which forks only with no other thread running; this test process may have
# some (servers of other tests), so the builds below run as `build.py site` does: in a process of their own. The
# code before `main` wraps how a page is rendered, in the build and in every helper forked from it.
DRIVER = """
import logging, os, sys
from pathlib import Path
from scoring.render.site import sitecache
from scoring.cli.main import main
build_pid, render = os.getpid(), sitecache._render_page
{wrap}
sys.exit(main(sys.argv[1:]))
"""
DIES_IN_A_HELPER = """
def wrapped(*args):
    if os.getpid() != build_pid:
        os._exit(3)  # as a helper killed half-way
    return render(*args)
sitecache._render_page = wrapped
"""
WARNS = """
def wrapped(*args):
    logging.getLogger("mkdocs.structure.pages").warning("页面 %s 的提示", args[-1].src_uri)
    (Path(os.environ["PIDS"]) / str(os.getpid())).touch()
    return render(*args)
sitecache._render_page = wrapped
"""


MANY = 40  # evidence files added to the small project: pages enough for helpers (sitequeue.MIN_SHARE each)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project with MANY more evidence files: 44 evidence pages, enough to share over three processes
    (the repository's 77 would cost twice as much to build, four times over, and show nothing more)."""
    project = tmp_path_factory.mktemp("many") / "p"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", project)
    for i in range(MANY):
        (project / "evidence" / "bgs" / f"zixun-{i:02d}.md").write_text(
            f"---\nindicator: zuzhi.zixun\nunit: 政务中心\ndate: 2021-05-{i % 28 + 1:02d}\n"
            f"title: 政策咨询服务记录（第{i + 1}批）\nkind: 台账\nfacts:\n  已开展政策咨询: true\n---\n"
            f"第{i + 1}批咨询台账，记录群众来电咨询的事项和答复。\n", encoding="utf-8")
    return project


def site_process(project: Path, out: Path, jobs: int, wrap: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """``build.py site`` of ``project`` over ``jobs`` processes, in a new process."""
    return subprocess.run([sys.executable, "-c", DRIVER.format(wrap=wrap), "site", "--project", str(project),
                           "--out", str(out), "--jobs", str(jobs)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env}, check=False, timeout=300)


@pytest.fixture(scope="module")
def clean_sample(many: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """``many``'s site from a clean build (MkDocs' own, no cache, one process), once for the two tests below."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return clean_build(many, "site", tmp_path_factory.mktemp("clean"))


def test_pages_rendered_over_several_processes_equal_a_clean_build(many: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  clean_sample: dict[str, bytes]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    done = site_process(many, out, 3)
    assert done.returncode == 0 and "3 个进程并行生成" in done.stdout  # two helpers rendered evidence pages
    first = snapshot(out / "site")
    assert_same(first, clean_sample)  # MkDocs' own build, no cache, one process
    again, reused = site(many, out, capsys)  # the pages the helpers rendered were kept whole in the cache
    assert reused == sum(1 for name in first if name.endswith(".html")) - 1 and again == first


def test_a_helper_that_fails_leaves_its_pages_to_the_build(many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           clean_sample: dict[str, bytes]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    done = site_process(many, out, 2, DIES_IN_A_HELPER)
    assert done.returncode == 0 and "2 个进程并行生成" in done.stdout, done.stderr
    assert_same(snapshot(out / "site"), clean_sample)


def test_what_pages_log_is_reported_alike_whichever_process_renders_them(many: Path, tmp_path: Path) -> None:
    reported = {}
    pids = tmp_path / "pids"
    for jobs in (1, 3):
        shutil.rmtree(pids, ignore_errors=True)
        pids.mkdir()
        done = site_process(many, tmp_path / str(jobs), jobs, WARNS, PIDS=str(pids))
        assert done.returncode == 1  # strict mode: a warning stops the build
        reported[jobs] = done.stdout + done.stderr
        assert len(list(pids.iterdir())) == 1 if jobs == 1 else len(list(pids.iterdir())) >= 2  # helpers rendered
    named = re.findall(r"页面 (evidence/\S+) 的提示", reported[3])
    assert len(named) == MANY + 4 and named == sorted(named, key=lambda uri: uri.split("/"))  # all, in page order
    assert reported[3].replace(str(tmp_path / "3"), "") == reported[1].replace(str(tmp_path / "1"), "")
