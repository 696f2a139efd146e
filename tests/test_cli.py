"""Command-line tests: exit codes, summary lines and the exact text of errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_deck.cli import cli

from .conftest import FIXTURES, GUIDE, REPO


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_check_users_guide_exits_0_with_its_counts() -> None:
    code, out, err = run("check", str(GUIDE))
    assert (code, out, err) == (
        0,
        f"{GUIDE}: 30 questions; sections: Theory 20, Coding 10; "
        "difficulty: Easy 9, Medium 21; 0 warnings\n",
        "",
    )


def test_build_writes_deck_and_sheet_and_prints_summary(tmp_path: Path) -> None:
    code, out, err = run("build", str(GUIDE), "--out", str(tmp_path))
    assert code == 0, err
    apkg, html = tmp_path / "python-modules.apkg", tmp_path / "python-modules.html"
    assert apkg.stat().st_size > 0 and html.stat().st_size > 0
    assert out.splitlines()[-1] == (
        f"{GUIDE}: 30 questions, 30 cards, 0 warnings -> {apkg}, {html}"
    )


def test_build_a_folder_builds_each_guide(tmp_path: Path) -> None:
    folder = tmp_path / "guides"
    folder.mkdir()
    for name in ("no-difficulty.md", "part-headings.md"):
        shutil.copy(FIXTURES / "guides" / name, folder / name)
    code, out, _ = run("build", str(folder), "--out", str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "no-difficulty.apkg",
        "no-difficulty.html",
        "part-headings.apkg",
        "part-headings.html",
    ]
    assert [line.split(":")[0] for line in out.splitlines()] == [
        str(folder / "no-difficulty.md"),
        str(folder / "part-headings.md"),
    ]


def test_check_prints_warnings_and_strict_makes_them_fatal() -> None:
    guide = FIXTURES / "guides" / "declared-count-mismatch.md"
    code, _, err = run("check", str(guide))
    assert code == 0
    assert err.splitlines()[0] == f"{guide}:1: warning: heading declares 5 questions but 2 follow"
    assert len(err.splitlines()) == 4
    code, _, _ = run("check", "--strict", str(guide))
    assert code == 1


def test_missing_path_is_an_error_with_path_and_line() -> None:
    code, out, err = run("check", "no/such/guide.md")
    assert (code, out, err) == (1, "", "no/such/guide.md:0: error: no such file or folder\n")


def test_check_reports_errors_with_exit_1(tmp_path: Path) -> None:
    guide = tmp_path / "broken.md"
    guide.write_text("# T\n\n### 1. Q\n**Question:** Why?\n", encoding="utf-8")
    code, _, err = run("check", str(guide))
    assert (code, err) == (1, f"{guide}:3: error: question 1 'Q' has no answer field\n")


def test_help_lists_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "build" in out and "check" in out
    assert "Turn Markdown interview guides" in out


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "build_deck.py"],
        [sys.executable, "-m", "interview_deck"],
        [str(Path(sys.executable).parent / "interview-deck")],
    ],
    ids=["build_deck.py", "python -m", "console script"],
)
def test_entry_points_behave_the_same(command: list[str]) -> None:
    if not Path(command[0]).exists():
        pytest.skip("console script not installed")
    result = subprocess.run(
        [*command, "check", "no-such.md"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (
        1,
        "no-such.md:0: error: no such file or folder\n",
    )


def test_explain_lists_every_question_of_the_users_guide() -> None:
    result = CliRunner().invoke(cli, ["explain", str(GUIDE)])
    assert result.exit_code == 0
    rows = [line for line in result.output.splitlines() if re.match(r"^\s+\d+\. ", line)]
    assert len(rows) == 30
    assert rows[0].strip().startswith("1. ")


def test_explain_shows_roles_rules_and_sides(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        "# Go Interview Guide\n\n## Easy\n\n### 1. What is nil?\n\n"
        "**Answer:** The zero value of pointers, maps and slices.\n"
    )
    result = CliRunner().invoke(cli, ["explain", str(guide)])
    assert result.exit_code == 0
    assert result.output == (
        f"{guide}: 1 questions, topic 'Go'\n"
        "\n"
        "blocks:\n"
        "      1  title       heading\n"
        "      3  level       heading\n"
        "      5  question    question heading\n"
        "      7  label       field\n"
        "\n"
        "questions:\n"
        "    1. What is nil?  (line 5; Easy)\n"
        "       front: What is nil?\n"
        "       back:  The zero value of pointers, maps …\n"
    )


def test_explain_of_a_guide_that_cannot_build_exits_1(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text("# Notes\n\nJust prose.\n")
    result = CliRunner().invoke(cli, ["explain", str(guide)])
    assert result.exit_code == 1
    assert f"{guide}:1: error: no questions found" in result.output
