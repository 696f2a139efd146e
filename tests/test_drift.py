"""Metamorphic tests: a guide read after a drift that models make reads as before.

Each drift below changes how a guide is written, not what it says: spaces at line ends,
Windows line ends, doubled blank lines, an emoji before a bold question label, labels
in italics rather than bold. Every
fixture guide must give the same questions, titles, sections and card sides after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from interview_deck.errors import GuideError
from interview_deck.parse import parse_guide
from interview_deck.read import read_source

from .conftest import FIXTURES
from .test_lenient import back_text, front_text

ROOT = Path(__file__).parent.parent
GUIDES = [
    *sorted(p for p in (FIXTURES / "lenient").glob("*.md") if p.name != "README.md"),
    ROOT / "content" / "python-modules.md",
]
FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})")
# `**Q:**`, `**Question 3:**`: the label alone is bold (not a whole bold line, `**Q: Why?**`).
QUESTION_LABEL = re.compile(r"^(\s*(?:[-*+]\s+)?)(?=\*\*Q(?:uestion)?(?:\s*\d{1,9})?:\*\*)")
# A whole bold line that asks, `**Q: Why?**` or `- **What is X?**`, not a label.
BOLD_QUESTION = re.compile(
    r"^(\s*)(?=\*\*Q:[^*\n]{1,300}\*\*\s*$)|^(\s*[-*+]\s+)(?=\*\*[^*\n]{1,300}\?\*\*\s*$)"
)
# `**Answer:**` or `**Answer**:` at a line's start, maybe after a bullet or a number.
BOLD_LABEL = re.compile(
    r"^(\s*(?:[-*+]\s+|\d{1,9}[.)]\s+)?)\*\*([A-Za-z][^*:\n]{0,40}?)(:\*\*|\*\*:)"
)


def map_prose(text: str, change: Callable[[str], str]) -> str:
    """Return text with `change` applied to each line outside fenced code."""
    out, fenced = [], False
    for line in text.split("\n"):
        opens = FENCE.match(line) is not None
        out.append(line if fenced or opens else change(line))
        fenced = fenced != opens
    return "\n".join(out)


def add_trailing_space(text: str) -> str:
    """One space after every line of prose."""
    return map_prose(text, lambda line: f"{line} " if line.strip() else line)


def add_hard_breaks(text: str) -> str:
    """Two spaces after every line of prose, as an editor's hard line break."""
    return map_prose(text, lambda line: f"{line}  " if line.strip() else line)


def use_crlf(text: str) -> str:
    """Windows line ends."""
    return text.replace("\n", "\r\n")


def double_blank_lines(text: str) -> str:
    """Every blank line of prose twice."""
    return map_prose(text, lambda line: line if line.strip() else f"{line}\n")


def mark_question_labels(text: str) -> str:
    """An emoji before every bold question label: `🔹 **Question 1:**`, `- 🔹 **Q:**`."""
    return map_prose(text, lambda line: QUESTION_LABEL.sub(r"\g<1>🔹 ", line, count=1))


def italic_labels(text: str) -> str:
    """Every bold label in italics: `*Answer:*`, `- *Why Interviewers Ask This*:`."""

    def italic(found: re.Match[str]) -> str:
        close = ":*" if found[3] == ":**" else "*:"
        return f"{found[1]}*{found[2]}{close}"

    return map_prose(text, lambda line: BOLD_LABEL.sub(italic, line, count=1))


def mark_bold_questions(text: str) -> str:
    """An emoji before every whole bold line that asks: `🔹 **Q: Why?**`, `- 👉 **What?**`."""
    return map_prose(text, lambda line: BOLD_QUESTION.sub(r"\g<1>\g<2>👉 ", line, count=1))


DRIFTS = [
    add_trailing_space,
    add_hard_breaks,
    use_crlf,
    double_blank_lines,
    mark_question_labels,
    italic_labels,
    mark_bold_questions,
]


def read_cards(path: Path, text: str) -> list[tuple[object, ...]]:
    """Return each card's number, title, section, difficulty, front and back, as read."""
    path.write_bytes(text.encode("utf-8"))
    guide = parse_guide(read_source(path))
    return [
        (q.number, q.title, q.section, q.difficulty, front_text(q), back_text(q)[:200])
        for q in guide.questions
    ]


@pytest.mark.parametrize("drift", DRIFTS, ids=[d.__name__ for d in DRIFTS])
def test_drift_keeps_reading(drift: Callable[[str], str], tmp_path: Path) -> None:
    """Every fixture guide reads the same cards after the drift."""
    changed = []
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        try:
            before = read_cards(tmp_path / guide.name, text)
        except GuideError:
            continue
        drifted = drift(text)
        try:
            after = read_cards(tmp_path / guide.name, drifted)
        except GuideError as e:
            changed.append(f"{guide.name}: {e.problems[0].message}")
            continue
        if after != before:
            pairs = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
            changed.append(f"{guide.name}: {len(before)} -> {len(after)} cards, {pairs[:1]}")
    assert not changed, "\n".join(changed)


def test_drifts_change_the_guides() -> None:
    """Each drift changes some fixture guide, so the test above compares something."""
    texts = [g.read_text(encoding="utf-8") for g in GUIDES]
    for drift in DRIFTS:
        assert any(drift(t) != t for t in texts), drift.__name__
