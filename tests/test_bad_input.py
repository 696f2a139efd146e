"""Bad input: every problem is one `path:line: error:` line, exit 1, and nothing is lost."""

from __future__ import annotations

import base64
import builtins
import io
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from interview_deck.build import BuildOptions, build_guide
from interview_deck.cli import cli

from .conftest import import_apkg

GOOD = "# T\n\n### 1. Q\n**Question:** Why?\n**Answer:** Because.\n"
# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr (never a traceback)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def visible_files(folder: Path) -> dict[str, bytes]:
    """Return the outputs in a folder by name (not hidden files such as a build cache)."""
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def image_guide(line: str) -> str:
    """Return a good guide whose answer (line 5) holds `line`."""
    return f"# T\n\n### 1. Q\n**Question:** Why?\n**Answer:** Because. {line}\n"


BAD_GUIDES = {
    "empty": (b"", 1, "file is empty"),
    "only-blank-lines": (b"\n  \n\t\n", 1, "file is empty"),
    "no-questions": (
        b"# Title\n\nJust prose.\n",
        1,
        "no questions found (expected headings like '### 1. Title')",
    ),
    "binary": (b"# T\n\x89PNG\x00\x01\x02", 2, "binary file, not a Markdown guide"),
    "latin-1": (
        b"# T\n\n### 1. Caf\xe9\n",
        3,
        "not valid UTF-8 (byte 0xe9); save the guide as UTF-8",
    ),
    "same-title-twice": (
        b"# T\n\n### 1. Same\n**Q:** a\n**Answer:** b\n\n### 2. Same\n**Answer:** c\n",
        7,
        "question title 'Same' is used twice (lines 3 and 7); "
        "rename one or give it <!-- id: some-key -->",
    ),
    "image-missing": (
        image_guide("![d](missing.png)").encode(),
        5,
        "image 'missing.png' not found next to the guide",
    ),
    "image-parent": (
        image_guide("![d](../secret.png)").encode(),
        5,
        "image '../secret.png' is outside the guide's folder; it was not read",
    ),
    "image-absolute": (
        image_guide("![d](/etc/hostname)").encode(),
        5,
        "image '/etc/hostname' is an absolute path; use a path beside the guide",
    ),
    "image-nul-byte": (image_guide("![d](%00.png)").encode(), 5, "image path has a NUL byte"),
    "image-windows-drive": (
        image_guide("![d](C:/pics/a.png)").encode(),
        5,
        "image 'C:/pics/a.png' is an absolute path; use a path beside the guide",
    ),
    "image-protocol-relative": (
        image_guide("![d](//evil.example/a.png)").encode(),
        5,
        "image '//evil.example/a.png' is an absolute path; use a path beside the guide",
    ),
    "image-encoded-parent": (
        image_guide("![d](%2e%2e/secret.png)").encode(),
        5,
        "image '../secret.png' is outside the guide's folder; it was not read",
    ),
    # A reference image, whose definition is in a block of its own, is found and checked too.
    "image-by-reference": (
        (image_guide("![d][pic]") + "\n[pic]: ../secret.png\n").encode(),
        5,
        "image '../secret.png' is outside the guide's folder; it was not read",
    ),
    "image-not-an-image": (
        image_guide("see\n![d](notes.txt)").encode(),
        6,
        "image 'notes.txt' is not an image file (allowed: .gif, .jpeg, .jpg, .png, .svg, .webp)",
    ),
}


@pytest.mark.parametrize("name", BAD_GUIDES)
def test_bad_guide_is_one_error_line_and_exit_1(tmp_path: Path, name: str) -> None:
    content, line, message = BAD_GUIDES[name]
    guide = tmp_path / "guides" / f"{name}.md"
    guide.parent.mkdir()
    guide.write_bytes(content)
    (tmp_path / "guides" / "notes.txt").write_text("not an image", encoding="utf-8")
    code, out, err = run("build", str(guide), "--out", str(tmp_path / "out"))
    assert (code, out, err) == (1, "", f"{guide}:{line}: error: {message}\n")
    assert visible_files(tmp_path / "out") == {}


