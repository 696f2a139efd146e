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
    ends_with_code,
    keep_label,
    read_labelled_block,
)
from interview_deck.parse.folds import add_choices, add_fold, split_choices
from interview_deck.parse.naming import DIFFICULTY_RANGE, name_difficulty
from interview_deck.parse.vocabulary import (
    MARK_BEFORE_EMPHASIS,
    Flag,
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


@dataclass(frozen=True, slots=True)
class BodyBlock:
    """A block inside a question, with its source: its first line and its whole text.

    `source` is a paragraph's source with its runs of spaces folded, for the patterns that
    read a whole paragraph (`<details>`, id comments) and would backtrack over long runs.
    """

    block: Block
    first_line: str
    source: str


BodyRule = Callable[[QuestionDraft, BodyBlock, list[str]], str | None]


@dataclass(frozen=True, slots=True)
class BodyRuleEntry:
    """A named body rule."""

    name: str
    read: BodyRule


def read_difficulty_line(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: a one-line paragraph that only gives the difficulty, `*Difficulty: Hard*`."""
    block = body.block
    if not block.is_paragraph or block.line != block.last_line:
        return None
    # Spaces folded, as the pattern's optional parts would backtrack over a run of them.
    found = DIFFICULTY_LINE.match(" ".join(body.first_line.split()))
    if found is None:
        return None
    question.difficulty = name_difficulty(found["difficulty"])
    return "difficulty"


def read_details(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: `<details><summary>Show answer</summary>` opens the answer; `</details>` goes."""
    return add_fold(question.fields, body.block, body.source)


def read_id_comment(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: `<!-- id: Old Title -->` before any field gives the question's identity."""
    found = ID_COMMENT.match(body.source) if body.block.is_paragraph else None
    if found is None or question.fields:
        return None
    question.key = found["key"]
    return "id"


# `**Q: What does range(5) give?**`: the question's text, marked and set in bold.
MARKED_PROMPT = re.compile(r"(?:q|question)\s*[:.]\s*(?=\S)", re.IGNORECASE)


def read_marked_prompt(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: `**Q: What does range(5) give?**` first under a heading is its Question."""
    # `🔹 **Q: ...**`: an emoji before the bold line is not part of the question.
    block, text = body.block, MARK_BEFORE_EMPHASIS.sub("", body.source)
    if question.fields or not block.is_paragraph or "\n" in block.text:
        return None
    inner = text[2:-2].strip() if text[:2] in ("**", "__") and text[-2:] == text[:2] else ""
    found = MARKED_PROMPT.match(inner) if "*" not in inner else None
    if found is None:
        return None
    opening, inline, closing = block.tokens
    prompt = inner[found.end() :]
    tokens = [opening, inline.copy(content=prompt), closing]
    question.fields.append(FieldDraft("Question", block.line, prompt, block.last_line, tokens))
    return "label"


def read_choices(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: a list of options then labelled items, `* A) …`, `* **Correct Answer:** …`:
    the options go with the prompt, the labelled items are fields."""
    choices = split_choices(body.block)
    if choices is None:
        return None
    add_choices(question.fields, body.block, body.first_line, choices)
    return "choices"


def read_field(question: QuestionDraft, body: BodyBlock, lines: list[str]) -> str | None:
    """Body rule: a label, a labelled list or quote, or more text for the field before."""
    block, fields = body.block, question.fields
    label = match_label(body.first_line, question.plain_labels) if block.is_paragraph else None
    if label and fields and not keep_label(label, body.first_line, fields, lines):
        label = None
    # A list right under an empty label (`**Expected Answer:**`) is that field's text.
    waiting = bool(fields) and not fields[-1].has_text
    list_style = any(f.from_list for f in fields)
    # After a field's code, a list of bold labels (`- **Real App Usage:** …`) is fields.
    after_code = bool(fields) and bool(fields[-1].label) and ends_with_code(fields[-1])
    items = (
        []
        if waiting or label
        else read_labelled_block(block, list_style, after_code, question.plain_labels)
    )
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
    BodyRuleEntry("marked prompt", read_marked_prompt),
    BodyRuleEntry("choices", read_choices),
    BodyRuleEntry("field", read_field),
]


# A sentence of a chat's goodbye: "I hope this helps!", "If you want, I can also: ...".
# It is matched at the first word of a sentence.
CHAT_OUTRO = re.compile(
    r"(?:i\s+hope\s+(?:this|that|these|it|you)\b"
    r"|hope\s+(?:this|that|it)\s+(?:helps|guide|was\s+helpful)\b|let\s+me\s+know\b"
    r"|good\s+luck\b|best\s+of\s+luck\b|happy\s+(?:coding|learning|studying|interviewing|prepping)\b"
    r"|feel\s+free\s+to\s+(?:ask|reach|let)\b"
    r"|would\s+you\s+like\s+(?:me|a|an|more|another|some|the\s+(?:guide|questions))\b"
    r"|do\s+you\s+want\s+me\s+to\b|want\s+me\s+to\b|want\s+more\s*[?!]"
    r"|if\s+you(?:'d|\s+would)?\s+(?:like|want)\b[^.\n]*\b(?:i\s+can|me\s+to)\b"
    r"|(?:note:\s*)?this\s+guide\s+(?:is|covers|should|has|was)\b"
    r"|these\s+(?:\w+\s+)?(?:questions|examples|answers|explanations|concepts|topics|points)\s+"
    r"(?:should|will|cover|give|help|progress|range|span)\b"
    r"|is\s+there\s+anything\s+else\b|shall\s+i\b|all\s+the\s+best\b"
    r"|should\s+i\s+also\s+(?:add|prepare|create|generate|make|include|write|convert)\b"
    r"|(?:next,?\s+)?i\s+can\s+(?:also\s+)?(?:convert|generate|create|turn|prepare|provide|make)\b"
    r"|you(?:'re|\s+are)\s+(?:now\s+)?(?:ready|all\s+set|well\s+prepared)\b"
    r"|that'?s\s+the\s+(?:full|complete|whole|entire)\s+(?:set|guide|list)\b)",
    re.IGNORECASE,
)
# "This is not an exhaustive list of questions": a goodbye only when it speaks of the guide.
NOT_EXHAUSTIVE = re.compile(r"\bnot\s+(?:an?\s+)?exhaustive\b", re.IGNORECASE)
GUIDE_NOUN = re.compile(r"\b(?:questions|guide|interview|candidate)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?]\s+")
WORD = re.compile(r"\w")


def is_goodbye(text: str) -> bool:
    """True for a paragraph that opens with a goodbye, or ends with one sentence of it."""
    found = find_goodbye(text)
    if found is None:
        return False
    # "…avoids storing tokens. Would you like a hint? Most teams…" is an answer's text.
    return found.first or not SENTENCE_END.search(text, found.end)


@dataclass(frozen=True, slots=True)
class Goodbye:
    """Where the first goodbye sentence of a paragraph starts and ends; `first` if it opens
    the paragraph."""

    start: int
    end: int
    first: bool


def find_goodbye(text: str) -> Goodbye | None:
    """Return the first sentence that reads as a chat's goodbye, matched at its first word."""
    return find_sentence(text, CHAT_OUTRO)


# How a chat's new reply opens: "Sure! Here are …", "Here are some questions for you:",
# "Based on your request, here is …".
REPLY_OPENER = re.compile(
    r"(?:(?:sure|certainly|absolutely|of\s+course)\b|based\s+on\s+your\b|here(?:'s|’s|\s+(?:is|are))\b)",
    re.IGNORECASE,
)
HERE = re.compile(r"here", re.IGNORECASE)
YOUR = re.compile(r"\byour?\b", re.IGNORECASE)


def opens_reply(text: str, loose: bool) -> bool:
    """True for a paragraph that opens a chat's reply: "Sure! Here are …", "Based on your…".

    "Here are …" alone is a reply when it speaks to the reader ("your project"), or, when
    `loose`, when it ends with a colon that introduces what follows ("Here are more
    questions:"): at the end of a last answer, "Here are the steps:" is the answer's text.
    """
    found = find_sentence(text, REPLY_OPENER)
    if found is None:
        return False
    here = HERE.match(text, found.start) is not None
    return not here or YOUR.search(text) is not None or (loose and text.endswith(":"))


def find_sentence(text: str, pattern: re.Pattern[str]) -> Goodbye | None:
    """Return the first sentence that `pattern` matches at its first word.

    Sentences whose first word is the same (". . . Hope") are tried once, so the search
    stays linear in the paragraph.
    """
    starts = [0, *(m.end() for m in SENTENCE_END.finditer(text))]
    tried = -1
    for start in starts:
        if start < tried:
            continue
        word = WORD.search(text, start)
        if word is None:
            return None
        tried = word.start()
        found = pattern.match(text, tried)
        if found:
            return Goodbye(tried, found.end(), start == 0)
    return None


def says_not_exhaustive(text: str) -> bool:
    """True for "This is not an exhaustive list of questions", said of the guide."""
    found = NOT_EXHAUSTIVE.search(text)
    return found is not None and GUIDE_NOUN.search(text, found.end()) is not None


def find_chat_outro(blocks: list[Block], lines: list[str]) -> int:
    """Return the index of the block where a chat's closing words begin (len(blocks) if none).

    They come after everything else: plain paragraphs and lists (no heading, code or
    label) to the end. They begin at a rule, or at a paragraph that opens like a chat's
    goodbye ("I hope this helps", "Let me know", "If you'd like, I can ...").
    """
    start = len(blocks)
    while start > 0:
        block = blocks[start - 1]
        label = match_label(lines[block.line - 1].lstrip())
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
        if text and (is_goodbye(text) or says_not_exhaustive(text) or opens_reply(text, False)):
            return i
    return len(blocks)


def find_chat_asides(blocks: list[Block], lines: list[str]) -> set[int]:
    """Return the indices of blocks that are a chat's words between two replies.

    They follow a rule, are plain paragraphs and lists up to the next heading or rule, and
    one of them reads as a goodbye ("Would you like more?", "Let me know ..."), or, right
    before a heading, as a new reply's opening ("Sure! Here are more questions:").
    """
    asides: set[int] = set()
    for i, block in enumerate(blocks):
        if block.kind != "hr":
            continue
        run = []
        for j in range(i + 1, len(blocks)):
            after = blocks[j]
            label = match_label(lines[after.line - 1].lstrip()) if after.is_paragraph else None
            if label or after.kind not in ("paragraph", "bullet_list", "ordered_list"):
                break
            run.append(j)
        said = [source_text(lines, blocks[j]) for j in run if blocks[j].is_paragraph]
        end = run[-1] + 1 if run else i + 1
        headed = end < len(blocks) and blocks[end].kind == "heading"
        if any(is_goodbye(text) or (headed and opens_reply(text, True)) for text in said):
            asides.update(run)
    return asides


def source_text(lines: list[str], block: Block) -> str:
    """Return a block's source text, stripped."""
    return "\n".join(lines[block.line - 1 : block.last_line]).strip()
