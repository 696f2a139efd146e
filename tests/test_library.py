"""A library of guides in the real Anki engine: folders, one bundle for the phone, removed
questions flagged, your own templates, and `check` at a glance."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from interview_deck import REMOVED_TAG
from interview_deck.card import FIELDS, MODEL_ID, MODEL_NAME
from interview_deck.cli import cli
from tests.conftest import GUIDE, import_apkg

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# The GUIDs of the user's guide as the tool gave them before folders existed (main at
# 5de38c2): 30 notes, the SHA-256 of their sorted GUIDs, one per line.
TOP_LEVEL_GUIDS = (30, "2432de45726f2e1c6dfe70df4d518446f1d783744254457038cc2f223d6a3e37")
SETS = """\
# {topic} — Interview Guide

## Easy

### 1. What is a set?
**Question:** What is a set, here?
**Answer:** {answer}

### 2. How do you add to a set?
**Question:** How is an element added?
**Answer:** With the language's own operation. ![a dot](dot.png)
"""
DECORATORS = """\
# Python Decorators — Interview Guide

## Hard

### 1. What does functools.wraps do?
**Question:** Why use `functools.wraps`?
**Answer:** It copies the wrapped function's name and docstring.
"""
DRAFT = "# Draft\n\n### 1. Hidden?\n**Question:** Is this built?\n**Answer:** Never.\n"


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    result = CliRunner().invoke(cli, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def make_library(root: Path) -> Path:
    """Write a library: the user's guide at the top, two `sets.md` in two folders, a nested
    guide, and drafts that must not be built (hidden, or in the output folder)."""
    content = root / "content"
    (content / "python" / "advanced").mkdir(parents=True)
    (content / "sql").mkdir()
    shutil.copyfile(GUIDE, content / GUIDE.name)
    for folder, topic, answer in (
        ("python", "Python Sets", "A hash-based collection of unique items."),
        ("sql", "SQL Sets", "The rows a query returns, without duplicates under UNION."),
    ):
        (content / folder / "sets.md").write_text(
            SETS.format(topic=topic, answer=answer), encoding="utf-8"
        )
        (content / folder / "dot.png").write_bytes(PNG)
    (content / "python" / "advanced" / "decorators.md").write_text(DECORATORS, encoding="utf-8")
    for hidden in (content / ".drafts" / "draft.md", content / ".draft.md"):
        hidden.parent.mkdir(exist_ok=True)
        hidden.write_text(DRAFT, encoding="utf-8")
    (content / "out").mkdir()
    (content / "out" / "stray.md").write_text(DRAFT, encoding="utf-8")
    return content


def read_notes(apkg: Path) -> dict[str, tuple[str, str, int]]:
    """Return an .apkg's notes by GUID: their Title, their tags and their time."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as scratch:
        connection = sqlite3.connect(archive.extract("collection.anki2", scratch))
        try:
            rows = connection.execute("select guid, flds, tags, mod from notes").fetchall()
        finally:
            connection.close()
    title = FIELDS.index("Title")
    return {guid: (flds.split("\x1f")[title], tags, mod) for guid, flds, tags, mod in rows}


def outputs(out: Path) -> list[str]:
    """Return every file under `out` but the cache, as sorted relative paths."""
    return sorted(
        str(p.relative_to(out))
        for p in out.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(out).parts
    )


