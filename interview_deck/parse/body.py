"""Body rules: what each block inside a question is, in priority order, and the chat outro.

Each rule tests one block and, if the block is its kind, adds it to the question and
returns the role it gave. The first rule that answers wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from interview_deck.parse.blocks import Block
from interview_deck.parse.fields import (
    FieldDraft,
    QuestionDraft,
    add_block,
    keep_label,
    read_labelled_block,
)
from interview_deck.parse.naming import DIFFICULTY_RANGE, name_difficulty
from interview_deck.parse.vocabulary import (
    Flag,
    clean_label,
    is_answer_label,
    lookup_label,
    match_label,
)

# A paragraph that only gives the difficulty: "*Difficulty: Medium*", "**Level: Hard**".
# Also "🟡 **Medium**" alone, and "*Difficulty: Easy · Type: Theory*".
DIFFICULTY_LINE = re.compile(
    rf"^[^\w\s*_]{{0,2}}\s*[*_]{{0,2}}\s*(?:(?P<named>difficulty|level)\s*[*_]{{0,2}}\s*:\s*[*_]{{0,2}})?"
    rf"\s*[^\w\s*_]{{0,2}}\s*(?P<difficulty>{DIFFICULTY_RANGE})\s*"
    rf"(?(named)(?:[·|,;]\s*[^*_\n]*)?)[*_]{{0,2}}$",
    re.IGNORECASE,
)
ID_COMMENT = re.compile(r"^<!--\s*id:\s*(?P<key>[^>]*?)\s*-->$", re.IGNORECASE)
# An answer folded away: "<details><summary>Show answer</summary>", then "</details>".
DETAILS_OPEN = re.compile(
    r"^<details>\s*(?:<summary>\s*(?:<(?:b|strong)>)?\s*(?P<label>[^<]*?)\s*(?:</(?:b|strong)>)?"
    r"\s*</summary>)?\s*$",
    re.IGNORECASE,
)
DETAILS_CLOSE = re.compile(r"^</details>\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class BodyBlock:
    """A block inside a question, with its source: its first line and its whole text."""

    block: Block
    first_line: str
    source: str


BodyRule = Callable[[QuestionDraft, BodyBlock, list[str]], str | None]


@dataclass(frozen=True)
class BodyRuleEntry:
    """A named body rule."""

    name: str
    read: BodyRule


def read_difficulty_line(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: a one-line paragraph that only gives the difficulty, `*Difficulty: Hard*`."""
    block = body.block
    if not block.is_paragraph or block.line != block.last_line:
        return None
    found = DIFFICULTY_LINE.match(body.first_line)
    if found is None:
        return None
    question.difficulty = name_difficulty(found["difficulty"])
    return "difficulty"


