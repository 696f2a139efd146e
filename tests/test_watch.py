"""`watch`: a saved guide or template is rebuilt, one line per rebuild; Ctrl-C ends it cleanly."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from interview_deck import cache, watch
from interview_deck.build import BuildOptions, GuideResult, build

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "content" / "python-modules.md"


def run_watch(
    guides: list[Path],
    options: BuildOptions,
    change: object,
    stop_after: int = 1,
    report_bundle: Any = None,
) -> tuple[int, list[GuideResult]]:
    """Build, watch in a thread, call `change` once watching, and return what was rebuilt."""
    assert not any(r.failed for r in build([guides[0].parent], options, jobs=1))
    reported: list[GuideResult] = []
    ready = threading.Event()
    outcome: list[int] = []

    def target() -> None:
        try:
            outcome.append(
                watch.watch_guides(
                    [guides[0].parent],
                    options,
                    reported.append,
                    jobs=1,
                    stop_after=stop_after,
                    on_ready=ready.set,
                    report_bundle=report_bundle,
                )
            )
        finally:
            # A watcher that crashed must fail the test, not leave it waiting.
            ready.set()

    watcher = threading.Thread(target=target)
    watcher.start()
    ready.wait()
    change()  # type: ignore[operator]
    watcher.join()
    return outcome[0], reported


def test_saved_guide_is_rebuilt_with_one_line(guides: list[Path], tmp_path: Path) -> None:
    options = BuildOptions(out_dir=tmp_path / "out")
    first = guides[0]

    def edit() -> None:
        text = first.read_text(encoding="utf-8")
        first.write_text(text.replace("Module vs. Package vs. Script", "Saved While Watching"))

    count, reported = run_watch(guides, options, edit)

    assert count == 1
    assert [(r.path, r.cached, r.failed) for r in reported] == [(first, False, False)]
    sheet = options.out_dir / "first.html"
    assert "Saved While Watching" in sheet.read_text(encoding="utf-8")


def test_a_saved_guide_rewrites_the_bundle(guides: list[Path], tmp_path: Path) -> None:
    options = BuildOptions(out_dir=tmp_path / "out", bundle="phone")
    first = guides[0]
    bundles: list[Any] = []

    def edit() -> None:
        text = first.read_text(encoding="utf-8")
        first.write_text(text.replace("Module vs. Package vs. Script", "Saved While Watching"))

    run_watch(guides, options, edit, report_bundle=bundles.append)

    [bundle] = bundles
    # 61: the new title is a new note, and the old one is kept, flagged as removed.
    assert (bundle.path, bundle.guides, bundle.notes, bundle.problems) == (
        options.out_dir / "phone.apkg",
        2,
        61,
        (),
    )
    with zipfile.ZipFile(bundle.path) as archive:
        assert b"Saved While Watching" in archive.read("collection.anki2")


def test_saved_template_rebuilds_every_guide(
    guides: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(cache.TEMPLATES, templates)
    # The watcher and the cache both look at this copy; the build still reads the real one.
    monkeypatch.setattr(cache, "TEMPLATES", templates)
    monkeypatch.setattr(watch, "TEMPLATES", templates)
    options = BuildOptions(out_dir=tmp_path / "out")

    def edit() -> None:
        css = templates / "card.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n/* saved */\n")

    count, reported = run_watch(guides, options, edit)

    assert count == 2
    assert sorted(r.path for r in reported) == sorted(guides)


def test_stop_event_ends_the_watch(guides: list[Path], tmp_path: Path) -> None:
    stop = threading.Event()
    count = watch.watch_guides(
        [guides[0]], BuildOptions(out_dir=tmp_path / "out"), print, stop=stop, on_ready=stop.set
    )
    assert count == 0


def test_ctrl_c_ends_the_command_cleanly(guides: list[Path], tmp_path: Path) -> None:
    command = [sys.executable, str(REPO / "build_deck.py"), "watch", str(guides[0].parent)]
    process = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    while not (line := process.stdout.readline()).startswith("Watching"):
        assert line, "watch ended before it started watching"
        lines.append(line)
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate()

    assert process.returncode == 0
    assert "Traceback" not in errors
    assert errors == ""
    assert len(lines) == 2
    assert rest.strip() == "Stopped watching."


def test_a_guide_beside_its_outputs_is_still_watched(guides: list[Path]) -> None:
    # `watch g.md --out .`: the outputs land in the guide's own folder.
    first = guides[0]
    options = BuildOptions(out_dir=first.parent)
    assert not any(r.failed for r in build([first], options, jobs=1))
    reported: list[GuideResult] = []
    ready, stop = threading.Event(), threading.Event()
    # A watcher that ignores the save would wait for ever; after a minute it is stopped.
    timer = threading.Timer(60, stop.set)
    timer.start()

    def target() -> None:
        try:
            watch.watch_guides(
                [first], options, reported.append, jobs=1, stop=stop, stop_after=1,
                on_ready=ready.set,
            )  # fmt: skip
        finally:
            ready.set()

    watcher = threading.Thread(target=target)
    watcher.start()
    ready.wait()
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("Module vs. Package vs. Script", "Saved Beside Outputs"))
    watcher.join()
    timer.cancel()

    assert [r.path for r in reported] == [first]
    assert "Saved Beside Outputs" in (options.out_dir / "first.html").read_text(encoding="utf-8")
