"""Recognisers: small named rules that each test for one kind of block and read it.

The heading rules find what divides a guide: question headings, bold question lines,
numbered lists of questions, bold section lines. They run in the priority order of
HEADING_RULES, as markdown-it's block rules do; the first that reads a block wins, and
its name is recorded. The rules for what is inside a question are in `body.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from markdown_it.token import Token

from interview_deck.parse.blocks import Block, read_items
from interview_deck.parse.naming import (
    BRACKETED_DIFFICULTY,
    LEADING_DIFFICULTY,
    LEADING_EMOJI,
    SECTION_NAME,
    TOPIC_PHRASE,
    clip_name,
    find_trailing_difficulty,
    name_difficulty,
    name_section,
    strip_emphasis,
    strip_trailing_symbols,
)
from interview_deck.parse.vocabulary import (
    LABEL,
    LEADING_SYMBOLS,
    Role,
    clean_label,
    is_answer_label,
    lookup_label,
    match_label,
    opens_question,
)

# "7. Title", "Q7: Title", "Question 7 — Title", "Problem 7: Title", "Coding Challenge 7 —
# Title"; in "1.2 Title" the question's number is 2.
QUESTION_WORD = (
    r"(?:(?:coding|practical|interview)\s+)?(?:q|question|problem|challenge|exercise|task|scenario)"
)
QUESTION_HEADING = re.compile(
    rf"^(?:{QUESTION_WORD}\s*#?\s*)?(?:\d{{1,3}}\.(?=\d))?(?P<number>\d{{1,9}})"
    r"\s*(?:[.):\-–—]\s*|\s+)(?P<title>.*)$",
    re.IGNORECASE,
)
# "### Question 7" with the question itself only in the field below.
BARE_QUESTION_HEADING = re.compile(
    rf"^{QUESTION_WORD}\s*#?\s*(?P<number>\d{{1,9}})\s*[.):]?$", re.IGNORECASE
)
# "Q: Title", "Question: Title": a question marked as one, without a number.
MARKED_QUESTION = re.compile(r"^(?:q|question)\s*[:.)\-–—]\s*(?P<title>\S.*)$", re.IGNORECASE)
# A bold line that names a part of the guide: "Section 1: Core Concepts", "Part B — Coding".
PART_MARK = re.compile(r"^(?:section|part|chapter)\s+\w{1,4}\b\s*[:.)\-–—]", re.IGNORECASE)
# "**Q7.** Title", "**Question 7:** Title": a number in bold, then the question.
BOLD_NUMBER = re.compile(
    r"^(?:\*\*|__)(?P<number>(?:q|question)\s*#?\s*\d{1,9})\s*(?P<mark>[.:)]?)\s*(?:\*\*|__)"
    r"\s*[.:)]?\s*(?=\S)",
    re.IGNORECASE,
)
# A numbered title inside a label, as in `**7. Fetch URLs:** Fetch a list of URLs.`
NUMBERED = re.compile(r"^\d{1,9}[.)]\s*\S")
# Keycap digits, "1️⃣" or "1️⃣2️⃣", and "🔟", as LLMs number headings with them.
KEYCAP = re.compile(r"^((?:\d\ufe0f?\u20e3)+|\U0001f51f)\s*")
# "5 Tips for the Interview": a number and a word, with no stop between.
PLAIN_NUMBER = re.compile(r"^\d{1,9}\s+[^\W\d]")
# "3.1 Why it matters": a part of question 3.
SUB_NUMBER = re.compile(r"^\d{1,3}\.\d{1,3}\b")
# A bold line naming a section or level: "I. Theory (20 Questions)", "A. Easy", "Coding".
MARKER = re.compile(r"^(?:[IVX]{1,6}|[A-Z]|\d{1,2})[.)]\s+\S")
INTRO_HEADING = re.compile(
    r"^\W*(?:(?:introduction|overview|about\s+this\s+guide)\W*$"
    r"|how\s+to\s+use\s+this\s+guide|how\s+(?:this|the)\s+guide\s+is|(?:guide\s+)?format\b)",
    re.IGNORECASE,
)

Origin = Literal["heading", "bold line", "list item", "table row"]
# Bold lines rank below every real heading, and bold or listed questions below those.
BOLD_LINE_RANK = 7
BOLD_QUESTION_RANK = 8


@dataclass
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


@dataclass
class HeadingScan:
    """What the heading rules know of the blocks before the one they read."""

    blocks: list[Block]
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

    def add(self, heading: Heading) -> None:
        """Add a heading the rules read, keeping track of the question it may be in."""
        self.headings.append(heading)
        if heading.is_question:
            # As the assembler does, an unnumbered question counts on from the last.
            numbered = match_question_heading(heading.text)
            number = read_number(numbered) if numbered else None
            self.number = number if number is not None else self.number + 1
            self.last_question, self.answered, self.in_question = heading, False, True
        elif self.last_question and heading.rank <= self.last_question.rank:
            self.in_question = False


HeadingRule = Callable[[HeadingScan, int], list[Heading] | None]


@dataclass(frozen=True)
class Rule:
    """A named recogniser."""

    name: str
    kinds: tuple[str, ...]
    read: HeadingRule


def match_question_heading(text: str) -> re.Match[str] | None:
    """Match a numbered question heading: "7. Title", "Q7: Title", "🔹 7. Title", "7️⃣ Title"."""
    # Runs of spaces are folded first: some of these patterns would backtrack over them.
    text = " ".join(text.split())
    keycap = KEYCAP.match(text)
    if keycap:
        number = "10" if keycap[1] == "\U0001f51f" else re.sub(r"\D", "", keycap[1])
        text = f"{number}. {text[keycap.end() :]}"
    # "🔸 **Scenario 1: ...**": emphasis inside the symbols.
    text = strip_emphasis(LEADING_SYMBOLS.sub("", text))
    return (
        QUESTION_HEADING.match(text)
        or BARE_QUESTION_HEADING.match(text)
        or MARKED_QUESTION.match(text)
    )


def read_number(match: re.Match[str]) -> int | None:
    """Return the number a question heading gives, if it gives one ("Q: Title" does not)."""
    number = match.groupdict().get("number")
    return int(number) if number else None


# An ATX heading line and its text (the question recogniser ignores a closing run of #).
HEADING_LINE = re.compile(r"^ {0,3}(?P<marks>#{1,6})[ \t]+(?P<text>.*)$")


def is_question_line(line: str, min_depth: int = 1) -> bool:
    """True for a line that is a numbered question heading, "### 7. Title", `min_depth` deep."""
    heading = HEADING_LINE.match(line)
    if heading is None or len(heading["marks"]) < min_depth:
        return False
    return match_question_heading(strip_emphasis(heading["text"])) is not None


def read_question_heading(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: "### 7. Title", or a heading with a question label right under it.

    Inside a question, "#### 3.1 Why it matters", "#### 1. Tokenize" (under a question a
    label confirmed) and "#### Follow-up" over a `**Question:**` are parts of it, and so is
    "### Solution" over `**Code:**`. A label under them makes them questions.
    """
    block = scan.blocks[i]
    text = strip_emphasis(block.text.strip())
    numbered = match_question_heading(text)
    label_follows = opens_question(find_first_label(scan.blocks, i + 1))
    # "## 1. What is hoisting?" over "### Answer" is confirmed like one over `**Answer:**`.
    below = scan.blocks[i + 1] if i + 1 < len(scan.blocks) else None
    if below is not None and below.kind == "heading" and below.depth > block.depth:
        label_follows = label_follows or is_answer_label(clean_label(below.text))
    last = scan.last_question
    inside = last is not None and block.depth > last.rank
    confirmed = last is not None and last.line in scan.labelled_lines
    if inside and numbered and not label_follows and (SUB_NUMBER.match(text) or confirmed):
        numbered = None
    # "## 5 Tips for the Interview": a number without a stop needs a label under it.
    if numbered and PLAIN_NUMBER.match(text) and not label_follows:
        numbered = None
    intro = INTRO_HEADING.match(text) is not None
    if intro:
        numbered = None
    # "# Redis Interview Questions" over `Q: ...` lines is the guide's title, not a question.
    titled = TOPIC_PHRASE.search(clip_name(text)) is not None
    may_ask = bool(numbered) or not (inside or titled or lookup_label(clean_label(text)).is_known)
    labelled = may_ask and label_follows and not intro
    if labelled:
        scan.labelled_lines.add(block.line)
    is_question = bool(numbered) or labelled
    rule = "question heading" if is_question else "heading"
    return [Heading("heading", block.depth, block.depth, text, block.line, is_question, rule)]


