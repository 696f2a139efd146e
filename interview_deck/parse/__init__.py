"""Parse a guide into a Guide: blocks → outline → assemble → fields, identity and checks.

The stages, each a module of this package:
- `markdown`: the parser and its block rules; `blocks`: its tokens walked once into Blocks;
- `vocabulary`: the one table of labels and what each means;
- `questions`: what a heading's text says; `headings`: the Heading record;
- `recognise`: the heading rules, in priority order; `body`: the rules inside a question;
- `outline`: every look-ahead decision (title, sections, levels, numbered containers);
- `assemble`: one fold over the blocks into questions; `fields`: card sides; `folds`:
  answers in `<details>`, lists of choices and a list item's fields;
- `identity`: question keys; `checks`: fences and declared counts; `naming`: names.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_deck.errors import GuideError, Problem
from interview_deck.model import Guide
from interview_deck.parse.assemble import (
    assemble_blocks,
    find_outro,
    finish_question,
    warn_guessed_answers,
)
from interview_deck.parse.blocks import read_blocks
from interview_deck.parse.body import find_chat_asides
from interview_deck.parse.checks import (
    check_declared_counts,
    check_numbering,
    check_wordless_answers,
    find_unclosed_fences,
)
from interview_deck.parse.code import fence_bare_code
from interview_deck.parse.identity import assign_keys
from interview_deck.parse.markdown import create_parser, is_safe_link
from interview_deck.parse.naming import name_difficulty, name_section, name_topic, slugify
from interview_deck.parse.outline import find_bold_title, outline_guide
from interview_deck.parse.vocabulary import is_answer_label, read_dot_labels, uses_plain_labels

if TYPE_CHECKING:
    # Only for annotations: the reader uses the parser's question recogniser.
    from interview_deck.read import Source

__all__ = [
    "create_parser",
    "is_answer_label",
    "is_safe_link",
    "name_section",
    "name_topic",
    "parse_guide",
    "slugify",
]


def parse_guide(source: Source) -> Guide:
    """Parse one guide; raise GuideError with every problem if it cannot become a deck."""
    # `**Q.**` / `**A.**` pairs read as `**Q:**` / `**A:**`; nothing else moves.
    text = read_dot_labels(source.text)
    path, lines = source.path, text.split("\n")
    # blocks: the tokens, walked once
    # Whether the guide writes its labels plain (`Expected Answer:`), for every stage.
    plain = uses_plain_labels(lines)
    env: dict[str, Any] = {"plain_labels": plain}
    tokens = create_parser().parse(text, env)
    blocks = read_blocks(tokens)
    # The front matter's warnings come first, as it comes first in the file.
    problems = [*source.warnings]
    problems += find_unclosed_fences(path, tokens, lines, env.get("left_open", []))
    problems += warn_too_deep(path, env.get("too_deep", []))
    # outline: the title, sections, levels, and which headings are questions
    outline = outline_guide(blocks)
    # assemble: the blocks before the chat's goodbye, folded into questions
    outro, asides = find_outro(blocks, lines, outline), find_chat_asides(blocks, lines)
    assembly = assemble_blocks(path, lines, blocks, outline, outro, asides, plain)
    problems += assembly.problems
    # fields: each question's card sides
    finished = [finish_question(path, lines, d) for d in assembly.drafts]
    problems += [p for f in finished for p in f.problems]
    problems += warn_guessed_answers(
        path, [f.question for f in finished if f.question and f.guessed]
    )
    kept = [(f.question, d) for f, d in zip(finished, assembly.drafts, strict=True) if f.question]
    # `difficulty: intermediate` in the front matter rates the questions that rate nothing.
    default = name_difficulty(source.front_matter.difficulty or "")
    kept = [(replace(q, difficulty=q.difficulty or default), d) for q, d in kept]
    # identity: a key for each question's note
    ids, parts = [d.key for _, d in kept], [d.part for _, d in kept]
    title_section = name_section(outline.title.text) if outline.title else ""
    questions = assign_keys(path, [q for q, _ in kept], ids, parts, lines, problems, title_section)
    # code: paragraphs of code that lost their fences, shown as code blocks
    fenced = fence_bare_code(path, lines, questions, tokens)
    questions, readings = fenced.questions, list(assembly.readings)
    for reading in fenced.readings:
        insort(readings, reading, key=lambda r: r.line)
    problems += fenced.problems
    if not questions:
        line = outline.title.line if outline.title else 1
        message = "no questions found (expected headings like '### 1. Title')"
        problems.append(Problem(path, line, "error", message))
    if any(p.severity == "error" for p in problems):
        raise GuideError(problems)
    # checks: counts that headings declare
    warnings = [p for p in problems if p.severity == "warning"]
    warnings += check_declared_counts(path, outline, questions)
    warnings += check_numbering(path, assembly.drafts)
    warnings += check_wordless_answers(path, questions)
    title = outline.title.text if outline.title else find_bold_title(blocks)
    front = source.front_matter
    return Guide(
        path,
        name_topic(front.title or title, path, title),
        assembly.intro_text,
        tuple(questions),
        # In the order of the guide's lines, as a reader goes through it.
        tuple(sorted(warnings, key=lambda p: p.line)),
        tuple(assembly.intro_tokens),
        tuple(readings),
        front.deck,
        front.tags,
    )


def warn_too_deep(path: Path, lines: list[int]) -> list[Problem]:
    """Warn once about lists or quotes nested too deep to read as structure."""
    if not lines:
        return []
    message = "lists or quotes nested this deep are shown as plain text from here on"
    count = f"{len(lines)} line{'s' * (len(lines) != 1)}"
    return [Problem(path, lines[0] + 1, "warning", f"{message} ({count})")]
