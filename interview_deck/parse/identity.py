"""Identity: each question's key, from which its note's GUID is made."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from interview_deck.errors import Problem
from interview_deck.model import Question
from interview_deck.parse.naming import slugify


def normalise_title(title: str) -> str:
    """Return a title's identity form: lower case, words only."""
    return " ".join(re.sub(r"[^\w\s]", " ", title.lower()).split())


def assign_keys(
    path: Path, questions: list[Question], ids: list[str | None], problems: list[Problem]
) -> list[Question]:
    """Give each question its identity key and report keys that appear twice.

    `ids` holds each question's `<!-- id: ... -->`, if it has one.
    """
    numbers = [q.number for q in questions]
    restarts = any(b <= a for a, b in itertools.pairwise(numbers))
    seen: dict[str, Question] = {}
    keyed = []
    for question, explicit in zip(questions, ids, strict=True):
        # An explicit id is normalised like a title, so `<!-- id: Old Title -->` keeps a note.
        key = normalise_title(explicit or question.title)
        if restarts:
            key = f"{slugify(question.section or '')}/{key}"
        if key in seen:
            first = seen[key]
            problems.append(
                Problem(
                    path,
                    question.line,
                    "error",
                    f"question title '{question.title}' is used twice (lines {first.line} and "
                    f"{question.line}); rename one or give it <!-- id: some-key -->",
                )
            )
        seen[key] = question
        keyed.append(Question(**{**question.__dict__, "key": key}))
    return keyed
