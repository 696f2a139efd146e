"""`--strict` on build, watch and check: every warning is an error; such a guide builds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_deck import watch
from interview_deck.build import BuildOptions
from tests.test_cli import run
from tests.test_watch import GUIDE, run_watch

WARNED = """\
# Git — Interview Guide

### 1. Rebase vs merge

**Answer:** Rebase keeps the history linear. ![graph](https://example.com/graph.png)
"""
CLEAN = """\
# Git — Interview Guide

### 1. Rebase vs merge

**Answer:** Rebase keeps the history linear.
"""
WARNING = "image 'https://example.com/graph.png' is not fetched; it shows as its alt text"


def write_guide(folder: Path, name: str, text: str) -> Path:
    """Write a guide into `folder` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(*paths: Path) -> list[tuple[bytes, int]]:
    """Return each file's bytes and modification time, to show it was not replaced."""
    return [(p.read_bytes(), p.stat().st_mtime_ns) for p in paths]


def test_build_strict_turns_warnings_into_errors_and_writes_nothing(tmp_path: Path) -> None:
    guide = write_guide(tmp_path / "guides", "git.md", WARNED)
    out = tmp_path / "out"

    code, stdout, stderr = run("build", str(guide), "--out", str(out), "--strict")

    assert (code, stdout, stderr) == (1, "", f"{guide}:5: error: {WARNING}\n")
    assert not (out / "git.apkg").exists() and not (out / "git.html").exists()


def test_build_strict_keeps_the_previous_outputs_and_no_cached_success(tmp_path: Path) -> None:
    guide = write_guide(tmp_path / "guides", "git.md", WARNED)
    out = tmp_path / "out"
    apkg, html = out / "git.apkg", out / "git.html"
    summary = f"{guide}: 1 questions, 1 cards, 1 warning -> {apkg}, {html}"
    assert run("build", str(guide), "--out", str(out)) == (
        0,
        summary + "\n",
        f"{guide}:5: warning: {WARNING}\n",
    )
    # The lenient build is in the cache now: a second one is not rebuilt.
    assert run("build", str(guide), "--out", str(out))[1] == summary + " (cached)\n"
    before = snapshot(apkg, html)

    code, stdout, stderr = run("build", str(guide), "--out", str(out), "--strict")

    assert (code, stdout, stderr) == (1, "", f"{guide}:5: error: {WARNING}\n")
    assert snapshot(apkg, html) == before
    # The cache entry of the lenient build still serves lenient builds.
    assert run("build", str(guide), "--out", str(out))[1] == summary + " (cached)\n"


def test_build_strict_still_builds_the_guides_without_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "guides"
    clean = write_guide(folder, "clean.md", CLEAN)
    warned = write_guide(folder, "warned.md", WARNED)
    out = tmp_path / "out"

    code, stdout, stderr = run("build", str(folder), "--out", str(out), "--strict")

    assert code == 1
    assert stdout == (
        f"{clean}: 1 questions, 1 cards, 0 warnings -> {out / 'clean.apkg'}, {out / 'clean.html'}\n"
    )
    assert stderr == f"{warned}:5: error: {WARNING}\n"
    assert not (out / "warned.apkg").exists()
    # And a strict build of clean guides only succeeds.
    assert run("build", str(clean), "--out", str(out), "--strict")[0] == 0


def test_check_strict_prints_warnings_as_errors(tmp_path: Path) -> None:
    guide = write_guide(tmp_path, "git.md", WARNED)
    describe = f"{guide}: 1 question; sections: no section 1; difficulty: unrated 1; 1 warning\n"

    assert run("check", str(guide)) == (0, describe, f"{guide}:5: warning: {WARNING}\n")
    assert run("check", "--strict", str(guide)) == (1, "", f"{guide}:5: error: {WARNING}\n")


def test_watch_strict_reports_errors_from_its_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = write_guide(tmp_path / "guides", "git.md", WARNED)
    out = tmp_path / "out"
    seen: list[BuildOptions] = []

    def press_ctrl_c(paths: object, options: BuildOptions, *args: object, **kwargs: object) -> int:
        seen.append(options)
        raise KeyboardInterrupt

    monkeypatch.setattr(watch, "watch_guides", press_ctrl_c)
    code, stdout, stderr = run("watch", str(guide), "--out", str(out), "--strict")

    assert (code, stderr) == (0, f"{guide}:5: error: {WARNING}\n")
    assert stdout == (
        f"Watching {guide} and the templates for changes (Ctrl-C to stop)...\nStopped watching.\n"
    )
    assert [o.strict for o in seen] == [True]
    assert not (out / "git.apkg").exists()


def test_watch_strict_refuses_a_saved_guide_with_a_warning(
    tmp_path: Path, guides: list[Path]
) -> None:
    options = BuildOptions(out_dir=tmp_path / "out", strict=True)
    first = guides[0]
    apkg = tmp_path / "out" / f"{first.stem}.apkg"
    before: list[list[tuple[bytes, int]]] = []

    def add_remote_image() -> None:
        before.append(snapshot(apkg))
        text = GUIDE.read_text(encoding="utf-8")
        image = "![graph](https://example.com/graph.png)\n\n### 1."
        first.write_text(text.replace("### 1.", image, 1), encoding="utf-8")

    _, reported = run_watch(guides, options, add_remote_image)

    assert [(r.path, r.failed) for r in reported] == [(first, True)]
    assert [p.severity for p in reported[0].problems] == ["error"]
    assert reported[0].problems[0].message == WARNING
    assert snapshot(apkg) == before[0]


def test_a_strict_build_uses_the_cache_of_a_guide_without_warnings(tmp_path: Path) -> None:
    guide = write_guide(tmp_path / "guides", "git.md", CLEAN)
    out = tmp_path / "out"
    summary = f"{guide}: 1 questions, 1 cards, 0 warnings -> {out / 'git.apkg'}, {out / 'git.html'}"
    assert run("build", str(guide), "--out", str(out)) == (0, summary + "\n", "")

    assert run("build", str(guide), "--out", str(out), "--strict") == (
        0,
        summary + " (cached)\n",
        "",
    )
