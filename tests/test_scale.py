"""Scale: a very long guide and a folder of many guides build without crashing."""

from __future__ import annotations

import sqlite3
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from interview_deck.build import BuildOptions, build

from .test_bad_input import PNG

pytestmark = pytest.mark.slow


def generate_guide(questions: int, topic: str = "Scale") -> str:
    """Return a guide with `questions` questions, each with a prompt, an answer and code."""
    parts = [f"# {topic} — Interview Guide ({questions} Questions)\n", "## Easy Level\n"]
    for n in range(1, questions + 1):
        parts.append(
            f"### {n}. Question number {n} about {topic}\n"
            f"**Question:** What does snippet {n} print, and why?\n"
            f"**Expected Answer:** It prints `{n}` because the loop runs {n} times.\n"
            "- first point\n- second point with **bold** text\n"
            "**Sample Code:**\n"
            f"```python\nfor i in range({n}):\n    total = i * {n}\nprint(total)\n```\n"
        )
    return "\n".join(parts)


def count_notes(apkg: Path) -> int:
    """Return how many notes an .apkg's collection holds."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as scratch:
        database = Path(archive.extract("collection.anki2", scratch))
        connection = sqlite3.connect(database)
        try:
            return int(connection.execute("select count(*) from notes").fetchone()[0])
        finally:
            connection.close()


def test_a_guide_with_6000_questions_builds(tmp_path: Path) -> None:
    guide = tmp_path / "huge.md"
    guide.write_text(generate_guide(6000), encoding="utf-8")
    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))
    assert [str(p) for p in result.problems] == []
    assert (result.questions, result.cards) == (6000, 6000)
    assert count_notes(tmp_path / "out" / "huge.apkg") == 6000
    sheet = (tmp_path / "out" / "huge.html").read_text(encoding="utf-8")
    assert sheet.count('<article class="question"') == 6000
    assert sheet.rstrip().endswith("</html>")


def test_a_folder_of_500_guides_builds(tmp_path: Path) -> None:
    folder = tmp_path / "guides"
    folder.mkdir()
    for n in range(500):
        (folder / f"guide-{n:03d}.md").write_text(
            generate_guide(2, topic=f"Topic {n}"), encoding="utf-8"
        )
    out = tmp_path / "out"
    results = build([folder], BuildOptions(out_dir=out), jobs=2)
    assert [str(p) for r in results for p in r.problems] == []
    assert len(results) == 500
    assert all((r.questions, r.cards) == (2, 2) for r in results)
    assert len(list(out.glob("*.apkg"))) == 500
    assert len(list(out.glob("*.html"))) == 500
    assert count_notes(out / "guide-499.apkg") == 2


# Python's own allocations at the build's peak, per byte of guide. What is left is mostly
# markdown-it's tokens for the whole guide while its block pass runs (about 50x).
MEMORY_RATIO = 64


def measure_build_peak(guide: Path, out: Path) -> int:
    """Return the peak of Python's allocations while one guide is built in this process."""
    tracemalloc.start()
    try:
        [result] = build([guide], BuildOptions(out_dir=out), jobs=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [str(p) for p in result.problems] == []
    return peak


def test_a_build_needs_memory_in_proportion_to_the_guide(tmp_path: Path) -> None:
    # A first build loads the libraries, whose memory is not the guide's.
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_text(generate_guide(2), encoding="utf-8")
    build([small], BuildOptions(out_dir=tmp_path / "warm-up"), jobs=1)
    # With an image, whose search and the sheet's second rendering cost memory too.
    (tmp_path / "pic.png").write_bytes(PNG)
    with_image = generate_guide(1000).replace("### 2. ", "![a picture](pic.png)\n\n### 2. ", 1)
    large.write_text(with_image, encoding="utf-8")
    small_peak = measure_build_peak(small, tmp_path / "small-out")
    large_peak = measure_build_peak(large, tmp_path / "large-out")
    # A file read for a hash once took a 64 MB buffer, whatever its size.
    assert small_peak < 4 * 2**20
    assert large_peak < MEMORY_RATIO * large.stat().st_size
