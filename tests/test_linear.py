"""Every parser stage is linear in its input: pathological guides finish, with no time limit.

Each case aims at one pattern or stage that used to backtrack or rescan. At these sizes a
quadratic one takes minutes to hours, so a regression shows as a test that never ends, not
as a flaky timing. (Pygments' own lexers are tested in `test_hostile.py`.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from interview_deck.errors import GuideError
from interview_deck.explain import explain_guide
from interview_deck.parse import parse_guide
from interview_deck.read import read_source

N = 200_000
ANSWER = "\n\n**Answer:** An answer.\n"
QUESTION = "### 1. A question" + ANSWER

CASES: dict[str, Callable[[int], str]] = {
    "details summary then spaces": lambda n: QUESTION + "\n<details><summary>" + " " * n + "\n",
    "difficulty line: a symbol then tabs": lambda n: QUESTION + "\n!" + "\t" * n + "x\n",
    "goodbye: sentences of dots": lambda n: QUESTION + "\nDone" + ". " * n + "\n",
    "not exhaustive, repeated": lambda n: QUESTION + "\n" + "not exhaustive " * (n // 15) + "\n",
    "title with a run of spaces": lambda n: "# Python" + " " * n + "Guide\n\n" + QUESTION,
    "topic words repeated": lambda n: "# " + "a " * (n // 2) + "x\n\n" + QUESTION,
    "question word then spaces": lambda n: "### Question" + " " * n + "!" + ANSWER,
    "trailing dashes after a title": lambda n: "### 1. Title" + " -" * (n // 2) + " x" + ANSWER,
    "trailing difficulty spaces": lambda n: "### 1. Title" + " " * n + "(Hard) x" + ANSWER,
    "a long heading looked up as a label": lambda n: QUESTION + "\n#### " + "why ask " * (n // 8),
    "id comment with spaces": lambda n: "### 1. Q\n\n<!-- id: " + " " * n + "x" + ANSWER,
    "a symbol then tabs before a label": lambda n: QUESTION + "\n!" + "\t" * n + "**Note:** x\n",
    "keycap digits": lambda n: "### " + "1\ufe0f\u20e3" * (n // 3) + " Title" + ANSWER,
    "bold markers": lambda n: QUESTION + "\n**" + "*" * n + "\n",
    "many headings before the questions": lambda n: "## Notes\n\n" * (n // 10) + QUESTION,
    "many headings that declare counts": lambda n: (
        "## Part (3 questions)\n\n" * (n // 25) + QUESTION
    ),
    "lists nested very deep": lambda n: QUESTION + "\n" + "- " * (n // 20) + "deep\n",
    "quotes nested very deep": lambda n: QUESTION + "\n" + "> " * (n // 20) + "deep\n",
    "a count of 5,000 digits": lambda n: "## Part (" + "9" * 5000 + " questions)\n\n" + QUESTION,
    "fences left open before every question": lambda n: (
        "```python\nx = 1\n\n### 1. Q\n\n" * (n // 30)
    ),
    "code lines without fences": lambda n: (
        "### 1. Q\n\n**Solution:**\n" + "def f(x):\n    x = [y for y in x]\n" * (n // 30)
    ),
    "a long line under a code label": lambda n: (
        "### 1. Q\n\n**Solution:**\nx = f(\n" + "a[" * (n // 2) + "\n" + "for " * (n // 4) + ":\n"
    ),
    "question number of 12 digits": lambda n: "### 123456789012. Title" + ANSWER + QUESTION,
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_pathological_guide_is_parsed_in_linear_time(case: str, tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(CASES[case](N), encoding="utf-8")
    try:
        parsed = parse_guide(read_source(guide))
    except GuideError as e:
        # A refusal is a fine outcome too, as long as it is a message with a line.
        assert all(p.line >= 1 for p in e.problems)
    else:
        assert parsed.questions


def test_questions_numbered_above_9999_are_read(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text("### 10000. Ten thousand" + ANSWER + "### 10001. And one" + ANSWER)
    assert [q.number for q in parse_guide(read_source(guide)).questions] == [10000, 10001]


def test_lists_nested_too_deep_lose_no_question(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        QUESTION + "\n" + "- " * 25 + "deep\n\n### 2. Next" + ANSWER + "### 3. Last" + ANSWER
    )
    parsed = parse_guide(read_source(guide))
    assert [q.number for q in parsed.questions] == [1, 2, 3]
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (5, "lists or quotes nested this deep are shown as plain text from here on (1 line)")
    ]


@pytest.mark.slow
def test_explain_is_linear_in_questions_and_warnings(tmp_path: Path) -> None:
    # Every question skips a number, so each has a warning to be listed under it.
    count = 4000
    guide = tmp_path / "g.md"
    guide.write_text("".join(f"### {2 * i}. Question {i}{ANSWER}\n" for i in range(1, count)))
    rows = explain_guide(guide).splitlines()
    assert len([r for r in rows if r.startswith("       warning: ")]) == count - 2
    assert rows[-1].startswith("       warning: numbering")
