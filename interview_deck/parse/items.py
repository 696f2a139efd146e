"""Questions written as list items: `1. **What is X?**` over its answer, and the other forms.

A list is read as questions only when every item is one; its items' blocks after the
title are the answer. The heading rules in `recognise.py` call `read_list_questions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interview_deck.parse.blocks import Block, read_items
from interview_deck.parse.headings import BOLD_QUESTION_RANK, Heading
from interview_deck.parse.naming import strip_emphasis
from interview_deck.parse.questions import asks_something, is_bold_line
from interview_deck.parse.vocabulary import (
    MARK_BEFORE_EMPHASIS,
    bare_lead,
    is_answer_label,
    match_label,
)

# `**What is a Merkle root?** The single top hash.`: a bold question, then its answer.
# "Q: ", "Question 3: " before the text of a question.
Q_MARK = re.compile(r"^(?:q|question)\s*\d{0,9}\s*[:.)]\s*(?=\S)", re.IGNORECASE)
Q_LABEL = re.compile(r"q\s*\d{0,9}\s*[:.]", re.IGNORECASE)
BOLD_LEAD = re.compile(r"^(?:\*\*(?P<star>[^*\n]{1,300}?)\*\*|__(?P<under>[^_\n]{1,300}?)__)(?=\s)")
# `**What is gRPC?**: A strong answer covers …`: a bold question, a colon, then its answer;
# in italics, `*What is gRPC?*: ...`, the same.
ASKING_LEAD = re.compile(
    r"^(?:(?P<stars>\*\*?)(?P<star>[^*\n]{1,300}?)(?P=stars)|(?P<unders>__?)(?P<under>[^_\n]{1,300}?)(?P=unders))"
    r"[ \t]{0,3}[:：](?=\s|$)"
)


@dataclass(frozen=True, slots=True)
class ItemTitle:
    """The question an item's first line opens with, where it ends in that line, and its form.

    The form is "bold" (`**What is X?**`), "lead" (`**What is X?** The answer.`), "marked"
    (`**Q:** What is X?`) or "plain" (`What is X?`, or anything else).
    """

    text: str
    end: int
    form: str


def read_item_title(line: str) -> ItemTitle:
    """Return the question a list item's first line (stripped) opens with."""
    # `👉 **What is X?**`: an emoji before a bold line leaves it a bold line.
    if is_bold_line(MARK_BEFORE_EMPHASIS.sub("", line)):
        text = strip_emphasis(line)
        # `**Q: Why store it in a cookie?**`: the mark is not part of the title.
        mark = Q_MARK.match(text)
        if mark is None:
            return ItemTitle(text, len(line), "bold")
        return ItemTitle(text[mark.end() :], len(line), "marked")
    asking = ASKING_LEAD.match(line)
    text = (asking["star"] or asking["under"] or "").strip() if asking else ""
    if asking and asks_something(text, strictly=True):
        # Not a label: a label names a field, this asks the question the rest answers.
        return ItemTitle(text, asking.end(), "lead")
    label = match_label(line)
    # `**Q:** ...` asks; `- **Question:** ...` beside `- **Answer:** ...` are a question's fields.
    if label is not None and label.name == "Question" and Q_LABEL.match(bare_lead(line)):
        return ItemTitle(line[label.end :].strip(), len(line), "marked")
    lead = BOLD_LEAD.match(line)
    text = (lead["star"] or lead["under"] or "").strip() if lead else ""
    if lead and label is None and text and not text.endswith(":"):
        return ItemTitle(text, lead.end(), "lead")
    return ItemTitle(line, len(line), "plain")


@dataclass(frozen=True, slots=True)
class Entry:
    """A list item read as a question: its number and line, title, blocks after the title,
    and whether an answer label is among them."""

    number: str
    line: int
    title: ItemTitle
    after: list[Block]
    answered: bool


