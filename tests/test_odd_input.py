"""Odd input gets a plain message, never a traceback, a forged line or a silent overwrite."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import zipfile
from datetime import UTC, datetime
from importlib.metadata import requires
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from interview_deck.build import BuildOptions, build
from interview_deck.cli import cli
from tests.conftest import import_apkg

GOOD = "# T\n\n### 1. Q\n**Question:** Why?\n**Answer:** Because.\n"


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr (never a traceback)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def visible_files(folder: Path) -> list[str]:
    """Return the names of the outputs in a folder (not hidden files such as the cache)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


# Dates and SOURCE_DATE_EPOCH


def test_a_guide_dated_2200_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    guide = tmp_path / "future.md"
    guide.write_text(GOOD, encoding="utf-8")
    when = datetime(2200, 1, 1, tzinfo=UTC).timestamp()
    os.utime(guide, (when, when))

    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))

    assert not result.failed, [str(p) for p in result.problems]
    with zipfile.ZipFile(tmp_path / "out" / "future.apkg") as archive:
        # A zip cannot hold a date after 2107, so the entries say 2107.
        assert {info.date_time[0] for info in archive.infolist()} == {2107}


@pytest.mark.parametrize("value", ["abc", "1e9", "99999999999999", "-5", "１２３", "\x1b]0;x\x07"])
def test_a_malformed_source_date_epoch_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)

    code, out, err = run("build", str(guide), "--out", str(tmp_path / "out"))

    assert (code, out) == (1, "")
    # Quoted as Python would, so that control characters show as escapes.
    assert err == (
        f"error: SOURCE_DATE_EPOCH is {value!r}; it must be a whole number of seconds since "
        "1970-01-01 UTC, at most 4354819198 (2107, the last year a zip file can hold)\n"
    )
    assert "\x1b" not in err
    assert not (tmp_path / "out").exists()


def test_the_latest_source_date_epoch_a_zip_can_hold_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4354819198")
    assert run("build", str(guide), "--out", str(tmp_path / "out"))[0] == 0


# watch needs nothing extra


def test_watchfiles_is_installed_with_the_tool() -> None:
    # `watch` is a main command: `make deck` (pip install -e .) must bring what it needs.
    plain = [r for r in requires("interview-deck") or [] if "extra ==" not in r]
    assert any(r.startswith("watchfiles") for r in plain), plain


# Two guides with one file name


def test_two_guides_with_one_file_name_in_two_folders_get_their_own_outputs(
    tmp_path: Path, collection: Any
) -> None:
    # Folders are mirrored (issue 13), so one file name in two folders is no clash.
    library = tmp_path / "library"
    for folder in ("a", "b"):
        (library / folder).mkdir(parents=True)
        (library / folder / "git.md").write_text(GOOD.replace("# T", f"# Git {folder}"))
    out = tmp_path / "out"

    code, stdout, err = run("build", str(library), "--out", str(out))

    assert (code, err) == (0, "")
    assert len(stdout.splitlines()) == 2
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        ".cache/code/a/git.json",
        ".cache/code/b/git.json",
        ".cache/guides/a/git.json",
        ".cache/guides/b/git.json",
        "a/git.apkg",
        "a/git.html",
        "b/git.apkg",
        "b/git.html",
    ]
    # Each guide's one question is a note of its own in Anki, in its own deck.
    for folder in ("a", "b"):
        import_apkg(collection, out / folder / "git.apkg")
    notes = [collection.get_note(n) for n in collection.find_notes("")]  # type: ignore[attr-defined]
    assert sorted(note["Topic"] for note in notes) == ["Git a", "Git b"]


@pytest.mark.parametrize("second_name", ["git.md", "Git.md"])
def test_two_guides_that_would_still_share_outputs_are_an_error_naming_the_first(
    tmp_path: Path, second_name: str
) -> None:
    first, second = tmp_path / "a" / "git.md", tmp_path / "b" / second_name
    other = tmp_path / "b" / "other.md"
    for path, title in ((first, "# First"), (second, "# Second"), (other, "# Other")):
        path.parent.mkdir(exist_ok=True)
        path.write_text(GOOD.replace("# T", title), encoding="utf-8")
    out = tmp_path / "out"

    # Both are at the top of what is built, so both would write out/git.apkg (on macOS
    # and Windows out/Git.apkg is that file too).
    code, stdout, err = run("build", str(first), str(tmp_path / "b"), "--out", str(out))

    assert code == 1
    assert err == (
        f"{second}:0: error: {second.stem} is also the name of {first}: they would share "
        "outputs; build their common folder\n"
    )
    assert stdout.splitlines()[0].startswith(f"{first}: 1 questions")
    assert stdout.splitlines()[1].startswith(f"{other}: 1 questions")
    assert visible_files(out) == ["git.apkg", "git.html", "other.apkg", "other.html"]
    # The first guide's outputs are its own: the second did not overwrite them.
    assert "<title>First</title>" in (out / "git.html").read_text(encoding="utf-8")


def test_one_guide_named_by_two_paths_is_built_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run("build", "g.md", str(guide), "--out", "out")
    assert (code, err) == (0, "")
    assert len(stdout.splitlines()) == 1


# Control characters never reach the terminal


