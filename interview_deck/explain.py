"""Explain what the parser read: every block's role and rule, then one row per question."""

from __future__ import annotations

import re
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
    rows += [row for question in guide.questions for row in describe_question(guide, question)]
    rows += [f"  {w}" for w in guide.warnings if find_question(guide, w) is None]
    # Characters a terminal would act on are shown escaped, never sent as they are.
    return "\n".join(escape_controls(row) for row in rows)


def list_readings(path: Path) -> str:
    """Return only the block readings of a guide, one `line role rule` row each."""
    guide = parse_guide(read_source(path))
    return "\n".join(f"{r.line} {r.role}: {r.rule}" for r in guide.readings) + "\n"


def describe_question(guide: Guide, question: Question) -> list[str]:
    """Return a question's row, and a row for each warning about it."""
    where = " / ".join(filter(None, [question.section, question.difficulty])) or "-"
    front = preview(question.prompt_fields) or question.title
    back = preview(question.answer_fields)
    rows = [
        f"  {question.number:>3}. {question.title}  (line {question.line}; {where})",
        f"       front: {front}",
        f"       back:  {back}",
    ]
    warnings = [w for w in guide.warnings if find_question(guide, w) is question]
    return rows + [f"       {w.severity}: {w.message} (line {w.line})" for w in warnings]


def find_question(guide: Guide, problem: Problem) -> Question | None:
    """Return the question a problem's line falls in, if any."""
    before = [q for q in guide.questions if q.line <= problem.line]
    return before[-1] if before else None


def preview(fields: tuple[Field, ...]) -> str:
    """Return the first words of some fields' text."""
    words = MARKS.sub(" ", " ".join(f.body for f in fields)).split()
    return " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")