def all_notes(col: Any) -> list[Any]:
    """Return every note of a collection."""
    return [col.get_note(nid) for nid in col.find_notes("")]


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds are reproducible here unless a test moves the time on."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_a_tree_of_guides_builds_into_mirrored_outputs_and_parent_decks(
    tmp_path: Path, collection: Any
) -> None:
    content = make_library(tmp_path)
    out = content / "out"

    code, stdout, stderr = run("build", str(content), "--out", str(out), "--parent", "Prep")

    assert (code, stderr) == (0, "")
    assert [line.split(":")[0] for line in stdout.splitlines()] == [
        str(content / "python-modules.md"),
        str(content / "python" / "sets.md"),
        str(content / "python" / "advanced" / "decorators.md"),
        str(content / "sql" / "sets.md"),
    ]
    assert outputs(out) == [
        "python-modules.apkg",
        "python-modules.html",
        "python/advanced/decorators.apkg",
        "python/advanced/decorators.html",
        "python/sets.apkg",
        "python/sets.html",
        "sql/sets.apkg",
        "sql/sets.html",
        "stray.md",
    ]
    for apkg in sorted(out.rglob("*.apkg")):
        assert len(import_apkg(collection, apkg).log.new) > 0  # type: ignore[attr-defined]
    decks = {d.name for d in collection.decks.all_names_and_ids()}
    assert {
        "Prep::Python Modules",
        "Prep::python::Python Sets",
        "Prep::sql::SQL Sets",
        "Prep::python::advanced::Python Decorators",
    } <= decks
    assert len(collection.find_cards('deck:"Prep::python::Python Sets"')) == 2
    assert len(collection.find_cards('deck:"Prep::sql::SQL Sets"')) == 2
    assert len(collection.find_cards('deck:"Prep::python"')) == 3
    # Two guides of one file name with the same question titles are four notes, not two.
    assert collection.note_count() == 30 + 2 + 2 + 1
    assert not collection.find_notes('"Is this built?"')
    python_sets = read_notes(out / "python" / "sets.apkg")
    assert not set(python_sets) & set(read_notes(out / "sql" / "sets.apkg"))
    # Each of the two `sets.md` has its own cache entry, so a second build rebuilds neither.
    code, stdout, _ = run("build", str(content), "--out", str(out), "--parent", "Prep")
    assert code == 0 and all(line.endswith("(cached)") for line in stdout.splitlines())


def test_guides_at_the_top_keep_their_outputs_and_guids(tmp_path: Path) -> None:
    content = make_library(tmp_path)
    out = tmp_path / "out"
    alone = tmp_path / "alone"

    assert run("build", str(content), "--out", str(out))[0] == 0
    assert run("build", str(GUIDE), "--out", str(alone))[0] == 0

    guids = sorted(read_notes(out / "python-modules.apkg"))
    assert (len(guids), hashlib.sha256("\n".join(guids).encode()).hexdigest()) == TOP_LEVEL_GUIDS
    assert (out / "python-modules.apkg").read_bytes() == (
        alone / "python-modules.apkg"
    ).read_bytes()
    assert (out / "python-modules.html").read_bytes() == (
        alone / "python-modules.html"
    ).read_bytes()


def test_a_guide_given_by_itself_keeps_its_place_in_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_library(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run("build", "--out", "whole")[0] == 0

    code, stdout, _ = run("build", "content/sql/sets.md", "--out", "one")

    assert code == 0
    assert outputs(tmp_path / "one") == ["sql/sets.apkg", "sql/sets.html"]
    assert (tmp_path / "one" / "sql" / "sets.apkg").read_bytes() == (
        tmp_path / "whole" / "sql" / "sets.apkg"
    ).read_bytes()
    assert stdout.startswith("content/sql/sets.md: 2 questions, 2 cards, 0 warnings -> one/sql/")
    assert content.is_dir()


def test_two_guides_that_would_share_outputs_are_an_error(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "sets.md").write_text(
            SETS.format(topic=folder, answer="x").replace(" ![a dot](dot.png)", ""),
            encoding="utf-8",
        )

    code, stdout, stderr = run(
        "build", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out")
    )

    assert code == 1
    assert stderr == (
        f"{tmp_path / 'b' / 'sets.md'}:0: error: sets is also the name of "
        f"{tmp_path / 'a' / 'sets.md'}: they would share outputs; build their common folder\n"
    )
    assert stdout.startswith(f"{tmp_path / 'a' / 'sets.md'}: 2 questions")


def test_the_bundle_and_the_per_guide_packages_in_any_order_give_no_duplicates(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from anki.collection import Collection

    content = make_library(tmp_path)
    out = content / "out"
    code, stdout, stderr = run("build", str(content), "--out", str(out), "--bundle", "phone")
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[-1] == f"{out / 'phone.apkg'}: bundle of 4 guides, 35 notes"
    packages = sorted(p for p in out.rglob("*.apkg") if p.name != "phone.apkg")
    per_guide: dict[str, tuple[str, str, int]] = {}
    for package in packages:
        per_guide.update(read_notes(package))
    assert read_notes(out / "phone.apkg") == per_guide

    for order in ("bundle first", "bundle last"):
        folder = tmp_path_factory.mktemp(order.replace(" ", "-"))
        col = Collection(str(folder / "collection.anki2"))
        try:
            first = [out / "phone.apkg"] if order == "bundle first" else packages
            second = packages if order == "bundle first" else [out / "phone.apkg"]
            new = sum(len(import_apkg(col, p).log.new) for p in first)  # type: ignore[attr-defined]
            logs = [import_apkg(col, p).log for p in second]  # type: ignore[attr-defined]
            assert new == col.note_count() == 35
            assert sum(len(log.new) + len(log.updated) for log in logs) == 0
            assert [m["name"] for m in col.models.all()].count(MODEL_NAME) == 1
            assert len(col.find_cards('deck:"python::advanced::Python Decorators"')) == 1
            media = Path(col.media.dir())
            assert [p.read_bytes() for p in media.iterdir() if p.name.startswith("sets-")] == [PNG]
        finally:
            col.close()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../elsewhere", "give a plain file name, e.g. --bundle all-guides"),
        (".hidden", "give a plain file name, e.g. --bundle all-guides"),
    ],
)
def test_a_bundle_name_must_be_a_plain_file_name(tmp_path: Path, name: str, message: str) -> None:
    code, _, stderr = run("build", str(GUIDE), "--out", str(tmp_path), "--bundle", name)
    assert code == 2
    assert stderr.splitlines()[-1] == f"Error: Invalid value for '--bundle': {message}"


