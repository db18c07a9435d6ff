"""A change to the program or its configuration is named as such in the pull-request comment,
CODEOWNERS routes the same paths to maintainers, and check never runs or reads the project's configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_diff import commit_all, repo  # noqa: F401  (the fixture)

from scoring.cli.main import main
from scoring.gather import codechange

ROOT = Path(__file__).resolve().parent.parent


def test_code_paths_are_told_from_data() -> None:
    assert codechange.code_paths(["evidence/zonghe/a.md", "indicators/01.yaml", "mkdocs.yml", "scoring/load/load.py",
                                  ".github/workflows/ci.yml", "constraints.txt", "site_templates/site/x.j2",
                                  "build.py", "docs/site.md"]) == (
        ".github/workflows/ci.yml", "build.py", "constraints.txt", "mkdocs.yml", "scoring/load/load.py",
        "site_templates/site/x.j2")


def test_evidence_only_pull_request_has_no_notice(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert main(["diff", "HEAD~1", "HEAD", "--project", str(repo)]) == 0
    assert codechange.NOTICE not in capsys.readouterr().out


def test_configuration_change_is_called_out(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    (repo / "mkdocs.yml").write_text("site_name: x\nhooks: [evil.py]\n", encoding="utf-8")
    (repo / "scoring").mkdir()
    (repo / "scoring" / "evil.py").write_text("print('hi')\n", encoding="utf-8")
    commit_all(repo, "改配置", "2021-12-03T10:00:00+08:00")
    assert main(["diff", "HEAD~1", "HEAD", "--project", str(repo)]) == 0
    out = capsys.readouterr().out
    assert f"> **{codechange.NOTICE}**：`mkdocs.yml`、`scoring/evil.py`" in out
    (repo / "build.py").write_text("# changed\n", encoding="utf-8")  # uncommitted: the working tree counts
    assert main(["diff", "HEAD", "--project", str(repo)]) == 0
    assert "`build.py`" in capsys.readouterr().out


def test_codeowners_routes_every_code_path_to_maintainers() -> None:
    rules = [line.split() for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    owned = {pattern.strip("/") for pattern, *owners in rules if owners}
    for path in codechange.CODE_PATHS:
        assert path.rstrip("/") in owned, path


def test_check_never_reads_mkdocs_yml_nor_runs_project_code(mini: Path) -> None:
    marker = mini / "ran.txt"
    (mini / "mkdocs.yml").write_text(f"site_name: !!python/object/apply:os.system ['touch {marker}']\n"
                                     "hooks: [hook.py]\n", encoding="utf-8")
    (mini / "hook.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    (mini / "build.py").write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    probe = ("import sys; from scoring.cli.main import main; code = main(sys.argv[1:]);"
             "assert 'mkdocs' not in sys.modules, 'check imported mkdocs'; sys.exit(code)")
    for command in ("check", "score"):
        done = subprocess.run([sys.executable, "-c", probe, command, "--project", str(mini)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
