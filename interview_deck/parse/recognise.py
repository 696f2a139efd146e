"""Recognisers: small named rules that each test for one kind of block and read it.

The heading rules find what divides a guide: question headings, bold question lines,
numbered lists of questions, bold section lines. They run in the priority order of
HEADING_RULES, as markdown-it's block rules do; the first that reads a block wins, and
its name is recorded. The rules for what is inside a question are in `body.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from interview_deck.parse.blocks import Block
from interview_deck.parse.folds import DETAILS_OPEN, QUESTION_SUMMARY
from interview_deck.parse.headings import (
    BOLD_LINE_RANK,
    BOLD_QUESTION_RANK,
    INTRO_HEADING,
    PART_MARK,
    QUESTIONS_PART,
    Heading,
    HeadingScan,
    Rule,
)
from interview_deck.parse.items import read_list_questions
from interview_deck.parse.naming import (
    SECTION_NAME,
    TOPIC_PHRASE,
    clip_name,
    name_difficulty,
    name_section,
    strip_emphasis,
)
from interview_deck.parse.questions import (
    BOLD_NUMBER,
    PLAIN_NUMBER,
    SUB_NUMBER,
    asks_something,
    is_bold_line,
    match_question_heading,
    read_bold_question,
    read_code_question,
    read_number,
)
from interview_deck.parse.vocabulary import (
    MARK_BEFORE_EMPHASIS,
    Role,
    bare_lead,
    clean_label,
    is_answer_label,
    lookup_label,
    match_label,
    opens_question,
)

# A bold line naming a section or level: "I. Theory (20 Questions)", "A. Easy", "Coding".
MARKER = re.compile(r"^(?:[IVX]{1,6}|[A-Z]|\d{1,2})[.)]\s+\S")


def read_question_heading(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: "### 7. Title", or a heading with a question label right under it.

    Inside a question, "#### 3.1 Why it matters", "#### 1. Tokenize" (under a question a
    label confirmed, or one that asks while the sub-heading does not) and "#### Follow-up"
    over a `**Question:**` are parts of it, and so is "### Solution" over `**Code:**`. A
    label under them makes them questions. A heading that asks ("### Bonus: Why?") with
    text under it is a question too.
    """
    block = scan.blocks[i]
    text = strip_emphasis(block.text.strip())
    numbered = match_question_heading(text)
    coded = "" if numbered else read_code_question(text, scan.codes)
    if coded:
        text, numbered = coded, match_question_heading(coded)
    label_follows = opens_question(find_first_label(scan.blocks, i + 1))
    # "## Quick recall" over several `**Q:**` lines, each with its answer: they are questions.
    label_follows = label_follows and (
        bool(numbered) or count_marked_questions(scan.blocks, i + 1) < 2
    )
    # "## 1. What is hoisting?" over "### Answer" is confirmed like one over `**Answer:**`.
    below = scan.blocks[i + 1] if i + 1 < len(scan.blocks) else None
    if below is not None and below.kind == "heading" and below.depth > block.depth:
        label_follows = label_follows or is_answer_label(clean_label(below.text))
    last = scan.last_question
    inside = last is not None and block.depth > last.rank
    confirmed = last is not None and last.line in scan.labelled_lines
    steps = last is not None and asks_something(last.text, True) and not asks_something(text, True)
    if inside and numbered and not label_follows and (SUB_NUMBER.match(text) or confirmed or steps):
        numbered = None
    # "## 5 Tips for the Interview": a number without a stop needs a label under it.
    if numbered and PLAIN_NUMBER.match(text) and not label_follows:
        numbered = None
    intro = INTRO_HEADING.match(text) is not None
    # "# 22. Generic Constraints" over the guide: the lesson's number, not a question's.
    lesson = block.depth == 1 and scan.lesson_title and not scan.headings and not label_follows
    if intro or lesson:
        numbered = None
    # "# Redis Interview Questions" over `Q: ...` lines is the guide's title, not a question.
    titled = TOPIC_PHRASE.search(clip_name(text)) is not None or lesson
    may_ask = bool(numbered) or not (inside or titled or lookup_label(clean_label(text)).is_known)
    asks = asks_something(text, True) and below is not None and below.kind != "heading"
    # "### What is the STAR method?" under "## Introduction", before any question, explains.
    asks = asks and not (0 < scan.intro_rank < block.depth and last is None)
    labelled = may_ask and (label_follows or asks) and not intro
    if labelled:
        scan.labelled_lines.add(block.line)
    is_question = bool(numbered) or labelled
    rule = "question heading" if is_question else "heading"
    # "#### Example" inside `<details><summary>Answer</summary>` is a part of that answer,
    # whatever its depth: ranked below the question, it cannot end it.
    rank = block.depth if is_question or not scan.folds else BOLD_QUESTION_RANK + 1
    return [Heading("heading", block.depth, rank, text, block.line, is_question, rule)]


