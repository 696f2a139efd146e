"""Code pasted without fences: the lines of a paragraph that read as code become a code block.

Some copies of a chat lose every code fence: under `**Solution:**` come plain lines, `def f(x):`
and its indented body, which Markdown joins into one paragraph of prose, its indentation lost
and `**` or `__name__` read as emphasis. A run of lines that ends a paragraph and reads as code
line by line becomes a fence token holding the source lines as they are, so it is rendered,
and escaped, as every code block is. The field keeps its label and its source text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from markdown_it.token import Token

from interview_deck.errors import Problem
from interview_deck.model import Question, Reading
from interview_deck.parse.vocabulary import is_code_label

# Longer lines are never read as code; this also bounds the patterns' work on each line.
MAX_CODE_LINE = 300
# A line only code has: a definition, an import, a block opener, a decorator, a call alone on
# its line, a return.
STRONG = re.compile(
    r"(?:async\s{1,4})?(?:def|class|func|fn|function)\s{1,4}\w{1,80}\s{0,4}[(:<{]"
    r"|import\s{1,4}[\w.]{1,80}|from\s{1,4}[\w.]{1,80}\s{1,4}import\s"
    r"|for\s{1,4}.{1,200}\s{1,4}in\s{1,4}.{1,200}:$"
    r"|(?:if|elif|while|with|except)\s{1,4}.{1,200}:$"
    r"|(?:if|for|while|switch|catch)\s{0,4}\(.{0,200}\)\s{0,4}\{$"
    r"|(?:else|try|finally|except|do)\s{0,4}[:{]$"
    r"|@[A-Za-z_][\w.]{0,80}(?:\(.{0,200}\))?$"
    r"|[A-Za-z_][\w.]{0,80}\(.{0,200}\)\s{0,4};?$"
    r"|return\b"
    r"|.{0,300}\{$"
)
# A line that code has, and prose might: an assignment or declaration, a closing bracket, a
# query keyword, a statement word.
NAME = r"[A-Za-z_][\w.]{0,80}(?:\[[^\]\n]{0,80}\]){0,4}"
WEAK = re.compile(
    rf"{NAME}(?:\s{{0,4}},\s{{0,4}}{NAME}){{0,8}}\s{{0,4}}(?:[-+*/%&|^:]|//|\*\*|<<|>>)?=(?!=)"
    r"|(?:const|let|var|val|int|long|float|double|char|bool|auto)\s{1,4}[A-Za-z_]\w{0,80}"
    r"\s{0,4}[=;\[(]"
    r"|[}\])][;,)\]}]{0,8}$"
    r"|(?:SELECT|FROM|WHERE|JOIN|GROUP\s+BY|ORDER\s+BY|INSERT|UPDATE|DELETE|CREATE|VALUES)\b"
    r"|(?:pass|break|continue|yield|raise|del)\b"
)
# How a sentence ends: such a line is prose, even when it opens like code ("return the set.").
SENTENCE_END = re.compile(r"[A-Za-z][.!?]$")
# Fewer lines than this are never a code block.
MIN_CODE_LINES = 2


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of a paragraph: its text without indentation, and its indentation (None when
    only the parsed text, without the source's indentation, is known)."""

    text: str
    raw: str
    indent: int | None


def read_code_line(line: SourceLine, under_code: bool) -> str:
    """Return how a line reads: "strong" (only code), "weak" (code or prose), or "" (prose).

    A line indented under a line of code is code whatever it holds (a comment, a call).
    """
    text = line.text
    if not text or len(text) > MAX_CODE_LINE:
        return ""
    if under_code:
        return "strong"
    if SENTENCE_END.search(text):
        return ""
    if STRONG.match(text):
        return "strong"
    return "weak" if WEAK.match(text) else ""


@dataclass(frozen=True, slots=True)
class CodeRun:
    """The run of code lines that ends a paragraph: where it starts (the paragraph's length
    if none does), and whether one of its lines reads as nothing but code."""

    start: int
    strong: bool


def find_code_run(lines: list[SourceLine]) -> CodeRun:
    """Return the run of lines, each reading as code, that ends a paragraph."""
    base = min((line.indent for line in lines if line.indent is not None), default=0)
    kinds: list[str] = []
    for line in lines:
        indented = line.indent is not None and line.indent > base
        kinds.append(read_code_line(line, indented and bool(kinds) and bool(kinds[-1])))
    start = len(kinds)
    while start > 0 and kinds[start - 1]:
        start -= 1
    return CodeRun(start, "strong" in kinds[start:])


def is_code_block(run: CodeRun, count: int, code_field: bool) -> bool:
    """True if a paragraph's code run is a code block: at least MIN_CODE_LINES lines and,
    outside a field about code, one that reads as nothing but code."""
    return count - run.start >= MIN_CODE_LINES and (code_field or run.strong)


def read_source_lines(inline: Token, lines: list[str], end: int) -> list[SourceLine]:
    """Return a paragraph's lines; `end` is the 0-based line after it.

    The parsed text's lines are the paragraph's last source lines (a label's empty line may
    come first); a line is taken from the source, indentation and all, when it is the same
    text, and from the parsed text otherwise (the rest of a label's line).
    """
    parsed = inline.content.split("\n")
    first = end - len(parsed)
    read = []
    for i, text in enumerate(parsed):
        raw = lines[first + i] if 0 <= first + i < len(lines) else text
        if raw.strip() != text.strip():
            read.append(SourceLine(text.strip(), text.strip(), None))
            continue
        stripped = raw.lstrip()
        read.append(SourceLine(stripped.rstrip(), raw.rstrip(), len(raw) - len(stripped)))
    return read


