"""Assemble: one pass over the blocks, folding them into questions and their fields.

The outline has already decided what every heading is; the body rules decide what each
block inside a question is. This stage only keeps track of where it is in the guide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from interview_deck.errors import Problem
from interview_deck.model import Question, Reading
from interview_deck.parse.blocks import Block
from interview_deck.parse.body import BODY_RULES, BodyBlock, source_text
from interview_deck.parse.fields import (
    FieldDraft,
    QuestionDraft,
    draft_item_fields,
    finish_fields,
    join_lines,
    strip_label,
)
from interview_deck.parse.naming import name_difficulty, strip_emphasis
from interview_deck.parse.outline import Outline
from interview_deck.parse.recognise import (
    Heading,
    find_titled_prompt,
    is_intro_heading,
    read_question_title,
)
from interview_deck.parse.vocabulary import Flag, clean_label, is_question_label, lookup_label


@dataclass
class Assembly:
    """Where the fold is in the guide, and what it has gathered so far."""

    lines: list[str]
    outline: Outline
    drafts: list[QuestionDraft] = field(default_factory=list)
    intro: list[Block] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    section: str | None = None
    difficulty: str | None = None
    # The rank of the heading that set `difficulty`, which ends where a shallower one starts.
    difficulty_rank: int = 0
    # The line of the last section or level heading: the part of the guide a question is in.
    part: int = 0
    current: QuestionDraft | None = None
    in_intro: bool = False

    def read(self, block: Block | Heading, role: str, rule: str) -> None:
        """Record how a block was read."""
        self.readings.append(Reading(block.line, role, rule))

    @property
    def intro_tokens(self) -> list[Token]:
        """The tokens of the introduction's blocks."""
        return [t for b in self.intro for t in b.tokens]

    @property
    def intro_text(self) -> str:
        """The introduction's source, its blocks separated by blank lines."""
        return "\n\n".join(join_lines(self.lines[b.line - 1 : b.last_line]) for b in self.intro)


def assemble_blocks(
    lines: list[str], blocks: list[Block], outline: Outline, outro: int
) -> Assembly:
    """Fold the blocks before the chat's outro into questions."""
    state = Assembly(lines, outline)
    for position, block in enumerate(blocks):
        headings = outline.headings_at(block.line)
        if headings and block.kind == "ordered_list" and not state.in_intro:
            add_list_questions(state, headings)
        elif headings and block.kind in ("heading", "paragraph"):
            add_heading(state, block, headings[0])
        elif position >= outro:
            for rest in blocks[position:]:
                state.read(rest, "outro", "chat outro")
            break
        else:
            add_body_block(state, block)
    return state


def add_list_questions(state: Assembly, headings: list[Heading]) -> None:
    """Open a question for each item of a numbered list of questions."""
    for heading in headings:
        current = open_question(state, heading)
        current.fields += draft_item_fields(heading.item)
        state.read(heading, "question", heading.rule)


def add_heading(state: Assembly, block: Block, heading: Heading) -> None:
    """Start what a heading starts: a field, a question, a section, a level or the intro."""
    current = state.current
    if current is not None and is_field_heading(heading, current):
        # A sub-heading inside a question is one of its fields.
        label = clean_label(heading.text)
        current.fields.append(FieldDraft(label, block.line, "", block.last_line, from_heading=True))
        state.read(heading, "field", f"{heading.rule} inside a question")
        return
    state.current = None
    is_title = heading is state.outline.title
    state.in_intro = is_title or (not heading.is_question and is_intro_heading(heading.text))
    if state.in_intro:
        state.read(heading, "title" if is_title else "intro", heading.rule)
    elif heading.is_question:
        state.current = open_question(state, heading)
        add_titled_prompt(state.current, block, state.lines[block.line - 1])
        state.read(heading, "question", heading.rule)
    elif heading.line in state.outline.sections:
        enter_section(state, heading)
    elif heading.is_level:
        state.difficulty, state.difficulty_rank = name_difficulty(heading.text), heading.rank
        state.part = heading.line
        state.read(heading, "level", heading.rule)
    else:
        state.read(heading, "heading", heading.rule)


def enter_section(state: Assembly, heading: Heading) -> None:
    """Start a section; it may name a difficulty, or end the level it was nested in."""
    state.section, state.part = state.outline.sections[heading.line], heading.line
    if heading.difficulty:
        state.difficulty, state.difficulty_rank = heading.difficulty, heading.rank
    # A section nested under a level heading keeps that level's difficulty.
    elif heading.rank <= state.difficulty_rank:
        state.difficulty, state.difficulty_rank = None, 0
    state.read(heading, "section", heading.rule)


def add_titled_prompt(question: QuestionDraft, block: Block, first_line: str) -> None:
    """`**7. Fetch URLs:** Fetch a list of URLs.` goes on with the question's prompt."""
    end = find_titled_prompt(first_line) if block.is_paragraph else None
    rest = strip_label(list(block.tokens), end) if end is not None else []
    if end is not None and rest:
        prompt = first_line[end:]
        question.fields.append(FieldDraft("", block.line, prompt, block.last_line, rest))


def open_question(state: Assembly, heading: Heading) -> QuestionDraft:
    """Begin a question; a difficulty in its heading beats the level's.

    It is numbered on from the question before, unless its heading has a number of its own.
    """
    read = read_question_title(heading.text)
    number = read.number or (state.drafts[-1].number + 1 if state.drafts else 1)
    difficulty = read.difficulty or state.difficulty
    draft = QuestionDraft(
        number, read.title, state.section, difficulty, heading.line, heading.rank, state.part
    )
    state.drafts.append(draft)
    return draft


def is_field_heading(heading: Heading, question: QuestionDraft) -> bool:
    """True for a heading inside a question: deeper than it, or a label like "### Answer"."""
    if heading.is_question or heading.origin != "heading" or heading.rank < question.rank:
        return False
    label = clean_label(heading.text)
    same_depth = is_question_label(label) or lookup_label(label).has(Flag.SAME_DEPTH)
    return heading.rank > question.rank or same_depth


def add_body_block(state: Assembly, block: Block) -> None:
    """Add a block that is not a heading: to the intro, or to the question it is in."""
    if block.kind == "hr":
        state.read(block, "rule", "thematic break")
    elif state.in_intro:
        state.intro.append(block)
        state.read(block, "intro", block.kind)
    elif state.current is None:
        state.read(block, "ignored", "outside any question")
    else:
        first = state.lines[block.line - 1]
        whole = source_text(state.lines, block) if block.is_paragraph else ""
        body = BodyBlock(block, first, whole)
        for rule in BODY_RULES:
            role = rule.read(state.current, body, state.lines)
            if role is not None:
                state.read(block, role, rule.name)
                break


def finish_question(path: Path, lines: list[str], draft: QuestionDraft) -> FinishedQuestion:
    """Turn a draft into a Question, deciding which fields go on the card front."""
    finished = finish_fields(path, lines, draft)
    fields = finished.fields
    title = draft.title
    if not title:
        prompt = next((f.body for f in fields if f.on_front), "")
        title = strip_emphasis(prompt.split("\n")[0]) or f"Question {draft.number}"
    if not any(not f.on_front for f in fields):
        message = f"question {draft.number} '{title}' has no answer field"
        finished.problems.append(Problem(path, draft.line, "error", message))
    question = Question(
        draft.number, title, draft.section, finished.difficulty, draft.line, tuple(fields), ""
    )
    return FinishedQuestion(question, finished.problems)


@dataclass(frozen=True)
class FinishedQuestion:
    """A finished question and the problems found in it."""

    question: Question
    problems: list[Problem]
