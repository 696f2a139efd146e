"""The Anki deck as users get it: imported, re-imported and studied in the real Anki engine."""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from interview_deck import REMOVED_TAG, card
from interview_deck import build as build_module
from interview_deck.build import BuildOptions, build
from interview_deck.card import FIELDS, MODEL_ID, MODEL_NAME
from tests.conftest import GUIDE, import_apkg

DECK = "Python Modules"
TAGS_BY_RANGE = [
    (range(1, 7), "section::theory", "difficulty::easy"),
    (range(7, 21), "section::theory", "difficulty::medium"),
    (range(21, 24), "section::coding", "difficulty::easy"),
    (range(24, 31), "section::coding", "difficulty::medium"),
]
Q1_ANSWER = "Any file ending in"
SECOND_GUIDE = """\
# Git — Interview Guide

## Medium

### 1. Rebase vs merge
**Question:** When would you rebase instead of merge?
**Answer:** Rebase to keep a linear history on a private branch.
"""


def build_apkg(guide: Path, out: Path, parent: str | None = None) -> Path:
    """Build one guide into `out` and return its .apkg, failing the test on any problem."""
    results = build([guide], BuildOptions(out_dir=out, parent=parent))
    assert not any(r.failed for r in results), [str(p) for r in results for p in r.problems]
    return out / f"{guide.stem}.apkg"


def copy_guide(folder: Path, text: str | None = None) -> Path:
    """Copy the user's guide (or write `text`) into `folder`, keeping its file name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / GUIDE.name
    target.write_text(
        text if text is not None else GUIDE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return target


def touch_forward(path: Path, seconds: int = 3600) -> None:
    """Move a file's mtime forward, as saving it again later would."""
    later = (
        max(path.stat().st_mtime, *(p.stat().st_mtime for p in GUIDE.parent.iterdir())) + seconds
    )
    os.utime(path, (later, later))


def read_guids(apkg: Path) -> dict[str, str]:
    """Return the GUID of each of the guide's notes in an .apkg, keyed by its Title field.

    Notes of questions gone from the guide (kept, tagged as removed) are left out.
    """
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as scratch:
        database = Path(archive.extract("collection.anki2", scratch))
        connection = sqlite3.connect(database)
        try:
            rows = connection.execute("select guid, flds, tags from notes").fetchall()
        finally:
            connection.close()
    return {
        flds.split("\x1f")[FIELDS.index("Title")]: guid
        for guid, flds, tags in rows
        if REMOVED_TAG not in tags.split()
    }


def notes_by_number(col: Any) -> dict[int, Any]:
    """Return the collection's notes keyed by question number."""
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {int(note["Number"]): note for note in notes}


def plain_text(fragment: str) -> str:
    """Return an HTML fragment's text, tags dropped and entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture(autouse=True)
def use_file_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take note times from the guides' mtimes unless a test sets SOURCE_DATE_EPOCH itself."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def imported(built: Path, collection: Any) -> Any:
    """A fresh collection with the user's deck imported."""
    result = import_apkg(collection, built / "python-modules.apkg")
    assert len(result.log.new) == 30
    return collection


def test_import_gives_30_notes_and_cards_in_the_topic_deck(imported: Any) -> None:
    assert imported.note_count() == 30
    assert imported.card_count() == 30
    assert len(imported.find_cards(f'deck:"{DECK}"')) == 30
    model = imported.models.by_name(MODEL_NAME)
    assert model["id"] == MODEL_ID
    assert [f["name"] for f in model["flds"]] == list(FIELDS)


def test_each_note_has_topic_section_and_difficulty_tags(imported: Any) -> None:
    notes = notes_by_number(imported)
    assert sorted(notes) == list(range(1, 31))
    for numbers, section, difficulty in TAGS_BY_RANGE:
        for number in numbers:
            assert sorted(notes[number].tags) == sorted(
                ["topic::python-modules", section, difficulty]
            )
    assert len(imported.find_notes("tag:section::theory")) == 20
    assert len(imported.find_notes("tag:section::coding")) == 10
    assert len(imported.find_notes("tag:difficulty::easy")) == 9
    assert len(imported.find_notes("tag:difficulty::medium")) == 21