def read_bold_question_line(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: a numbered one-line bold paragraph over a question label, `**7. Title**`.

    It must be the first question since a heading, or numbered next after the one before:
    in a guide of headings, "**2. Hash map**" inside question 1 is a step of it.
    """
    text = read_bold_question(scan.blocks[i].text.strip().split("\n")[0])
    numbered = match_question_heading(text) if text else None
    if numbered is None:
        return None
    number = read_number(numbered)
    headings = scan.headings
    after_heading = not headings or not headings[-1].is_question
    after_bold = bool(headings) and headings[-1].rank == BOLD_QUESTION_RANK
    in_order = after_heading or (after_bold and number in (None, scan.number + 1))
    # A line marked "Q" or one that asks needs no label under it: "**Q1: Why?**".
    marked = number is None or text[:1].upper() == "Q" or asks_something(text, True)
    if not (in_order and (marked or opens_question(find_first_label(scan.blocks, i + 1)))):
        return None
    line = scan.blocks[i].line
    return [Heading("bold line", 0, BOLD_QUESTION_RANK, text, line, True, "bold question line")]


def read_bold_section_line(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: `**I. Theory**` or `**A. Easy**` right before a question."""
    content = scan.blocks[i].text.strip()
    if not (is_bold_marker(content) and opens_bold_question(scan.blocks, i + 1)):
        return None
    line = scan.blocks[i].line
    text = strip_emphasis(content)
    return [Heading("bold line", 0, BOLD_LINE_RANK, text, line, False, "bold section line")]


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
    if label is None or label.name != "Question" or block.text.lstrip("*_").upper()[:1] != "Q":
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
    """Heading rule: a numbered list whose every item is `1. **What is X?**` over an answer."""
    return read_list_questions(scan.blocks[i], loose=not scan.in_question) or None


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


@dataclass(frozen=True)
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
    Rule("table of questions", ("table",), read_question_table),
    Rule("question heading", ("heading",), read_question_heading),
    Rule("bold question line", ("paragraph",), read_bold_question_line),
    Rule("bold section line", ("paragraph",), read_bold_section_line),
    Rule("question label line", ("paragraph",), read_question_label_line),
    Rule("answer confirms question", ("paragraph",), read_answer_confirms),
]


