"""Fields: a question's labelled parts, collected block by block, then given a card side."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from interview_deck.model import Field
from interview_deck.parse.blocks import Block, quote_blocks, read_items
from interview_deck.parse.naming import STATED_DIFFICULTY, find_trailing_difficulty, name_difficulty
from interview_deck.parse.questions import asks_something
from interview_deck.parse.vocabulary import (
    Flag,
    LabelMatch,
    Role,
    is_answer_label,
    lookup_label,
    match_label,
)


@dataclass(slots=True)
class FieldDraft:
    """A field while its blocks are being collected; `line` and `last_line` are 1-based."""

    label: str
    line: int
    first_text: str
    last_line: int
    tokens: list[Token] = field(default_factory=list)
    # Set when the label stood empty and bold terms (`**Lock:** ...`) came next: its text.
    takes_terms: bool = False
    # True for a sub-heading inside a question ("#### Example"), rather than a bold label.
    from_heading: bool = False
    # True for an item of a bullet list of labels (`- **Answer:** ...`).
    from_list: bool = False
    # For text with no label: where its first block ends, should it be split off as the prompt.
    split: Split | None = None
    # True for a field that `<details>` opened: a `<summary>` line after it names it.
    folded: bool = False

    @property
    def has_text(self) -> bool:
        """True once anything follows the label: text on its line or blocks after it."""
        return bool(self.first_text.strip() or self.tokens)


@dataclass(frozen=True, slots=True)
class Split:
    """Where an unlabelled field's first block ends: its last line, its tokens, the next line."""

    last_line: int
    tokens: int
    next_line: int


@dataclass(slots=True)
class QuestionDraft:
    """A question while its fields are being collected."""

    number: int
    title: str
    section: str | None
    difficulty: str | None
    line: int
    rank: int
    # The line of the section or level heading the question is under (0 for none).
    part: int = 0
    key: str | None = None
    fields: list[FieldDraft] = field(default_factory=list)
    # True for the first question of a chat's next reply, whose numbering starts again.
    new_reply: bool = False
    # The guide writes its labels plain (`Expected Answer:`), so such lines open fields.
    plain_labels: bool = False


def add_block(
    fields: list[FieldDraft],
    block: Block,
    first_line: str,
    label: LabelMatch | None,
    items: list[FieldDraft],
) -> None:
    """Add a block to a question's fields: a labelled field, the fields of a labelled list,
    or more text for the last field (for the prompt, before any label).

    `first_line` is the block's first line, which a label is read from.
    """
    tokens = list(block.tokens)
    if label:
        first = first_line[label.end :]
        rest = strip_label(tokens, label.end)
        fields.append(FieldDraft(label.name, block.line, first, block.last_line, rest))
    elif items:
        fields += items
    elif fields:
        last = fields[-1]
        if not last.label and last.split is None:
            last.split = Split(last.last_line, len(last.tokens), block.line)
        last.tokens += tokens
        last.last_line = block.last_line
    else:
        fields.append(FieldDraft("", block.line, first_line, block.last_line, tokens))


def strip_label(paragraph: list[Token], label_end: int) -> list[Token]:
    """Return a label paragraph's tokens without the `**Label:**`; none if nothing follows it."""
    opening, inline, closing = paragraph
    rest = inline.content[label_end:].lstrip()
    return [opening, inline.copy(content=rest), closing] if rest else []


def keep_label(label: LabelMatch, text: str, fields: list[FieldDraft], lines: list[str]) -> bool:
    """True if a paragraph's label starts a field, False if it is the last field's text.

    Bold terms under an empty label (`**Lock:** ...`) are its text; under an empty Answer
    so is any label but an aside or metadata (`**Problem:** ...`, `**Approach:** ...`),
    and under a sub-heading ("#### Example") every label up to the next heading. `Q:`/`A:`
    lines are a dialogue unless they open the question. The last field is marked when it
    takes such text.
    """
    name = label.name
    meaning = lookup_label(name)
    last = fields[-1]
    waiting = not last.has_text
    taken = last.from_heading and (waiting or last.takes_terms)
    if name.lower() != "question":
        star = last.takes_terms and meaning.has(Flag.STAR)
        term = not meaning.is_known or star
        part = meaning.role not in (Role.INTERVIEWER, Role.METADATA)
        under_answer = waiting and is_answer_label(last.label) and part
        taken = taken or under_answer or (term and (waiting or last.takes_terms))
    if taken:
        last.takes_terms = True
        return False
    answered = any(is_answer_label(f.label) for f in fields)
    if text[:1].isalpha() and name == "Question" and answered:
        return False
    # "A: `INNER JOIN`" lists a choice unless it answers a plain "Q:" just before it.
    after_q = lines[last.line - 1].lstrip()[:2].upper() == "Q:"
    return not (text[:2].upper() == "A:" and not after_q)


