"""The Markdown parser of guides: CommonMark, tables, and three block rules of our own.

- A `**Label:**` line, or a `<details>` or `</details>` line, ends a paragraph or list without
  a blank line.
- A code fence left open by mistake ends before the next question heading, so it cannot
  swallow the questions after it.
- Lists and quotes nested past markdown-it's limit are read as text, not dropped.

And mdit-py-plugins' `$$` display math block, which may hold blank lines.

A guide's tokens live until it is rendered, and their empty `attrs` and `meta` dicts were a
third of their memory: one more rule gives the tokens of each block, as the parse goes, one
shared, read-only empty mapping instead.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import fence as read_commonmark_fence
from markdown_it.rules_block import lheading as read_commonmark_setext
from markdown_it.token import Token
from mdit_py_plugins.dollarmath.index import math_block_dollar

from interview_deck.parse.questions import is_question_line
from interview_deck.parse.vocabulary import match_label

SAFE_SCHEMES = {"http", "https", "mailto"}
# markdown-it stops reading a document at its nesting limit (20 token levels), dropping the
# rest of it. Lists and quotes deeper than this are read as text instead, with a warning.
DEEP_LEVEL = 16
# The `attrs` and `meta` of every token that has none; read-only, so no rule can fill it.
NOTHING: Any = MappingProxyType({})


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
    # `<details>`, `<summary>…</summary>` and `</details>` lines are paragraphs of their own,
    # blank lines around them or not, so that the text they fold is read as Markdown.
    md.block.ruler.before(
        "lheading", "fold_line", read_fold_line, {"alt": ["paragraph", "list", "blockquote"]}
    )
    # A long line of dashes under text is a rule a chat drew, not a heading's underline.
    md.block.ruler.at("lheading", read_setext_heading)
    md.block.ruler.before("table", "too_deep", read_deep_line_as_text)
    # `$$` display math may hold blank lines, and lines that would read as lists or headings.
    read_math = math_block_dollar(allow_labels=False, allow_blank_lines=True)
    md.block.ruler.before("fence", "math_block", read_math)
    md.block.ruler.at(
        "fence", read_fence, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    # At each block's start, before any rule reads it, and once more at the end.
    md.block.ruler.before("table", "share_empty_dicts", share_empty_dicts)
    md.core.ruler.push("share_empty_dicts", lambda state: share_dicts(state.tokens, state.env))
    return md


def share_empty_dicts(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule that reads nothing: it shares empty dicts among the tokens made so far.

    Sharing them as the parse goes, rather than at its end, means a guide's worth of empty
    dicts never exists at once.
    """
    share_dicts(state.tokens, state.env)
    return False


def share_dicts(tokens: list[Token], env: MutableMapping[str, Any]) -> None:
    """Give each token made since the last call the shared empty attrs and meta, if it has none."""
    # Indexed, not sliced: each call costs only the tokens that are new.
    for i in range(env.get("shared", 0), len(tokens)):
        token = tokens[i]
        if not token.attrs:
            token.attrs = NOTHING
        if not token.meta:
            token.meta = NOTHING
    env["shared"] = len(tokens)


