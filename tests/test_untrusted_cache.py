"""A cache entry is only a hint: a doctored, huge, endless or misplaced one is a miss."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from interview_deck import cache
from interview_deck.build import BuildOptions, GuideFile

from .conftest import REPO, build_one


def edit_prose(guide: Path) -> None:
    """Edit the guide's prose, so that its rebuild is offered the cached code blocks."""
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("Module vs. Package vs. Script", "Modules and Packages"))


@pytest.mark.parametrize("which", ["entry", "code"])
def test_an_entry_nested_too_deep_for_json_is_a_miss(
    guide: Path, options: BuildOptions, which: str
) -> None:
    build_one(guide, options)
    path = (
        cache.entry_path(GuideFile(guide), options)
        if which == "entry"
        else cache.code_path(GuideFile(guide), options)
    )
    path.write_text("[" * 200_000)
    edit_prose(guide)

    result = build_one(guide, options)

    assert not result.cached
    assert json.loads(path.read_text())["format"] == cache.CACHE_FORMAT


def test_an_entry_that_is_a_fifo_is_a_miss(guide: Path, options: BuildOptions) -> None:
    build_one(guide, options)
    fifo = cache.entry_path(GuideFile(guide), options)
    fifo.unlink()
    os.mkfifo(fifo)
    # Reading a FIFO waits for a writer. After a minute this thread becomes that writer, and
    # notes that a build was waiting; a build that is done by then has cancelled it.
    done, waited = threading.Event(), threading.Event()

    def unblock() -> None:
        if done.wait(60):
            return
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return
        waited.set()
        os.close(writer)

    thread = threading.Thread(target=unblock)
    thread.start()
    try:
        result = build_one(guide, options)
    finally:
        done.set()
        thread.join()

    assert not waited.is_set()
    assert not result.cached


DEV_ZERO_BUILD = """
import resource, sys
# Two gigabytes: reading /dev/zero to the end would run out long before it ended.
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from interview_deck.cli import cli
cli(sys.argv[1:])
"""


def point_entry_at_dev_zero(guide: Path, options: BuildOptions) -> None:
    """Replace the guide's cache entry by a link to /dev/zero."""
    entry = cache.entry_path(GuideFile(guide), options)
    entry.unlink()
    entry.symlink_to("/dev/zero")


def name_dev_zero_as_an_input(guide: Path, options: BuildOptions) -> None:
    """Make the guide's cache entry say that /dev/zero is one of its images."""
    entry = cache.entry_path(GuideFile(guide), options)
    data = json.loads(entry.read_text())
    data["inputs"] = {"/dev/zero": "0" * 64}
    entry.write_text(json.dumps(data))


@pytest.mark.parametrize("doctor", [point_entry_at_dev_zero, name_dev_zero_as_an_input])
def test_an_entry_never_makes_the_build_read_dev_zero(
    guide: Path, options: BuildOptions, doctor: object
) -> None:
    build_one(guide, options)
    doctor(guide, options)  # type: ignore[operator]

    run = subprocess.run(
        [sys.executable, "-c", DEV_ZERO_BUILD, "build", str(guide), "--out", str(options.out_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (run.returncode, run.stderr) == (0, "")
    assert "(cached)" not in run.stdout


def test_an_entry_cannot_claim_outputs_outside_the_output_folder(
    guide: Path, options: BuildOptions, tmp_path: Path
) -> None:
    build_one(guide, options)
    elsewhere = tmp_path / "elsewhere.apkg"
    elsewhere.write_bytes(b"not ours")
    status = elsewhere.stat()
    entry = cache.entry_path(GuideFile(guide), options)
    data = json.loads(entry.read_text())
    data["outputs"] = [
        {
            "path": os.path.relpath(elsewhere, options.out_dir),
            "size": 8,
            "mtime_ns": status.st_mtime_ns,
        }
    ]
    entry.write_text(json.dumps(data))

    result = build_one(guide, options)

    assert not result.cached
    assert result.outputs == (
        options.out_dir / "python-modules.apkg",
        options.out_dir / "python-modules.html",
    )
