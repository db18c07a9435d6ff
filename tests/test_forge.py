"""Links to the forge (scoring/render/site/forge.py): URL building on inline data, then real sites in a real Chromium.

Six small sites of the test_site sample (the mini fixture plus files with attachments) are built in
this process: for a GitHub, a Gitea (declared host), a Forgejo (codeberg.org) and a GitLab
repository, one without a repository and one public edition. Chromium reads the links off the
pages; the template a link carries (or GitLab's copyable one), saved as the file it names with its
facts filled in, must pass ``check --strict``.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import yaml
from test_browser import Chromium, chromium, serving
from test_site import EPOCH, JIXIAO, build, png, write

from scoring.cli.main import main
from scoring.core.problems import DataError
from scoring.load.load import load_scheme
from scoring.render.site import forge as forgemod
from scoring.render.site.forge import URL_LIMIT, Forge, ForgeLinks, from_config

REPO = Path(__file__).resolve().parent.parent
CONFIG = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
AS_OF = date.fromtimestamp(int(EPOCH))

SITES: dict[str, str] = {  # name → what mkdocs.yml adds
    "github": "repo_url: https://github.com/jcsp/kaohe\n",
    "gitea": "repo_url: https://git.example.gov.cn/zwgk/kaohe.git\nextra:\n  forge: {kind: gitea, branch: master}\n",
    "forgejo": "repo_url: https://codeberg.org/zwgk/kaohe\n",
    "gitlab": "repo_url: https://gitlab.com/zwgk/kaohe\n",
    "none": "",
}
BASES = {"github": "https://github.com/jcsp/kaohe", "gitea": "https://git.example.gov.cn/zwgk/kaohe",
         "forgejo": "https://codeberg.org/zwgk/kaohe", "gitlab": "https://gitlab.com/zwgk/kaohe"}


def sample(root: Path) -> Path:
    """The mini fixture, one row short of evidence, plus a file with attachments (test_site's)."""
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root)
    (root / "evidence" / "zonghe" / "截图.png").write_bytes(png())
    (root / "evidence" / "zonghe" / "说明.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    write(root, "zonghe/jixiao.md", JIXIAO)
    (root / "evidence" / "bgs" / "zixun.md").unlink()  # zuzhi.zixun lacks its fact: on 办公室's to-do list
    return root


# --- URL building, on inline data -----------------------------------------------------------------


def test_each_forge_new_edit_and_upload_urls() -> None:
    path, text = "evidence/zonghe/2021-03-18-zonghe-a.b.md", "a: 1\n# 说明 & 100%"
    gh, gt, gl = Forge("github", "https://h/o/r"), Forge("gitea", "https://h/o/r", "dev"), Forge("gitlab", "https://h/o/r")
    assert gh.new_file(path, text) == ("https://h/o/r/new/main?filename=evidence/zonghe/2021-03-18-zonghe-a.b.md"
                                       "&value=a%3A%201%0A%23%20%E8%AF%B4%E6%98%8E%20%26%20100%25")
    assert gt.new_file(path, None) == "https://h/o/r/_new/dev/evidence/zonghe?filename=2021-03-18-zonghe-a.b.md"
    assert gl.new_file(path, text) == "https://h/o/r/-/new/main?file_name=evidence/zonghe/2021-03-18-zonghe-a.b.md"
    assert Forge("forgejo", "https://h/o/r").edit("evidence/x y#.md") == "https://h/o/r/_edit/main/evidence/x%20y%23.md"
    assert gh.edit("evidence/a.md") == "https://h/o/r/edit/main/evidence/a.md"
    assert gl.edit("evidence/a.md") == "https://h/o/r/-/edit/main/evidence/a.md"
    assert gh.upload("evidence/综合") == "https://h/o/r/upload/main/evidence/%E7%BB%BC%E5%90%88"
    assert gt.upload("evidence/z") == "https://h/o/r/_upload/dev/evidence/z"
    assert gl.upload("evidence/z") == "https://h/o/r/-/tree/main/evidence/z"
    assert (gh.prefills, gt.prefills, gl.prefills) == (True, True, False)


def test_config_detects_or_needs_the_kind(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nrepo_url: https://git.intra/zwgk/kaohe\n", encoding="utf-8")
    assert from_config(None, {}, config) is None
    assert from_config("https://github.com/a/b/", None, config) == Forge("github", "https://github.com/a/b")
    assert from_config("https://codeberg.org/a/b.git", {}, config) == Forge("forgejo", "https://codeberg.org/a/b")
    declared = from_config("https://git.intra/zwgk/kaohe", {"forge": {"kind": "gitlab", "branch": "master"}}, config)
    assert declared == Forge("gitlab", "https://git.intra/zwgk/kaohe", "master")
    for url, extra, words in (("https://git.intra/zwgk/kaohe", {}, "extra.forge.kind"),
                              ("https://git.intra/zwgk/kaohe", {"forge": {"kind": "gogs"}}, "gogs"),
                              ("git@git.intra:zwgk/kaohe.git", {}, "网页地址")):
        with pytest.raises(DataError) as caught:
            from_config(url, extra, config)
        problem = caught.value.problems[0]
        assert words in problem.message and problem.path == str(config)
    with pytest.raises(DataError) as caught:
        from_config("https://git.intra/zwgk/kaohe", {}, config)
    assert caught.value.problems[0].line == 2  # the repo_url line


def test_an_undeclared_host_stops_the_site_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = sample(tmp_path / "p")
    (project / "mkdocs.yml").write_text(CONFIG + "repo_url: https://git.intra.gov.cn/zwgk/kaohe\n", encoding="utf-8")
    assert build(project, tmp_path / "out", "--jobs", "1") == 1
    err = capsys.readouterr().err
    line = len(CONFIG.splitlines()) + 1
    assert f"mkdocs.yml:{line}: 错误：无法从 repo_url 的主机 git.intra.gov.cn 判断代码托管平台的类型" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_a_long_template_is_shortened_then_left_to_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    scheme, _ = load_scheme(REPO / "tests" / "fixtures" / "mini")
    assert scheme is not None
    links = ForgeLinks(Forge("github", "https://h/o/r"), REPO / "tests" / "fixtures" / "mini", scheme, AS_OF)
    row = scheme.indicator("zuzhi.yanjiu")
    assert row is not None
    full = links.row_offers(row)[0]
    assert full.prefilled and unquote(parse_qs(urlsplit(full.url).query)["value"][0]) == full.template
    assert len(full.url) <= URL_LIMIT
    monkeypatch.setattr(forgemod, "URL_LIMIT", len(full.url) - 1)
    short = ForgeLinks(links.forge, links.root, scheme, AS_OF).row_offers(row)[0]
    value = parse_qs(urlsplit(short.url).query)["value"][0]
    assert short.prefilled and "#" not in value and "研究事项: 待填写" in value and len(short.url) < len(full.url)
    monkeypatch.setattr(forgemod, "URL_LIMIT", 100)
    none = ForgeLinks(links.forge, links.root, scheme, AS_OF).row_offers(row)[0]
    assert not none.prefilled and "value=" not in none.url and none.path in unquote(none.url)


# --- real sites in Chromium -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("forge")
    out: dict[str, Path] = {}
    for name, extra in (*SITES.items(), ("public", SITES["github"])):
        project = sample(base / name)
        for ev in (project / "evidence").rglob("*.md"):  # the public edition shows only public evidence
            if name == "public" and ev.name == "yanjiu.md":
                ev.write_text(ev.read_text(encoding="utf-8").replace("kind: 会议纪要", "kind: 会议纪要\nvisibility: public"),
                              encoding="utf-8")
        (project / "mkdocs.yml").write_text(CONFIG + extra, encoding="utf-8")
        args = ("--edition", "public") if name == "public" else ()
        assert build(project, base / f"{name}-out", "--jobs", "1", *args) == 0
        out[name] = base / f"{name}-out" / "site"
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


def links_on(browser: Chromium, site_dir: Path, page: str, selector: str) -> list[dict[str, Any]]:
    with serving(site_dir) as url:
        browser.open(url + page)
        found: list[dict[str, Any]] = browser.js(
            f"[...document.querySelectorAll({selector!r})].map(a => ({{href: a.href, text: a.textContent,"
            " path: a.dataset.path}))")
    return found


def fill(template: str, project: Path) -> str:
    """The template as a member of staff completes it: title, kind, every fact, the body."""
    scheme, _ = load_scheme(project)
    assert scheme is not None
    head = yaml.safe_load(template.split("---\n")[1])
    row = scheme.indicator(head["indicator"])
    assert row is not None
    values = {"count": "3", "number": "3", "flag": "true", "date": "[2021-07-30, 2021-09-29, 2021-11-29]"}
    text = re.sub(r"^title: .*$", "title: 补充材料", template, flags=re.M)
    text = re.sub(r"^kind: .*$", "kind: 会议纪要", text, flags=re.M)
    for spec in row.facts:
        text = text.replace(f"  {spec.name}: 待填写", f"  {spec.name}: {values.get(spec.type) or f'[{spec.options[0]}]'}")
    return re.sub(r"^待填写：.*$", "2021年某日办理，原件存办公室。", text, flags=re.M)


def saved_passes_check(tmp_path: Path, path: str, template: str) -> None:
    project = sample(tmp_path / "check")
    target = project / path
    assert not target.exists()
    target.write_text(fill(template, project), encoding="utf-8")
    assert main(["check", "--strict", "--project", str(project)]) == 0
    shutil.rmtree(project)


@pytest.mark.parametrize("kind", ["github", "gitea", "forgejo", "gitlab"])
def test_row_page_offers_a_new_file_that_passes_check(kind: str, sites: dict[str, Path], browser: Chromium,
                                                      tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    offers = links_on(browser, sites[kind], "scheme/zuzhi/", "a.zwgk-forge-new")
    mine = [o for o in offers if "zuzhi.yanjiu" in o["path"]]
    assert len(mine) == 1 and mine[0]["text"] == "在线提交材料（综合组）"
    path = f"evidence/zonghe/{AS_OF.isoformat()}-zonghe-zuzhi.yanjiu.md"
    assert mine[0]["path"] == path
    parts = urlsplit(mine[0]["href"])
    query = parse_qs(parts.query)
    base = urlsplit(BASES[kind]).path
    if kind == "github":
        assert parts.path == f"{base}/new/main" and query["filename"] == [path]
    elif kind == "gitlab":
        assert parts.path == f"{base}/-/new/main" and query["file_name"] == [path] and "value" not in query
    else:
        branch = "master" if kind == "gitea" else "main"
        assert unquote(parts.path) + "/" + query["filename"][0] == f"{base}/_new/{branch}/{path}"
    if kind == "gitlab":  # the page shows the template to copy, and a button copying exactly it
        with serving(sites[kind]) as url:
            browser.open(url + "scheme/zuzhi/")
            template = browser.js("document.querySelector('#zwgk-tpl-zuzhi-yanjiu-zonghe').value")
            copied = browser.js("[...document.querySelectorAll('button.zwgk-forge-copy')]"
                                ".map(b => document.querySelector(b.dataset.clipboardTarget).value)")
        assert template.startswith("---\n") and template in copied
    else:
        template = query["value"][0]
    assert "indicator: zuzhi.yanjiu" in template and "unit: 综合组" in template
    saved_passes_check(tmp_path, path, template)
    capsys.readouterr()


def test_todo_lines_and_evidence_pages_link_to_the_forge(sites: dict[str, Path], browser: Chromium) -> None:
    todo = links_on(browser, sites["github"], "units/bgs/", "a.zwgk-forge-new")
    assert todo and all(o["path"].startswith("evidence/bgs/") and o["text"] == "在线提交材料" for o in todo)
    assert all(unquote(urlsplit(o["href"]).query).startswith(f"filename={o['path']}&value=---\n") for o in todo)
    for kind, edit in (("github", "/edit/main/"), ("gitea", "/_edit/master/"), ("forgejo", "/_edit/main/"),
                       ("gitlab", "/-/edit/main/")):
        edits = links_on(browser, sites[kind], "evidence/jixiao/", "a.zwgk-forge-edit")
        assert [e["href"] for e in edits] == [f"{BASES[kind]}{edit}evidence/zonghe/jixiao.md"]
        uploads = links_on(browser, sites[kind], "evidence/jixiao/", "a.zwgk-forge-upload")
        assert len(uploads) == 1 and uploads[0]["href"].endswith("/evidence/zonghe")
    assert links_on(browser, sites["github"], "evidence/yanjiu/", "a.zwgk-forge-upload") == []  # no attachments


def test_no_links_without_a_repository_or_in_the_public_edition(sites: dict[str, Path], browser: Chromium) -> None:
    for name in ("none", "public"):
        for page in ("scheme/zuzhi/", "evidence/jixiao/"):
            assert links_on(browser, sites[name], page, "a[class^=zwgk-forge], .zwgk-forge") == []
        text = "".join(p.read_text(encoding="utf-8") for p in sites[name].rglob("*.html"))
        assert "在线提交材料" not in text and "在线修改" not in text and "jcsp/kaohe" not in text
    assert (sites["public"] / "evidence" / "yanjiu" / "index.html").exists()  # the page is there, without links
