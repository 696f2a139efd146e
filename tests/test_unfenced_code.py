"""Code pasted without fences: its lines are shown as a code block, and nothing else is.

The reading is pinned by `fixtures/lenient/unfenced-code.md`; these tests check what the
user gets: the exact lines in the parsed block, and a `<pre>` on the card in real Anki.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from interview_deck.build import BuildOptions, build
from interview_deck.model import Guide
from interview_deck.parse import parse_guide
from interview_deck.read import read_source
from tests.conftest import FIXTURES, import_apkg

GUIDE = FIXTURES / "lenient" / "unfenced-code.md"
COUNT_VOWELS = (
    "def count_vowels(text):\n"
    "    total = 0\n"
    "    for ch in text.lower():\n"
    '        if ch in "aeiou":\n'
    "            total += 1\n"
    "    return total\n"
    "\n"
    'print(count_vowels("Banana **split**"))\n'
)
IS_DUNDER = (
    "def is_dunder(name):\n"
    '    return name.startswith("__") and name.endswith("__")\n'
    'print(is_dunder("__init__"))\n'
)
PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL)


def parse(path: Path) -> Guide:
    """Parse a guide file."""
    return parse_guide(read_source(path))


def blocks_of(guide: Guide) -> dict[tuple[int, str], list[str]]:
    """Return the code blocks of each field, by question number and label."""
    return {
        (q.number, f.label): [t.content for t in f.tokens if t.type == "fence"]
        for q in guide.questions
        for f in q.fields
    }


def test_code_lines_become_one_block_each_with_their_indentation() -> None:
    blocks = blocks_of(parse(GUIDE))
    assert blocks[(1, "Sample Code")] == [
        'name = "ada"\nupper = name.upper()\nprint(name, upper)\n'
    ]
    # The code that ends a question's paragraph; the sentence before it stays text.
    assert blocks[(2, "Question")] == [
        'word = "level"\nif word == word[::-1]:\n    print("same both ways")\n'
    ]
    # Two paragraphs of code, a blank line between them, are one block.
    assert blocks[(4, "Solution")] == [COUNT_VOWELS]
    assert blocks[(5, "Solution")] == [IS_DUNDER]


def test_prose_and_formulas_stay_text() -> None:
    blocks = blocks_of(parse(GUIDE))
    # Formulas outside a field about code; a wrapped sentence under a Solution label.
    assert blocks[(2, "Explanation")] == []
    assert blocks[(3, "Solution")] == []
    assert blocks[(2, "Expected Answer")] == []


def test_a_block_takes_the_language_of_the_guides_fences(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        "# T\n\n### 1. Q\n\n**Answer:** This.\n\n```python\nx = 1\n```\n\n"
        "### 2. R\n\n**Solution:**\ndef f():\n    return 1\n",
        encoding="utf-8",
    )
    [question] = [q for q in parse(guide).questions if q.number == 2]
    [fence] = [t for f in question.fields for t in f.tokens if t.type == "fence"]
    assert (fence.info, fence.content) == ("python", "def f():\n    return 1\n")


@dataclass(frozen=True)
class Card:
    """One imported card's two sides, as Anki renders them."""

    question: str
    answer: str


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Card]:
    """Build the fixture guide, import it into real Anki, and return its cards by number."""
    from anki.collection import Collection

    folder = tmp_path_factory.mktemp("unfenced")
    [result] = build([GUIDE], BuildOptions(out_dir=folder / "out"))
    assert not result.failed, [str(p) for p in result.problems]
    col = Collection(str(folder / "collection.anki2"))
    try:
        import_apkg(col, folder / "out" / f"{GUIDE.stem}.apkg")
        found = {}
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            found[card.note()["Number"]] = Card(card.question(), card.answer())
        return found
    finally:
        col.close()


def code_in(side: str) -> list[str]:
    """Return the text of each `<pre>` of a rendered side, tags dropped, entities decoded."""
    return [html.unescape(re.sub(r"<[^>]+>", "", pre)) for pre in PRE.findall(side)]


def test_the_card_shows_the_code_in_a_pre_with_its_lines_and_indentation(
    cards: dict[str, Card],
) -> None:
    answer = cards["4"].answer
    assert [c.strip("\n") for c in code_in(answer)] == [COUNT_VOWELS.strip("\n")]
    # No Markdown inside code: `**split**` is not bold, `__init__` keeps its underscores.
    assert "<strong>split</strong>" not in answer
    assert [c.strip("\n") for c in code_in(cards["5"].answer)] == [IS_DUNDER.strip("\n")]
    # The question's own code is on the front, under its sentence.
    front = cards["2"].question
    assert "What does this code print, and why?" in front
    assert (
        code_in(front)[-1]
        .strip("\n")
        .endswith('if word == word[::-1]:\n    print("same both ways")')
    )


def test_prose_under_a_solution_label_is_no_pre_on_the_card(cards: dict[str, Card]) -> None:
    answer = cards["3"].answer
    assert code_in(answer) == []
    assert "Collect the pieces in a list" in answer


def test_code_without_fences_is_escaped_as_every_code_block(tmp_path: Path) -> None:
    from interview_deck.render import render_guide

    guide = tmp_path / "g.md"
    guide.write_text(
        "# T\n\n### 1. Q\n\n**Solution:**\ndef page():\n    return '<b>hi</b> [sound:x.mp3]'\n",
        encoding="utf-8",
    )
    [question] = render_guide(parse(guide)).questions
    assert question.main_answer is not None
    shown = question.main_answer.html
    assert "<b>hi</b>" not in shown and "[sound:" not in shown
    assert code_in(shown) == ["def page():\n    return '<b>hi</b> [sound:x.mp3]'\n"]