def read_deep_line_as_text(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: inside lists or quotes nested too deep to parse, read a line as text.

    The 0-based line is recorded in `env["too_deep"]`, for the parser to warn about it.
    """
    if state.level < DEEP_LEVEL or silent:
        return False
    state.env.setdefault("too_deep", []).append(line)
    start = state.bMarks[line] + state.tShift[line]
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [line, line + 1]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = (
        state.src[start : state.eMarks[line]],
        [line, line + 1],
        [],
    )
    state.push("paragraph_close", "p", -1)
    state.line = line + 1
    return True


def is_safe_link(url: str) -> bool:
    """Allow http, https and mailto links, and relative paths (for local images)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES or (not scheme and not url.strip().startswith("//"))


def end_block_at_label(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: as a terminator, report a `**Label:**` line at column 0, or indented by
    at most 3 spaces outside any list (inside one, that is the item's own text)."""
    indent = state.sCount[line]
    if not silent or not (indent == 0 or (state.blkIndent == 0 and indent <= 3)):
        return False
    # A guide that writes its labels plain (`Expected Answer:`) ends blocks at those too.
    return match_label(read_text(state, line), bool(state.env.get("plain_labels"))) is not None


# `<details>`, `<details><summary>Answer</summary>`, `<summary>Answer</summary>` or
# `</details>`, alone on a line; the summary may be in bold, `<summary><b>Hint</b></summary>`.
# A bold label may come before the summary's text: `<summary><b>Question:</b> Why?</summary>`;
# `</details><details>` closes one fold and opens the next.
SUMMARY = (
    r"<summary>[ \t]*(?:<(?:b|strong)>)?[^<\n]{0,200}(?:</(?:b|strong)>[^<\n]{0,300})?"
    r"[ \t]*</summary>"
)
FOLD_LINE = re.compile(
    rf"(?:(?:</details>[ \t]*)?<details>[ \t]*(?:{SUMMARY})?|{SUMMARY}|</details>)[ \t]*",
    re.IGNORECASE,
)
SUMMARY_LINE = re.compile(rf"{SUMMARY}[ \t]*", re.IGNORECASE)


def read_fold_line(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a line that folds an answer away or back is a paragraph of its own.

    `<details>`, `<summary>Answer</summary>` and `</details>` are often written with no
    blank line around them, also indented inside a list item; a `<summary>` line right
    under `<details>` joins it, as the body rule reads the two together.
    """
    text = read_text(state, line)
    if state.sCount[line] - state.blkIndent > 3:
        return False
    if not FOLD_LINE.fullmatch(text):
        # `<details><summary>Answer</summary> The text.` ends the paragraph above it too.
        return silent and text[:9].lower() == "<details>"
    if silent:
        return True
    last = line + 1
    below = read_text(state, last) if last < end_line else ""
    # Indented deeper than code would be (`  <details>` over `    <summary>`), the summary
    # still joins: right under a paragraph's line, it would go on that paragraph.
    if text.lower().endswith("<details>") and SUMMARY_LINE.fullmatch(below) is not None:
        text, last = f"{text}\n{below}", last + 1
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [line, last]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = text, [line, last], []
    state.push("paragraph_close", "p", -1)
    state.line = last
    return True


# Dashes past this many, under several lines or past twice the line above them, draw a
# rule: an underline that makes a heading is about as long as its one line of text.
RULE_DASHES = 20


def read_setext_heading(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: CommonMark's setext heading, but for a long line of dashes under text.

    Chats often draw a `-----…` rule right under a line of text; read as an underline it
    would turn the answer's last line into a heading. Such a line is left to the paragraph
    and rule rules: the text stays text and the dashes are a rule.
    """
    count = len(state.tokens)
    if not read_commonmark_setext(state, line, end_line, silent):
        return False
    opening = state.tokens[count] if len(state.tokens) > count else None
    if opening is None or opening.markup != "-":
        return True
    underline, above = read_text(state, state.line - 1), read_text(state, state.line - 2)
    several = state.line - 1 - line > 1
    if len(underline) <= RULE_DASHES or (len(underline) <= 2 * len(above) and not several):
        return True
    del state.tokens[count:]
    state.line = line
    return False


def read_text(state: StateBlock, line: int) -> str:
    """Return a line's text without its indentation or trailing spaces."""
    start = state.bMarks[line] + state.tShift[line]
    return state.src[start : state.eMarks[line]].rstrip()


# A fence line: its marks and what follows them (a language opens a new block).
FENCE_LINE = re.compile(r"^[ \t]*(?P<marks>`{3,}|~{3,})[ \t]*(?P<info>\S*)")


def read_fence(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a code fence; one left open by mistake ends before the next question.

    Such a fence would swallow every question up to the next bare fence and turn the
    guide's code and prose inside out after it. A fence is taken as left open when it is
    never closed, or when a question heading comes before its close and a fence with a
    language opens after that heading (a code example may hold question headings, but not
    another fence). Only headings two or more `#` deep count: "# 1. Create a module" is a
    comment in Python or shell.
    """
    if not silent:
        questions = list_question_lines(state)
        after = bisect_right(questions, line)
        question = questions[after] if after < len(questions) else end_line
        if question < end_line and is_left_open(state, line, question, end_line):
            state.env.setdefault("left_open", []).append(line)
            end_line = question
    return read_commonmark_fence(state, line, end_line, silent)


def is_left_open(state: StateBlock, line: int, question: int, end_line: int) -> bool:
    """True if the fence opened at `line` is never closed, or opens another after `question`."""
    opening = FENCE_LINE.match(read_line(state, line))
    if opening is None:
        return False
    fences = list_fence_lines(state)[opening["marks"][0]]
    closer = fences.next_bare[line + 1]
    return closer >= end_line or fences.next_opener[question] < closer


@dataclass(frozen=True, slots=True)
class FenceLines:
    """For one fence mark, from each 0-based line on: the next bare fence line and the next
    fence line with a language (the document's length where there is none)."""

    next_bare: list[int]
    next_opener: list[int]


def list_fence_lines(state: StateBlock) -> dict[str, FenceLines]:
    """Return the fence lines of the document by mark, worked out once in one pass."""
    cached: dict[str, FenceLines] | None = state.env.get("fences")
    if cached is not None:
        return cached
    count = len(state.bMarks) - 1
    found = {mark: FenceLines([count] * (count + 1), [count] * (count + 1)) for mark in "`~"}
    for i in range(count - 1, -1, -1):
        fence = FENCE_LINE.match(read_line(state, i))
        for mark, lines in found.items():
            lines.next_bare[i] = lines.next_bare[i + 1]
            lines.next_opener[i] = lines.next_opener[i + 1]
            if fence and fence["marks"][0] == mark:
                (lines.next_opener if fence["info"] else lines.next_bare)[i] = i
    state.env["fences"] = found
    return found


def list_question_lines(state: StateBlock) -> list[int]:
    """The 0-based lines of the document that are question headings (once per document)."""
    cached: list[int] | None = state.env.get("questions")
    if cached is None:
        count = len(state.bMarks) - 1
        cached = [i for i in range(count) if is_question_line(read_line(state, i), 2)]
        state.env["questions"] = cached
    return cached


def read_line(state: StateBlock, line: int) -> str:
    """Return one line of the document being parsed."""
    return state.src[state.bMarks[line] : state.eMarks[line]]