def count_marked_questions(blocks: list[Block], start: int) -> int:
    """Count the `Q:` lines from `start` to the next heading, up to two."""
    count = 0
    for block in blocks[start:]:
        if block.kind == "heading" or count >= 2:
            break
        label = match_label(block.text) if block.is_paragraph else None
        marked = bare_lead(block.text).upper()[:1] == "Q"
        count += label is not None and label.name == "Question" and marked
    return count


def read_details_question(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: `<details><summary>Question 3</summary>` opens question 3.

    The fold holds the question's text and, nested, `<details><summary>Answer</summary>`.
    Only a summary that numbers a question does: "Answer" or "Hint" folds a field. A
    summary that asks after a bold label, `<summary><strong>Question:</strong> Why?</summary>`,
    opens the question it asks; its answer's labels follow in the fold.
    """
    block = scan.blocks[i]
    text = " ".join(block.text.split())
    scan.count_folds(text)
    asked = QUESTION_SUMMARY.match(text)
    if asked and asked["title"].strip():
        title, rule = asked["title"].strip(), "details question"
        return [Heading("bold line", 0, BOLD_QUESTION_RANK, title, block.line, True, rule)]
    # Spaces folded, as the summary's pattern would backtrack over a long run of them.
    found = DETAILS_OPEN.match(text)
    summary = strip_emphasis(found["label"] or "") if found else ""
    numbered = match_question_heading(summary) if summary else None
    if numbered is None or read_number(numbered) is None:
        return None
    rule = "details question"
    return [Heading("bold line", 0, BOLD_QUESTION_RANK, summary, block.line, True, rule)]


def read_bold_question_line(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: a numbered one-line bold paragraph over a question label, `**7. Title**`.

    It must be the first question since a heading, or numbered next after the one before:
    in a guide of headings, "**2. Hash map**" inside question 1 is a step of it. A line
    that neither asks nor has a label under it, "**3. Explain IoC.**", is a question when
    it goes on a run of bold numbered questions, unless numbered steps came since the last.
    """
    whole = scan.blocks[i].text.strip()
    text = read_bold_question(whole.split("\n")[0])
    coded = not (text and match_question_heading(text))
    if coded:
        text = read_bold_code_question(whole, scan.codes)
    numbered = match_question_heading(text) if text else None
    if numbered is None:
        return None
    number = read_number(numbered)
    headings = scan.headings
    # "### 7. Practice Questions" over `**Question 1:**` lines holds them, whatever its number.
    holds = bool(headings) and QUESTIONS_PART.search(headings[-1].text) is not None
    after_heading = not headings or not headings[-1].is_question or holds
    after_bold = bool(headings) and headings[-1].rank == BOLD_QUESTION_RANK
    # A code marks its questions apart from any step, so "**Q40 (slug).**" may skip numbers.
    next_one = number in (None, scan.number + 1) or (coded and (number or 0) > scan.number)
    in_order = after_heading or (after_bold and next_one)
    # A line marked "Q" or one that asks needs no label under it: "**Q1: Why?**".
    marked = number is None or text[:1].upper() == "Q" or asks_something(text, True)
    last = scan.last_question
    goes_on = last is not None and last.rule == "bold question line" and not scan.steps
    goes_on = goes_on and number == scan.number + 1
    labelled = opens_question(find_first_label(scan.blocks, i + 1))
    if not (in_order and (marked or goes_on or labelled)):
        scan.steps = scan.steps or scan.in_question
        return None
    line = scan.blocks[i].line
    return [Heading("bold line", 0, BOLD_QUESTION_RANK, text, line, True, "bold question line")]


def read_bold_code_question(whole: str, codes: frozenset[str]) -> str:
    """Return a paragraph's question marked by a code, `**AP1.** Title` or `**T1. Why?**`."""
    line = whole.split("\n")[0]
    return read_code_question(strip_emphasis(line) if is_bold_line(line) else line, codes, whole)


def read_bold_section_line(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: `**I. Theory**` or `**A. Easy**` right before a question."""
    content = scan.blocks[i].text.strip()
    marker = is_bold_marker(content) and opens_bold_question(scan.blocks, i + 1)
    grouped = is_bold_line(content) and opens_summary_question(scan.blocks, i + 1)
    if not (marker or grouped):
        return None
    line = scan.blocks[i].line
    text = strip_emphasis(content)
    return [Heading("bold line", 0, BOLD_LINE_RANK, text, line, False, "bold section line")]


def opens_summary_question(blocks: list[Block], start: int) -> bool:
    """True if a fold whose summary asks, `<summary><b>Question:</b> Why?</summary>`, is next:
    a bold line right over it names its group."""
    block = blocks[start] if start < len(blocks) else None
    if block is None or not block.is_paragraph:
        return False
    asked = QUESTION_SUMMARY.match(" ".join(block.text.split()))
    return asked is not None and bool(asked["title"].strip())


def read_answer_confirms(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Rule: an answer label under a question confirms it, like a label right under it.

    Numbered sub-headings after that are its steps ("#### 1. Storage"). Reads no heading.
    """
    label = match_label(scan.blocks[i].text)
    if label and scan.last_question and is_answer_label(label.name):
        scan.labelled_lines.add(scan.last_question.line)
        scan.answered = True
    return None


def read_question_label_line(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: `Q: What is Redis?` starts a question of its own, its answer `A: ...`.

    Only outside a question, or after the answer of a question that began the same way:
    under a heading, `**Question:**` is that question's prompt, and after its answer a
    `Q:` line is a follow-up dialogue.
    """
    block = scan.blocks[i]
    label = match_label(block.text)
    if label is None or label.name != "Question" or bare_lead(block.text).upper()[:1] != "Q":
        return None
    last = scan.last_question
    chained = scan.answered and last is not None and last.rule == "question label line"
    if scan.in_question and not chained:
        return None
    title = block.text.split("\n")[0][label.end :].strip()
    if not title:
        return None
    rule = "question label line"
    return [Heading("bold line", 0, BOLD_QUESTION_RANK, f"Q: {title}", block.line, True, rule)]


def read_question_list(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: a list whose every item is `1. **What is X?**` over an answer, or
    `- **What is X?**`, `- **Q:** ...` over `**A:** ...` outside any question, or, marked
    `Q`, under a numbered heading that asks nothing."""
    block, last = scan.blocks[i], scan.last_question
    # A list of its own after a list item's question starts the next run of them (the
    # `<details>` groups of a README): the item's answer is indented inside the item.
    listed = last is not None and last.origin == "list item"
    found = read_list_questions(block, loose=not scan.in_question or listed)
    # "## 20. Revision Sheet" over `- **Q: ...**` items asks nothing and holds them.
    if not found and scan.in_question and last is not None and last.origin == "heading":
        holds = last.line not in scan.labelled_lines and not asks_something(last.text, True)
        found = read_list_questions(block, loose=True, marked=True) if holds else []
    return found or None


# The header of a table's columns: the question, its answer, its number, its difficulty.
COLUMNS = {
    "question": re.compile(r"^(?:q|questions?)$", re.IGNORECASE),
    "answer": re.compile(r"^(?:a|ans|answers?|solutions?)$", re.IGNORECASE),
    "number": re.compile(r"^(?:#|no\.?|nr\.?|number|q\s*#)$", re.IGNORECASE),
    "difficulty": re.compile(r"^(?:difficulty|level)$", re.IGNORECASE),
}


def read_question_table(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: a table with Question and Answer columns, one question per row.

    | # | Question | Answer |
    """
    rows = read_table_rows(scan.blocks[i])
    if len(rows) < 2:
        return None
    names = [clean_label(cell.content) for cell in rows[0].cells]
    column = {
        key: next((n for n, name in enumerate(names) if pattern.match(name)), None)
        for key, pattern in COLUMNS.items()
    }
    asked, answered = column["question"], column["answer"]
    if asked is None or answered is None:
        return None
    headings = []
    for row in rows[1:]:
        cells = [cell.content.strip() for cell in row.cells]
        number = cells[column["number"]] if column["number"] is not None else ""
        text = f"{number}. {cells[asked]}" if number.isdigit() else f"Q: {cells[asked]}"
        if column["difficulty"] is not None and cells[column["difficulty"]]:
            text += f" ({cells[column['difficulty']]})"
        answer = make_paragraph(row.cells[answered], row.line)
        rule = "table of questions"
        headings.append(
            Heading("table row", 0, BOLD_QUESTION_RANK, text, row.line, True, rule, [answer])
        )
    return headings


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row of a table: its 1-based line and the inline token of each cell."""

    line: int
    cells: list[Token]


def read_table_rows(block: Block) -> list[TableRow]:
    """Return a table's rows, the header first."""
    rows: list[TableRow] = []
    for token in block.tokens:
        if token.type == "tr_open" and token.map:
            rows.append(TableRow(token.map[0] + 1, []))
        elif token.type == "inline" and rows:
            rows[-1].cells.append(token)
    width = len(rows[0].cells) if rows else 0
    return [row for row in rows if len(row.cells) == width]


def make_paragraph(cell: Token, line: int) -> Block:
    """Return a table cell's text as a paragraph block of its own."""
    opening = Token("paragraph_open", "p", 1, map=[line - 1, line])
    closing = Token("paragraph_close", "p", -1)
    tokens = (opening, cell.copy(map=[line - 1, line]), closing)
    return Block("paragraph", 0, line, line, cell.content.strip(), "", tokens)


HEADING_RULES: list[Rule] = [
    Rule("numbered list of questions", ("ordered_list",), read_question_list),
    Rule("bulleted list of questions", ("bullet_list",), read_question_list),
    Rule("table of questions", ("table",), read_question_table),
    Rule("question heading", ("heading",), read_question_heading),
    Rule("details question", ("paragraph",), read_details_question),
    Rule("bold question line", ("paragraph",), read_bold_question_line),
    Rule("bold section line", ("paragraph",), read_bold_section_line),
    Rule("question label line", ("paragraph",), read_question_label_line),
    Rule("answer confirms question", ("paragraph",), read_answer_confirms),
]


def is_bold_marker(content: str) -> bool:
    """True for a bold line that names a section or level: `**I. Theory**`, `**A. Easy**`."""
    if not is_bold_line(content):
        return False
    text = strip_emphasis(content)
    is_level = name_difficulty(text) is not None and not name_section(text, keep_difficulty=False)
    named = SECTION_NAME.match(name_section(text))
    return bool(MARKER.match(text) or PART_MARK.match(text) or is_level or named)


def opens_bold_question(blocks: list[Block], start: int) -> bool:
    """True if a question comes next (bold or a heading), maybe after more bold marker lines."""
    for block in blocks[start:]:
        if block.kind == "hr":
            continue
        if block.kind == "ordered_list":
            return bool(read_list_questions(block))
        content = block.text.strip()
        if block.kind == "heading":
            return match_question_heading(strip_emphasis(content)) is not None
        if block.kind != "paragraph":
            return False
        if read_bold_question(content):
            return True
        if not is_bold_marker(content):
            return False
    return False


def find_first_label(blocks: list[Block], start: int) -> str:
    """Return the label opening the blocks from `start` on, past any "**Difficulty:**".

    The label may open a paragraph or the first item of a bullet list.
    """
    for block in blocks[start:]:
        if block.kind == "bullet_list":
            # `- **Q:** ...` items with `**A:**` under them are questions of their own.
            lead = MARK_BEFORE_EMPHASIS.sub("", block.lead)
            marked = lead.startswith(("**Q", "__Q", "*Q", "_Q"))
            questions = marked and read_list_questions(block, True)
            found = match_label(block.lead) if block.lead and not questions else None
            return found.name if found else ""
        if block.kind != "paragraph" or BOLD_NUMBER.match(MARK_BEFORE_EMPHASIS.sub("", block.text)):
            # A paragraph such as "**Q3:** ..." starts a question of its own.
            break
        found = match_label(block.text)
        label = found.name if found else ""
        if lookup_label(label).role is not Role.METADATA:
            return label
    return ""


def is_intro_heading(text: str) -> bool:
    """True for a heading over the guide's introduction: "Overview", "How to use this guide"."""
    return INTRO_HEADING.match(text) is not None
