"""Parser golden tests: the user's guide and one fixture guide per format variation.

Regenerate the golden files after an intended change with
`UPDATE_GOLDEN=1 pytest tests/test_parse.py`, then review the diff.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from interview_deck.errors import GuideError
from interview_deck.model import Guide
from interview_deck.parse import name_section, name_topic, parse_guide
from interview_deck.read import read_source, unwrap_guide

from .conftest import FIXTURES, GUIDE, REPO

GUIDES = sorted((FIXTURES / "guides").glob("*.md"))
GOLDEN = FIXTURES / "golden"


def parse(path: Path) -> Guide:
    """Parse a guide file."""
    return parse_guide(read_source(path))


def write_guide(folder: Path, text: str) -> Path:
    """Write a small guide as `g.md` in `folder` and return its path."""
    guide = folder / "g.md"
    guide.write_text(text, encoding="utf-8")
    return guide


def describe(guide: Guide) -> dict[str, Any]:
    """Return everything the parser found, as plain data for a golden file."""
    return {
        "topic": guide.topic,
        "intro": guide.intro,
        "warnings": [f"{w.line}: {w.message}" for w in guide.warnings],
        "questions": [
            {
                "number": q.number,
                "title": q.title,
                "section": q.section,
                "difficulty": q.difficulty,
                "line": q.line,
                "key": q.key,
                "fields": [
                    {
                        "label": f.label,
                        "line": f.line,
                        "side": "front" if f.on_front else "back",
                        "secondary": f.secondary,
                        "body": f.body,
                    }
                    for f in q.fields
                ],
            }
            for q in guide.questions
        ],
    }


@pytest.mark.parametrize("path", [GUIDE, *GUIDES], ids=lambda p: p.stem)
def test_parse_matches_golden(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.json"
    found = describe(parse(path))
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert found == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [GUIDE, *GUIDES], ids=lambda p: p.stem)
def test_code_blocks_stay_byte_identical(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    blocks = re.findall(r"^```(?!markdown\b|md\b)[a-z]+\n.*?^```$", text, re.MULTILINE | re.DOTALL)
    if path == GUIDE:
        assert len(blocks) == 23
    bodies = "\n".join(f.body for q in parse(path).questions for f in q.fields)
    for block in blocks:
        assert block in bodies


def test_the_users_guide_is_kept_verbatim() -> None:
    shared = REPO.parent / "shared" / "guides" / "python-modules.md"
    if not shared.exists():
        pytest.skip("../shared/guides is not beside this checkout")
    assert GUIDE.read_bytes() == shared.read_bytes()


def test_users_guide_has_30_questions_by_section_and_difficulty() -> None:
    guide = parse(GUIDE)
    assert guide.topic == "Python Modules"
    assert [q.number for q in guide.questions] == list(range(1, 31))
    assert Counter((q.section, q.difficulty) for q in guide.questions) == {
        ("Theory", "Easy"): 6,
        ("Theory", "Medium"): 14,
        ("Coding", "Easy"): 3,
        ("Coding", "Medium"): 7,
    }
    assert guide.warnings == ()


def field_labels(guide: Guide, number: int) -> list[str]:
    """Return the labels of question `number`."""
    return [f.label for f in guide.questions[number - 1].fields]


def test_users_guide_special_cases() -> None:
    guide = parse(GUIDE)
    q1, q3, q5, q6, q26 = (guide.questions[n - 1] for n in (1, 3, 5, 6, 26))
    # The crashing code in Q26 belongs to the prompt.
    assert "from user import User # CIRCULAR DEPENDENCY" in q26.prompt_fields[0].body
    assert all("CIRCULAR" not in f.body for f in q26.answer_fields[1:])
    # A label after a list item, with no blank line, is a field of its own.
    assert "Medium-Depth Reasoning" in field_labels(guide, 3)
    assert "Medium-Depth" not in q3.fields[1].body
    assert "Explanation" in field_labels(guide, 5)
    assert "Why Ask This" in field_labels(guide, 6)
    # Labels inside list items stay in the Expected Answer.
    answer = q1.fields[1]
    assert answer.label == "Expected Answer"
    assert (
        "- **Module:**" in answer.body
        and "**Package:**" in answer.body
        and "**Script:**" in answer.body
    )
    # Q1's sample code is inside the wrapper, after the first bare ``` of the guide.
    assert q1.fields[-1].label == "Sample Code"
    assert "print(json.__path__)" in q1.fields[-1].body
    assert q1.fields[-1].body.endswith("```")
    assert [f.label for f in q6.fields if f.secondary] == ["Why Ask This"]
    assert q5.line == 101


def test_every_question_has_prompt_and_answer_sides() -> None:
    for question in parse(GUIDE).questions:
        assert question.prompt_fields[0].label in ("Question", "Coding Question")
        assert question.answer_fields[0].label in ("Expected Answer", "Solution Code")


def test_unwrap_keeps_line_numbers() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    unwrapped = unwrap_guide(text)
    assert unwrapped.count("\n") == text.count("\n")
    assert unwrapped.split("\n")[0] == ""
    assert unwrapped.split("\n")[3] == "# Python Modules — Interview Guide (30 Questions)"


def test_crlf_bom_and_tabs_parse_like_plain_text(tmp_path: Path) -> None:
    source = (FIXTURES / "guides" / "crlf-bom-tabs.md").read_bytes()
    assert source.startswith(b"\xef\xbb\xbf") and b"\r\n" in source and b"\t" in source
    plain = tmp_path / "crlf-bom-tabs.md"
    plain.write_bytes(source.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n"))
    assert describe(parse(plain)) == describe(parse(FIXTURES / "guides" / "crlf-bom-tabs.md"))


def test_numbering_restart_is_not_an_error_and_keys_differ_by_section() -> None:
    guide = parse(FIXTURES / "guides" / "numbering-restarts.md")
    assert [q.number for q in guide.questions] == [1, 2, 1, 2]
    assert len({q.key for q in guide.questions}) == 4
    assert all(q.key.startswith(("theory/", "coding/")) for q in guide.questions)


def test_declared_count_mismatch_is_a_warning_with_its_line() -> None:
    guide = parse(FIXTURES / "guides" / "declared-count-mismatch.md")
    assert [(w.line, w.severity) for w in guide.warnings] == [
        (1, "warning"),
        (3, "warning"),
        (5, "warning"),
        (11, "warning"),
    ]
    assert str(guide.warnings[0]).endswith(
        "declared-count-mismatch.md:1: warning: heading declares 5 questions but 2 follow"
    )


def test_id_comment_overrides_identity(tmp_path: Path) -> None:
    guide = write_guide(
        tmp_path,
        "# T\n\n### 1. Old title\n<!-- id: stable-key -->\n**Question:** Q?\n**Answer:** A.\n",
    )
    question = parse(guide).questions[0]
    assert question.key == "stable key"
    assert [f.label for f in question.fields] == ["Question", "Answer"]


def test_id_comment_with_the_old_title_keeps_the_old_key(tmp_path: Path) -> None:
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("# T\n\n### 1. Old Title!\n**Question:** Q?\n**Answer:** A.\n", encoding="utf-8")
    new.write_text(
        "# T\n\n### 1. New title\n<!-- id: Old Title! -->\n**Question:** Q?\n**Answer:** A.\n",
        encoding="utf-8",
    )
    assert parse(new).questions[0].key == parse(old).questions[0].key == "old title"


def test_a_title_wrapped_onto_the_next_line_is_joined_and_keeps_its_first_lines_key(
    tmp_path: Path,
) -> None:
    guide = write_guide(
        tmp_path,
        "# T\n\n**Q1.** Which HTTP methods are safe, and what does\n`safe` promise?\n\n"
        "**Answer:** GET and HEAD; no change on the server.\n\n"
        "**Q2.** Binary search\nGiven a sorted list, find a value.\n\n**Answer:** Halve it.\n",
    )
    wrapped, described = parse(guide).questions
    assert wrapped.title == "Which HTTP methods are safe, and what does `safe` promise?"
    # The key its first line gave it when that line was the whole title.
    assert wrapped.key == "which http methods are safe and what does"
    assert [f.label for f in wrapped.fields] == ["Answer"]
    # A line that opens a sentence of its own is the question's prompt, not its title.
    assert (described.title, described.key) == ("Binary search", "binary search")
    assert described.fields[0].body == "Given a sorted list, find a value."


def test_duplicate_title_names_both_lines(tmp_path: Path) -> None:
    guide = write_guide(
        tmp_path,
        "# T\n\n### 1. Same\n**Question:** A?\n**Answer:** A.\n\n"
        "### 2. Same\n**Question:** B?\n**Answer:** B.\n",
    )
    with pytest.raises(GuideError) as raised:
        parse(guide)
    assert [str(p) for p in raised.value.problems] == [
        f"{guide}:7: error: question title 'Same' is used twice (lines 3 and 7); "
        "rename one or give it <!-- id: some-key -->"
    ]


def test_sub_heading_inside_question_is_a_field(tmp_path: Path) -> None:
    guide = write_guide(
        tmp_path,
        "# T\n\n## 1. Q\n**Question:** Why?\n\n### Answer\nBecause.\n\n## 2. R\n"
        "**Question:** How?\n**Answer:** So.\n",
    )
    first = parse(guide).questions[0]
    assert [(f.label, f.body, f.on_front) for f in first.fields] == [
        ("Question", "Why?", True),
        ("Answer", "Because.", False),
    ]


@pytest.mark.parametrize(
    ("title", "topic"),
    [
        ("Python Modules — Interview Guide (30 Questions)", "Python Modules"),
        ("Python Modules Interview Questions and Answers", "Python Modules"),
        ("Top 30 Python Interview Questions", "Python"),
        ("📘 Interview Guide: Python Modules", "Python Modules"),
        ("Pandas and NumPy — Interview Guide", "Pandas and NumPy"),
        ("Git & GitHub: Interview Prep", "Git & GitHub"),
        ("Interview Guide", "Rust Ownership"),
        ("Python Asyncio Interview Guide — Theory & Coding", "Python Asyncio"),
        (
            "Python Interview Questions on Iterators and Generators",
            "Python Iterators and Generators",
        ),
        ("Python Interview Guide: Exception Handling", "Python Exception Handling"),
        ("Python Decorators — Senior Developer Interview Guide", "Python Decorators"),
        ("C++ Interview Questions", "C++"),
        (".NET Core Interview Questions", ".NET Core"),
        ("HTTP — Interview Guide", "HTTP"),
        ("PYTHON ITERATORS & ITERABLES — INTERVIEW GUIDE", "Python Iterators & Iterables"),
        ("Junior Data Engineer Interview Questions", "Data Engineer"),
        ("Вопросы на собеседовании: Istio Service Mesh", "Istio Service Mesh"),
        ("Kafka 面试题", "Kafka"),
        ("Preguntas de entrevista: Docker", "Docker"),
        ("22. Generic Constraints", "Generic Constraints"),
    ],
)
def test_topic_is_the_title_without_interview_words(title: str, topic: str) -> None:
    assert name_topic(title, Path("guides/rust-ownership.md")) == topic


@pytest.mark.parametrize(
    ("heading", "section"),
    [
        ("SECTION 1 — THEORY QUESTIONS (20 TOTAL)", "Theory"),
        ("Section 2: Coding Questions (10 Total)", "Coding"),
        ("🟢 Section A — Fundamentals", "Fundamentals"),
        ("Part 1: System Design", "System Design"),
        ("Practical Scenarios", "Practical Scenarios"),
    ],
)
def test_section_name_drops_numbering_and_counts(heading: str, section: str) -> None:
    assert name_section(heading) == section


@pytest.mark.parametrize("text", ["```MARKDOWN\n```", "```\n```", "---\n", "   \n# \n"])
def test_documents_without_blocks_fail_with_a_line(tmp_path: Path, text: str) -> None:
    guide = write_guide(tmp_path, text)
    with pytest.raises(GuideError) as raised:
        parse(guide)
    problems = raised.value.problems
    assert all(p.line >= 1 for p in problems) and any(p.severity == "error" for p in problems)


@pytest.mark.parametrize(
    ("closing", "kept"),
    [
        ("If you want to avoid the cycle, import inside the function.", True),
        ("Let me know if you'd like more questions!", False),
        ("If you'd like, I can add ten harder questions.", False),
        ("Good luck with your interview! 🚀", False),
        ("These questions should give you a solid picture. Would you like more?", False),
        ("Is there anything else you'd like me to add?", False),
        ("I hope to mentor newer engineers one day.", True),
        ("Should I also persist sessions to disk? Usually not.", True),
        ("These two questions are often asked together.", True),
        ("This list is not exhaustive, but covers the usual cases.", True),
    ],
)
def test_only_a_chat_goodbye_is_cut_from_the_last_answer(
    tmp_path: Path, closing: str, kept: bool
) -> None:
    guide = write_guide(
        tmp_path,
        "# Imports\n\n### 1. Cycles\n**Question:** How do you break an import cycle?\n"
        f"**Answer:** Move shared code into a third module.\n\n{closing}\n",
    )
    [question] = parse(guide).questions
    assert (closing in question.fields[-1].body) == kept


def test_a_list_of_bold_terms_stays_in_its_answer(tmp_path: Path) -> None:
    guide = write_guide(
        tmp_path,
        "# Imports\n\n### 1. Kinds\n**Question:** Module or package?\n**Answer:**\n"
        "- **Module:** a `.py` file.\n- **Package:** a folder of modules.\n",
    )
    [question] = parse(guide).questions
    assert [f.label for f in question.fields] == ["Question", "Answer"]
    assert "**Package:** a folder" in question.fields[1].body


@pytest.mark.parametrize(
    ("heading", "title", "difficulty"),
    [
        ("### 1. What is a decorator? (Easy–Medium)", "What is a decorator?", "Easy–Medium"),
        ("### 2. Why `wraps`? — Medium", "Why `wraps`?", "Medium"),
        ("### 3. Nesting 🔴 Hard", "Nesting", "Hard"),
        ("### 4. Stacking *(Hard)*", "Stacking", "Hard"),
        ("### 5. Sets (Difficulty: Easy)", "Sets", "Easy"),
        ("### Q6 (Easy): Why `with`?", "Why `with`?", "Easy"),
        ("### Question 7 [Medium]: Modes", "Modes", "Medium"),
        ("### 🔹 8. What is a lambda?", "What is a lambda?", None),
        ("### 9️⃣ What is a module?", "What is a module?", None),
        ("### 10. Easy vs hard links", "Easy vs hard links", None),
    ],
)
def test_question_heading_gives_title_and_difficulty(
    tmp_path: Path, heading: str, title: str, difficulty: str | None
) -> None:
    guide = write_guide(tmp_path, f"# Guide\n\n{heading}\n**Answer:** Yes.\n")
    [question] = parse(guide).questions
    assert (question.title, question.difficulty) == (title, difficulty)


@pytest.mark.parametrize(
    ("heading", "difficulty"),
    [
        ("## Easy Level (6 Questions)", "Easy"),
        ("## Hard / Advanced Level (2 Questions)", "Hard"),
        ("## Easy → Medium", "Easy–Medium"),
        ("## Theory Questions — Medium", "Medium"),
        ("## Hard Links and Symbolic Links", None),
    ],
)
def test_level_and_section_headings_give_a_difficulty(
    tmp_path: Path, heading: str, difficulty: str | None
) -> None:
    guide = write_guide(tmp_path, f"# Guide\n\n{heading}\n\n### 1. Q\n**Answer:** Yes.\n")
    [question] = parse(guide).questions
    assert question.difficulty == difficulty


def test_a_numbered_list_of_bold_steps_stays_in_its_answer(tmp_path: Path) -> None:
    guide = write_guide(
        tmp_path,
        "# Files\n\n### 1. Reading\n**Question:** How do you read a file?\n"
        "**Answer:** In two steps:\n\n1. **Open the file**\n   Use `with`.\n"
        "2. **Read it**\n   Iterate over its lines.\n",
    )
    [question] = parse(guide).questions
    assert [f.label for f in question.fields] == ["Question", "Answer"]
    assert "**Read it**" in question.fields[1].body