def read_list_questions(block: Block, loose: bool = False) -> list[Heading]:
    """Return the questions of a numbered list whose items are `1. **What is X?**` over an
    answer, each with its blocks after the title; none if any item is not one.

    With `loose` (outside any question), an item may also be a plain line that asks,
    `1. What does chmod do?`, with anything under it as its answer.
    """
    if block.kind != "ordered_list":
        return []
    questions: list[Heading] = []
    for item in read_items(block):
        inner = item.blocks
        first = inner[0] if inner else None
        title = first.text.split("\n")[0] if first is not None and first.is_paragraph else ""
        answered = any(
            (found := match_label(line.strip())) and is_answer_label(found.name)
            for b in inner
            for line in inline_lines(b)
        )
        has_body = len(inner) > 1 or (first is not None and "\n" in first.text)
        asks = loose and asks_something(title, strictly=True) and has_body
        if not ((is_bold_line(title) and answered) or asks):
            return []
        text = f"{item.number or len(questions) + 1}. {strip_emphasis(title)}"
        rule = "numbered list of questions"
        heading = Heading("list item", 0, BOLD_QUESTION_RANK, text, item.line, True, rule, inner)
        questions.append(heading)
    return questions


def inline_lines(block: Block) -> list[str]:
    """Return the lines of every paragraph and heading in a block, nested ones too."""
    return [line for t in block.tokens if t.type == "inline" for line in t.content.split("\n")]


