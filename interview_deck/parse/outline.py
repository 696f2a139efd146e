"""The outline: every look-ahead decision about a guide's shape, made in one place.

Which heading is the title, which are sections and which are wrappers over all the
questions, which name a difficulty level, and which numbered headings are containers of
questions rather than questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interview_deck.parse.blocks import Block
from interview_deck.parse.headings import PART_MARK, QUESTIONS_PART, Heading, HeadingScan
from interview_deck.parse.naming import (
    CONTENTS_HEADING,
    GUIDE_WORDS,
    SECTION_NAME,
    TOPIC_PHRASE,
    clip_name,
    name_section,
    strip_emphasis,
)
from interview_deck.parse.questions import (
    asks_something,
    find_code_runs,
    is_bold_line,
    match_question_heading,
    read_number,
    read_question_title,
)
from interview_deck.parse.recognise import HEADING_RULES
from interview_deck.parse.vocabulary import (
    LEADING_SYMBOLS,
    Flag,
    Role,
    clean_label,
    is_answer_label,
    lookup_label,
    match_label,
)


@dataclass(frozen=True, slots=True)
class Outline:
    """The headings of a guide, its title, and the name of each section by its line."""

    headings: list[Heading]
    title: Heading | None
    sections: dict[int, str]
    # The headings each block stands for, by the block's first line.
    by_block: dict[int, list[Heading]]

    def headings_at(self, line: int) -> list[Heading]:
        """Return the headings of the block that starts at a 1-based line."""
        return self.by_block.get(line, [])


def outline_guide(blocks: list[Block]) -> Outline:
    """Find a guide's headings and decide its title and sections."""
    by_block = scan_headings(blocks)
    headings = [h for found in by_block.values() for h in found]
    title = find_title(headings)
    return Outline(headings, title, find_sections(headings, title), by_block)


def scan_headings(blocks: list[Block]) -> dict[int, list[Heading]]:
    """Return the headings of the guide by block, each read by the first heading rule that fits."""
    scan = HeadingScan(blocks, find_code_runs([first_line(b) for b in blocks]))
    scan.lesson_title = is_lesson_title(blocks)
    by_block: dict[int, list[Heading]] = {}
    for i, block in enumerate(blocks):
        for rule in HEADING_RULES:
            found = rule.read(scan, i) if block.kind in rule.kinds else None
            if found is None:
                continue
            by_block[block.line] = found
            for heading in found:
                scan.add(heading)
            break
    demote_numbered_sections(scan.headings, scan.labelled_lines)
    demote_notes(scan.headings, scan.labelled_lines)
    mark_one_question(scan.headings, blocks)
    return by_block


def mark_one_question(headings: list[Heading], blocks: list[Block]) -> None:
    """Mark the first heading as the question of a file that is one question and no more.

    "# Question" (or "Problem", "Exercise"...) as the first heading, with no number, and
    an answer part after it ("# Solution", `**Answer:**`), in a guide where nothing else
    is a question: one card of a vault that keeps a question per file.
    """
    if not headings or any(h.is_question for h in headings):
        return
    first = headings[0]
    if first.origin != "heading" or not starts_question(first.text):
        return
    later = [b for b in blocks if b.line > first.line and b.kind in ("heading", "paragraph")]
    if any(names_answer(b) for b in later):
        first.is_question, first.rule = True, "one-question file"
        # No number and no title: the question's text below the heading is its title.
        first.text = "Question 1"


def starts_question(text: str) -> bool:
    """True for a heading that is only a question's prompt label: "Question", "Problem"."""
    label = lookup_label(clean_label(strip_emphasis(text)))
    return label.role is Role.PROMPT and label.has(Flag.STARTS_QUESTION)


def names_answer(block: Block) -> bool:
    """True for a heading that names an answer ("Solution") or a paragraph that opens with
    an answer label (`**Answer:** ...`)."""
    if block.kind == "heading":
        return is_answer_label(clean_label(strip_emphasis(block.text)))
    found = match_label(block.text)
    return found is not None and is_answer_label(found.name)