def read_labelled_block(
    block: Block, list_style: bool, after_code: bool, plain: bool = False
) -> list[FieldDraft]:
    """Return the fields of a labelled bullet list or quote, else none.

    `after_code`: the list comes right after a labelled field's code block; `plain`: the
    guide writes its labels plain, `- Expected Answer: ...`.
    """
    return split_labelled_items(block, list_style, after_code, plain) or unquote_label(block)


def unhide(tokens: list[Token]) -> list[Token]:
    """Return tokens with a tight list's hidden paragraphs shown, as any field's text is."""
    return [t.copy(hidden=False) if t.type.startswith("paragraph") else t for t in tokens]


def split_labelled_items(
    block: Block, list_style: bool = False, after_code: bool = False, plain: bool = False
) -> list[FieldDraft]:
    """Return the fields of a bullet list whose every item opens with a label, else none.

    LLMs write `- **Question:** ...` / `- **Answer:** ...` as well as plain paragraphs;
    a list of `- **Module:** ...` terms, with no Question or Answer among them, is an
    answer's content, not fields, unless the question's fields so far were list items
    (`list_style`), or it follows a labelled field's code (`after_code`) and every item
    opens with a bold label and a colon, whatever its name (`- **Real App Usage:** ...`),
    and none is a STAR step: after code, such a list cannot go on a sentence. Items
    without a label after a labelled one are its sub-points, which a chat's copy button
    flattened to the same level: they stay a list, in that field.
    """
    if block.kind != "bullet_list":
        return []
    fields: list[FieldDraft] = []
    points: list[Token] = []
    # True while every item is a bold label, or a sub-point under one that stood empty.
    bold = after_code
    for item in read_items(block):
        found = draft_labelled_field(item.line, item.last_line, list(item.tokens), plain)
        if found is None and not fields:
            return []
        if found is None:
            bold = bold and not (fields[-1].first_text.strip() or fields[-1].tokens)
            points += item.outer
            fields[-1].last_line = item.last_line
            continue
        bold = bold and opens_bold_label(item.tokens)
        add_points(fields, block, points)
        found.tokens = unhide(found.tokens)
        last = fields[-1] if fields else None
        is_term = not lookup_label(found.label).is_known
        if last and (not last.has_text or last.takes_terms) and is_term:
            # `- **Module:** ...` right under `- **Expected Answer:**` is the answer's text.
            last.tokens += unhide(list(item.tokens))
            last.last_line, last.takes_terms = found.last_line, True
            continue
        found.from_list = True
        fields.append(found)
    add_points(fields, block, points)
    # Mostly known labels also count: a code block or a `*` list at column 0 ends a list,
    # and the labels after it (`- **Explanation:**`, `- **Why Ask This:**`) start their own.
    known = sum(lookup_label(f.label).is_known for f in fields)
    mostly_known = known == len(fields) or (known >= 2 and 2 * known >= len(fields))
    asks = any(f.label.lower() == "question" or is_answer_label(f.label) for f in fields)
    # "Situation", "Task", "Action", "Result": the steps of one STAR answer, not fields.
    bold = bold and not any(lookup_label(f.label).has(Flag.STAR) for f in fields)
    return fields if list_style or mostly_known or asks or bold else []


# `**Real App Usage:**` or `__Scenario__:`: a bold label with its colon, at an item's start;
# an italic one, `*Real App Usage:*`, reads the same.
BOLD_LABEL = re.compile(r"(?:\*\*?|__?)[^*_\n]{1,80}?(?:[:：](?:\*\*?|__?)|(?:\*\*?|__?)[:：])")


def opens_bold_label(tokens: tuple[Token, ...]) -> bool:
    """True if a list item's text opens with a bold label and its colon."""
    lead = tokens[1].content if len(tokens) > 1 and tokens[0].type == "paragraph_open" else ""
    return BOLD_LABEL.match(lead) is not None


def ends_with_code(draft: FieldDraft) -> bool:
    """True if a field's last block is a code block."""
    return bool(draft.tokens) and draft.tokens[-1].type in ("fence", "code_block")


def add_points(fields: list[FieldDraft], block: Block, points: list[Token]) -> None:
    """Add a run of unlabelled list items to the last field, as a list of their own."""
    if points:
        fields[-1].tokens += [block.tokens[0], *points, block.tokens[-1]]
        points.clear()


def unquote_label(block: Block) -> list[FieldDraft]:
    """Return the field of a quote that opens with a label, `> **Answer:** ...`, else none."""
    if block.kind != "blockquote":
        return []
    found = draft_labelled_field(block.line, block.last_line, list(block.tokens[1:-1]))
    # `> Q: ...` / `> A: ...` without bold is a quoted dialogue, not a field.
    inner = quote_blocks(block)
    plain = bool(inner) and inner[0].text[:1].isalpha()
    return [found] if found and lookup_label(found.label).is_known and not plain else []


