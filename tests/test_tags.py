"""Difficulty tags are normalised (easy, medium, hard, ranges); the card's badge keeps the word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interview_deck.build import BuildOptions, build
from interview_deck.card import name_level
from tests.conftest import FIXTURES, import_apkg
from tests.test_deck import read_guids

# Every difficulty the lenient fixtures expect, with its tag.
FIXTURE_LEVELS = sorted(
    {
        (question["difficulty"], question["difficulty_tag"])
        for path in (FIXTURES / "lenient").glob("*.expect.json")
        for question in json.loads(path.read_text(encoding="utf-8"))["questions"]
    },
    key=str,
)
GUIDE = """\
# Networking — Interview Guide

## Intermediate

### 1. What is NAT?

**Answer:** Rewriting private addresses to a public one at the router.

### 2. What does DNS do? (Beginner)

**Answer:** It turns names into addresses.

### 3. How does BGP pick a route?

**Difficulty:** Expert

**Answer:** By comparing route attributes in a fixed order.

### 4. What happens when you open a URL? (Easy–Medium)

**Answer:** DNS, TCP, TLS, HTTP, then rendering.
"""


@pytest.mark.parametrize(("difficulty", "tag"), FIXTURE_LEVELS, ids=str)
def test_fixture_difficulties_give_their_expected_tag(difficulty: str | None, tag: str) -> None:
    assert name_level(difficulty) == tag


@pytest.mark.parametrize(
    ("difficulty", "tag"),
    [
        ("Intermediate to Advanced", "medium-hard"),
        ("Easy (Concept) / Medium (Execution)", "easy-medium"),
        ("Medium-Hard", "medium-hard"),
        ("🔴 Hard", "hard"),
        ("BASIC", "easy"),
        ("Basic–Easy", "easy"),
        ("Tricky", "tricky"),
        ("Non-trivial", "non-trivial"),
    ],
)
def test_other_spellings_of_levels_and_ranges(difficulty: str, tag: str) -> None:
    assert name_level(difficulty) == tag


def test_anki_finds_an_intermediate_question_by_its_medium_tag(
    tmp_path: Path, collection: object
) -> None:
    guide = tmp_path / "networking.md"
    guide.write_text(GUIDE, encoding="utf-8")
    results = build([guide], BuildOptions(out_dir=tmp_path / "out"))
    assert [r.problems for r in results] == [()]
    import_apkg(collection, tmp_path / "out" / "networking.apkg")
    col: object = collection

    def find(query: str) -> list[tuple[str, str]]:
        notes = [col.get_note(n) for n in col.find_notes(query)]  # type: ignore[attr-defined]
        return sorted((note["Title"], note["Difficulty"]) for note in notes)

    assert find("tag:difficulty::medium") == [("What is NAT?", "Intermediate")]
    assert find("tag:difficulty::easy") == [("What does DNS do?", "Beginner")]
    assert find("tag:difficulty::hard") == [("How does BGP pick a route?", "Expert")]
    assert find("tag:difficulty::easy-medium") == [
        ("What happens when you open a URL?", "Easy–Medium")
    ]
    # Each note has exactly one difficulty tag.
    assert len(find("tag:difficulty::*")) == 4


def test_guids_do_not_depend_on_the_difficulty(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "networking.md").write_text(GUIDE, encoding="utf-8")
    renamed = GUIDE.replace("## Intermediate", "## Medium").replace("Expert", "Hard")
    (tmp_path / "b" / "networking.md").write_text(renamed, encoding="utf-8")
    build([tmp_path / "a" / "networking.md"], BuildOptions(out_dir=tmp_path / "out-a"))
    build([tmp_path / "b" / "networking.md"], BuildOptions(out_dir=tmp_path / "out-b"))

    before = read_guids(tmp_path / "out-a" / "networking.apkg")
    assert len(before) == 4
    assert read_guids(tmp_path / "out-b" / "networking.apkg") == before