NOTHING_FOR_THE_BACK = (
    "warning: question 2 'R' has nothing for the back of its card, so it is left out; "
    "add an **Answer:** label with its answer"
)
# Guides with one odd question: each still builds, with one warning that says what to do.
ODD_GUIDES = {
    "a question with only a prompt": (
        GOOD + "\n### 2. R\n**Question:** Why not?\n",
        f"7: {NOTHING_FOR_THE_BACK}",
    ),
    "an empty answer": (GOOD + "\n### 2. R\n**Answer:**\n", f"7: {NOTHING_FOR_THE_BACK}"),
    "a question with no answer label": (
        GOOD + "\n### 2. R\n\nBecause it is so.\n",
        "7: warning: question 2 'R' has no answer label, so its back shows what follows its "
        "prompt; add an **Answer:** label to choose",
    ),
    "questions with no answer label, reported once": (
        GOOD + "\n### 2. R\n\nBecause it is so.\n\n### 3. S\n\nSo it is.\n",
        "7: warning: question 2 'R' and 1 more question (line 11) have no answer label, so "
        "their backs show what follows their prompts; add **Answer:** labels to choose",
    ),
    "a question that asks, its answer right under it: no warning": (
        GOOD + "\n### 2. Why R?\n\nBecause it is so.\n\n### 3. S\n\nSo it is.\n",
        "11: warning: question 3 'S' has no answer label, so its back shows what follows its "
        "prompt; add an **Answer:** label to choose",
    ),
    "an unclosed fence": (
        GOOD + "\n```python\nx = 1\n\nmore\n",
        "7: warning: code fence '```' opened here is never closed; it ends at the end of the "
        "guide: close it with ```",
    ),
    "an answer under a heading that is no question": (
        GOOD + "\n## Notes\n\n**Answer:** stray.\n",
        "9: warning: this 'Answer' label belongs to no question, so it is left out; "
        "number the heading above it to make it a question",
    ),
    "lists nested too deep": (
        GOOD + "\n" + "- " * 25 + "deep\n",
        "7: warning: lists or quotes nested this deep are shown as plain text from here on "
        "(1 line)",
    ),
    "numbering that goes back": (
        GOOD.replace("### 1. Q", "### 2. Q") + "\n### 1. R\n**Answer:** Yes.\n",
        "7: warning: numbering goes back from 2 to 1; check that no question above was left out",
    ),
    "an answer whose formulas were lost in copying": (
        GOOD + "\n### 2. R\n**Answer:**\n.\n",
        "8: warning: question 2 'R' has an answer with no words (only '.'); were formulas lost "
        "when it was copied?",
    ),
    "numbering that skips": (
        GOOD + "\n### 3. R\n**Answer:** Yes.\n",
        "7: warning: numbering skips from 1 to 3; check that no question above was left out",
    ),
}


@pytest.mark.parametrize("name", ODD_GUIDES)
def test_an_odd_question_is_a_warning_and_the_guide_builds(tmp_path: Path, name: str) -> None:
    text, warning = ODD_GUIDES[name]
    guide = tmp_path / "g.md"
    guide.write_text(text, encoding="utf-8")
    code, _, err = run("build", str(guide), "--out", str(tmp_path / "out"))
    assert (code, err) == (0, f"{guide}:{warning}\n")
    assert sorted(visible_files(tmp_path / "out")) == ["g.apkg", "g.html"]
    # --strict: the same message as an error, and the guide is refused.
    error = f"{guide}:{warning.replace('warning:', 'error:', 1)}\n"
    assert run("check", "--strict", str(guide)) == (1, "", error)
    assert run("build", str(guide), "--out", str(tmp_path / "strict"), "--strict") == (1, "", error)
    assert not (tmp_path / "strict" / "g.apkg").exists()


def test_guide_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    code, out, err = run("build", str(missing), "--out", str(tmp_path / "out"))
    assert (code, out, err) == (1, "", f"{missing}:0: error: no such file or folder\n")


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    guide, out = tmp_path / "g.md", tmp_path / "out"
    guide.write_text(GOOD, encoding="utf-8")
    out.write_text("in the way", encoding="utf-8")
    code, stdout, err = run("build", str(guide), "--out", str(out))
    assert (code, stdout, err) == (
        1,
        "",
        f"{out}:0: error: cannot write output folder: File exists\n",
    )
    assert out.read_text(encoding="utf-8") == "in the way"


def test_output_file_with_a_folder_in_its_place(tmp_path: Path) -> None:
    guide, out = tmp_path / "g.md", tmp_path / "out"
    guide.write_text(GOOD, encoding="utf-8")
    (out / "g.apkg").mkdir(parents=True)
    code, stdout, err = run("build", str(guide), "--out", str(out))
    assert (code, stdout, err) == (
        1,
        "",
        f"{out / 'g.apkg'}:0: error: cannot write: Is a directory\n",
    )
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["g.apkg"]