def draft_labelled_field(
    line: int, last_line: int, inner: list[Token], plain: bool = False
) -> FieldDraft | None:
    """Return a field from a list item's or quote's tokens if they open with a label."""
    paragraph = inner[:3]
    if len(paragraph) < 3 or paragraph[0].type != "paragraph_open":
        return None
    label = match_label(paragraph[1].content, plain)
    if label is None:
        return None
    first = paragraph[1].content.split("\n")[0][label.end :]
    rest = strip_label(paragraph, label.end) + inner[3:]
    return FieldDraft(label.name, line, first, last_line, rest)


def finish_fields(lines: list[str], draft: QuestionDraft) -> FinishedFields:
    """Return a draft's fields with their card sides and the difficulty they state.

    Prompt-like fields stay on the front until the first field that is not one. Without a
    label that says "answer", code and approaches are the answer rather than the prompt,
    and text with no label at all goes on the back, but for a first paragraph that asks.
    An empty label holds nothing to show and is left out.
    """
    answered = any(is_answer_label(d.label) for d in draft.fields)
    finished = FinishedFields([], draft.difficulty, answered)
    on_front = True
    for d in draft.fields:
        body = join_lines([d.first_text, *lines[d.line : d.last_line]])
        label = d.label
        meaning = lookup_label(label)
        stated = STATED_DIFFICULTY.match(body) if meaning.has(Flag.DIFFICULTY) else None
        # "Easy (concept) / Medium (code)" names a range; a stated difficulty opens the body.
        named = name_difficulty(body.split("\n")[0]) if stated else None
        if named:
            # "**Difficulty:** 🟢 Easy" describes the question; it is not a field.
            finished.difficulty = named
            continue
        # "**Question (Hard):**" is a Question with a difficulty.
        in_label = find_trailing_difficulty(label)
        if in_label and in_label.start() > 0:
            finished.difficulty = name_difficulty(in_label["difficulty"])
            label = label[: in_label.start()].strip()
            meaning = lookup_label(label)
        if label and not body:
            continue
        tokens = tuple(d.tokens)
        if meaning.role is Role.METADATA:
            # "**Category:** Coding" goes on the back, without ending the prompt before it.
            finished.fields.append(Field(label, body, d.line, False, True, tokens=tokens))
            continue
        # An example's Output belongs with its Input; elsewhere an Output may be the answer.
        before = finished.fields[-1].label.lower() if finished.fields else ""
        after_input = any(word in before for word in ("input", "example", "table", "schema"))
        asks = meaning.role is Role.PROMPT and (answered or not meaning.has(Flag.ANSWER_PART))
        prompt_like = asks or (after_input and meaning.has(Flag.OUTPUT))
        on_front = on_front and (not label or prompt_like)
        finished.fields.append(
            Field(label, body, d.line, on_front, meaning.is_aside, tokens=tokens)
        )
    if not answered:
        finished.fields = move_text_to_back(lines, draft, finished.fields)
    return finished


def move_text_to_back(lines: list[str], draft: QuestionDraft, fields: list[Field]) -> list[Field]:
    """Put a question's unlabelled text on the back, but for a first paragraph that asks.

    Under a title that asks already ("What is a closure?"), only a paragraph that ends
    with "?" asks; under one that names a topic ("Closures"), so does one that opens like
    a task or a question ("Write ...", "When ...").
    """
    text = next((d for d in draft.fields if not d.label), None)
    if text is None:
        return fields
    strictly = asks_something(draft.title, strictly=True)
    moved: list[Field] = []
    for f in fields:
        same = f.line == text.line and not f.label
        moved += split_text(lines, text, strictly) if same else [f]
    return moved


def split_text(lines: list[str], draft: FieldDraft, strictly: bool) -> list[Field]:
    """Return unlabelled text as a back field; a first paragraph that asks stays on the
    front as the prompt (`strictly`: only one that ends with "?")."""
    body = join_lines([draft.first_text, *lines[draft.line : draft.last_line]])
    split = draft.split
    first = join_lines([draft.first_text, *lines[draft.line : split.last_line]]) if split else body
    if not asks_something(first, strictly):
        return [Field("", body, draft.line, False, tokens=tuple(draft.tokens), main=True)]
    if split is None:
        return [Field("", body, draft.line, True, tokens=tuple(draft.tokens))]
    rest = join_lines(lines[split.last_line : draft.last_line])
    prompt, answer = tuple(draft.tokens[: split.tokens]), tuple(draft.tokens[split.tokens :])
    return [
        Field("", first, draft.line, True, tokens=prompt),
        Field("", rest, split.next_line, False, tokens=answer, main=True),
    ]


@dataclass(slots=True)
class FinishedFields:
    """A question's fields with their sides and the difficulty they state.

    `answered` is true when a label says which field is the answer.
    """

    fields: list[Field]
    difficulty: str | None
    answered: bool


def join_lines(lines: list[str]) -> str:
    """Join source lines, dropping blank lines at either end."""
    return "\n".join(lines).strip("\n").rstrip()