def read_bold_question(content: str) -> str:
    """Return the heading a one-line bold paragraph stands for, if it is numbered, else "".

    `**7. Title**` is "7. Title", `**Q7.** Title` is "Q7. Title", and `**7. Title:** Do X`
    is "7. Title" (its prompt, "Do X", is read with the question's fields).
    """
    if "\n" in content or not content.startswith(("**", "__")):
        return ""
    unbolded = BOLD_NUMBER.sub(r"\g<number>\g<mark> ", content)
    if unbolded != content:
        return unbolded
    if is_bold_line(content):
        return strip_emphasis(content)
    label = LABEL.match(content)
    return label["label"].strip() if label and NUMBERED.match(label["label"]) else ""


def is_bold_line(text: str) -> bool:
    """True for one line of bold text, `**...**`, that is not a label (`**Label:**`)."""
    return (
        text.startswith(("**", "__"))
        and "\n" not in text
        and re.fullmatch(r"(\*\*|__)[^*_].*\1", text) is not None
        and match_label(text) is None
    )


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
            found = match_label(block.lead) if block.lead else None
            return found.name if found else ""
        if block.kind != "paragraph" or BOLD_NUMBER.match(block.text):
            # A paragraph such as "**Q3:** ..." starts a question of its own.
            break
        found = match_label(block.text)
        label = found.name if found else ""
        if lookup_label(label).role is not Role.METADATA:
            return label
    return ""


@dataclass(frozen=True)
class QuestionTitle:
    """What a question's heading says: its number (if any), title and difficulty (if any)."""

    number: int | None
    title: str
    difficulty: str | None


def read_question_title(text: str) -> QuestionTitle:
    """Read a question heading: "Q3 (Easy): Title", "7. Title — 🔴 Hard", "Title"."""
    match = match_question_heading(text)
    title = (match.groupdict().get("title") or "").strip() if match else text
    colour = LEADING_EMOJI.match(text)
    difficulty = colour["difficulty"] if colour else None
    for found in (LEADING_DIFFICULTY.search(title), find_trailing_difficulty(title)):
        if found:
            difficulty = name_difficulty(found["difficulty"])
            title = strip_trailing_symbols(title[: found.start()] + title[found.end() :]).strip()
    number = read_number(match) if match else None
    return QuestionTitle(number, strip_emphasis(title), difficulty)


def find_titled_prompt(line: str) -> int | None:
    """Return where the title ends in `**7. Fetch URLs:** Fetch a list.`, whose rest is a prompt."""
    found = LABEL.match(line)
    return found.end() if found else None


# The first words of a prompt that asks for something without a question mark.
ASKING_WORDS = re.compile(
    r"^\W*(?:write|implement|create|design|build|given|find|explain|describe|compare|list|name"
    r"|show|return|reverse|convert|define|modify|refactor|fix|debug|how|what|why|when|which"
    r"|where|who|can|could|should|is|are|do|does)\b",
    re.IGNORECASE,
)


def asks_something(text: str, strictly: bool = False) -> bool:
    """True for a paragraph that asks: it ends with "?" or, unless `strictly`, opens like a
    question or a task ("Write ...", "Explain ...")."""
    ending = text.rstrip(" *_)`\n")
    return ending.endswith("?") or (not strictly and ASKING_WORDS.match(text) is not None)


def is_intro_heading(text: str) -> bool:
    """True for a heading over the guide's introduction: "Overview", "How to use this guide"."""
    return INTRO_HEADING.match(text) is not None
