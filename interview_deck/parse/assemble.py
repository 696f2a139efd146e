"""Assemble: one pass over the blocks, folding them into questions and their fields.

The outline has already decided what every heading is; the body rules decide what each
block inside a question is. This stage only keeps track of where it is in the guide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from markdown_it.token import Token

from interview_deck.errors import Problem
from interview_deck.model import Field, Question, Reading
from interview_deck.parse.blocks import Block
from interview_deck.parse.body import (
    BODY_RULES,
    SENTENCE_END,
    BodyBlock,
    find_chat_outro,
    source_text,
)
from interview_deck.parse.fields import (
    FieldDraft,
    QuestionDraft,
    finish_fields,
    join_lines,
    strip_label,
)
from interview_deck.parse.folds import draft_item_fields
from interview_deck.parse.headings import Heading
from interview_deck.parse.naming import name_difficulty, strip_emphasis
from interview_deck.parse.outline import Outline, is_closing
from interview_deck.parse.questions import (
    asks_something,
    find_titled_prompt,
    read_question_title,
)
from interview_deck.parse.recognise import is_intro_heading
from interview_deck.parse.vocabulary import (
    Flag,
    Role,
    clean_label,
    is_question_label,
    lookup_label,
    match_label,
)


@dataclass(slots=True)
class Assembly:
    """Where the fold is in the guide, and what it has gathered so far."""

    path: Path
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
    # True for study notes with questions at the end: what is outside them is the notes.
    notes: bool = False
    # Set once a warning says that what follows a heading is left out; a heading clears it
    # (a numbered section's heading sets it: its notes are left out without a warning).
    warned_left_out: bool = False
    # Set by a chat's words between replies or a reply's closing heading, until a question.
    replied: bool = False
    # The guide writes its labels plain (`Expected Answer:`): its questions read them.
    plain_labels: bool = False
    problems: list[Problem] = field(default_factory=list)

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
    path: Path,
    lines: list[str],
    blocks: list[Block],
    outline: Outline,
    outro: int,
    asides: set[int],
    plain_labels: bool = False,
) -> Assembly:
    """Fold the blocks before the chat's outro into questions, leaving out the chat's asides."""
    state = Assembly(path, lines, outline, plain_labels=plain_labels)
    state.notes = any(h.rule == "notes heading" for h in outline.headings)
    for position, block in enumerate(blocks):
        headings = outline.headings_at(block.line)
        if position in asides:
            state.read(block, "chat", "chat between replies")
            state.replied = True
            continue
        if headings and block.kind in ("ordered_list", "bullet_list", "table"):
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


def find_outro(blocks: list[Block], lines: list[str], outline: Outline) -> int:
    """Return the index of the block where the chat's closing words begin, after the last
    question: `---` then `**Question 2**` over its list of choices is no goodbye."""
    asked = [
        p for p, b in enumerate(blocks) if any(h.is_question for h in outline.headings_at(b.line))
    ]
    after = asked[-1] + 1 if asked else 0
    return after + find_chat_outro(blocks[after:], lines)


def add_list_questions(state: Assembly, headings: list[Heading]) -> None:
    """Open a question for each item of a numbered list or row of a table of questions."""
    for heading in headings:
        current = open_question(state, heading)
        if heading.origin == "table row":
            # The Answer column's cell, a paragraph of its own.
            answer = heading.item[0]
            line, tokens = answer.line, list(answer.tokens)
            current.fields.append(FieldDraft("Answer", line, answer.text, line, tokens))
        else:
            current.fields += draft_item_fields(heading.item, state.lines)
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
    # Under a numbered heading that holds no question ("### 6. Comparison" beside "### 7.
    # Practice Questions"), a part's heading ("### Part 2: SQL") or a section's, before its
    # first question, labels and code describe the guide: nothing to warn about.
    notes = heading.rule == "numbered section" or heading.is_part
    state.current = None
    state.replied = state.replied or is_closing(heading.text)
    state.warned_left_out = notes or heading.line in state.outline.sections
    is_title = heading is state.outline.title
    state.in_intro = is_title or (not heading.is_question and is_intro_heading(heading.text))
    if state.in_intro:
        state.read(heading, "title" if is_title else "intro", heading.rule)
    elif heading.is_question:
        state.current = open_question(state, heading)
        # `Q: Title` and `<summary>Question 3</summary>` hold no prompt after their title.
        if heading.rule not in ("question label line", "details question"):
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
    """`**7. Fetch URLs:** Fetch a list of URLs.` goes on with the question's prompt, and
    the lines after `**4. Does await block?**` in its paragraph are the question's text."""
    if not block.is_paragraph:
        return
    end = find_titled_prompt(first_line)
    rest = strip_label(list(block.tokens), end) if end is not None else []
    if end is not None and rest:
        prompt = first_line[end:]
        question.fields.append(FieldDraft("", block.line, prompt, block.last_line, rest))
    elif "\n" in block.text:
        opening, inline, closing = block.tokens
        after = block.text.split("\n", 1)[1]
        if continues_title(question.title, after):
            # The note keeps the key its first line gave it before titles were joined.
            question.key = question.key or question.title
            question.title = f"{question.title} {' '.join(after.split())}"
            return
        tokens = [opening, inline.copy(content=after), closing]
        line = block.line + 1
        question.fields.append(FieldDraft("", line, after.split("\n")[0], block.last_line, tokens))


# A title and the lines it wraps onto, joined, stay shorter than this; longer is a prompt.
MAX_JOINED_TITLE = 200
# A first line that ends like this ends its sentence; the lines after it say more.
SENTENCE_STOPS = tuple(".?!:;。？！：")
# A wrapped sentence goes on in lower case, or with code, a quote, a bracket or a number.
GOES_ON = re.compile(r"^[a-z`\"“'(\d]")