def write_code(lines: list[SourceLine]) -> str:
    """Return code lines as the source has them, less the indentation they all share."""
    base = min((line.indent for line in lines if line.indent is not None), default=0)
    return "\n".join(line.raw[base:] if line.indent is not None else line.raw for line in lines)


def make_fence(code: list[SourceLine], start: int, end: int, language: str, level: int) -> Token:
    """Return a fence token for code lines; `start` and `end` are 0-based, end exclusive."""
    content = write_code(code) + "\n"
    return Token(
        "fence", "code", 0, map=[start, end], level=level, content=content,
        info=language, markup="```", block=True,
    )  # fmt: skip


def split_prose(paragraph: list[Token], count: int, end: int) -> list[Token]:
    """Return a paragraph's first `count` lines as a paragraph of their own, which ends
    before the 0-based line `end`."""
    opening, inline, closing = paragraph
    assert opening.map is not None
    where = [opening.map[0], end]
    text = "\n".join(inline.content.split("\n")[:count])
    return [opening.copy(map=where), inline.copy(content=text, map=where), closing]


@dataclass(frozen=True, slots=True)
class FencedField:
    """A field's tokens with its unfenced code as fences, and the 1-based line of each."""

    tokens: tuple[Token, ...]
    lines: list[int]


def fence_field(
    tokens: tuple[Token, ...], lines: list[str], language: str, code_field: bool
) -> FencedField:
    """Return a field's tokens with each run of code lines that ends a paragraph as a fence.

    A paragraph all of code right after such a fence joins it, with the blank lines between.
    """
    level = min((t.level for t in tokens), default=0)
    out: list[Token] = []
    found: list[int] = []
    # The lines of the fence just made, while the next paragraph may still join it.
    joinable: list[SourceLine] | None = None
    i = 0
    while i < len(tokens):
        opening = tokens[i]
        paragraph = tokens[i : i + 3]
        if opening.type != "paragraph_open" or opening.level != level or not opening.map:
            out.append(opening)
            joinable, i = None, i + 1
            continue
        end = opening.map[1]
        source = read_source_lines(paragraph[1], lines, end)
        run = find_code_run(source)
        start = run.start
        i += 3
        # A paragraph all of code right after a block of it, even one line, goes on it.
        joins = joinable is not None and start == 0 and out[-1].map is not None
        if not joins and not is_code_block(run, len(source), code_field):
            out += paragraph
            joinable = None
            continue
        first = end - len(source) + start
        if joinable is not None and joins and out[-1].map:
            # The blank lines between the two paragraphs are lines of the code.
            before = out[-1].map[0]
            joinable += [SourceLine("", "", None)] * (first - out[-1].map[1]) + source
            out[-1] = make_fence(joinable, before, end, language, level)
            continue
        if start > 0:
            out += split_prose(list(paragraph), start, first)
        joinable = source[start:]
        out.append(make_fence(joinable, first, end, language, level))
        found.append(first + 1)
    return FencedField(tuple(out), found)


def find_language(tokens: list[Token]) -> str:
    """Return the language the guide's fences name most often ("" if none names one)."""
    named = Counter(
        t.info.split()[0].lower() for t in tokens if t.type == "fence" and t.info.split()
    )
    return named.most_common(1)[0][0] if named else ""


@dataclass(frozen=True, slots=True)
class FencedGuide:
    """A guide's questions with unfenced code as fences, how those lines were read, and the
    warning that says so."""

    questions: list[Question]
    readings: list[Reading]
    problems: list[Problem]


def fence_bare_code(
    path: Path, lines: list[str], questions: list[Question], tokens: list[Token]
) -> FencedGuide:
    """Show the code that a guide's paragraphs hold without fences as code blocks.

    In the language of the guide's other fences; one warning, at the first such block,
    names the lines of the others.
    """
    language = find_language(tokens)
    fenced: list[Question] = []
    found: list[int] = []
    for question in questions:
        fields = []
        for f in question.fields:
            done = fence_field(f.tokens, lines, language, is_code_label(f.label))
            fields.append(replace(f, tokens=done.tokens) if done.lines else f)
            found += done.lines
        fenced.append(replace(question, fields=tuple(fields)))
    readings = [Reading(line, "code", "unfenced code") for line in found]
    return FencedGuide(fenced, readings, warn_unfenced_code(path, found))


# How many other lines a grouped warning names before it only counts the rest.
MAX_LINES_SHOWN = 5


def warn_unfenced_code(path: Path, found: list[int]) -> list[Problem]:
    """Warn once, at the first block of code without fences, naming the others' lines."""
    if not found:
        return []
    first, others = found[0], found[1:]
    where = "these lines look"
    if others:
        shown = ", ".join(str(line) for line in others[:MAX_LINES_SHOWN])
        more = len(others) - MAX_LINES_SHOWN
        shown += f" and {more} more" if more > 0 else ""
        count = f"{len(others)} more block{'s' * (len(others) != 1)}"
        where = f"these lines and {count} (line{'s' * (len(others) != 1)} {shown}) look"
    message = (
        f"{where} like code without fences, so they are shown as code; "
        "add ``` fences around code to choose its language"
    )
    return [Problem(path, first, "warning", message)]
