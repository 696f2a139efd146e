"""Nothing lost: a killed build or two builds at once never leave a half-written output."""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from interview_deck.build import BuildOptions, build

from .conftest import GUIDE, REPO
from .test_scale import count_notes, generate_guide

# The file size limit of the build that fails midway.
LIMIT = 400_000


def start_build(*args: str) -> subprocess.Popen[bytes]:
    """Start `interview-deck build` in its own process."""
    command = [sys.executable, "-m", "interview_deck", "build", *args]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def assert_complete_deck(apkg: Path, questions: int) -> None:
    """The .apkg is a whole zip whose collection holds every question."""
    with zipfile.ZipFile(apkg) as archive:
        assert archive.testzip() is None
    assert count_notes(apkg) == questions


def assert_complete_sheet(html: Path, questions: int) -> None:
    """The cheat sheet is a whole page with every question."""
    text = html.read_text(encoding="utf-8")
    assert text.rstrip().endswith("</html>")
    assert text.count('<article class="question"') == questions


@pytest.mark.slow
def test_sigkill_while_writing_leaves_previous_or_complete_files(tmp_path: Path) -> None:
    guide, out = tmp_path / "huge.md", tmp_path / "out"
    guide.write_text(generate_guide(20), encoding="utf-8")
    [previous] = build([guide], BuildOptions(out_dir=out))
    assert not previous.failed
    before = {p.name: p.read_bytes() for p in previous.outputs}

    guide.write_text(generate_guide(3000), encoding="utf-8")
    process = start_build(str(guide), "--out", str(out))
    seen: list[str] = []
    while process.poll() is None and not seen:
        seen = [p.name for p in out.iterdir() if p.name.endswith(".tmp") and "huge" in p.name]
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Killed while a temporary output existed: the build was cut off mid-write.
    assert seen and process.returncode == -signal.SIGKILL

    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["huge.apkg", "huge.html"]
    for name, old in before.items():
        path = out / name
        if path.read_bytes() == old:
            continue
        if name.endswith(".apkg"):
            assert_complete_deck(path, 3000)
        else:
            assert_complete_sheet(path, 3000)