def test_one_run_builds_the_good_guides_and_reports_every_problem(tmp_path: Path) -> None:
    folder, out = tmp_path / "guides", tmp_path / "out"
    folder.mkdir()
    (folder / "a-good.md").write_text(GOOD, encoding="utf-8")
    (folder / "b-empty.md").write_bytes(b"")
    (folder / "c-good.md").write_text(GOOD.replace("Why?", "How?"), encoding="utf-8")
    (folder / "d-no-answer.md").write_text(
        "# T\n\n### 1. Q\n**Question:** Why?\n", encoding="utf-8"
    )
    missing = tmp_path / "missing.md"
    code, stdout, err = run("build", str(folder), str(missing), "--out", str(out), "--jobs", "1")
    assert code == 1
    assert sorted(err.splitlines()) == [
        f"{folder / 'b-empty.md'}:1: error: file is empty",
        f"{folder / 'd-no-answer.md'}:1: error: no questions found (expected headings like "
        "'### 1. Title')",
        f"{folder / 'd-no-answer.md'}:3: warning: question 1 'Q' has nothing for the back of its "
        "card, so it is left out; add an **Answer:** label with its answer",
        f"{missing}:0: error: no such file or folder",
    ]
    assert [line.split(":")[0] for line in stdout.splitlines()] == [
        str(folder / "a-good.md"),
        str(folder / "c-good.md"),
    ]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "a-good.apkg",
        "a-good.html",
        "c-good.apkg",
        "c-good.html",
    ]


@pytest.mark.parametrize(
    "broken",
    [
        "# T\n\n### 1. Q\n**Question:** Why?\n",
        "# T\n\n### 1. Q\n**Question:** Why?\n**Answer:** ![x](gone.png)\n",
        "\x00",
    ],
    ids=["parse-error", "missing-image", "binary"],
)
def test_failing_guide_leaves_its_earlier_outputs_untouched(tmp_path: Path, broken: str) -> None:
    guide, out = tmp_path / "g.md", tmp_path / "out"
    guide.write_text(GOOD, encoding="utf-8")
    assert run("build", str(guide), "--out", str(out))[0] == 0
    before = visible_files(out)
    assert sorted(before) == ["g.apkg", "g.html"]
    guide.write_text(broken, encoding="utf-8")
    code, _, err = run("build", str(guide), "--out", str(out))
    assert code == 1 and err.startswith(f"{guide}:")
    assert visible_files(out) == before


# Images


def read_apkg(apkg: Path) -> tuple[list[list[str]], dict[str, bytes]]:
    """Return an .apkg's note fields and its media files by name."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as scratch:
        manifest = json.loads(archive.read("media"))
        media = {name: archive.read(number) for number, name in manifest.items()}
        connection = sqlite3.connect(archive.extract("collection.anki2", scratch))
        try:
            notes = [row[0].split("\x1f") for row in connection.execute("select flds from notes")]
        finally:
            connection.close()
    return notes, media


def test_local_image_is_packed_in_the_deck_and_inlined_in_the_sheet(tmp_path: Path) -> None:
    guide, out = tmp_path / "pics.md", tmp_path / "out"
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a dot.png").write_bytes(PNG)
    guide.write_text(
        image_guide("![a dot](<img/a dot.png>) and ![again](./img/a%20dot.png)"), encoding="utf-8"
    )
    code, _, err = run("build", str(guide), "--out", str(out))
    assert (code, err) == (0, "")

    [fields], media = read_apkg(out / "pics.apkg")
    [name] = media
    assert name.startswith("pics-") and name.endswith("-a-dot.png")
    assert media[name] == PNG
    assert fields[4].count(f'<img src="{name}"') == 2
    sheet = (out / "pics.html").read_text(encoding="utf-8")
    data_uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert sheet.count(f'<img src="{data_uri}" alt="a dot">') == 1
    assert name not in sheet


def test_remote_image_is_not_fetched_and_shows_as_text(tmp_path: Path) -> None:
    guide, out = tmp_path / "remote.md", tmp_path / "out"
    guide.write_text(image_guide("![diagram](https://example.com/d.png)"), encoding="utf-8")
    code, _, err = run("build", str(guide), "--out", str(out))
    assert (code, err) == (
        0,
        f"{guide}:5: warning: image 'https://example.com/d.png' is not fetched; "
        "it shows as its alt text\n",
    )
    [fields], media = read_apkg(out / "remote.apkg")
    assert media == {}
    assert '<span class="image-missing">[image: diagram]</span>' in fields[4]
    assert "example.com" not in fields[4]
    assert "example.com" not in (out / "remote.html").read_text(encoding="utf-8")


def record_opens(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every path opened through open(), io.open(), os.open() or Path.read_bytes()."""
    opened: list[Path] = []
    real_open = builtins.open

    def recording_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | Path):
            opened.append(Path(file).resolve())
        return real_open(file, *args, **kwargs)

    real_read_bytes: Callable[[Path], bytes] = Path.read_bytes

    def recording_read_bytes(self: Path) -> bytes:
        opened.append(self.resolve())
        return real_read_bytes(self)

    real_os_open = os.open

    def recording_os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(Path(path).resolve())
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording_open)
    monkeypatch.setattr(io, "open", recording_open)
    monkeypatch.setattr(Path, "read_bytes", recording_read_bytes)
    # Guides and cache files are opened without blocking, through os.open.
    monkeypatch.setattr(os, "open", recording_os_open)
    return opened