def read_entries(block: Block) -> list[Entry]:
    """Return a list's items as questions; an item that only answers, `- **A:** ...`,
    is the answer of the item before it."""
    entries: list[Entry] = []
    for item in read_items(block):
        inner = item.blocks
        first = inner[0] if inner and inner[0].is_paragraph else None
        line = first.text.split("\n")[0].strip() if first else ""
        label = match_label(line)
        answers = entries and entries[-1].title.form == "marked" and not entries[-1].answered
        if answers and label and is_answer_label(label.name):
            last = entries[-1]
            entries[-1] = Entry(last.number, last.line, last.title, last.after + inner, True)
            continue
        title = read_item_title(line)
        after = cut_title(inner, title.end) if first else inner
        answered = any(
            (found := match_label(text.strip())) and is_answer_label(found.name)
            for b in inner
            for text in inline_lines(b)
        )
        entries.append(Entry(item.number, item.line, title, after, answered))
    return entries


def read_list_questions(block: Block, loose: bool = False, marked: bool = False) -> list[Heading]:
    """Return the questions of a list whose every item is a question over its answer.

    A numbered item may be `1. **What is X?**` over an answer label. With `loose`
    (outside any question), it may also be a line that asks, `1. What does chmod do?`,
    with anything under it as its answer; and, numbered or bulleted, `- **What is X?**`
    that asks, `- **Q:** What is X?` over `**A:** ...`, or `1. **What is X?** Text.` when
    at least half of such bold openings ask. With `marked`, only items marked `Q` are.
    """
    bullets = block.kind == "bullet_list"
    if not (block.kind == "ordered_list" or (bullets and loose)):
        return []
    questions: list[Heading] = []
    leads = asking_leads = bodies = bolds = tasks = 0
    for entry in read_entries(block):
        title = entry.title
        asks = asks_something(title.text, strictly=True)
        if title.form == "lead":
            leads, asking_leads = leads + 1, asking_leads + asks
        bodies += bool(entry.after)
        fits = is_item_question(title, loose, asks, entry.answered, bool(entry.after), bullets)
        if title.form == "bold" and not fits and loose and not bullets and entry.after:
            # `2. **Explain the box model.**` over its answer, among items that ask.
            fits = asks_something(title.text)
            tasks += fits
        bolds += title.form == "bold"
        if not fits or (marked and title.form != "marked"):
            return []
        text = strip_emphasis(title.text)
        text = f"{entry.number or len(questions) + 1}. {text}" if not bullets else f"Q: {text}"
        rule = "bulleted list of questions" if bullets else "numbered list of questions"
        rank = BOLD_QUESTION_RANK
        questions.append(Heading("list item", 0, rank, text, entry.line, True, rule, entry.after))
    # Bold openings that mostly name things are a list of terms; bare bullets ask nothing.
    # Numbered bold steps that set tasks ("**Create the table**") are a how-to, not questions.
    if 2 * asking_leads < leads or 2 * tasks > bolds or (bullets and 2 * bodies < len(questions)):
        return []
    return questions


def is_item_question(
    title: ItemTitle, loose: bool, asks: bool, answered: bool, has_body: bool, bullets: bool
) -> bool:
    """True if a list item, written as `title`, may be one question of a list of them."""
    if title.form == "bold":
        # A bold item that asks is a question even with nothing under it (it gets a warning).
        return (answered and not bullets) or (loose and asks)
    if title.form == "marked":
        return answered
    if title.form == "lead":
        return loose
    return loose and asks and has_body and not bullets


def cut_title(inner: list[Block], end: int) -> list[Block]:
    """Return an item's blocks after its title, which ends at `end` in its first line."""
    first, rest = inner[0], inner[1:]
    head, _, tail = first.text.partition("\n")
    after = head.strip()[end:].strip()
    if after:
        content, line = f"{after}\n{tail}" if tail else after, first.line
    elif tail:
        content, line = tail, first.line + 1
    else:
        return rest
    opening, inline, closing = first.tokens
    tokens = (opening, inline.copy(content=content), closing)
    return [Block(first.kind, 0, line, first.last_line, content, "", tokens), *rest]


def inline_lines(block: Block) -> list[str]:
    """Return the lines of every paragraph and heading in a block, nested ones too."""
    return [line for t in block.tokens if t.type == "inline" for line in t.content.split("\n")]
