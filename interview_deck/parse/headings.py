"""Headings: what divides a guide, as the heading rules read it, and what they know while reading.

A heading may be a real heading, a bold line or a list item or table row that is a
question; its origin is kept apart from its depth.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from interview_deck.parse.blocks import Block
from interview_deck.parse.naming import (
    BRACKETED_DIFFICULTY,
    clip_name,
    find_trailing_difficulty,
    name_difficulty,
    name_section,
)
from interview_deck.parse.questions import match_question_heading, read_number
from interview_deck.parse.vocabulary import LEADING_SYMBOLS

# A line that names a part of the guide: "Section 1: Core Concepts", "Part B — Coding".
PART_MARK = re.compile(r"^(?:section|part|chapter)\s+\w{1,4}\b\s*[:.)\-–—]", re.IGNORECASE)

# A heading over a part of questions: "Interview Questions", "Practice Questions", "Q&A",
# also in Russian, Chinese, Spanish and French ("Вопросы на собеседовании", "面试题").
QUESTIONS_PART = re.compile(
    r"\b(?:(?:interview|practice|review)\s+questions|q\s*&\s*a"
    r"|вопросы\s+(?:на|для|к)\s+собеседовани\w*|preguntas\s+de\s+(?:la\s+)?entrevista"
    r"|questions\s+d['’]entretien)\b|面试题",
    re.IGNORECASE,
)
# A heading over the guide's introduction: "Overview", "How to use this guide".
INTRO_HEADING = re.compile(
    r"^\W*(?:(?:introduction|overview|about\s+this\s+guide)\W*$"
    r"|how\s+to\s+use\s+this\s+guide|how\s+(?:this|the)\s+guide\s+is|(?:guide\s+)?format\b)",
    re.IGNORECASE,
)

Origin = Literal["heading", "bold line", "list item", "table row"]
# Bold lines rank below every real heading, and bold or listed questions below those.
BOLD_LINE_RANK = 7
BOLD_QUESTION_RANK = 8


@dataclass(slots=True)
class Heading:
    """A block that divides a guide: a heading, a bold line or a list item that is a question.

    `depth` is a real heading's level (0 for the others); `rank` orders all of them, deeper
    being larger. `rule` names the recogniser that read it.
    """

    origin: Origin
    depth: int
    rank: int
    text: str
    line: int
    is_question: bool
    rule: str
    # The inner blocks of a question written as a list item, after its title.
    item: list[Block] = field(default_factory=list, repr=False)

    @property
    def difficulty(self) -> str | None:
        """The difficulty a level names, or a section after its name: "## Theory — Easy".

        A difficulty word inside a section's name ("## Hard Links") is not one.
        """
        if self.is_level:
            return name_difficulty(self.text)
        text = clip_name(self.text)
        set_apart = find_trailing_difficulty(text) or BRACKETED_DIFFICULTY.search(text)
        if self.is_question:
            return None
        if set_apart:
            return name_difficulty(set_apart["difficulty"])
        # "Part A — Easy Questions" is a part named by its level ("Part 2: Advanced Concepts"
        # is named by its subject).
        only_level = self.is_part and not name_section(text, keep_difficulty=False)
        return name_difficulty(text) if only_level else None

    @property
    def is_part(self) -> bool:
        """True for a heading that names a part of the guide: "Part 2 — Coding"."""
        return PART_MARK.match(LEADING_SYMBOLS.sub("", self.text)) is not None

    @property
    def is_level(self) -> bool:
        """True for a heading that only names a difficulty: "## Easy Level (6 Questions)".

        "## Part 1 — Beginner" is a part that its level names: a section, not a level.
        """
        named = not self.is_question and name_difficulty(self.text) is not None
        if self.is_part and not re.search(r"\blevel\b", self.text, re.IGNORECASE):
            return False
        return named and not name_section(self.text, keep_difficulty=False)


@dataclass(slots=True)
class HeadingScan:
    """What the heading rules know of the blocks before the one they read."""

    blocks: list[Block]
    # The codes that mark a run of questions in the guide: "T" of "### T1.", "AP" of "**AP2.**".
    codes: frozenset[str] = frozenset()
    headings: list[Heading] = field(default_factory=list)
    # Lines of questions that a label right under them confirms.
    labelled_lines: set[int] = field(default_factory=set)
    # The number of the last question so far.
    number: int = 0
    last_question: Heading | None = None
    # True once an answer label follows the last question.
    answered: bool = False
    # True while the blocks read belong to the last question: only deeper headings came since.
    in_question: bool = False
    # True once a numbered bold line inside the last question was read as a step of it.
    steps: bool = False
    # The rank of the open introduction's heading, "## Introduction"; 0 when none is open.
    intro_rank: int = 0
    # True when the guide's first heading is its only numbered h1: "# 22. Generics" is a lesson.
    lesson_title: bool = False
    # How many `<details>` folds are open inside the last question (its own one included,
    # for `<summary>Question 3</summary>`): a heading inside one is a part of the answer.
    folds: int = 0

    def count_folds(self, text: str) -> None:
        """Count the `<details>` a paragraph inside a question opens and closes."""
        if self.last_question is not None:
            opens = text[:9].lower() == "<details>"
            self.folds = max(0, self.folds + opens - text[-10:].lower().endswith("</details>"))

    def add(self, heading: Heading) -> None:
        """Add a heading the rules read, keeping track of the question it may be in."""
        self.headings.append(heading)
        if self.intro_rank and heading.rank <= self.intro_rank:
            self.intro_rank = 0
        if not heading.is_question and INTRO_HEADING.match(heading.text):
            self.intro_rank = heading.rank
        if heading.is_question:
            # As the assembler does, an unnumbered question counts on from the last.
            numbered = match_question_heading(heading.text)
            number = read_number(numbered) if numbered else None
            self.number = number if number is not None else self.number + 1
            self.last_question, self.answered, self.in_question = heading, False, True
            self.steps, self.folds = False, int(heading.rule == "details question")
        elif self.last_question and heading.rank <= self.last_question.rank:
            self.in_question = False
        elif self.last_question and (heading.is_level or QUESTIONS_PART.search(heading.text)):
            # "### Beginner (1–50)" under "## 18. Interview Preparation" holds questions of
            # its own: the numbered heading above is a part of the guide, not a question.
            self.in_question = False


HeadingRule = Callable[[HeadingScan, int], list[Heading] | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """A named recogniser."""

    name: str
    kinds: tuple[str, ...]
    read: HeadingRule