def read_details(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: `<details><summary>Show answer</summary>` opens the answer; `</details>` goes."""
    if not body.block.is_paragraph:
        return None
    folded = DETAILS_OPEN.match(body.source)
    if folded:
        summary = clean_label(folded["label"] or "")
        name = "Answer" if not summary or is_answer_label(summary) else summary
        # Its text, and the line it is reported at, start after the `<details>`.
        last = body.block.last_line
        question.fields.append(FieldDraft(name, last, "", last))
        return "label"
    return "ignored" if DETAILS_CLOSE.match(body.source) else None


def read_id_comment(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: `<!-- id: Old Title -->` before any field gives the question's identity."""
    found = ID_COMMENT.match(body.source) if body.block.is_paragraph else None
    if found is None or question.fields:
        return None
    question.key = found["key"]
    return "id"


def read_field(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: a label, a labelled list or quote, or more text for the field before."""
    block, fields = body.block, question.fields
    label = match_label(body.first_line) if block.is_paragraph else None
    if label and fields and not keep_label(label, body.first_line, fields, lines):
        label = None
    # A list right under an empty label (`**Expected Answer:**`) is that field's text.
    waiting = bool(fields) and not fields[-1].has_text
    list_style = any(f.from_list for f in fields)
    items = [] if waiting or label else read_labelled_block(block, list_style)
    add_block(fields, block, body.first_line, label, items)
    if label:
        return "label"
    if items:
        return "labels" if block.kind == "bullet_list" else "quoted label"
    return "prompt" if len(fields) == 1 and not fields[0].label else "text"


BODY_RULES: list[BodyRuleEntry] = [
    BodyRuleEntry("difficulty line", read_difficulty_line),
    BodyRuleEntry("details", read_details),
    BodyRuleEntry("id comment", read_id_comment),
    BodyRuleEntry("field", read_field),
]


# A sentence of a chat's goodbye: "I hope this helps!", "If you want, I can also: ...".
CHAT_OUTRO = re.compile(
    r"(?:^|[.!?]\s+)\W*(?:i\s+hope\s+(?:this|that|these|it|you)\b"
    r"|hope\s+(?:this|that|it)\s+(?:helps|guide|was\s+helpful)\b|let\s+me\s+know\b"
    r"|good\s+luck\b|best\s+of\s+luck\b|happy\s+(?:coding|learning|studying|interviewing|prepping)\b"
    r"|feel\s+free\s+to\s+(?:ask|reach|let)\b"
    r"|would\s+you\s+like\s+(?:me|a|an|more|another|some|the\s+(?:guide|questions))\b"
    r"|do\s+you\s+want\s+me\s+to\b|want\s+me\s+to\b|want\s+more\s*[?!]"
    r"|if\s+you(?:'d|\s+would)?\s+(?:like|want)\b[^.\n]*\b(?:i\s+can|me\s+to)\b"
    r"|(?:note:\s*)?this\s+guide\s+(?:is|covers|should|has|was)\b"
    r"|these\s+(?:\w+\s+)?questions\s+(?:should|will|cover|give|help|progress|range|span)\b"
    r"|is\s+there\s+anything\s+else\b|shall\s+i\b|all\s+the\s+best\b"
    r"|should\s+i\s+also\s+(?:add|prepare|create|generate|make|include|write|convert)\b"
    r"|(?:next,?\s+)?i\s+can\s+(?:also\s+)?(?:convert|generate|create|turn|prepare|provide|make)\b"
    r"|you(?:'re|\s+are)\s+(?:now\s+)?(?:ready|all\s+set|well\s+prepared)\b"
    r"|that'?s\s+the\s+(?:full|complete|whole|entire)\s+(?:set|guide|list)\b)",
    re.IGNORECASE,
)
# "This is not an exhaustive list of questions": a goodbye only when it speaks of the guide.
NOT_EXHAUSTIVE = re.compile(
    r"\bnot\s+(?:an?\s+)?exhaustive\b(?=.*\b(?:questions|guide|interview|candidate)\b)",
    re.IGNORECASE | re.DOTALL,
)


def is_goodbye(text: str) -> bool:
    """True for a paragraph that opens with a goodbye, or ends with one sentence of it."""
    found = CHAT_OUTRO.search(text)
    if found is None:
        return False
    # "…avoids storing tokens. Would you like a hint? Most teams…" is an answer's text.
    return found.start() == 0 or not re.search(r"[.!?]\s+\S", text[found.end() :])


def find_chat_outro(blocks: list[Block], lines: list[str]) -> int:
    """Return the index of the block where a chat's closing words begin (len(blocks) if none).

    They come after everything else: plain paragraphs and lists (no heading, code or
    label) to the end. They begin at a rule, or at a paragraph that opens like a chat's
    goodbye ("I hope this helps", "Let me know", "If you'd like, I can ...").
    """
    start = len(blocks)
    while start > 0:
        block = blocks[start - 1]
        label = match_label(lines[block.line - 1])
        closing = not label or lookup_label(label.name).has(Flag.OUTRO)
        plain = block.is_paragraph and closing
        if not (plain or block.kind in ("hr", "bullet_list", "ordered_list")):
            break
        start -= 1
    for i in range(start, len(blocks)):
        block = blocks[i]
        if block.kind == "hr" and i < len(blocks) - 1:
            return i
        text = source_text(lines, block) if block.is_paragraph else ""
        if text and (is_goodbye(text) or NOT_EXHAUSTIVE.search(text)):
            return i
    return len(blocks)


def source_text(lines: list[str], block: Block) -> str:
    """Return a block's source text, stripped."""
    return "\n".join(lines[block.line - 1 : block.last_line]).strip()