def test_difficulty_tag_search_works_across_guides(
    built: Path, collection: Any, tmp_path: Path
) -> None:
    other = tmp_path / "git.md"
    other.write_text(SECOND_GUIDE, encoding="utf-8")
    import_apkg(collection, built / "python-modules.apkg")
    import_apkg(collection, build_apkg(other, tmp_path / "out"))
    assert collection.note_count() == 31
    medium = [collection.get_note(nid) for nid in collection.find_notes("tag:difficulty::medium")]
    assert {note["Topic"] for note in medium} == {"Python Modules", "Git"}
    assert len(medium) == 22
    assert len(collection.find_cards('deck:"Git"')) == 1


def test_sort_field_gives_the_guide_order(imported: Any) -> None:
    model = imported.models.by_name(MODEL_NAME)
    assert model["flds"][model["sortf"]]["name"] == "Order"
    cards = [imported.get_card(cid) for cid in imported.find_cards("", order="n.sfld asc")]
    assert [int(card.note()["Number"]) for card in cards] == list(range(1, 31))


def test_new_cards_come_up_in_the_guide_order(imported: Any) -> None:
    notes = notes_by_number(imported)
    dues = [notes[number].cards()[0].due for number in range(1, 31)]
    assert dues == sorted(set(dues))
    imported.decks.select(imported.decks.id_for_name(DECK))
    assert imported.sched.getCard().note()["Number"] == "1"


def test_cards_show_title_prompt_answer_and_highlighted_code(imported: Any) -> None:
    notes = notes_by_number(imported)
    card = notes[1].cards()[0]
    front, back = card.question(), card.answer()
    for side in (front, back):
        assert "Module vs. Package vs. Script" in side
        assert "technical difference between a Python module" in side
        assert "Python Modules" in side and "Theory" in side and "Easy" in side
    assert Q1_ANSWER in back
    # Pygments token classes, coloured by the note type's CSS.
    assert '<span class="k">' in back or '<span class="kn">' in back
    assert "language-python" in back
    assert "pre.highlight .k" in back


def test_front_never_shows_the_answer(imported: Any) -> None:
    for number, note in notes_by_number(imported).items():
        card = note.cards()[0]
        front, back = plain_text(card.question()), plain_text(card.answer())
        answer = plain_text(note["Answer"])
        assert answer, f"question {number} has no answer"
        assert answer in back
        assert answer not in front, f"question {number} shows its answer on the front"
        for detail in re.findall(r'<div class="field-label">(.*?)</div>', note["Details"]):
            assert detail not in card.question(), f"question {number} shows '{detail}' on the front"
    assert Q1_ANSWER not in notes_by_number(imported)[1].cards()[0].question()


def test_q26_crashing_code_is_on_the_front(imported: Any) -> None:
    front = notes_by_number(imported)[26].cards()[0].question()
    assert "Refactor the following crashing code" in front
    assert "CIRCULAR DEPENDENCY" in front
    assert '<span class="kn">from</span>' in front
    assert "Deferred Import" not in front


def test_interviewer_notes_are_secondary_on_the_back(imported: Any) -> None:
    notes = notes_by_number(imported)
    for number, label in ((1, "Why Ask This"), (22, "Why Interviewers Ask")):
        card = notes[number].cards()[0]
        secondary = f'<section class="field field-secondary"><div class="field-label">{label}</div>'
        assert secondary in card.answer()
        assert label not in card.question()
    assert (
        '<section class="field"><div class="field-label">Explanation</div>' in notes[1]["Details"]
    )