@pytest.mark.parametrize(
    "link", ["../secret.png", "inside/../../secret.png", "escape.png", "door/secret.png"]
)
def test_image_outside_the_guides_folder_is_refused_and_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link: str
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG + b"secret")
    folder = tmp_path / "guides"
    (folder / "inside").mkdir(parents=True)
    (folder / "escape.png").symlink_to(secret)
    (folder / "door").symlink_to(tmp_path)
    guide = folder / "g.md"
    guide.write_text(image_guide(f"![s]({link})"), encoding="utf-8")
    opened = record_opens(monkeypatch)
    result = build_guide(guide, BuildOptions(out_dir=tmp_path / "out"))
    assert [str(p) for p in result.problems] == [
        f"{guide}:5: error: image '{link}' is outside the guide's folder; it was not read"
    ]
    assert guide.resolve() in opened
    assert secret.resolve() not in opened
    assert not (tmp_path / "out").exists()


def test_symlink_loop_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "loop.png").symlink_to(tmp_path / "loop.png")
    guide = tmp_path / "g.md"
    guide.write_text(image_guide("![a](loop.png)"), encoding="utf-8")
    code, out, err = run("build", str(guide), "--out", str(tmp_path / "out"))
    assert (code, out, err) == (1, "", f"{guide}:5: error: image 'loop.png' is not a usable path\n")


def test_symlink_to_an_image_inside_the_folder_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "real.png").write_bytes(PNG)
    (tmp_path / "alias.png").symlink_to(tmp_path / "real.png")
    guide = tmp_path / "g.md"
    guide.write_text(image_guide("![a](alias.png)"), encoding="utf-8")
    result = build_guide(guide, BuildOptions(out_dir=tmp_path / "out"))
    assert (result.problems, result.cards) == ((), 1)
    _, media = read_apkg(tmp_path / "out" / "g.apkg")
    assert list(media.values()) == [PNG]


def test_check_reports_image_problems_too(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(image_guide("![a](gone.png)"), encoding="utf-8")
    code, out, err = run("check", str(guide))
    assert (code, out, err) == (
        1,
        "",
        f"{guide}:5: error: image 'gone.png' not found next to the guide\n",
    )


def test_data_uri_image_is_not_used_and_shows_as_text(tmp_path: Path) -> None:
    guide, out = tmp_path / "inline.md", tmp_path / "out"
    guide.write_text(image_guide("![d](data:image/png;base64,AAAA)"), encoding="utf-8")
    code, _, err = run("build", str(guide), "--out", str(out))
    assert (code, err) == (
        0,
        f"{guide}:5: warning: image 'data:image/png;base64,AAAA' is not a local file; "
        "it shows as text\n",
    )
    [fields], media = read_apkg(out / "inline.apkg")
    assert media == {} and "<img" not in fields[4]
    assert "<img" not in (out / "inline.html").read_text(encoding="utf-8").split("<main", 1)[1]


def test_anki_imports_the_packed_image(tmp_path: Path, collection: Any) -> None:
    (tmp_path / "dot.png").write_bytes(PNG)
    guide = tmp_path / "pics.md"
    guide.write_text(image_guide("![a dot](dot.png)"), encoding="utf-8")
    result = build_guide(guide, BuildOptions(out_dir=tmp_path / "out"))
    assert result.problems == ()
    import_apkg(collection, tmp_path / "out" / "pics.apkg")
    [note_id] = collection.find_notes("")
    answer = collection.get_note(note_id)["Answer"]
    [name] = re.findall(r'<img src="([^"]+)"', answer)
    assert (Path(collection.media.dir()) / name).read_bytes() == PNG
