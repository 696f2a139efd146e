"""Identity under edits: reordering, inserting, repeating numbers and invisible characters.

A question's key must not depend on the order of the questions, on a number that is
repeated or missing, on Unicode normalisation or on invisible characters. Each edit is
imported over the original deck in the real Anki engine: no note may be added twice.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GUIDE, import_apkg
from tests.test_deck import build_apkg, copy_guide, read_guids, touch_forward


def move_question_to_top(text: str, number: int) -> str:
    """Return the guide with question `number`'s block moved before question 1."""
    block = re.search(rf"(?ms)^### {number}\. .*?(?=^#{{2,3}} )", text)
    assert block is not None
    without = text.replace(block[0], "", 1)
    first = without.index("### 1. ")
    return without[:first] + block[0] + without[first:]


def insert_without_renumbering(text: str) -> str:
    """Return the guide with a new question 5 added before the old question 5."""
    new = "### 5. What is a namespace package?\n\n**Question:** What is it?\n"
    new += "**Expected Answer:** A package without an `__init__.py`.\n\n"
    at = text.index("### 5. ")
    return text[:at] + new + text[at:]


def repeat_a_number(text: str) -> str:
    """Return the guide with question 4 numbered 3 as well."""
    return text.replace("### 4. ", "### 3. ", 1)


def drop_a_number(text: str) -> str:
    """Return the guide with question 2 unnumbered, as if its number were lost."""
    return re.sub(r"(?m)^### 2\. ", "### ", text, count=1)


def disguise_titles(text: str) -> str:
    """Return the guide with every title in NFD, with a zero-width space and a soft hyphen."""

    def disguise(match: re.Match[str]) -> str:
        title = unicodedata.normalize("NFD", match[2])
        return f"{match[1]}\u200b{title[:3]}\u00ad{title[3:]}"

    return re.sub(r"(?m)^(### \d+\. )(.+)$", disguise, text)


