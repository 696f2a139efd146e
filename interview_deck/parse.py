"""Parse a guide into a Guide, finding structure from markdown-it tokens and their line maps."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from interview_deck.errors import GuideError, Problem
from interview_deck.model import Field, Guide, Question
from interview_deck.patterns import (
    ANSWER_PART_LABEL,
    BACK_LABEL,
    BARE_LABEL,
    BARE_QUESTION_HEADING,
    BOLD_NUMBER,
    BRACKETED_DIFFICULTY,
    CHAT_OUTRO,
    CONTENTS_HEADING,
    DECLARED_COUNT,
    DECLARED_RANGE,
    DETAILS_CLOSE,
    DETAILS_OPEN,
    DIFFICULTY,
    DIFFICULTY_LABEL,
    DIFFICULTY_LINE,
    DIFFICULTY_RANK,
    GUIDE_WORDS,
    ID_COMMENT,
    INTRO_HEADING,
    KEYCAP,
    LABEL,
    LEADING_DIFFICULTY,
    LEADING_SYMBOLS,
    LEVEL_WORDS,
    MAIN_ANSWER_LABEL,
    MARKER,
    METADATA_LABEL,
    NOT_EXHAUSTIVE,
    NUMBERED,
    OUTPUT_LABEL,
    OUTRO_LABEL,
    PLAIN_LABEL,
    PLAIN_LABEL_NAMES,
    PLAIN_NUMBER,
    PROMPT_LABEL,
    QUESTION_HEADING,
    QUESTION_NUMBER,
    QUESTION_START_LABEL,
    SAFE_SCHEMES,
    SAME_DEPTH_LABEL,
    SECONDARY_LABEL,
    SECTION_NAME,
    SECTION_NOISE,
    SECTION_NUMBER,
    STAR_LABEL,
    STATED_DIFFICULTY,
    SUB_NUMBER,
    TOPIC_FILLER,
    TOPIC_PHRASE,
    TOPIC_QUALIFIERS,
    TRAILING_DIFFICULTY,
    TRAILING_SYMBOLS,
)
from interview_deck.read import Source


@cache
def create_parser() -> MarkdownIt:
    """Return the block parser whose tokens give a guide's structure and, later, its HTML.

    Inline content is left unparsed: the render stage parses only what it shows, which
    leaves out headings and labels (a third of the inline work of a typical guide).
    """
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("table")
    md.disable("inline")
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    # A label line ends a paragraph or list without a blank line, as LLM-written guides expect.
    md.block.ruler.before(
        "paragraph", "field_label", end_block_at_label, {"alt": ["paragraph", "list", "blockquote"]}
    )
    return md


def is_safe_link(url: str) -> bool:
    """Allow http, https and mailto links, and relative paths (for local images)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES or (not scheme and not url.strip().startswith("//"))