def test_two_builds_at_once_into_one_folder_both_write_valid_files(tmp_path: Path) -> None:
    folder, out = tmp_path / "guides", tmp_path / "out"
    folder.mkdir()
    for name in ("alpha", "beta"):
        (folder / f"{name}.md").write_text(generate_guide(300, topic=name), encoding="utf-8")
    processes = [start_build(str(folder), "--out", str(out), "--jobs", "1") for _ in range(2)]
    outcomes = [(p.communicate()[1], p.returncode) for p in processes]
    assert outcomes == [(b"", 0), (b"", 0)]
    for name in ("alpha", "beta"):
        assert_complete_deck(out / f"{name}.apkg", 300)
        assert_complete_sheet(out / f"{name}.html", 300)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_killed_builds_old_temporary_files_are_removed_and_young_ones_kept(
    tmp_path: Path,
) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(generate_guide(3), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    stale, young = out / ".g.apkg.stale.tmp", out / ".g.apkg.young.tmp"
    stale.write_bytes(b"half a zip")
    young.write_bytes(b"another build's file")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    results = build([guide], BuildOptions(out_dir=out))
    assert not results[0].failed
    assert not stale.exists()
    assert young.read_bytes() == b"another build's file"


def snapshot_outputs(out: Path) -> dict[str, bytes]:
    """Return the visible outputs in a folder by name."""
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_a_write_failing_midway_replaces_none_of_the_guides_outputs(tmp_path: Path) -> None:
    guide, out = tmp_path / "python-modules.md", tmp_path / "out"
    # An image that does not compress goes into the deck once and into the sheet as base64,
    # a third larger: the sheet is then the one output that a file size limit can stop.
    (tmp_path / "figure.png").write_bytes(random.Random(0).randbytes(300_000))
    with_image = GUIDE.read_text(encoding="utf-8").replace(
        "Interview Guide (30 Questions)\n",
        "Interview Guide (30 Questions)\n\n![a figure](figure.png)\n",
        1,
    )
    guide.write_text(with_image, encoding="utf-8")
    [first] = build([guide], BuildOptions(out_dir=out))
    assert not first.failed
    before = snapshot_outputs(out)
    assert sorted(before) == ["python-modules.apkg", "python-modules.html"]
    # The deck (and the database it is made from) fit under this file size limit; the sheet
    # does not, as if the disk filled up between the two.
    assert len(before["python-modules.apkg"]) < LIMIT < len(before["python-modules.html"])
    guide.write_text(with_image.replace("Script", "Scripts"), encoding="utf-8")

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    process = subprocess.run(
        [sys.executable, "-m", "interview_deck", "build", str(guide), "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        check=False,
    )

    assert process.returncode == 1
    sheet = out / "python-modules.html"
    assert process.stderr == f"{sheet}:0: error: cannot write: File too large\n"
    assert snapshot_outputs(out) == before
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failing_pdf_replaces_none_of_the_guides_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide, out = tmp_path / "python-modules.md", tmp_path / "out"
    guide.write_bytes(GUIDE.read_bytes())
    build([guide], BuildOptions(out_dir=out))
    (out / "python-modules.pdf").write_bytes(b"%PDF- the one printed last week")
    before = snapshot_outputs(out)
    guide.write_text(GUIDE.read_text(encoding="utf-8").replace("Script", "Scripts"))
    # A "browser" that exits at once without printing.
    monkeypatch.setenv("CHROMIUM", "false")

    [result] = build([guide], BuildOptions(out_dir=out, pdf=True))

    assert [(p.path.name, p.severity) for p in result.problems] == [("python-modules.pdf", "error")]
    assert "cannot print the PDF with Chromium" in result.problems[0].message
    assert snapshot_outputs(out) == before
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []


def test_a_removal_seen_by_a_failed_build_is_still_reported_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The previous package is the record of what was removed (issue 15): a deck renamed into
    # place without its sheet and PDF would hold the flag, and the next build would not say so.
    guide, out = tmp_path / "python-modules.md", tmp_path / "out"
    guide.write_bytes(GUIDE.read_bytes())
    [first] = build([guide], BuildOptions(out_dir=out))
    text = guide.read_text(encoding="utf-8")
    start, end = text.index("### 12. "), text.index("### 13. ")
    guide.write_text(text[:start] + text[end:], encoding="utf-8")
    before = snapshot_outputs(out)
    monkeypatch.setenv("CHROMIUM", "false")

    [failed] = build([guide], BuildOptions(out_dir=out, pdf=True))

    assert failed.failed and failed.removed == ()
    assert snapshot_outputs(out) == before
    monkeypatch.delenv("CHROMIUM")

    [rebuilt] = build([guide], BuildOptions(out_dir=out))

    assert not rebuilt.failed
    assert rebuilt.removed == ("Namespace Packages (Python 3.3+)",)
    assert count_notes(out / "python-modules.apkg") == first.cards == 30


# Runs the CLI with each guide's build taking two minutes in the workers, and leaves a mark
# when a worker starts and when it would have finished.
SLOW_BUILD = """
import os, sys, time
from pathlib import Path
from interview_deck import build

marks = Path(sys.argv[1])

def build_slowly(path, options, highlighted=None, folders=()):
    (marks / f"{os.getpid()}.started").touch()
    time.sleep(120)
    (marks / f"{os.getpid()}.finished").touch()
    return build.GuideResult(path)

build.build_guide = build_slowly
from interview_deck.cli import cli
cli(sys.argv[2:])
"""


def is_running(pid: int) -> bool:
    """True if the process exists and is not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_ctrl_c_stops_the_workers_of_a_multi_guide_build(tmp_path: Path) -> None:
    folder, out, marks = tmp_path / "guides", tmp_path / "out", tmp_path / "marks"
    for path in (folder, marks):
        path.mkdir()
    for name in ("alpha", "beta"):
        (folder / f"{name}.md").write_text(generate_guide(3, topic=name), encoding="utf-8")
    command = [sys.executable, "-c", SLOW_BUILD, str(marks), "build", str(folder)]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--jobs", "2"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while len(list(marks.glob("*.started"))) < 2:
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)

    process.send_signal(signal.SIGINT)
    _, errors = process.communicate()

    workers = [int(p.name.split(".")[0]) for p in marks.glob("*.started")]
    # Stopped mid-guide, not left to finish their two minutes.
    assert list(marks.glob("*.finished")) == []
    assert [pid for pid in workers if is_running(pid)] == []
    assert process.returncode == 1
    assert "Traceback" not in errors
