"""Checks over a whole guide: unclosed code fences, question counts that headings declare,
and answers left without words."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from pathlib import Path

from markdown_it.token import Token

from interview_deck.errors import Problem
from interview_deck.model import Question
from interview_deck.parse.fields import QuestionDraft
from interview_deck.parse.naming import CONTENTS_HEADING
from interview_deck.parse.outline import Outline, find_span_end
from interview_deck.parse.vocabulary import is_answer_label

DECLARED_COUNT = re.compile(
    r"\((\d{1,9})\s*(?:questions?|total|qs?)\)|(\d{1,9})\s+questions\b", re.IGNORECASE
)
DECLARED_RANGE = re.compile(r"\bq(?:uestions?)?\s*(\d{1,9})\s*[–—-]\s*q?(\d{1,9})\b", re.IGNORECASE)


def find_unclosed_fences(
    path: Path, tokens: list[Token], lines: list[str], left_open: list[int]
) -> list[Problem]:
    """Warn about code fences that are never closed: each ends before the next question.

    `left_open` holds the 0-based lines of fences that the parser ended at a question.
    """
    problems = []
    for fence in tokens:
        if fence.type != "fence" or fence.map is None:
            continue
        start, end = fence.map
        last = lines[end - 1].strip() if end - 1 > start else ""
        if last.startswith(fence.markup) and not last.strip(fence.markup[0]):
            continue
        where = f"before line {end + 1}" if start in left_open else "at the end of the guide"
        message = f"code fence '{fence.markup}' opened here is never closed; it ends {where}"
        problems.append(
            Problem(path, start + 1, "warning", f"{message}: close it with {fence.markup}")
        )
    return problems


def check_numbering(path: Path, questions: list[QuestionDraft]) -> list[Problem]:
    """Warn where a number inside one part of a guide skips or goes back: 1, 2, 4 or 3, 5, 4.

    It is often the only sign that a question was not read. A part is what one section or
    level heading holds, so numbering may restart in each.
    """
    problems = []
    for before, question in itertools.pairwise(questions):
        if before.part != question.part or question.number == before.number + 1:
            continue
        if question.new_reply:
            # A chat's next reply, pasted after the last, numbers its questions from 1.
            continue
        how = "skips" if question.number > before.number else "goes back"
        message = (
            f"numbering {how} from {before.number} to {question.number}; "
            "check that no question above was left out"
        )
        problems.append(Problem(path, question.line, "warning", message))
    return problems


def check_declared_counts(path: Path, outline: Outline, questions: list[Question]) -> list[Problem]:
    """Warn where a heading's declared question count differs from the questions beneath it."""
    warnings = []
    headings = outline.headings
    # Sorted question lines: the questions under a heading are counted by bisection.
    lines = sorted(q.line for q in questions)
    for i, heading in enumerate(headings):
        declared = declared_count(heading.text)
        if declared is None or heading.is_question or CONTENTS_HEADING.match(heading.text):
            continue
        if heading is outline.title:
            found = len(questions)
        else:
            end = find_span_end(headings, i)
            last = headings[end].line if end < len(headings) else lines[-1] + 1 if lines else 0
            found = max(0, bisect_left(lines, last) - bisect_right(lines, heading.line))
        if found != declared:
            message = f"heading declares {declared} questions but {found} follow"
            warnings.append(Problem(path, heading.line, "warning", message))
    return warnings


def declared_count(text: str) -> int | None:
    """Return the question count a heading declares, e.g. "(6 Questions)" or "Questions 7–20"."""
    span = DECLARED_RANGE.search(text)
    if span:
        return int(span.group(2)) - int(span.group(1)) + 1
    count = DECLARED_COUNT.search(text)
    if count:
        return int(count.group(1) or count.group(2))
    return None


# How much of a wordless answer a warning quotes.
SHOWN_CHARS = 20


def check_wordless_answers(path: Path, questions: list[Question]) -> list[Problem]:
    """Warn where a question's answer has no letter or digit at all, only "." or "-".

    Copying a chat's rendered math drops its formulas, and an answer that was one formula
    is left as the punctuation around it; the card would show just that.
    """
    problems = []
    for question in questions:
        answers = question.answer_fields
        main = next((f for f in answers if f.main or is_answer_label(f.label)), None)
        main = main or (answers[0] if answers else None)
        if main is None or any(c.isalnum() for c in main.body):
            continue
        shown = " ".join(main.body.split())[:SHOWN_CHARS]
        message = (
            f"question {question.number} '{question.title}' has an answer with no words "
            f"(only '{shown}'); were formulas lost when it was copied?"
        )
        problems.append(Problem(path, main.line, "warning", message))
    return problems