def is_lesson_title(blocks: list[Block]) -> bool:
    """True when the first heading is the guide's only numbered h1 and deeper headings follow.

    "# 22. Generic Constraints" numbers a lesson; a guide of questions as h1s has many.
    """
    headings = [b for b in blocks if b.kind == "heading"]
    numbered = [b for b in headings if b.depth == 1 and match_question_heading(first_line(b))]
    deeper = any(b.depth > 1 for b in headings)
    return deeper and len(numbered) == 1 and numbered[0] is headings[0]


def first_line(block: Block) -> str:
    """Return the first line of a heading or paragraph, where a question's mark would be."""
    if block.kind not in ("heading", "paragraph"):
        return ""
    text = block.text.strip().split("\n")[0]
    return strip_emphasis(text) if block.kind == "heading" or is_bold_line(text) else text


def demote_notes(headings: list[Heading], labelled_lines: set[int]) -> None:
    """Unmark numbered headings that are study notes: "#### 1. Precision", which asks
    nothing, in a guide whose questions sit under an "Interview Questions" heading.

    Only when those questions are written otherwise (bold `**Q1:**` lines, headings that
    ask), so that a guide of numbered headings keeps them all.
    """
    inside = mark_questions_parts(headings)
    marked = [h for h, held in zip(headings, inside, strict=True) if held and h.is_question]
    # "### Q1." under "## 15. Interview Questions" are questions, "### 1️⃣ Safety" notes.
    forms = {is_q_marked(h) for h in marked if is_numbered_heading(h)}
    if not marked or False in forms:
        return
    for heading, held in zip(headings, inside, strict=True):
        if held or not is_numbered_heading(heading) or heading.line in labelled_lines:
            continue
        # "## Question 1" over its text names itself a question, whatever the questions
        # under the part look like ("### 1️⃣ Safety" beside "### Q1." is notes).
        if is_q_marked(heading):
            continue
        if not asks_something(read_question_title(heading.text).title):
            heading.is_question = False
            heading.rule = "notes heading"


def is_q_marked(heading: Heading) -> bool:
    """True for a heading whose number a question word marks: "Q1.", "Question 2:"."""
    return LEADING_SYMBOLS.sub("", heading.text)[:1].upper() == "Q"


def mark_questions_parts(headings: list[Heading]) -> list[bool]:
    """Return, for each heading, whether it is under one that names a part of questions."""
    inside = []
    rank = 0  # the rank of the open part's heading; 0 when none is open
    for heading in headings:
        ends = rank and heading.rank <= rank and not heading.is_question and not heading.is_level
        rank = 0 if ends else rank
        if not rank and not heading.is_question and QUESTIONS_PART.search(heading.text):
            rank = heading.rank
            inside.append(False)
            continue
        inside.append(bool(rank))
    return inside


def is_numbered_heading(heading: Heading) -> bool:
    """True for a question that is a numbered heading, "### 7. Title"."""
    found = match_question_heading(heading.text) if heading.origin == "heading" else None
    return heading.is_question and found is not None and read_number(found) is not None


def demote_numbered_sections(headings: list[Heading], labelled_lines: set[int]) -> None:
    """Unmark numbered headings that are sections: "## 1. Theory" with questions under it.

    Their siblings at the same depth are sections too ("## 3. Summary"), unless a label
    follows them, which makes them questions after all.
    """
    containers = []
    for i, heading in enumerate(headings):
        if not heading.is_question or heading.line in labelled_lines:
            continue
        for below in headings[i + 1 :]:
            if below.rank <= heading.rank:
                break
            if below.is_question:
                containers.append(heading)
                break
    ranks = {h.rank for h in containers}
    for heading in headings:
        if heading.rank in ranks and heading.line not in labelled_lines:
            heading.is_question = False
            heading.rule = "numbered section"