def test_nothing_on_a_card_loads_from_the_network(imported: Any) -> None:
    remote = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|@import|url\(""", re.I)
    model = imported.models.by_name(MODEL_NAME)
    assert not remote.search(model["css"])
    for template in model["tmpls"]:
        assert not remote.search(template["qfmt"] + template["afmt"])
    for note in notes_by_number(imported).values():
        card = note.cards()[0]
        assert not re.search(
            r"""\ssrc\s*=\s*["']?\s*(https?:)?//""", card.question() + card.answer()
        )
        assert "@import" not in card.answer()


def test_reimporting_an_unchanged_rebuild_adds_nothing(imported: Any, tmp_path: Path) -> None:
    apkg = build_apkg(GUIDE, tmp_path / "again")
    result = import_apkg(imported, apkg)
    assert len(result.log.new) == 0
    assert imported.note_count() == 30
    assert imported.card_count() == 30


def test_an_edited_answer_updates_its_note_in_place(imported: Any, tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8").replace(Q1_ANSWER, "EDITED: any file ending in", 1)
    guide = copy_guide(tmp_path / "edited", text)
    touch_forward(guide)
    result = import_apkg(imported, build_apkg(guide, tmp_path / "out"))
    assert len(result.log.new) == 0
    assert imported.note_count() == 30
    assert imported.card_count() == 30
    assert "EDITED: any file ending in" in notes_by_number(imported)[1]["Answer"]
    assert "EDITED" in notes_by_number(imported)[1].cards()[0].answer()


def test_review_history_survives_reimport_after_an_edit(
    collection: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    guide = copy_guide(tmp_path / "guide")
    import_apkg(collection, build_apkg(guide, tmp_path / "first"))
    collection.decks.select(collection.decks.id_for_name(DECK))
    card = collection.sched.getCard()
    assert card is not None and card.note()["Number"] == "1"
    collection.sched.answerCard(card, 3)
    studied = collection.get_card(card.id)
    assert studied.reps == 1
    revlog_before = collection.card_stats_data(card.id).revlog

    edited = GUIDE.read_text(encoding="utf-8").replace(Q1_ANSWER, "STUDIED EDIT: any file", 1)
    guide.write_text(edited, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000100")
    result = import_apkg(collection, build_apkg(guide, tmp_path / "second"))

    assert len(result.log.new) == 0
    assert collection.card_count() == 30
    after = collection.get_card(card.id)
    assert after.reps == 1
    assert after.ivl == studied.ivl and after.due == studied.due and after.type == studied.type
    assert len(collection.card_stats_data(card.id).revlog) == len(revlog_before) == 1
    assert "STUDIED EDIT" in notes_by_number(collection)[1]["Answer"]


def test_inserting_and_renumbering_keeps_the_other_guids(
    built: Path, collection: Any, tmp_path: Path
) -> None:
    original = read_guids(built / "python-modules.apkg")
    assert len(set(original.values())) == 30

    def renumber(match: re.Match[str]) -> str:
        number = int(match[1])
        return f"### {number + 1 if number >= 7 else number}. "

    text = re.sub(r"^### (\d+)\. ", renumber, GUIDE.read_text(encoding="utf-8"), flags=re.M)
    inserted = "### 7. What is a frozen module?\n\n**Question:** What is a frozen module?\n"
    inserted += "**Expected Answer:** A module compiled into the interpreter.\n\n"
    text = text.replace(
        "### 8. How `sys.modules` Caching Works",
        inserted + "### 8. How `sys.modules` Caching Works",
    )
    guide = copy_guide(tmp_path / "renumbered", text)
    touch_forward(guide)
    apkg = build_apkg(guide, tmp_path / "out")

    renumbered = read_guids(apkg)
    assert len(renumbered) == 31
    assert {t: renumbered[t] for t in original} == original

    import_apkg(collection, built / "python-modules.apkg")
    result = import_apkg(collection, apkg)
    assert len(result.log.new) == 1
    assert collection.note_count() == 31
    assert notes_by_number(collection)[8]["Title"] == "How <code>sys.modules</code> Caching Works"


def test_moving_the_guide_to_another_folder_keeps_guids(built: Path, tmp_path: Path) -> None:
    moved = copy_guide(tmp_path / "somewhere" / "else")
    assert read_guids(build_apkg(moved, tmp_path / "out")) == read_guids(
        built / "python-modules.apkg"
    )


def test_id_comment_keeps_identity_through_a_title_change(collection: Any, tmp_path: Path) -> None:
    template = "# Git Guide\n\n### 1. {title}\n{id}\n**Question:** Why?\n**Answer:** Because.\n"
    guide = tmp_path / "git.md"

    def guid_for(title: str, id_comment: str) -> str:
        guide.write_text(template.format(title=title, id=id_comment), encoding="utf-8")
        touch_forward(guide, 60 + len(title))
        return next(iter(read_guids(build_apkg(guide, tmp_path / "out")).values()))

    kept = guid_for("Rebase vs merge", "<!-- id: rebase -->")
    import_apkg(collection, tmp_path / "out" / "git.apkg")
    assert guid_for("Rebase or merge, and when", "<!-- id: rebase -->") == kept
    result = import_apkg(collection, tmp_path / "out" / "git.apkg")
    assert len(result.log.new) == 0
    assert collection.get_note(collection.find_notes("")[0])["Title"] == "Rebase or merge, and when"
    # Without the override the title is the identity, so a new title is a new note.
    assert guid_for("Rebase or merge, and when", "") != kept


def test_id_comment_adopts_an_existing_note_through_a_title_change(
    built: Path, collection: Any, tmp_path: Path
) -> None:
    old_title = "Namespace Packages (Python 3.3+)"
    new_heading = f"### 12. Implicit namespace packages\n<!-- id: {old_title} -->"
    text = GUIDE.read_text(encoding="utf-8").replace(f"### 12. {old_title}", new_heading)
    guide = copy_guide(tmp_path / "renamed", text)
    touch_forward(guide)
    apkg = build_apkg(guide, tmp_path / "out")
    original = read_guids(built / "python-modules.apkg")
    assert read_guids(apkg)["Implicit namespace packages"] == original[old_title]

    import_apkg(collection, built / "python-modules.apkg")
    result = import_apkg(collection, apkg)
    assert len(result.log.new) == 0
    assert notes_by_number(collection)[12]["Title"] == "Implicit namespace packages"


def test_an_id_equal_to_another_title_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    guide = tmp_path / "git.md"
    guide.write_text(
        "# Git Guide\n\n### 1. Rebase it\n**Question:** Why?\n**Answer:** Because.\n\n"
        "### 2. Merge\n<!-- id: rebase-it -->\n**Question:** How?\n**Answer:** Like so.\n",
        encoding="utf-8",
    )
    results = build([guide], BuildOptions(out_dir=tmp_path / "out"))
    messages = [str(p) for r in results for p in r.problems]
    assert len(messages) == 1
    assert messages[0].startswith(f"{guide}:7: error: ")
    assert "3" in messages[0].split("error: ")[1] and "7" in messages[0].split("error: ")[1]
    assert not (tmp_path / "out" / "git.apkg").exists()


def test_builds_with_source_date_epoch_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = build_apkg(GUIDE, tmp_path / "one").read_bytes()
    moved = copy_guide(tmp_path / "elsewhere")
    os.utime(moved, (1, 1))
    second = build_apkg(moved, tmp_path / "two").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "one" / "python-modules.apkg") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")
    assert build_apkg(GUIDE, tmp_path / "three").read_bytes() != first


def test_parent_option_nests_the_deck(collection: Any, tmp_path: Path) -> None:
    apkg = build_apkg(GUIDE, tmp_path / "out", parent="Interview Prep")
    import_apkg(collection, apkg)
    names = {d.name for d in collection.decks.all_names_and_ids()}
    assert "Interview Prep::Python Modules" in names
    assert len(collection.find_cards('deck:"Interview Prep::Python Modules"')) == 30
    assert len(collection.find_cards('deck:"Interview Prep"')) == 30


def test_a_changed_template_updates_the_note_type_on_reimport(
    collection: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(card.TEMPLATES, templates)
    monkeypatch.setattr(card, "TEMPLATES", templates)
    monkeypatch.setattr(build_module, "TEMPLATES", templates)
    guide = copy_guide(tmp_path / "guides")
    import_apkg(collection, build_apkg(guide, tmp_path / "first"))

    css = templates / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.card { letter-spacing: 0.01em; }\n")
    touch_forward(css)
    result = import_apkg(collection, build_apkg(guide, tmp_path / "second"))

    note_type = collection.models.get(MODEL_ID)
    assert "letter-spacing: 0.01em" in note_type["css"]
    assert (len(result.log.new), collection.note_count()) == (0, 30)
    assert [m["name"] for m in collection.models.all()].count(MODEL_NAME) == 1