def test_a_bundle_named_like_a_guide_is_refused(tmp_path: Path) -> None:
    code, _, stderr = run("build", str(GUIDE), "--out", str(tmp_path), "--bundle", "python-modules")
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"{GUIDE}:0: error: --bundle python-modules would overwrite this guide's deck"
    )


def remove_question(guide: Path, number: int, following: int) -> str:
    """Cut question `number` (up to question `following`) out of the guide; return its text."""
    text = guide.read_text(encoding="utf-8")
    start = text.index(f"### {number}. ")
    end = text.index(f"### {following}. ")
    guide.write_text(text[:start] + text[end:], encoding="utf-8")
    return text


def test_a_removed_question_is_flagged_and_a_restored_one_unflagged(
    guide: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("build", str(guide), "--out", str(out))[0] == 0
    import_apkg(collection, out / "python-modules.apkg")
    by_title = {note["Title"]: note for note in all_notes(collection)}
    removed_id = by_title["Namespace Packages (Python 3.3+)"].id

    original = remove_question(guide, 12, 13)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700086400")
    code, stdout, _ = run("build", str(guide), "--out", str(out))
    result = import_apkg(collection, out / "python-modules.apkg")

    assert code == 0
    assert stdout.splitlines() == [
        # The declared counts of two headings, and numbering that now skips 12.
        f"{guide}: 29 questions, 30 cards, 4 warnings -> "
        f"{out / 'python-modules.apkg'}, {out / 'python-modules.html'}",
        f"{guide}: removed from the guide, kept in the deck and tagged {REMOVED_TAG}: "
        "Namespace Packages (Python 3.3+)",
    ]
    # Updated: the flagged note, and those after it, whose position and line moved up.
    updated = {entry.id.nid for entry in result.log.updated}  # type: ignore[attr-defined]
    assert removed_id in updated and len(result.log.new) == 0  # type: ignore[attr-defined]
    assert collection.find_notes(f"tag:{REMOVED_TAG}") == [removed_id]
    card = collection.get_note(removed_id).cards()[0]
    assert "Removed from the guide on 2023-11-15." in card.question()
    assert (
        "Removed from the guide"
        not in by_title["Module vs. Package vs. Script"].cards()[0].answer()
    )

    # A later build keeps it as it is: no new line, no new time, still findable.
    before = read_notes(out / "python-modules.apkg")
    shutil.rmtree(out / ".cache")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700172800")
    code, stdout, _ = run("build", str(guide), "--out", str(out))
    assert (code, len(stdout.splitlines())) == (0, 1)
    assert read_notes(out / "python-modules.apkg") == before

    guide.write_text(original, encoding="utf-8")
    code, stdout, _ = run("build", str(guide), "--out", str(out))
    result = import_apkg(collection, out / "python-modules.apkg")

    assert (code, len(stdout.splitlines())) == (0, 1)
    updated = {entry.id.nid for entry in result.log.updated}  # type: ignore[attr-defined]
    assert removed_id in updated
    assert collection.find_notes(f"tag:{REMOVED_TAG}") == []
    restored = collection.get_note(removed_id)
    assert "Removed from the guide" not in restored.cards()[0].question()
    assert collection.note_count() == 30


def test_a_removed_question_is_left_out_after_thirty_days(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("build", str(guide), "--out", str(out))[0] == 0
    remove_question(guide, 12, 13)
    flagged_at = 1700086400
    day = 24 * 3600

    counts = []
    for when in (flagged_at, flagged_at + 30 * day - 1, flagged_at + 30 * day):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(when))
        shutil.rmtree(out / ".cache")
        assert run("build", str(guide), "--out", str(out))[0] == 0
        notes = read_notes(out / "python-modules.apkg").values()
        counts.append(sum(REMOVED_TAG in tags.split() for _, tags, _ in notes))

    assert counts == [1, 1, 0]


def test_own_templates_replace_built_in_ones_file_by_file(
    tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "card.css").write_text(".card { color: rebeccapurple; }\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", str(GUIDE), "--out", str(out), "--templates", str(templates))[0] == 0
    import_apkg(collection, out / "python-modules.apkg")

    note_type = collection.models.get(MODEL_ID)
    assert note_type["css"].startswith(".card { color: rebeccapurple; }\n")
    # The other files are still the built-in ones.
    assert "card-prompt" in note_type["tmpls"][0]["qfmt"]
    assert "rebeccapurple" not in (out / "python-modules.html").read_text(encoding="utf-8")

    (templates / "card.css").write_text(".card { color: teal; }\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000100")
    assert run("build", str(GUIDE), "--out", str(out), "--templates", str(templates))[0] == 0
    result = import_apkg(collection, out / "python-modules.apkg")

    note_type = collection.models.get(MODEL_ID)
    assert note_type["css"].startswith(".card { color: teal; }\n")
    assert [m["name"] for m in collection.models.all()].count(MODEL_NAME) == 1
    assert (len(result.log.new), collection.note_count()) == (0, 30)  # type: ignore[attr-defined]


def test_a_sheet_template_with_an_unknown_placeholder_is_an_error(tmp_path: Path) -> None:
    templates = tmp_path / "mine"
    templates.mkdir()
    (templates / "sheet.html").write_text("<title>$title</title>\n<p>$author</p>\n")
    out = tmp_path / "out"

    code, stdout, stderr = run(
        "build", str(GUIDE), "--out", str(out), "--templates", str(templates)
    )

    assert (code, stdout) == (1, "")
    assert stderr == (
        f"{templates / 'sheet.html'}:2: error: $author is not a placeholder of sheet.html: "
        "use $title, $css, $intro, $toc, $questions, and $$ for a $\n"
    )
    assert not out.exists() or outputs(out) == []


def test_check_prints_one_line_per_guide_with_its_counts(tmp_path: Path) -> None:
    content = make_library(tmp_path)
    shutil.rmtree(content / "out")
    (content / "sql" / "broken.md").write_text("# B\n\nNotes, but no question.\n")

    code, stdout, stderr = run("check", str(content))

    assert code == 1
    assert stdout.splitlines() == [
        f"{content / 'python-modules.md'}: 30 questions; sections: Theory 20, Coding 10; "
        "difficulty: Easy 9, Medium 21; 0 warnings",
        f"{content / 'python' / 'sets.md'}: 2 questions; sections: no section 2; "
        "difficulty: Easy 2; 0 warnings",
        f"{content / 'python' / 'advanced' / 'decorators.md'}: 1 question; "
        "sections: no section 1; difficulty: Hard 1; 0 warnings",
        f"{content / 'sql' / 'sets.md'}: 2 questions; sections: no section 2; "
        "difficulty: Easy 2; 0 warnings",
    ]
    message = "no questions found (expected headings like '### 1. Title')"
    assert stderr == f"{content / 'sql' / 'broken.md'}:1: error: {message}\n"


def test_a_rebuild_that_changes_nothing_leaves_the_bundle_as_it_was(tmp_path: Path) -> None:
    content = make_library(tmp_path)
    out = content / "out"
    assert run("build", str(content), "--out", str(out), "--bundle", "phone")[0] == 0
    bundle = out / "phone.apkg"
    before = bundle.read_bytes(), bundle.stat().st_mtime_ns
    os.utime(bundle, ns=(1_000_000_000, 1_000_000_000))

    # Every guide is cached: the bundle made again has the same bytes, so the file stays.
    assert run("build", str(content), "--out", str(out), "--bundle", "phone")[0] == 0
    assert (bundle.read_bytes(), bundle.stat().st_mtime_ns) == (before[0], 1_000_000_000)

    guide = content / GUIDE.name
    guide.write_text(guide.read_text(encoding="utf-8").replace("Script", "Scripts"))
    assert run("build", str(content), "--out", str(out), "--bundle", "phone")[0] == 0
    assert bundle.read_bytes() != before[0]
    assert bundle.stat().st_mtime_ns != 1_000_000_000