def find_title(headings: list[Heading]) -> Heading | None:
    """Return the title heading: the first one, unless it is really a question or a section.

    That is: a question, a heading deeper than another, or the first of several sections
    ("## Theory" with questions under it, then "## Coding").
    """
    if not headings:
        return None
    first = headings[0]
    if first.is_question or re.match(r"(section|part)\b", first.text, re.I):
        return None
    # "### Python Interview Guide" over "## Theory" sections is still the title.
    titled = TOPIC_PHRASE.search(clip_name(first.text)) is not None
    if any(h.rank < first.rank for h in headings) and not titled:
        return None
    end = find_span_end(headings, 0)
    has_questions = any(h.is_question for h in headings[1:end])
    sibling = headings[end] if end < len(headings) else None
    # "# Theory" then "# Coding" are sections; "# X Interview Guide" over "# SECTION 2" is not,
    # nor over "# Reference", an appendix that holds no questions.
    if has_questions and sibling and sibling.rank == first.rank:
        part = PART_MARK.match(LEADING_SYMBOLS.sub("", sibling.text)) is not None
        appendix = not any(h.is_question for h in headings[end:])
        # "# Coding Questions", "# Bonus Question" beside "# Docker - Interview Questions":
        # a part of questions under the guide's title, when the first heading names a topic
        # ("### Theory Questions" beside "### Coding Questions" is the first of two sections).
        rest = TOPIC_PHRASE.sub("", LEADING_SYMBOLS.sub("", clip_name(first.text))).strip()
        topical = re.search(r"[^\W\d_]", rest) is not None and not GUIDE_WORDS.match(rest)
        kind = topical and TOPIC_PHRASE.search(clip_name(sibling.text)) is not None
        return first if titled and (part or appendix or kind) else None
    return first


def find_sections(headings: list[Heading], title: Heading | None) -> dict[int, str]:
    """Map the line of each section heading to the section's name.

    A section is a heading that is neither a question nor a difficulty level and has
    questions under it: a Table of Contents, Introduction or Summary has none.
    """
    sections: dict[int, str] = {}
    total = sum(h.is_question for h in headings)
    # The sections that hold the heading being looked at.
    around: list[Heading] = []
    for i, heading in enumerate(headings):
        around = [h for h in around if h.rank < heading.rank]
        if heading is title or heading.is_question or heading.is_level:
            continue
        if CONTENTS_HEADING.match(heading.text) or is_closing(heading.text):
            # A table of contents lists the sections, and a reply's "### Conclusion" closes
            # it: neither is ever one.
            continue
        below = sum(h.is_question for h in headings[i + 1 : find_span_end(headings, i)])
        # "### Interview questions" inside "## 4. Variants" keeps that section's name.
        if below and not ((below == total or around) and is_wrapper(heading)):
            sections[heading.line] = name_section(heading.text)
            around.append(heading)
    return sections


def is_closing(text: str) -> bool:
    """True for a heading that closes a chat's reply: "Conclusion", "Summary", "Final Thoughts"."""
    return lookup_label(clean_label(text)).has(Flag.OUTRO)


def is_wrapper(heading: Heading) -> bool:
    """True for a heading over all the questions that names no part: "## Interview Questions"."""
    name = name_section(heading.text)
    text = clip_name(heading.text)
    # "## 15. Interview Questions & Answers 🎯", "## Вопросы на собеседовании": nothing else.
    bare = not re.sub(r"[\W\d_]", "", TOPIC_PHRASE.sub("", text))
    generic = TOPIC_PHRASE.search(text) is not None and (len(name.split()) <= 1 or bare)
    return generic and not SECTION_NAME.match(name)


def find_span_end(headings: list[Heading], i: int) -> int:
    """Return the index of the heading that ends heading i's part of the guide.

    That is the next heading at the same depth or shallower, other than a question (levels
    like "### Easy Level" may sit at the same depth as their questions) and, for a section,
    other than a difficulty level (which may sit at the same depth as its section).
    """
    heading = headings[i]
    for j in range(i + 1, len(headings)):
        below = headings[j]
        if below.rank > heading.rank or below.is_question:
            continue
        if below.is_level and not heading.is_level:
            continue
        return j
    return len(headings)


def find_bold_title(blocks: list[Block]) -> str:
    """Return a title written as a bold line before any heading, `**Python Interview Guide**`."""
    for block in blocks:
        if not block.is_paragraph:
            return ""
        text = block.text.strip()
        if is_bold_line(text) and TOPIC_PHRASE.search(clip_name(text)):
            return strip_emphasis(text)
    return ""
