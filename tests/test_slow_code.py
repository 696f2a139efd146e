"""Code that Pygments cannot highlight in time is shown plain, with a warning at its line.

Some lexers backtrack for minutes on a few bytes. The budget is set far below that here, so
whether the fallback happens does not depend on the speed of the machine.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_deck import cache, render
from interview_deck.build import BuildOptions, GuideFile, build

# Each of these takes a real lexer minutes or more (scala and fish: exponential backtracking
# in their string rules; cpp: quadratic in a line of spaces).
SLOW_BLOCKS = {
    "scala": '"' + "\\" * 40,
    "fish": '"' + "\\" * 60,
    "cpp": "x" + " " * 12_000,
}
BUDGET = 0.5


def slow_guide() -> tuple[str, dict[str, int]]:
    """Return a guide with each slow block in its answer, and the line each block opens on."""
    lines = ["# Slow Code", "", "### 1. Q", "**Question:** Why?", "**Answer:** Because.", ""]
    opened = {}
    for lang, code in SLOW_BLOCKS.items():
        opened[lang] = len(lines) + 1
        lines += [f"```{lang}", code, "```", ""]
    return "\n".join(lines), opened


@pytest.fixture
def tiny_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give each code block BUDGET seconds to be highlighted."""
    monkeypatch.setattr(render, "HIGHLIGHT_SECONDS", BUDGET)


def test_slow_blocks_are_shown_plain_with_a_warning(tmp_path: Path, tiny_budget: None) -> None:
    guide = tmp_path / "slow.md"
    text, opened = slow_guide()
    guide.write_text(text, encoding="utf-8")

    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))

    assert not result.failed
    assert [str(p) for p in result.warnings] == [
        f"{guide}:{opened[lang]}: warning: {lang} block could not be highlighted within "
        f"{BUDGET:g} s; it is shown without colours"
        for lang in SLOW_BLOCKS
    ]
    sheet = (tmp_path / "out" / "slow.html").read_text(encoding="utf-8")
    for lang, code in SLOW_BLOCKS.items():
        # The whole block, as text, without a single token colour.
        block = sheet.split(f'<code class="language-{lang}">', 1)[1].split("</code>", 1)[0]
        assert block == f'<span class="line">{code}\n</span>'


def test_a_slow_block_is_tried_again_on_the_next_build(tmp_path: Path, tiny_budget: None) -> None:
    guide = tmp_path / "slow.md"
    text, _ = slow_guide()
    guide.write_text(text, encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out")
    build([guide], options)
    # Not kept in the code cache: on a quieter machine it may be highlighted in time.
    code = cache.code_path(GuideFile(guide), options)
    kept = json.loads(code.read_text(encoding="utf-8"))["blocks"]
    assert kept == {}
    guide.write_text(text.replace("Because.", "Because, edited."), encoding="utf-8")

    [result] = build([guide], options)

    assert not result.cached
    assert len(result.warnings) == len(SLOW_BLOCKS)


class HangingLexer:
    """A lexer that takes minutes over any block, as a catastrophic pattern would."""

    def get_tokens(self, code: str) -> Iterator[tuple[Any, str]]:
        """Busy for two minutes (so that without a budget the test fails, late), then the code."""
        from pygments.token import Token

        busy_until = time.monotonic() + 120
        while time.monotonic() < busy_until:
            pass
        yield Token.Text, code


def test_a_lexer_that_takes_minutes_is_stopped(
    tmp_path: Path, tiny_budget: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "find_lexer", lambda lang: HangingLexer())
    guide = tmp_path / "hang.md"
    guide.write_text(
        "# Hang\n\n### 1. Q\n**Question:** Why?\n**Answer:**\n\n```python\nhanging = 1\n```\n",
        encoding="utf-8",
    )
    previous = signal.getsignal(signal.SIGALRM)

    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))

    assert [p.line for p in result.warnings] == [7]
    # The alarm is put back as it was, and not left ticking.
    assert signal.getsignal(signal.SIGALRM) is previous
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