def end_block_at_label(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: as a terminator, report a `**Label:**` line that starts at column 0."""
    if not silent or state.sCount[line] != 0:
        return False
    start = state.bMarks[line] + state.tShift[line]
    return match_label(state.src[start : state.eMarks[line]]) is not None


@dataclass
class FieldDraft:
    """A field while its blocks are being collected."""

    label: str
    line: int
    first_text: str
    end: int
    tokens: list[Token] = field(default_factory=list)
    # Set when the label stood empty and bold terms (`**Lock:** ...`) came next: its text.
    takes_terms: bool = False
    # True for a sub-heading inside a question ("#### Example"), rather than a bold label.
    from_heading: bool = False
    # True for an item of a bullet list of labels (`- **Answer:** ...`).
    from_list: bool = False

    @property
    def has_text(self) -> bool:
        """True once anything follows the label: text on its line or blocks after it."""
        return bool(self.first_text.strip() or self.tokens)


@dataclass
class QuestionDraft:
    """A question while its fields are being collected."""

    number: int
    title: str
    section: str | None
    difficulty: str | None
    line: int
    level: int
    key: str | None = None
    fields: list[FieldDraft] = field(default_factory=list)


# The depths given to bold paragraphs that stand for headings: below any real heading.
BOLD_SECTION_LEVEL = 6
BOLD_QUESTION_LEVEL = 7


@dataclass
class Heading:
    """A heading with its text, depth and 1-based line; `is_question` if it starts a question.

    A numbered bold paragraph, `**5. Title**`, is a question heading too, of depth 7.
    """

    level: int
    text: str
    line: int
    is_question: bool

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


def parse_guide(source: Source) -> Guide:
    """Parse one guide; raise GuideError with every problem if it cannot become a deck."""
    lines = source.text.split("\n")
    tokens = create_parser().parse(source.text)
    problems: list[Problem] = []
    problems += find_unclosed_fences(source, tokens, lines)
    blocks = split_blocks(tokens)
    outro = find_chat_outro(blocks, lines)
    headings = collect_headings(tokens)
    headings_by_line = {h.line: h for h in headings}
    title = find_title(headings)
    section_lines = find_sections(headings, title)

    drafts: list[QuestionDraft] = []
    intro_blocks: list[Token] = []
    intro_tokens: list[Token] = []
    section: str | None = None
    difficulty: str | None = None
    difficulty_depth = 0
    current: QuestionDraft | None = None
    in_intro = False

    def open_question(heading: Heading) -> QuestionDraft:
        # Numbered on from the question before, unless its heading has a number of its own.
        number = drafts[-1].number + 1 if drafts else 1
        drafts.append(start_question(heading, number, section, difficulty))
        return drafts[-1]

    for position, (block, block_tokens) in enumerate(blocks):
        assert block.map is not None
        start, end = block.map
        heading = headings_by_line.get(start + 1)
        if heading is not None and block.type == "ordered_list_open" and not in_intro:
            # "1. **What is X?**" with its answer indented under it, one item a question.
            for item_heading, inner in read_list_questions(block_tokens, 0):
                current = open_question(item_heading)
                current.fields += draft_item_fields(inner, lines)
            continue
        if heading is not None and block.type in ("heading_open", "paragraph_open"):
            if current is not None and is_field_heading(heading, current):
                # A sub-heading inside a question is one of its fields.
                label_text = clean_label(heading.text)
                current.fields.append(FieldDraft(label_text, start + 1, "", end, from_heading=True))
                continue
            current = None
            in_intro = heading is title or (
                not heading.is_question and INTRO_HEADING.match(heading.text) is not None
            )
            if in_intro:
                continue
            if heading.is_question:
                current = open_question(heading)
                # `**7. Fetch URLs:** Fetch a list of URLs.` goes on with the question's prompt.
                titled = LABEL.match(lines[start]) if block.type == "paragraph_open" else None
                rest = strip_label(block_tokens, titled.end()) if titled else []
                if titled and rest:
                    prompt = lines[start][titled.end() :]
                    current.fields.append(FieldDraft("", start + 1, prompt, end, rest))
            elif heading.line in section_lines:
                section = section_lines[heading.line]
                if heading.difficulty:
                    difficulty, difficulty_depth = heading.difficulty, heading.level
                # A section nested under a level heading keeps that level's difficulty.
                elif heading.level <= difficulty_depth:
                    difficulty, difficulty_depth = None, 0
            elif heading.is_level:
                difficulty, difficulty_depth = name_difficulty(heading.text), heading.level
            continue
        if position >= outro:
            break
        if block.type == "hr":
            continue
        if in_intro:
            intro_blocks.append(block)
            intro_tokens += block_tokens
            continue
        if current is None:
            continue
        text = lines[start]
        is_paragraph = block.type == "paragraph_open"
        whole = paragraph_text(lines, block) if is_paragraph else ""
        difficulty_line = DIFFICULTY_LINE.match(text) if is_paragraph and end == start + 1 else None
        if difficulty_line:
            current.difficulty = name_difficulty(difficulty_line["difficulty"])
            continue
        folded = DETAILS_OPEN.match(whole) if is_paragraph else None
        if folded or (is_paragraph and DETAILS_CLOSE.match(whole)):
            # `<details><summary>Show answer</summary>` opens the answer; `</details>` is dropped.
            if folded:
                summary = clean_label(folded["label"] or "")
                name = "Answer" if not summary or is_answer_label(summary) else summary
                # Its text, and the line it is reported at, start after the `<details>`.
                current.fields.append(FieldDraft(name, end, "", end))
            continue
        label = match_label(text) if is_paragraph else None
        if label and current.fields:
            label = keep_label(label, text, current.fields, lines)
        id_comment = ID_COMMENT.match(whole) if is_paragraph else None
        if id_comment and not current.fields:
            current.key = id_comment["key"]
            continue
        # A list right under an empty label (`**Expected Answer:**`) is that field's text.
        waiting = bool(current.fields) and not current.fields[-1].has_text
        list_style = any(f.from_list for f in current.fields)
        items = [] if waiting or label else read_labelled_block(block_tokens, list_style)
        add_block(current.fields, block_tokens, text, start + 1, end, label, items)

    questions = [finish_question(source, lines, d, problems) for d in drafts]
    questions = assign_keys(source, questions, drafts, problems)
    if not questions and not problems:
        line = title.line if title else 1
        problems.append(
            Problem(
                source.path,
                line,
                "error",
                "no questions found (expected headings like '### 1. Title')",
            )
        )
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise GuideError(problems)
    warnings = [p for p in problems if p.severity == "warning"]
    warnings += check_declared_counts(source, headings, title, section_lines, questions)
    topic = name_topic(title.text if title else find_bold_title(blocks, lines), source.path)
    intro = join_blocks(lines, intro_blocks)
    return Guide(source.path, topic, intro, tuple(questions), tuple(warnings), tuple(intro_tokens))


def add_block(
    fields: list[FieldDraft],
    block: list[Token],
    text: str,
    line: int,
    end: int,
    label: tuple[str, int] | None,
    items: list[FieldDraft],
) -> None:
    """Add a block to a question's fields: a labelled field, the fields of a labelled list,
    or more text for the last field (for the prompt, before any label)."""
    if label:
        name, label_end = label
        first = text.split("\n")[0][label_end:]
        fields.append(FieldDraft(name, line, first, end, strip_label(block, label_end)))
    elif items:
        fields += items
    elif fields:
        fields[-1].tokens += block
        fields[-1].end = end
    else:
        fields.append(FieldDraft("", line, text.split("\n")[0], end, list(block)))


def read_labelled_block(tokens: list[Token], list_style: bool) -> list[FieldDraft]:
    """Return the fields of a labelled bullet list or quote, else none."""
    return split_labelled_items(tokens, list_style) or unquote_label(tokens)


def find_bold_title(blocks: list[tuple[Token, list[Token]]], lines: list[str]) -> str:
    """Return a title written as a bold line before any heading, `**Python Interview Guide**`."""
    for block, _ in blocks:
        if block.type != "paragraph_open" or block.map is None:
            return ""
        text = paragraph_text(lines, block)
        if is_bold_line(text) and TOPIC_PHRASE.search(text):
            return strip_emphasis(text)
    return ""


def keep_label(
    label: tuple[str, int], text: str, fields: list[FieldDraft], lines: list[str]
) -> tuple[str, int] | None:
    """Return a paragraph's label if it starts a field, or None if it is the last field's text.

    Bold terms under an empty label (`**Lock:** ...`) are its text; under an empty Answer
    so is a part of it (`**Short answer:** ...`, `**Approach:** ...`), and under a
    sub-heading ("#### Example") every label up to the next heading. An empty Answer over
    any other label (`**Explanation:**`) stays an error. `Q:`/`A:` lines are a dialogue
    unless they open the question. The last field is marked when it takes such text.
    """
    name = label[0]
    last = fields[-1]
    waiting = not last.has_text
    taken = last.from_heading and (waiting or last.takes_terms)
    if name.lower() != "question":
        star = last.takes_terms and STAR_LABEL.match(name) is not None
        term = not is_known_label(name) or star
        part = is_answer_label(name) or ANSWER_PART_LABEL.match(name) is not None
        under_answer = waiting and is_answer_label(last.label) and part
        taken = taken or under_answer or (term and (waiting or last.takes_terms))
    if taken:
        last.takes_terms = True
        return None
    answered = any(is_answer_label(f.label) for f in fields)
    if text[:1].isalpha() and name == "Question" and answered:
        return None
    # "A: `INNER JOIN`" lists a choice unless it answers a plain "Q:" just before it.
    after_q = lines[last.line - 1].lstrip()[:2].upper() == "Q:"
    if text[:2].upper() == "A:" and not after_q:
        return None
    return label


def split_blocks(tokens: list[Token]) -> list[tuple[Token, list[Token]]]:
    """Split a token stream into top-level blocks: each opening token with all of its tokens."""
    starts = [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0 and t.map]
    bounds = [*starts, len(tokens)]
    return [(tokens[start], tokens[start:end]) for start, end in itertools.pairwise(bounds)]


def strip_label(paragraph: list[Token], label_end: int) -> list[Token]:
    """Return a label paragraph's tokens without the `**Label:**`; none if nothing follows it."""
    opening, inline, closing = paragraph
    rest = inline.content[label_end:].lstrip()
    return [opening, inline.copy(content=rest), closing] if rest else []


def collect_headings(tokens: list[Token]) -> list[Heading]:
    """Return every top-level heading with its plain text.

    A heading starts a question if it is numbered ("### 7. Title", "### Q7: Title") or
    if the paragraph right under it opens with a question or answer label.

    Some guides have no headings, only bold lines. A one-line bold paragraph with a number
    (`**7. Title**`, `**Q7.** Title`, `**7. Title:** prompt`) starts a question if a
    question or answer label follows it and it is the first question since a heading or is
    numbered next after the one before. A bold line such as `**I. Theory**` or `**A. Easy**`
    right before such a question is a section or level heading.
    """
    headings: list[Heading] = []
    labelled_lines: set[int] = set()
    number = 0
    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        line = token.map[0] + 1
        if token.type == "heading_open":
            heading, labelled = read_heading(tokens, index, line, headings, labelled_lines)
            if labelled:
                labelled_lines.add(line)
        elif token.type == "paragraph_open":
            found = read_bold_heading(tokens, index, line, headings, number)
            if found is None:
                # An answer under a question confirms it, like a label right under it:
                # numbered sub-headings after that are its steps ("#### 1. Storage").
                label = match_label(tokens[index + 1].content)
                last = last_question(headings)
                if label and last and is_answer_label(label[0]):
                    labelled_lines.add(last.line)
                continue
            heading = found
        elif token.type == "ordered_list_open":
            items = read_list_questions(tokens, index)
            headings += [heading for heading, _ in items]
            number = int(items[-1][0].text.split(".")[0]) if items else number
            continue
        else:
            continue
        headings.append(heading)
        if heading.is_question:
            # As start_question does, an unnumbered question counts on from the one before.
            numbered = match_question_heading(heading.text)
            number = int(numbered["number"]) if numbered else number + 1
    demote_numbered_sections(headings, labelled_lines)
    return headings


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
            if below.level <= heading.level:
                break
            if below.is_question:
                containers.append(heading)
                break
    depths = {h.level for h in containers}
    for heading in headings:
        if heading.level in depths and heading.line not in labelled_lines:
            heading.is_question = False


def read_heading(
    tokens: list[Token], index: int, line: int, headings: list[Heading], labelled_lines: set[int]
) -> tuple[Heading, bool]:
    """Return a heading, marked as a question or not, and whether a question label follows it."""
    level = int(tokens[index].tag[1])
    text = strip_emphasis(tokens[index + 1].content.strip())
    numbered = match_question_heading(text)
    label_follows = opens_question(find_first_label(tokens, index + 3))
    last = last_question(headings)
    # Inside a question, "#### 3.1 Why it matters", "#### 1. Tokenize" (under a question
    # a label confirmed) and "#### Follow-up" over a `**Question:**` are parts of it, and
    # so is "### Solution" over `**Code:**`. A label under them makes them questions.
    inside = last is not None and level > last.level
    confirmed = last is not None and last.line in labelled_lines
    if inside and numbered and not label_follows and (SUB_NUMBER.match(text) or confirmed):
        numbered = None
    # "## 5 Tips for the Interview": a number without a stop needs a label under it.
    if numbered and PLAIN_NUMBER.match(text) and not label_follows:
        numbered = None
    intro = INTRO_HEADING.match(text) is not None
    if intro:
        numbered = None
    may_ask = bool(numbered) or not (inside or is_known_label(clean_label(text)))
    labelled = may_ask and label_follows and not intro
    return Heading(level, text, line, bool(numbered) or labelled), labelled


def last_question(headings: list[Heading]) -> Heading | None:
    """Return the last heading so far that starts a question."""
    return next((h for h in reversed(headings) if h.is_question), None)


def read_bold_heading(
    tokens: list[Token], index: int, line: int, headings: list[Heading], number: int
) -> Heading | None:
    """Return the heading a one-line bold paragraph stands for, if any (see collect_headings)."""
    content = tokens[index + 1].content.strip()
    text = read_bold_question(content)
    numbered = match_question_heading(text) if text else None
    if numbered:
        # In a guide of headings, "**2. Hash map**" inside question 1 is a step of it.
        after_heading = not headings or not headings[-1].is_question
        after_bold = bool(headings) and headings[-1].level == BOLD_QUESTION_LEVEL
        in_order = after_heading or (after_bold and int(numbered["number"]) == number + 1)
        if in_order and opens_question(find_first_label(tokens, index + 3)):
            return Heading(BOLD_QUESTION_LEVEL, text, line, True)
    if is_bold_marker(content) and opens_bold_question(tokens, index + 3):
        return Heading(BOLD_SECTION_LEVEL, strip_emphasis(content), line, False)
    return None


def read_list_questions(tokens: list[Token], index: int) -> list[tuple[Heading, list[Token]]]:
    """Return the questions of a numbered list whose items are `1. **What is X?**` over an
    answer, with each item's tokens after its title; none if any item is not one."""
    start = tokens[index]
    end = next(
        (i for i in range(index + 1, len(tokens)) if tokens[i].type == "ordered_list_close"
         and tokens[i].level == start.level),
        len(tokens) - 1,
    )  # fmt: skip
    opens = [i for i in range(index, end) if tokens[i].type == "list_item_open"]
    opens = [i for i in opens if tokens[i].level == start.level + 1]
    questions: list[tuple[Heading, list[Token]]] = []
    for first, stop in itertools.pairwise([*opens, end]):
        item, inner = tokens[first], tokens[first + 1 : stop - 1]
        title = inner[1].content.split("\n")[0] if len(inner) > 1 else ""
        answered = any(
            (found := match_label(line.strip())) and is_answer_label(found[0])
            for t in inner
            if t.type == "inline"
            for line in t.content.split("\n")
        )
        if item.map is None or not is_bold_line(title) or not answered:
            return []
        text = f"{item.info or len(questions) + 1}. {strip_emphasis(title)}"
        questions.append((Heading(BOLD_QUESTION_LEVEL, text, item.map[0] + 1, True), inner))
    return questions


def draft_item_fields(inner: list[Token], lines: list[str]) -> list[FieldDraft]:
    """Return the fields of a numbered list item after its title line: labels and their text."""
    fields: list[FieldDraft] = []
    depth = inner[0].level if inner else 0
    starts = [i for i, t in enumerate(inner) if t.level == depth and t.nesting >= 0 and t.map]
    for position, (begin, stop) in enumerate(itertools.pairwise([*starts, len(inner)])):
        block = inner[begin:stop]
        opening = block[0]
        assert opening.map is not None
        if position == 0 and opening.type == "paragraph_open":
            # The title is the first line; labels may follow it in the same paragraph.
            rest = block[1].content.split("\n", 1)[1] if "\n" in block[1].content else ""
            if not rest:
                continue
            block = [opening, block[1].copy(content=rest), block[2]]
            line = opening.map[0] + 2
        else:
            line = opening.map[0] + 1
        text = block[1].content if opening.type == "paragraph_open" else ""
        label = match_label(text) if text else None
        items = [] if label else split_labelled_items(block, list_style=True)
        add_block(fields, block, text, line, opening.map[1], label, items)
    return fields


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


def is_bold_marker(content: str) -> bool:
    """True for a bold line that names a section or level: `**I. Theory**`, `**A. Easy**`."""
    if not is_bold_line(content):
        return False
    text = strip_emphasis(content)
    is_level = name_difficulty(text) is not None and not name_section(text, keep_difficulty=False)
    return bool(MARKER.match(text) or is_level or SECTION_NAME.match(name_section(text)))


def opens_bold_question(tokens: list[Token], index: int) -> bool:
    """True if a question comes next (bold or a heading), maybe after more bold marker lines."""
    while index + 1 < len(tokens):
        if tokens[index].type == "hr":
            index += 1
            continue
        if tokens[index].type == "ordered_list_open":
            return bool(read_list_questions(tokens, index))
        content = tokens[index + 1].content.strip()
        if tokens[index].type == "heading_open":
            return match_question_heading(strip_emphasis(content)) is not None
        if tokens[index].type != "paragraph_open":
            return False
        if read_bold_question(content):
            return True
        if not is_bold_marker(content):
            return False
        index += 3
    return False


def is_field_heading(heading: Heading, question: QuestionDraft) -> bool:
    """True for a heading inside a question: deeper than it, or a label like "### Answer"."""
    if heading.is_question or heading.level < question.level or heading.level == BOLD_SECTION_LEVEL:
        return False
    label = clean_label(heading.text)
    return heading.level > question.level or bool(
        is_question_label(label) or SAME_DEPTH_LABEL.match(label)
    )


def is_bold_line(text: str) -> bool:
    """True for one line of bold text, `**...**`, that is not a label (`**Label:**`)."""
    return (
        text.startswith(("**", "__"))
        and "\n" not in text
        and re.fullmatch(r"(\*\*|__)[^*_].*\1", text) is not None
        and match_label(text) is None
    )


def find_first_label(tokens: list[Token], index: int) -> str:
    """Return the label opening the blocks from `index` on, past any "**Difficulty:**".

    The label may open a paragraph or the first item of a bullet list.
    """
    while index + 1 < len(tokens):
        is_list = tokens[index].type == "bullet_list_open" and index + 3 < len(tokens)
        if is_list and tokens[index + 2].type == "paragraph_open":
            found = match_label(tokens[index + 3].content)
            return found[0] if found else ""
        if tokens[index].type != "paragraph_open" or BOLD_NUMBER.match(tokens[index + 1].content):
            # A paragraph such as "**Q3:** ..." starts a question of its own.
            break
        found = match_label(tokens[index + 1].content)
        label = found[0] if found else ""
        if not METADATA_LABEL.match(label):
            return label
        index += 3
    return ""


# The block rule, the heading pass and the field pass all ask about the same lines.
@lru_cache(maxsize=1024)
def match_label(line: str) -> tuple[str, int] | None:
    """Return the field label a line opens with, tidied, and where the label ends; or None."""
    if line[:1].isalnum() and ":" not in line[:20]:
        # Most lines of prose: only plain labels (`Q:`, `Expected Answer:`) start with a letter.
        return None
    found = LABEL.match(line) or PLAIN_LABEL.match(line)
    if found and line.startswith("__") and found["label"][:1].islower():
        # `__init__: sets up the object` names a method; `__Answer:__` would be a label.
        return None
    if found:
        label = clean_label(found["label"])
        # `**Question 3:**` and `**Q3:**` under a question's heading are its Question.
        if QUESTION_NUMBER.match(label):
            return "Question", found.end()
        return PLAIN_LABEL_NAMES.get(label.lower(), label), found.end()
    bare = BARE_LABEL.match(line)
    name = clean_label(bare["label"]) if bare else ""
    if bare and ":" not in name and len(name.split()) <= 4 and is_known_label(name):
        return name, bare.end()
    return None


def is_known_label(label: str) -> bool:
    """True for the labels guides use for a question's parts: Question, Answer, Hint, ..."""
    return is_question_label(label) or any(
        pattern.search(label) for pattern in (BACK_LABEL, SECONDARY_LABEL, METADATA_LABEL)
    )


def split_labelled_items(tokens: list[Token], list_style: bool = False) -> list[FieldDraft]:
    """Return the fields of a bullet list whose every item opens with a label, else none.

    LLMs write `- **Question:** ...` / `- **Answer:** ...` as well as plain paragraphs;
    a list of `- **Module:** ...` terms, with no Question or Answer among them, is an
    answer's content, not fields, unless the question's fields so far were list items
    (`list_style`).
    """
    if not tokens or tokens[0].type != "bullet_list_open":
        return []
    fields: list[FieldDraft] = []
    depth = tokens[0].level + 1
    items = [i for i, t in enumerate(tokens) if t.type == "list_item_open" and t.level == depth]
    for start, stop in itertools.pairwise([*items, len(tokens) - 1]):
        inner = tokens[start + 1 : stop - 1]
        found = draft_labelled_field(tokens[start], inner)
        if found is None:
            return []
        # Out of its tight list, an item's text is a paragraph like any other field's.
        found.tokens = [
            t.copy(hidden=False) if t.type.startswith("paragraph") else t for t in found.tokens
        ]
        last = fields[-1] if fields else None
        if last and (not last.has_text or last.takes_terms) and not is_known_label(found.label):
            # `- **Module:** ...` right under `- **Expected Answer:**` is the answer's text.
            last.tokens += [
                t.copy(hidden=False) if t.type.startswith("paragraph") else t for t in inner
            ]
            last.end, last.takes_terms = found.end, True
            continue
        found.from_list = True
        fields.append(found)
    # Mostly known labels also count: a code block or a `*` list at column 0 ends a list,
    # and the labels after it (`- **Explanation:**`, `- **Why Ask This:**`) start their own.
    known = sum(is_known_label(f.label) for f in fields)
    mostly_known = known == len(fields) or (known >= 2 and 2 * known >= len(fields))
    asks = any(f.label.lower() == "question" or is_answer_label(f.label) for f in fields)
    return fields if list_style or mostly_known or asks else []


def unquote_label(tokens: list[Token]) -> list[FieldDraft]:
    """Return the field of a quote that opens with a label, `> **Answer:** ...`, else none."""
    if not tokens or tokens[0].type != "blockquote_open":
        return []
    found = draft_labelled_field(tokens[0], tokens[1:-1])
    # `> Q: ...` / `> A: ...` without bold is a quoted dialogue, not a field.
    plain = len(tokens) > 2 and tokens[2].content[:1].isalpha()
    return [found] if found and is_known_label(found.label) and not plain else []


def draft_labelled_field(container: Token, inner: list[Token]) -> FieldDraft | None:
    """Return a field from a list item's or quote's tokens if they open with a label."""
    paragraph = inner[:3]
    if container.map is None or len(paragraph) < 3 or paragraph[0].type != "paragraph_open":
        return None
    label = match_label(paragraph[1].content)
    if label is None:
        return None
    name, label_end = label
    first = paragraph[1].content.split("\n")[0][label_end:]
    rest = strip_label(paragraph, label_end) + inner[3:]
    return FieldDraft(name, container.map[0] + 1, first, container.map[1], rest)


def opens_question(label: str) -> bool:
    """True for a label that shows a question starts above it: Question, Problem, Answer..."""
    return QUESTION_START_LABEL.match(label) is not None or is_answer_label(label)


def is_question_label(label: str) -> bool:
    """True for labels that only a question has: its prompt or its answer."""
    return PROMPT_LABEL.match(label) is not None or is_answer_label(label)


def is_answer_label(label: str) -> bool:
    """True for labels such as "Expected Answer" or "Solution Code"."""
    return MAIN_ANSWER_LABEL.search(label) is not None


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
    if any(h.level < first.level for h in headings) and not TOPIC_PHRASE.search(first.text):
        return None
    end = find_span_end(headings, 0)
    has_questions = any(h.is_question for h in headings[1:end])
    if has_questions and end < len(headings) and headings[end].level == first.level:
        return None
    return first


def find_sections(headings: list[Heading], title: Heading | None) -> dict[int, str]:
    """Map the line of each section heading to the section's name.

    A section is a heading that is neither a question nor a difficulty level and has
    questions under it: a Table of Contents, Introduction or Summary has none.
    """
    sections = {}
    total = sum(h.is_question for h in headings)
    for i, heading in enumerate(headings):
        if heading is title or heading.is_question or heading.is_level:
            continue
        below = sum(h.is_question for h in headings[i + 1 : find_span_end(headings, i)])
        if below and not (below == total and is_wrapper(heading)):
            sections[heading.line] = name_section(heading.text)
    return sections


def is_wrapper(heading: Heading) -> bool:
    """True for a heading over all the questions that names no part: "## Interview Questions"."""
    name = name_section(heading.text)
    generic = TOPIC_PHRASE.search(heading.text) is not None and len(name.split()) <= 1
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
        if below.level > heading.level or below.is_question:
            continue
        if below.is_level and not heading.is_level:
            continue
        return j
    return len(headings)


def match_question_heading(text: str) -> re.Match[str] | None:
    """Match a numbered question heading: "7. Title", "Q7: Title", "🔹 7. Title", "7️⃣ Title"."""
    keycap = KEYCAP.match(text)
    if keycap:
        number = "10" if keycap[1] == "\U0001f51f" else re.sub(r"\D", "", keycap[1])
        text = f"{number}. {text[keycap.end() :]}"
    text = LEADING_SYMBOLS.sub("", text)
    return QUESTION_HEADING.match(text) or BARE_QUESTION_HEADING.match(text)


def start_question(
    heading: Heading, number: int, section: str | None, difficulty: str | None
) -> QuestionDraft:
    """Begin a question from its heading; a trailing `(Medium)` overrides the level's difficulty.

    `number` is used when the heading has none of its own.
    """
    match = match_question_heading(heading.text)
    title = (match.groupdict().get("title") or "").strip() if match else heading.text
    for found in (LEADING_DIFFICULTY.search(title), TRAILING_DIFFICULTY.search(title)):
        if found:
            difficulty = name_difficulty(found["difficulty"])
            title = TRAILING_SYMBOLS.sub("", title[: found.start()] + title[found.end() :]).strip()
    return QuestionDraft(
        int(match["number"]) if match else number,
        strip_emphasis(title),
        section,
        difficulty,
        heading.line,
        heading.level,
    )


def finish_question(
    source: Source, lines: list[str], draft: QuestionDraft, problems: list[Problem]
) -> Question:
    """Turn a draft into a Question, deciding which fields go on the card front."""
    fields: list[Field] = []
    on_front = True
    difficulty = draft.difficulty
    for d in draft.fields:
        body = join_lines([d.first_text, *lines[d.line : d.end]])
        label = d.label
        stated = STATED_DIFFICULTY.match(body) if DIFFICULTY_LABEL.match(label) else None
        named = name_difficulty(stated["difficulty"]) if stated else None
        if named:
            # "**Difficulty:** 🟢 Easy" describes the question; it is not a field.
            difficulty = named
            continue
        # "**Question (Hard):**" is a Question with a difficulty.
        in_label = TRAILING_DIFFICULTY.search(label)
        if in_label and in_label.start() > 0:
            difficulty = name_difficulty(in_label["difficulty"])
            label = label[: in_label.start()].strip()
        if label and not body:
            problems.append(Problem(source.path, d.line, "error", f"label '{label}' has no text"))
        if METADATA_LABEL.match(label):
            # "**Category:** Coding" goes on the back, without ending the prompt before it.
            fields.append(Field(label, body, d.line, False, True, tuple(d.tokens)))
            continue
        # Prompt-like fields stay on the front until the first field that is not one. An
        # example's Output belongs with its Input; elsewhere an Output may be the answer.
        after_input = bool(fields) and re.search(r"input|example", fields[-1].label, re.I)
        prompt_like = PROMPT_LABEL.match(label) or (after_input and OUTPUT_LABEL.match(label))
        on_front = on_front and (not label or bool(prompt_like))
        secondary = bool(SECONDARY_LABEL.search(label))
        fields.append(Field(label, body, d.line, on_front, secondary, tuple(d.tokens)))
    title = draft.title
    if not title:
        prompt = next((f.body for f in fields if f.on_front), "")
        title = strip_emphasis(prompt.split("\n")[0]) or f"Question {draft.number}"
    if not any(not f.on_front for f in fields):
        problems.append(
            Problem(
                source.path,
                draft.line,
                "error",
                f"question {draft.number} '{title}' has no answer field",
            )
        )
    return Question(draft.number, title, draft.section, difficulty, draft.line, tuple(fields), "")


def assign_keys(
    source: Source, questions: list[Question], drafts: list[QuestionDraft], problems: list[Problem]
) -> list[Question]:
    """Give each question its identity key and report keys that appear twice."""
    numbers = [q.number for q in questions]
    restarts = any(b <= a for a, b in itertools.pairwise(numbers))
    seen: dict[str, Question] = {}
    keyed = []
    for question, draft in zip(questions, drafts, strict=True):
        # An explicit id is normalised like a title, so `<!-- id: Old Title -->` keeps a note.
        key = normalise_title(draft.key or question.title)
        if restarts:
            key = f"{slugify(question.section or '')}/{key}"
        if key in seen:
            first = seen[key]
            problems.append(
                Problem(
                    source.path,
                    question.line,
                    "error",
                    f"question title '{question.title}' is used twice (lines {first.line} and "
                    f"{question.line}); rename one or give it <!-- id: some-key -->",
                )
            )
        seen[key] = question
        keyed.append(Question(**{**question.__dict__, "key": key}))
    return keyed


def find_unclosed_fences(source: Source, tokens: list[Token], lines: list[str]) -> list[Problem]:
    """Report code fences that run to the end of the file because they are never closed."""
    problems = []
    for token in tokens:
        for fence in [token, *(token.children or [])]:
            if fence.type != "fence" or fence.map is None:
                continue
            start, end = fence.map
            last = lines[end - 1].strip() if end - 1 > start else ""
            closed = last.startswith(fence.markup) and not last.strip(fence.markup[0])
            if not closed:
                problems.append(
                    Problem(
                        source.path,
                        start + 1,
                        "error",
                        f"code fence '{fence.markup}' opened here is never closed",
                    )
                )
    return problems


def check_declared_counts(
    source: Source,
    headings: list[Heading],
    title: Heading | None,
    section_lines: dict[int, str],
    questions: list[Question],
) -> list[Problem]:
    """Warn where a heading's declared question count differs from the questions beneath it."""
    warnings = []
    for i, heading in enumerate(headings):
        declared = declared_count(heading.text)
        if declared is None or heading.is_question or CONTENTS_HEADING.match(heading.text):
            continue
        if heading is title:
            found = len(questions)
        else:
            end = find_span_end(headings, i)
            last = headings[end].line if end < len(headings) else None
            found = sum(
                1 for q in questions if q.line > heading.line and (last is None or q.line < last)
            )
        if found != declared:
            warnings.append(
                Problem(
                    source.path,
                    heading.line,
                    "warning",
                    f"heading declares {declared} questions but {found} follow",
                )
            )
    return warnings


def declared_count(text: str) -> int | None:
    """Return the question count a heading declares, e.g. "(6 Questions)" or "Questions 7–20"."""
    span = DECLARED_RANGE.search(text)
    if span:
        return int(span.group(2)) - int(span.group(1)) + 1
    count = DECLARED_COUNT.search(text)
    if count:
        return int(count.group(1) or count.group(2))
    return None


def is_goodbye(text: str) -> bool:
    """True for a paragraph that opens with a goodbye, or ends with one sentence of it."""
    found = CHAT_OUTRO.search(text)
    if found is None:
        return False
    # "…avoids storing tokens. Would you like a hint? Most teams…" is an answer's text.
    return found.start() == 0 or not re.search(r"[.!?]\s+\S", text[found.end() :])


def find_chat_outro(blocks: list[tuple[Token, list[Token]]], lines: list[str]) -> int:
    """Return where a chat's closing words begin (len(blocks) if there are none).

    They come after everything else: plain paragraphs and lists (no heading, code or
    label) to the end. They begin at a rule, or at a paragraph that opens like a chat's
    goodbye ("I hope this helps", "Let me know", "If you'd like, I can ...").
    """
    start = len(blocks)
    while start > 0:
        block = blocks[start - 1][0]
        label = match_label(lines[block.map[0]]) if block.map else None
        plain = block.type == "paragraph_open" and (not label or OUTRO_LABEL.match(label[0]))
        if not (plain or block.type in ("hr", "bullet_list_open", "ordered_list_open")):
            break
        start -= 1
    for i in range(start, len(blocks)):
        block = blocks[i][0]
        if block.type == "hr" and i < len(blocks) - 1:
            return i
        text = paragraph_text(lines, block) if block.type == "paragraph_open" else ""
        if text and (is_goodbye(text) or NOT_EXHAUSTIVE.search(text)):
            return i
    return len(blocks)


def name_difficulty(text: str) -> str | None:
    """Return the difficulty a text names: "Medium", or a range such as "Easy–Medium"."""
    words = [str(word).title() for word in DIFFICULTY.findall(text)]
    if not words:
        return None
    # "Hard / Advanced" says one thing twice; "Easy → Medium" is a range, "Easy–Medium".
    if len(words) > 1 and DIFFICULTY_RANK[words[0].lower()] == DIFFICULTY_RANK[words[1].lower()]:
        return words[0]
    return "–".join(dict.fromkeys(words[:2]))


def name_section(text: str, keep_difficulty: bool = True) -> str:
    """Return a section's short name: "SECTION 1 — THEORY QUESTIONS (20 TOTAL)" gives "Theory".

    A difficulty after the name ("Theory Questions — Easy") is left out. Other difficulty
    words are kept ("Advanced Concepts") unless `keep_difficulty` is false, which leaves
    "" for a heading that only names a level ("Easy Level (6 Questions)").
    """
    trailing = TRAILING_DIFFICULTY.search(text)
    text = text[: trailing.start()] if trailing and trailing.start() > 0 else text
    name = SECTION_NOISE.sub(" ", SECTION_NUMBER.sub("", LEADING_SYMBOLS.sub("", text)))
    if not keep_difficulty:
        return " ".join(LEVEL_WORDS.sub(" ", name).split()).strip(" .-")
    name = " ".join(name.split()).strip(" .-")
    if not name:
        return text.strip()
    return name.title() if name.isupper() or name.islower() else name


def name_topic(title: str, path: Path) -> str:
    """Return the topic: "Python Modules — Interview Guide (30 Qs)" gives "Python Modules".

    The title's parts are split at dashes, colons and bars. The topic is what comes before
    "Interview Guide" and the like in its part, what follows "Interview Questions on" when
    the title has one part, the part after "Topic:", or else the first plain part. Parts
    such as "Theory & Coding" or "Beginner to Advanced" describe the guide, not its topic.
    """
    parts = [
        " ".join(p.split()) for p in re.split(r"\s[—–-]\s|[:|—–]", re.sub(r"\(.*?\)", "", title))
    ]
    plain = [p for p in parts if p and not TOPIC_PHRASE.search(p) and not GUIDE_WORDS.match(p)]
    topic = next((b for a, b in itertools.pairwise(parts) if a.lower() == "topic"), "")
    for part in parts:
        found = TOPIC_PHRASE.search(part) if not topic else None
        if found:
            # "Python Decorators — Senior Developer Interview Guide": the part before says
            # who the guide is for, not what it is about.
            before = TOPIC_FILLER.sub("", TOPIC_QUALIFIERS.sub("", part[: found.start()].strip()))
            after = TOPIC_FILLER.sub("", part[found.end() :])
            # "Python Interview Questions on Iterators" is about Python iterators.
            joined = f"{before} {after}" if re.search(r"\s(on|about)$", found[0]) else before
            topic = joined.strip() or ("" if plain else after)
            # "Python Interview Guide: Exception Handling" is about Python exception handling.
            if plain and " " not in topic:
                topic = f"{topic} {plain[0]}".strip()
    topic = TOPIC_FILLER.sub("", TOPIC_QUALIFIERS.sub("", topic or (plain[0] if plain else "")))
    # A shouted title is title-cased; a short one is more likely an acronym ("HTTP", "REST API").
    if topic.isupper() and any(len(word) > 5 for word in topic.split()):
        topic = topic.title()
    return topic or path.stem.replace("-", " ").replace("_", " ").title()


def clean_label(label: str) -> str:
    """Tidy a field label: no emoji or symbols in front, no trailing colon, single spaces."""
    return " ".join(LEADING_SYMBOLS.sub("", label).replace("`", "").strip().rstrip(":").split())


def strip_emphasis(text: str) -> str:
    """Remove emphasis that wraps a heading, `**1. Title**`, even with more after it."""
    # Only `*`: in Python guides `__init__ vs __new__` is a title, not emphasis.
    match = re.fullmatch(r"(\*\*|\*)(.+)\1", text.strip())
    if match:
        return match.group(2).strip()
    # `**Q1: What is X?** (Medium)`: the bold part, then the rest.
    opening = re.fullmatch(r"(\*\*)(.+?)\1(\s+[^*_].*)", text.strip())
    return f"{opening.group(2).strip()}{opening.group(3)}" if opening else text.strip()


def normalise_title(title: str) -> str:
    """Return a title's identity form: lower case, words only."""
    return " ".join(re.sub(r"[^\w\s]", " ", title.lower()).split())


def slugify(text: str) -> str:
    """Return a tag-safe slug: "Python Modules" gives "python-modules"."""
    return "-".join(re.sub(r"[^\w\s-]", " ", text.lower()).replace("_", " ").split()) or "none"


def paragraph_text(lines: list[str], block: Token) -> str:
    """Return a block's source text, stripped."""
    assert block.map is not None
    return "\n".join(lines[block.map[0] : block.map[1]]).strip()


def join_blocks(lines: list[str], blocks: list[Token]) -> str:
    """Return the source of some blocks, separated by blank lines."""
    return "\n\n".join(join_lines(lines[b.map[0] : b.map[1]]) for b in blocks if b.map)


def join_lines(lines: list[str]) -> str:
    """Join source lines, dropping blank lines at either end."""
    return "\n".join(lines).strip("\n").rstrip()