EDITS = {
    "moved to the top": (lambda t: move_question_to_top(t, 3), 0),
    "moved across levels": (lambda t: move_question_to_top(t, 12), 0),
    "inserted without renumbering": (insert_without_renumbering, 1),
    "a number repeated": (repeat_a_number, 0),
    "a number missing": (drop_a_number, 0),
    "NFD, zero-width and soft hyphens": (disguise_titles, 0),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_edit_keeps_every_note_and_reimports_in_place(
    edit: str, built: Path, collection: Any, tmp_path: Path
) -> None:
    change, added = EDITS[edit]
    original = build_apkg(GUIDE, tmp_path / "before")
    guide = copy_guide(tmp_path / "edited", change(GUIDE.read_text(encoding="utf-8")))
    touch_forward(guide)
    edited = build_apkg(guide, tmp_path / "after")
    assert set(read_guids(original).values()) <= set(read_guids(edited).values())

    import_apkg(collection, original)
    result = import_apkg(collection, edited)
    assert len(result.log.new) == added
    assert collection.note_count() == 30 + added


def test_titles_in_nfc_and_nfd_have_one_key(tmp_path: Path) -> None:
    from interview_deck.parse.identity import normalise_title

    assert normalise_title("Caf\u00e9 \u2014 r\u00e9sum\u00e9") == normalise_title(
        unicodedata.normalize("NFD", "Caf\u00e9 \u2014 r\u00e9sum\u00e9")
    )
    assert (
        normalise_title("Gener\u00adators\u200b and it\u2060erators") == "generators and iterators"
    )


CONTINUOUS = (
    "# Go Interview Guide\n\n## Theory\n\n### 1. What is a slice?\n\n**Answer:** A view.\n\n"
    "### 2. What is a map?\n\n**Answer:** A hash table.\n\n## Coding\n\n"
    "### 3. Reverse a slice\n\n**Answer:** Swap the ends.\n\n"
    "### 4. Count words\n\n**Answer:** Use a map.\n"
)
RESTARTING = CONTINUOUS.replace("### 3.", "### 1.").replace("### 4.", "### 2.")
NEW_SECTION = "\n## Bonus\n\n### 1. What is a channel?\n\n**Answer:** A typed pipe.\n"
SWITCHES = {
    # Numbering that now restarts: a new section that starts at 1.
    "a new section starting at 1": (CONTINUOUS, CONTINUOUS + NEW_SECTION, 1),
    # Numbering that no longer restarts: renumbered straight through.
    "renumbered straight through": (RESTARTING, CONTINUOUS, 0),
}


@pytest.mark.parametrize("switch", SWITCHES, ids=list(SWITCHES))
def test_notes_keep_their_keys_when_the_numbering_rule_switches(
    switch: str, collection: Any, tmp_path: Path
) -> None:
    before, after, added = SWITCHES[switch]
    guide, out = tmp_path / "go.md", tmp_path / "out"
    guide.write_text(before, encoding="utf-8")
    first = read_guids(build_apkg(guide, out))
    import_apkg(collection, out / "go.apkg")

    guide.write_text(after, encoding="utf-8")
    touch_forward(guide)
    second = read_guids(build_apkg(guide, out))
    result = import_apkg(collection, out / "go.apkg")

    assert set(first.values()) <= set(second.values())
    assert len(result.log.new) == added
    assert collection.note_count() == 4 + added


TIMED = (
    "# Go Interview Guide\n\n### 1. What is a slice? (5 minutes)\n\n**Answer:** A view.\n\n"
    "### 2. What is a map? `(30s)`\n\n**Answer:** A hash table.\n\n"
    "### 3. What is a channel?\n\n**Answer:** A typed pipe.\n"
)
TITLED_PARTS = (
    "# Docker - Interview Questions\n\n### 1. What is an image?\n\n**Answer:** A template.\n\n"
    "### 2. What is a layer?\n\n**Answer:** A diff.\n\n# Coding Questions\n\n"
    "### 1. Write a Dockerfile for a web app\n\n**Answer:** FROM, COPY, CMD.\n"
)


def rebuild_after_older_parser(
    guide: Path, older: tuple[object, str, object], monkeypatch: pytest.MonkeyPatch, col: Any
) -> tuple[dict[str, str], dict[str, str], Any]:
    """Build and import a guide as an older parser read it (`older`: a module, the name of one
    of its functions and what replaced it), then as this one reads it with that package in
    the output folder; return both builds' GUIDs and the second import."""
    out = guide.parent / "out"
    with monkeypatch.context() as patch:
        patch.setattr(*older)
        first = read_guids(build_apkg(guide, out))
    import_apkg(col, out / f"{guide.stem}.apkg")
    # A new version of the tool: its cache entries no longer match, so the guide is rebuilt.
    shutil.rmtree(out / ".cache")
    second = read_guids(build_apkg(guide, out))
    return first, second, import_apkg(col, out / f"{guide.stem}.apkg")


def test_a_title_read_better_by_a_newer_parser_keeps_its_note(
    collection: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interview_deck.parse import questions

    guide = tmp_path / "go.md"
    guide.write_text(TIMED, encoding="utf-8")
    # An older parser, which kept the time a question takes in its title.
    older = (questions, "strip_time_note", lambda title: title)
    first, second, result = rebuild_after_older_parser(guide, older, monkeypatch, collection)

    assert set(second.values()) == set(first.values())
    assert (len(result.log.new), collection.note_count()) == (0, 3)
    titles = {collection.get_note(n)["Title"] for n in collection.find_notes("")}
    assert titles == {"What is a slice?", "What is a map?", "What is a channel?"}
    # Without the previous package, the better titles make other keys: the package is the record.
    fresh = read_guids(build_apkg(guide, tmp_path / "fresh"))
    assert len(set(fresh.values()) & set(first.values())) == 1


def test_a_title_once_read_as_a_section_keeps_its_notes(
    collection: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interview_deck.parse import outline

    guide = tmp_path / "docker.md"
    guide.write_text(TITLED_PARTS, encoding="utf-8")
    # An older parser, which took the title for the first section (numbering restarts, so
    # the section was in the first two questions' keys).
    older = (outline, "find_title", lambda headings: None)
    first, second, result = rebuild_after_older_parser(guide, older, monkeypatch, collection)

    assert set(second.values()) == set(first.values())
    assert (len(result.log.new), collection.note_count()) == (0, 3)
