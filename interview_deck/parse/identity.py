"""Identity: each question's key, from which its note's GUID is made."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from interview_deck.errors import Problem
from interview_deck.model import Question
from interview_deck.parse.naming import slugify

# Characters that do not show: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# A question's number at the start of its normalised line: `3`, `q3`, `question 3`, `3a`.
LINE_NUMBER = re.compile(r"^(?:question\s|q)?\d{1,9}[a-z]?(?:\s|$)")


def normalise_title(title: str) -> str:
    """Return a title's identity form: lower case, words only, the same however it is encoded.

    NFC, so that "café" typed either way is one key; invisible characters go first, so
    that a zero-width space or soft hyphen does not split a word.
    """
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", title)).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def read_line_title(line: str) -> str:
    """Return a question's line in its identity form, without its number: `### 3. Foo (Easy)`
    gives `foo easy`, as a reading that kept everything after the number would title it."""
    return LINE_NUMBER.sub("", normalise_title(line), count=1)


def restarts_per_part(questions: list[Question], parts: list[int]) -> bool:
    """True if a question number is used in more than one part: numbering restarts.

    `parts` holds, for each question, the line of the section or level heading it is
    under. The answer depends only on which numbers each part holds, not on their order,
    so moving, inserting or renumbering questions inside a part never changes it.
    """
    parts_by_number: dict[int, set[int]] = defaultdict(set)
    for question, part in zip(questions, parts, strict=True):
        parts_by_number[question.number].add(part)
    return any(len(found) > 1 for found in parts_by_number.values())


def assign_keys(
    path: Path,
    questions: list[Question],
    ids: list[str | None],
    parts: list[int],
    lines: list[str],
    problems: list[Problem],
    title: str = "",
) -> list[Question]:
    """Give each question its identity key and report keys that appear twice.

    `ids` holds each question's `<!-- id: ... -->`, if it has one; `parts` the line of the
    section or level heading each question is under (0 for none); `lines` the guide's lines;
    `title` the name of the title heading as a section, as a plainer reading took it.
    """
    # Where numbering restarts per section, one title may be asked in each section.
    restarts = restarts_per_part(questions, parts)
    seen: dict[str, Question] = {}
    keyed = []
    for question, explicit in zip(questions, ids, strict=True):
        # An explicit id is normalised like a title, so `<!-- id: Old Title -->` keeps a note.
        plain = normalise_title(explicit or question.title)
        prefixed = f"{slugify(question.section or '')}/{plain}"
        key, other = (prefixed, plain) if restarts else (plain, prefixed)
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
        written = read_line_title(lines[question.line - 1]) if not explicit else ""
        line_keys: tuple[str, ...] = ()
        if written:
            line_keys = (written, f"{slugify(question.section or '')}/{written}")
        if title and not explicit:
            # Notes made when the title heading was read as the first section's name.
            line_keys += (f"{slugify(title)}/{plain}",)
        keyed.append(replace(question, key=key, other_key=other, line_keys=line_keys))
    return keyed