def test_control_characters_in_a_title_are_escaped(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        "# T\n\n### 1. Red \x1b[31mtitle\x1b]0;owned\x07\n**Question:** Why?\n"
        "### 2. Red \x1b[31mtitle\x1b]0;owned\x07\n**Question:** Why?\n**Answer:** A.\n",
        encoding="utf-8",
    )
    # The first question has no answer: a warning naming it, fatal under --strict.
    code, _, err = run("check", "--strict", str(guide))
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "Red \\x1b[31mtitle\\x1b]0;owned\\x07" in err


def test_a_file_name_cannot_forge_a_line(tmp_path: Path) -> None:
    guide = tmp_path / "evil\n/x.md:9: warning: fake\x1b[2K.md"
    guide.parent.mkdir(parents=True)
    guide.write_bytes(b"")
    code, _, err = run("check", str(guide))
    assert code == 1
    # One line, whose location is the real one: line 1, where the (empty) file begins.
    [line] = err.splitlines()
    assert line == (
        f"{tmp_path}/evil\\x0a/x.md\\x3a9: warning: fake\\x1b[2K.md:1: error: file is empty"
    )


def test_an_image_path_with_control_characters_is_escaped(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(GOOD.replace("Because.", "![x](%1B[31mred.png)"), encoding="utf-8")
    _, _, err = run("check", str(guide))
    assert "\x1b" not in err
    assert "image '\\x1b[31mred.png' not found next to the guide" in err


# Low


def test_hidden_files_in_a_folder_are_not_guides(tmp_path: Path) -> None:
    folder = tmp_path / "guides"
    folder.mkdir()
    (folder / "g.md").write_text(GOOD, encoding="utf-8")
    (folder / ".draft.md").write_text(GOOD, encoding="utf-8")
    # macOS leaves these beside files copied to other disks: binary, never a guide.
    (folder / "._g.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    code, stdout, err = run("build", str(folder), "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert visible_files(tmp_path / "out") == ["g.apkg", "g.html"]
    assert len(stdout.splitlines()) == 1


def test_a_guide_named_like_a_glob_clears_its_own_stale_temporaries(tmp_path: Path) -> None:
    guide, out = tmp_path / "[ab].md", tmp_path / "out"
    guide.write_text(GOOD, encoding="utf-8")
    out.mkdir()
    own, others = out / ".[ab].apkg.x1.tmp", out / ".a.apkg.x2.tmp"
    for path in (own, others):
        path.write_bytes(b"left by a killed build")
        two_hours_ago = time.time() - 7200
        os.utime(path, (two_hours_ago, two_hours_ago))
    assert run("build", str(guide), "--out", str(out))[0] == 0
    assert not own.exists()
    # `.a.apkg…` matches the glob `.[ab].apkg.*.tmp` but belongs to a guide named `a.md`.
    assert others.exists()


def test_an_image_nested_in_its_own_alt_text_gives_one_error(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    nested = "x"
    for _ in range(3000):
        nested = f"![{nested}](gone.png)"
    guide.write_text(GOOD.replace("Because.", nested), encoding="utf-8")
    code, _, err = run("check", str(guide))
    assert code == 1
    assert err == f"{guide}:5: error: image 'gone.png' not found next to the guide\n"


def test_a_guide_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    # A build that opens the FIFO to read waits for a writer: each minute this thread becomes
    # one (and the build goes on, to read it again or to pass), until the build is done.
    done = threading.Event()

    def feed() -> None:
        while not done.wait(60):
            with contextlib.suppress(OSError):
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                os.write(writer, GOOD.encode())
                os.close(writer)

    thread = threading.Thread(target=feed)
    thread.start()
    try:
        code, out, err = run("build", str(fifo), "--out", str(tmp_path / "out"))
    finally:
        done.set()
        thread.join()

    assert (code, out, err) == (1, "", f"{fifo}:0: error: not a regular file, not a guide\n")


def test_a_fifo_in_place_of_the_previous_deck_is_not_read(tmp_path: Path) -> None:
    # The previous package is read back for its notes' times (issue 15); a FIFO there would
    # wait for a writer. A minute on, this thread becomes one, and notes that it had to.
    guide, out = tmp_path / "g.md", tmp_path / "out"
    guide.write_text(GOOD, encoding="utf-8")
    out.mkdir()
    fifo = out / "g.apkg"
    os.mkfifo(fifo)
    done, waited = threading.Event(), threading.Event()

    def unblock() -> None:
        if done.wait(60):
            return
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            waited.set()

    thread = threading.Thread(target=unblock)
    thread.start()
    try:
        code, out_text, err = run("build", str(guide), "--out", str(out))
    finally:
        done.set()
        thread.join()

    assert not waited.is_set()
    assert (code, err) == (0, "")
    assert out_text.startswith(f"{guide}: 1 questions, 1 cards")
    with zipfile.ZipFile(fifo) as archive:
        assert archive.testzip() is None


def test_the_summary_line_escapes_the_file_name(tmp_path: Path) -> None:
    guide = tmp_path / "bell\x07\x1b]0;owned\x07.md"
    guide.write_text(GOOD, encoding="utf-8")
    code, out, err = run("build", str(guide), "--out", str(tmp_path / "out"))
    assert (code, err) == (0, "")
    assert out.startswith(f"{tmp_path}/bell\\x07\\x1b]0;owned\\x07.md: 1 questions, 1 cards")
    assert "\x1b" not in out and "\x07" not in out
