"""Each parser rule, case by case, in markdown-it's fixture style: title, input, readings.

`fixtures/rules/rules.txt` holds cases separated by lines of a single `.`: a title, the
guide, then the reading of each block as `line role: rule` (what `explain` shows).
Every trace golden in `fixtures/trace/` is the same listing for a whole fixture guide, so a
change to the parser names the rule that moved. Regenerate those with `UPDATE_GOLDEN=1`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interview_deck.explain import list_readings

from .conftest import FIXTURES, GUIDE

GUIDES = [GUIDE, *sorted((FIXTURES / "guides").glob("*.md"))]
TRACES = FIXTURES / "trace"


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    """Return the (title, input, expected) cases of a fixture file."""
    parts = path.read_text(encoding="utf-8").split("\n.\n")
    cases = []
    for i in range(0, len(parts) - 2, 3):
        title = parts[i].strip().removeprefix(".").strip()
        cases.append((title, parts[i + 1] + "\n", parts[i + 2].strip() + "\n"))
    return cases


CASES = read_cases(FIXTURES / "rules" / "rules.txt")


@pytest.mark.parametrize(("title", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reads_its_block(tmp_path: Path, title: str, text: str, expected: str) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(text, encoding="utf-8")
    assert list_readings(guide) == expected


def test_every_rule_has_a_case() -> None:
    from interview_deck.parse.body import BODY_RULES
    from interview_deck.parse.recognise import HEADING_RULES

    titles = " ".join(c[0] for c in CASES)
    names = [r.name for r in HEADING_RULES] + [r.name for r in BODY_RULES if r.name != "field"]
    assert [n for n in names if n not in titles] == []


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.stem)
def test_trace_matches_golden(path: Path) -> None:
    golden = TRACES / f"{path.stem}.txt"
    found = list_readings(path)
    if os.environ.get("UPDATE_GOLDEN"):
        TRACES.mkdir(exist_ok=True)
        golden.write_text(found, encoding="utf-8")
    assert found == golden.read_text(encoding="utf-8")
