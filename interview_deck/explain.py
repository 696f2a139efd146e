"""Explain what the parser read: every block's role and rule, then one row per question."""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from interview_deck.errors import Problem, escape_controls, format_path
from interview_deck.model import Field, Guide, Question
from interview_deck.parse import parse_guide
from interview_deck.read import read_source

# Markdown marks that say nothing in a preview of a field's first words.
MARKS = re.compile(r"`{3,}\w*|[*`#>|]+|^\s*(?:[-+]|\d+[.)])\s+", re.MULTILINE)
PREVIEW_WORDS = 6


def explain_guide(path: Path) -> str:
    """Return the explanation of one guide; raise GuideError if it cannot be parsed."""
    guide = parse_guide(read_source(path))
    heading = f"{format_path(path)}: {len(guide.questions)} questions, topic '{guide.topic}'"
    rows = [heading, "", "blocks:"]
    rows += [f"  {r.line:>5}  {r.role:<10}  {r.rule}" for r in guide.readings]
    rows += ["", "questions:"]
    about = sort_warnings(guide)
    for i, question in enumerate(guide.questions):
        rows += describe_question(question, about.get(i, []))
    rows += [f"  {w}" for w in about.get(None, [])]
    # Characters a terminal would act on are shown escaped, never sent as they are.
    return "\n".join(escape_controls(row) for row in rows)


def list_readings(path: Path) -> str:
    """Return only the block readings of a guide, one `line role rule` row each."""
    guide = parse_guide(read_source(path))
    return "\n".join(f"{r.line} {r.role}: {r.rule}" for r in guide.readings) + "\n"


def describe_question(question: Question, warnings: list[Problem]) -> list[str]:
    """Return a question's row, and a row for each of its warnings."""
    where = " / ".join(filter(None, [question.section, question.difficulty])) or "-"
    front = preview(question.prompt_fields) or question.title
    back = preview(question.answer_fields)
    rows = [
        f"  {question.number:>3}. {question.title}  (line {question.line}; {where})",
        f"       front: {front}",
        f"       back:  {back}",
    ]
    return rows + [f"       {w.severity}: {w.message} (line {w.line})" for w in warnings]


def sort_warnings(guide: Guide) -> dict[int | None, list[Problem]]:
    """Return the guide's warnings by the index of the question their line falls in (None
    for those before the first question)."""
    # Questions are in the guide's order, so their lines rise and a bisection finds each.
    starts = [q.line for q in guide.questions]
    about: dict[int | None, list[Problem]] = {}
    for warning in guide.warnings:
        found = bisect_right(starts, warning.line) - 1
        about.setdefault(found if found >= 0 else None, []).append(warning)
    return about


def preview(fields: tuple[Field, ...]) -> str:
    """Return the first words of some fields' text."""
    words = MARKS.sub(" ", " ".join(f.body for f in fields)).split()
    return " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")
