"""Blocks of a question that are neither a plain label nor text: answers folded into
`<details>`, and lists of choices with the answer among them; and a list item's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from interview_deck.parse.blocks import Block, read_items
from interview_deck.parse.fields import (
    FieldDraft,
    add_block,
    draft_labelled_field,
    split_labelled_items,
    strip_label,
    unhide,
)
from interview_deck.parse.vocabulary import clean_label, is_answer_label, match_label

# An answer folded away: "<details><summary>Show answer</summary>", then "</details>". These
# read a paragraph's source with its runs of spaces folded, as `\s*` around the lazy
# summary would backtrack over a long run of them.
SUMMARY = r"<summary>\s*(?:<(?:b|strong)>)?\s*(?P<label>[^<]*?)\s*(?:</(?:b|strong)>)?\s*</summary>"
DETAILS_OPEN = re.compile(rf"^(?:</details>\s?)?<details>\s*(?:{SUMMARY})?\s*$", re.IGNORECASE)
SUMMARY_ALONE = re.compile(rf"^{SUMMARY}\s*$", re.IGNORECASE)
DETAILS_CLOSE = re.compile(r"^</details>\s*$", re.IGNORECASE)
SUMMARY_END, DETAILS_END = "</summary>", "</details>"
# A summary that asks a question after a bold label, `<summary><strong>Question:</strong>
# Why?</summary>`, maybe after the fold before it closes and this one opens, on one line.
QUESTION_SUMMARY = re.compile(
    r"^(?:</details>\s?)?(?:<details>\s?)?<summary>\s?<(?:b|strong)>\s?(?:q|question)\s?[:.]?"
    r"\s?</(?:b|strong)>\s?:?\s?(?P<title>[^<]{1,300})</summary>\s?$",
    re.IGNORECASE,
)


def add_fold(fields: list[FieldDraft], block: Block, source: str) -> str | None:
    """Read a paragraph that folds an answer away or back, and say how ("label", "ignored").

    `<details><summary>Answer</summary>` opens a field its summary names (an answer when it
    names none), also when the summary is a line of its own or text follows it on its line;
    `</details>` is left out. `source` is the paragraph's source with its spaces folded.
    """
    if not block.is_paragraph:
        return None
    if DETAILS_CLOSE.match(source):
        return "ignored"
    alone = SUMMARY_ALONE.match(source)
    folded = DETAILS_OPEN.match(source) or alone
    last = fields[-1] if fields else None
    if alone and last is not None and last.folded and not last.has_text:
        # `<details>`, a blank line, then `<summary>Hint</summary>`: it names that field.
        last.label, last.line, last.last_line = name_fold(alone["label"]), block.line, block.line
        return "label"
    if folded:
        name, line = name_fold(folded["label"] or ""), block.last_line
        fields.append(FieldDraft(name, line, "", line, folded=True))
        return "label"
    return add_fold_lead(fields, block)


def add_fold_lead(fields: list[FieldDraft], block: Block) -> str | None:
    """Read `<details><summary>Answer</summary> The text…`: the field, with its text."""
    text = block.text
    end = text.find(SUMMARY_END, 0, 300) + len(SUMMARY_END)
    if text[:9].lower() != "<details>" or end < len(SUMMARY_END):
        return None
    found = DETAILS_OPEN.match(" ".join(text[:end].split()))
    if found is None:
        return None
    tokens = strip_label(list(block.tokens), end)
    first, name = text.split("\n")[0][end:], name_fold(found["label"] or "")
    if tokens and tokens[1].content.lower().endswith(DETAILS_END):
        # `<details><summary>Answer</summary>It is.</details>`, on one line or more.
        content = tokens[1].content[: -len(DETAILS_END)].rstrip()
        tokens[1] = tokens[1].copy(content=content)
        first = first[: -len(DETAILS_END)] if "\n" not in text else first
    fields.append(FieldDraft(name, block.line, first, block.last_line, tokens))
    return "label"


def name_fold(summary: str) -> str:
    """Return the name of the field a `<summary>` opens: "Answer" unless it names another."""
    name = clean_label(summary)
    return "Answer" if not name or is_answer_label(name) else name


# A choice of a multiple-choice question: "A) Kafka", "(b) Redis", "C. RabbitMQ".
OPTION = re.compile(r"^\(?[A-Ha-h][).:][ \t]+\S")


@dataclass(frozen=True, slots=True)
class Choices:
    """A list of options then labelled items: the options' tokens, as a list of their own,
    the options' last line, and the fields of the labelled items."""

    options: list[Token]
    last_line: int
    fields: list[FieldDraft]


def split_choices(block: Block) -> Choices | None:
    """Return the options and fields of a bullet list of choices followed by labelled items,
    one of them the answer: `* A) …`, `* B) …`, `* **Correct Answer:** B`; else None."""
    if block.kind != "bullet_list":
        return None
    items = read_items(block)
    count = 0
    for item in items:
        inner = item.tokens
        lead = inner[1].content if len(inner) > 1 and inner[0].type == "paragraph_open" else ""
        if not OPTION.match(lead):
            break
        count += 1
    if count < 2 or count == len(items):
        return None
    fields = []
    for item in items[count:]:
        found = draft_labelled_field(item.line, item.last_line, list(item.tokens))
        if found is None:
            return None
        found.tokens, found.from_list = unhide(found.tokens), True
        fields.append(found)
    if not any(is_answer_label(f.label) for f in fields):
        return None
    options = [
        block.tokens[0],
        *(t for item in items[:count] for t in item.outer),
        block.tokens[-1],
    ]
    return Choices(options, items[count - 1].last_line, fields)


def add_choices(fields: list[FieldDraft], block: Block, first_line: str, choices: Choices) -> None:
    """Add a list of choices to the question's prompt (its last field), and its labelled
    items as fields after it."""
    if fields:
        fields[-1].tokens += choices.options
        fields[-1].last_line = choices.last_line
    else:
        fields.append(FieldDraft("", block.line, first_line, choices.last_line, choices.options))
    fields += choices.fields


def draft_item_fields(inner: list[Block], lines: list[str]) -> list[FieldDraft]:
    """Return the fields of a list item's blocks after its title: labels and their text."""
    fields: list[FieldDraft] = []
    for block in inner:
        if add_fold(fields, block, " ".join(block.text.split())):
            continue
        text = block.text if block.is_paragraph else ""
        label = match_label(text) if text else None
        items = [] if label else split_labelled_items(block, list_style=True)
        first_line = text.split("\n")[0] if text else lines[block.line - 1]
        add_block(fields, block, first_line, label, items)
    return fields
