"""The Markdown parser of guides: CommonMark, tables, and three block rules of our own.

- A `**Label:**` line ends a paragraph or list without a blank line.
- A code fence that is never closed ends before the next question heading, so it cannot
  swallow the questions after it.
- Lists and quotes nested past markdown-it's limit are read as text, not dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import fence as read_commonmark_fence

from interview_deck.parse.recognise import is_question_line
from interview_deck.parse.vocabulary import match_label

SAFE_SCHEMES = {"http", "https", "mailto"}
# markdown-it stops reading a document at its nesting limit (20 token levels), dropping the
# rest of it. Lists and quotes deeper than this are read as text instead, with a warning.
DEEP_LEVEL = 16


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
    md.block.ruler.before("table", "too_deep", read_deep_line_as_text)
    md.block.ruler.at(
        "fence", read_fence, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    return md


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
    """Block rule: as a terminator, report a `**Label:**` line that starts at column 0."""
    if not silent or state.sCount[line] != 0:
        return False
    start = state.bMarks[line] + state.tShift[line]
    return match_label(state.src[start : state.eMarks[line]]) is not None


# A fence line: its marker run, after any indentation.
FENCE_MARKS = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def read_fence(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a code fence; one that is never closed ends before the next question.

    The 0-based line of such a fence is recorded in `env["unclosed"]`.
    """
    if not silent and not is_closed_later(state, line):
        questions = list_question_lines(state)
        after = bisect_right(questions, line)
        if after < len(questions) and questions[after] < end_line:
            end_line = questions[after]
        state.env.setdefault("unclosed", []).append(line)
    return read_commonmark_fence(state, line, end_line, silent)


def is_closed_later(state: StateBlock, line: int) -> bool:
    """True if a bare fence line that could close the fence opened at `line` comes later."""
    opening = FENCE_MARKS.match(read_line(state, line))
    if opening is None:
        return True
    marks = opening[1]
    longest = list_longest_closers(state)[marks[0]]
    return line + 1 < len(longest) and longest[line + 1] >= len(marks)


def list_longest_closers(state: StateBlock) -> dict[str, list[int]]:
    """For each fence mark, the longest bare fence line from each line on (once per document)."""
    cached: dict[str, list[int]] | None = state.env.get("closers")
    if cached is not None:
        return cached
    count = len(state.bMarks) - 1
    longest = {"`": [0] * (count + 1), "~": [0] * (count + 1)}
    for line in range(count - 1, -1, -1):
        text = read_line(state, line).strip()
        for mark, runs in longest.items():
            bare = len(text) >= 3 and text == mark * len(text)
            runs[line] = max(runs[line + 1], len(text) if bare else 0)
    state.env["closers"] = longest
    return longest


def list_question_lines(state: StateBlock) -> list[int]:
    """The 0-based lines of the document that are question headings (once per document)."""
    cached: list[int] | None = state.env.get("questions")
    if cached is None:
        count = len(state.bMarks) - 1
        cached = [i for i in range(count) if is_question_line(read_line(state, i))]
        state.env["questions"] = cached
    return cached


def read_line(state: StateBlock, line: int) -> str:
    """Return one line of the document being parsed."""
    return state.src[state.bMarks[line] : state.eMarks[line]]
