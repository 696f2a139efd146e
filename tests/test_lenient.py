"""Acceptance tests: the layouts of real guides, read as a user expects (issue 12).

Each guide in `fixtures/lenient/` has an `.expect.json` beside it; its README says what each
key means. Texts are compared without Markdown marks and with runs of space folded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from interview_deck.card import name_level
from interview_deck.model import Field, Guide, Question
from interview_deck.parse import is_answer_label, parse_guide
from interview_deck.read import read_source

from .conftest import FIXTURES

LENIENT = FIXTURES / "lenient"
GUIDES = sorted(p for p in LENIENT.glob("*.md") if p.name != "README.md")
# What each kind of warning says, for matching a warning to the `about` of the fixtures.
KINDS = {
    "no answer label": "no answer label",
    "nothing for the back": "nothing for the back",
    "never closed": "unclosed code fence",
    "numbering skips": "numbering skips",
    "numbering goes back": "numbering goes back",
    "has an answer with no words": "answer with no words",
    "look like code without fences": "unfenced code",
}
# Marks that stand apart (a list's bullet, a fence line, a table's pipe) and marks inside words.
BLOCK_MARKS = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#+|>)\s+|^\s*(?:`{3,}|~{3,}).*$|\||^-{3,}$", re.M)
INLINE_MARKS = re.compile(r"\*\*|\*|`")


def plain(text: str) -> str:
    """Return text without Markdown marks, its runs of space folded."""
    return " ".join(INLINE_MARKS.sub("", BLOCK_MARKS.sub(" ", text)).split())


def front_text(question: Question) -> str:
    """Return the text of the card's front below the title: its prompt, or else the title."""
    return plain(" ".join(f.body for f in question.prompt_fields)) or plain(question.title)


def back_text(question: Question) -> str:
    """Return the text of the card's back: the main answer first, then the other fields."""
    fields = list(question.answer_fields)
    main = main_answer(fields)
    ordered = [main, *(f for f in fields if f is not main)] if main else fields
    return plain(" ".join(f.body for f in ordered))


def main_answer(fields: list[Field]) -> Field | None:
    """Return the field the card shows as its answer, as `render` chooses it."""
    chosen = (f for f in fields if f.main or is_answer_label(f.label))
    return next(chosen, fields[0] if fields else None)


def describe(guide: Guide, expected: dict[str, Any]) -> dict[str, Any]:
    """Return what the parser read, in the shape of an `.expect.json`."""
    found: dict[str, Any] = {
        "topic": guide.topic,
        "questions": [
            {
                "number": q.number,
                "title": q.title,
                "section": q.section,
                "difficulty": q.difficulty.lower() if q.difficulty else None,
                "difficulty_tag": name_level(q.difficulty),
                "front_starts": front_text(q),
                "back_starts": back_text(q),
                "back_labels": [f.label for f in q.answer_fields],
            }
            for q in guide.questions
        ],
        "warnings": [
            {"line": w.line, "about": next((k for p, k in KINDS.items() if p in w.message), "")}
            for w in guide.warnings
        ],
    }
    return found


def compare(found: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Return every difference between what was read and what was expected."""
    diffs = []
    if found["topic"] != expected["topic"]:
        diffs.append(f"topic {found['topic']!r} != {expected['topic']!r}")
    want = expected["questions"]
    got = found["questions"]
    if len(got) != len(want):
        diffs.append(f"{len(got)} questions != {len(want)}: {[q['title'] for q in got]}")
    for g, w in zip(got, want, strict=False):
        for key in ("number", "title", "section", "difficulty_tag"):
            if g[key] != w[key]:
                diffs.append(f"q{w['number']} {key}: {g[key]!r} != {w[key]!r}")
        difficulty = w["difficulty"].lower() if w["difficulty"] else None
        if g["difficulty"] != difficulty:
            diffs.append(f"q{w['number']} difficulty: {g['difficulty']!r} != {difficulty!r}")
        for side in ("front", "back"):
            text, start = g[f"{side}_starts"], plain(w[f"{side}_starts"])
            if not text.startswith(start):
                diffs.append(f"q{w['number']} {side}: {text[:60]!r} does not start {start!r}")
            for absent in w.get(f"{side}_not_contains", []):
                if plain(absent) in text:
                    diffs.append(f"q{w['number']} {side} contains {absent!r}")
        if "back_labels" in w and g["back_labels"] != w["back_labels"]:
            diffs.append(f"q{w['number']} back labels: {g['back_labels']} != {w['back_labels']}")
    if found["warnings"] != expected["warnings"]:
        diffs.append(f"warnings {found['warnings']} != {expected['warnings']}")
    return diffs


# Layouts not read yet; each fails until it is, and then its mark must go.
NOT_READ_YET: set[str] = set()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True)) if p.stem in NOT_READ_YET else p
        for p in GUIDES
    ],
    ids=lambda p: p.stem,
)
def test_a_real_layout_reads_as_a_user_expects(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expect.json").read_text(encoding="utf-8"))
    guide = parse_guide(read_source(path))
    assert compare(describe(guide, expected), expected) == []
