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

from interview_deck.parse.blocks import Block, read_items
from interview_deck.parse.naming import (
    BRACKETED_DIFFICULTY,
    LEADING_DIFFICULTY,
    SECTION_NAME,
    TRAILING_DIFFICULTY,
    TRAILING_SYMBOLS,
    name_difficulty,
    name_section,
    strip_emphasis,
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
    r"(?:(?:coding|practical|interview)\s+)?(?:q|question|problem|challenge|exercise|task)"
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

Origin = Literal["heading", "bold line", "list item"]
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
        set_apart = TRAILING_DIFFICULTY.search(self.text) or BRACKETED_DIFFICULTY.search(self.text)
        return (
            name_difficulty(set_apart["difficulty"]) if set_apart and not self.is_question else None
        )

    @property
    def is_level(self) -> bool:
        """True for a heading that only names a difficulty: "## Easy Level (6 Questions)"."""
        named = not self.is_question and name_difficulty(self.text) is not None
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


HeadingRule = Callable[[HeadingScan, int], list[Heading] | None]


@dataclass(frozen=True)
class Rule:
    """A named recogniser."""

    name: str
    kinds: tuple[str, ...]
    read: HeadingRule


def match_question_heading(text: str) -> re.Match[str] | None:
    """Match a numbered question heading: "7. Title", "Q7: Title", "🔹 7. Title", "7️⃣ Title"."""
    keycap = KEYCAP.match(text)
    if keycap:
        number = "10" if keycap[1] == "\U0001f51f" else re.sub(r"\D", "", keycap[1])
        text = f"{number}. {text[keycap.end() :]}"
    text = LEADING_SYMBOLS.sub("", text)
    return QUESTION_HEADING.match(text) or BARE_QUESTION_HEADING.match(text)


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
    may_ask = bool(numbered) or not (inside or lookup_label(clean_label(text)).is_known)
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
    text = read_bold_question(scan.blocks[i].text.strip())
    numbered = match_question_heading(text) if text else None
    if numbered is None:
        return None
    headings = scan.headings
    after_heading = not headings or not headings[-1].is_question
    after_bold = bool(headings) and headings[-1].rank == BOLD_QUESTION_RANK
    in_order = after_heading or (after_bold and int(numbered["number"]) == scan.number + 1)
    if not (in_order and opens_question(find_first_label(scan.blocks, i + 1))):
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
    return None


def read_question_list(scan: HeadingScan, i: int) -> list[Heading] | None:
    """Heading rule: a numbered list whose every item is `1. **What is X?**` over an answer."""
    return read_list_questions(scan.blocks[i]) or None


HEADING_RULES: list[Rule] = [
    Rule("numbered list of questions", ("ordered_list",), read_question_list),
    Rule("question heading", ("heading",), read_question_heading),
    Rule("bold question line", ("paragraph",), read_bold_question_line),
    Rule("bold section line", ("paragraph",), read_bold_section_line),
    Rule("answer confirms question", ("paragraph",), read_answer_confirms),
]


def read_list_questions(block: Block) -> list[Heading]:
    """Return the questions of a numbered list whose items are `1. **What is X?**` over an
    answer, each with its blocks after the title; none if any item is not one."""
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
        if not is_bold_line(title) or not answered:
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
    return bool(MARKER.match(text) or is_level or SECTION_NAME.match(name_section(text)))


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
    difficulty = None
    for found in (LEADING_DIFFICULTY.search(title), TRAILING_DIFFICULTY.search(title)):
        if found:
            difficulty = name_difficulty(found["difficulty"])
            title = TRAILING_SYMBOLS.sub("", title[: found.start()] + title[found.end() :]).strip()
    number = int(match["number"]) if match else None
    return QuestionTitle(number, strip_emphasis(title), difficulty)


def find_titled_prompt(line: str) -> int | None:
    """Return where the title ends in `**7. Fetch URLs:** Fetch a list.`, whose rest is a prompt."""
    found = LABEL.match(line)
    return found.end() if found else None


def is_intro_heading(text: str) -> bool:
    """True for a heading over the guide's introduction: "Overview", "How to use this guide"."""
    return INTRO_HEADING.match(text) is not None