def continues_title(title: str, after: str) -> bool:
    """True when the lines after a bold question's first line finish its one sentence:
    `**Q1.** Which methods are idempotent, and what does` over `"idempotent" mean?`."""
    rest = " ".join(after.split())
    short = len(title) + len(rest) < MAX_JOINED_TITLE
    one_sentence = SENTENCE_END.search(rest) is None
    return (
        short and one_sentence and not title.endswith(SENTENCE_STOPS) and bool(GOES_ON.match(rest))
    )


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
    # "### 1." after "Sure! Here are more questions:" starts the next reply's numbering.
    draft.new_reply, state.replied = state.replied and read.number == 1, False
    draft.plain_labels = state.plain_labels
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
        warn_left_out(state, block)
    else:
        first = state.lines[block.line - 1]
        # A paragraph may be indented by up to 3 spaces, `   **Answer**: ...`: its text is not.
        first = first.lstrip() if block.is_paragraph else first
        whole = " ".join(source_text(state.lines, block).split()) if block.is_paragraph else ""
        body = BodyBlock(block, first, whole)
        for rule in BODY_RULES:
            role = rule.read(state.current, body, state.lines)
            if role is not None:
                state.read(block, role, rule.name)
                break


def warn_left_out(state: Assembly, block: Block) -> None:
    """Warn once per heading about a label or code that no question holds, so it is left out.

    Notes and a chat's lines outside the questions are left out without a word; a label
    that only a question has (`**Answer:**`, `**Problem:**`) or a code block there is more
    likely a question whose heading was not recognised. Other labels (`**Duration:**`,
    `**Next:**`) describe the guide.
    """
    first = state.lines[block.line - 1].lstrip()
    label = match_label(first, state.plain_labels) if block.is_paragraph else None
    label = label if label and is_question_label(label.name) else None
    what = f"'{label.name}' label" if label else "code block" if block.kind == "fence" else ""
    if not what or state.warned_left_out or state.notes:
        return
    state.warned_left_out = True
    message = (
        f"this {what} belongs to no question, so it is left out; "
        "number the heading above it to make it a question"
    )
    state.problems.append(Problem(state.path, block.line, "warning", message))


def finish_question(path: Path, lines: list[str], draft: QuestionDraft) -> FinishedQuestion:
    """Turn a draft into a Question, deciding which fields go on the card front.

    A question with nothing for its back is left out, with a warning; one whose answer no
    label names gets its first back field as the answer, and is marked `guessed` when that
    was not the obvious reading (`warn_guessed_answers` then warns about it).
    """
    finished = finish_fields(lines, draft)
    fields = finished.fields
    title = draft.title
    if not title:
        prompt = next((f.body for f in fields if f.on_front), "")
        title = strip_emphasis(prompt.split("\n")[0]) or f"Question {draft.number}"
    back = [f for f in fields if not f.on_front]
    if not back:
        message = (
            f"question {draft.number} '{title}' has nothing for the back of its card, so it is "
            "left out; add an **Answer:** label with its answer"
        )
        return FinishedQuestion(None, [Problem(path, draft.line, "warning", message)])
    guessed = False
    if not finished.answered:
        # The card's answer is the first field on the back, unless it is an aside.
        main = next((f for f in back if not f.secondary), back[0])
        fields = [replace(f, main=True) if f is main else f for f in fields]
        guessed = not names_an_answer(main.label) and not is_obvious_answer(title, fields, main)
    question = Question(
        draft.number, title, draft.section, finished.difficulty, draft.line, tuple(fields), ""
    )
    return FinishedQuestion(question, [], guessed)


def names_an_answer(label: str) -> bool:
    """True for a label that names a kind of answer, though not "answer": "Sample Code"."""
    meaning = lookup_label(label)
    return meaning.role is Role.DETAIL and meaning.has(Flag.ANSWER_PART)


def is_obvious_answer(title: str, fields: list[Field], main: Field) -> bool:
    """True when no label is needed to find the answer: it is the text (or the explanation)
    right under a question whose title or prompt asks."""
    prompts = [title, *(f.body for f in fields if f.on_front)]
    explains = not main.label or lookup_label(main.label).has(Flag.EXPLAINS)
    return explains and any(asks_something(text) for text in prompts)


def warn_guessed_answers(path: Path, questions: list[Question]) -> list[Problem]:
    """Warn about the questions whose answer had to be guessed: once, at the first of them,
    naming the lines of the others, as a guide that never labels answers has many."""
    if not questions:
        return []
    first, others = questions[0], [q.line for q in questions[1:]]
    if not others:
        message = (
            f"question {first.number} '{first.title}' has no answer label, so its back shows "
            "what follows its prompt; add an **Answer:** label to choose"
        )
        return [Problem(path, first.line, "warning", message)]
    shown = ", ".join(str(line) for line in others[:MAX_LINES_SHOWN])
    more = len(others) - MAX_LINES_SHOWN
    shown += f" and {more} more" if more > 0 else ""
    lines = f"line {shown}" if len(others) == 1 else f"lines {shown}"
    count = f"{len(others)} more question{'s' * (len(others) != 1)}"
    message = (
        f"question {first.number} '{first.title}' and {count} ({lines}) have no answer label, "
        "so their backs show what follows their prompts; add **Answer:** labels to choose"
    )
    return [Problem(path, first.line, "warning", message)]


# How many other lines a grouped warning names before it only counts the rest.
MAX_LINES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class FinishedQuestion:
    """A finished question (None when it is left out), the problems found in it, and
    whether its answer had to be guessed."""

    question: Question | None
    problems: list[Problem]
    guessed: bool = False
