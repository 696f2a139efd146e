"""Property: any guide-like document either builds or fails with `path:line:` messages."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from interview_deck.build import BuildOptions, GuideResult, build_guide

LABELS = [
    "Question",
    "Answer",
    "Expected Answer",
    "Explanation",
    "Why Ask This",
    "Code",
    "Task",
    "",
]
WORDS = st.sampled_from(
    [
        "module",
        "import",
        "`x`",
        "**bold**",
        "_it_",
        "<b>",
        "&amp;",
        "é",
        "日本",
        "🐍",
        "\t",
        "[l](u)",
    ]
)
TEXT = st.one_of(
    st.lists(WORDS, max_size=6).map(" ".join),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
)


@st.composite
def headings(draw: st.DrawFn) -> str:
    """A heading of any level, maybe numbered like a question, maybe with a difficulty."""
    level = "#" * draw(st.integers(1, 7))
    number = draw(st.sampled_from(["", "1. ", "2) ", "Q3: ", "Question 4 - ", "12 ", "99999. "]))
    difficulty = draw(
        st.sampled_from(["", " (Easy)", " [Hard]", " Medium Level", " (6 Questions)"])
    )
    return f"{level} {number}{draw(TEXT)}{difficulty}"


@st.composite
def labels(draw: st.DrawFn) -> str:
    """A bold label line, sometimes with an empty body."""
    label = draw(st.sampled_from(LABELS))
    style = draw(st.sampled_from(["**{}:**", "**{}**:", "__{}:__", "**{}**"]))
    return style.format(label) + draw(st.sampled_from(["", " "])) + draw(TEXT)


@st.composite
def fences(draw: st.DrawFn) -> str:
    """A code fence, sometimes never closed, sometimes closed by the wrong marker."""
    opener = draw(st.sampled_from(["```", "````", "~~~", "```python", "```markdown", "```md"]))
    body = "\n".join(draw(st.lists(TEXT, max_size=3)))
    closer = draw(st.sampled_from(["```", "````", "~~~", ""]))
    return f"{opener}\n{body}\n{closer}"


BLOCKS = st.one_of(
    headings(),
    labels(),
    fences(),
    TEXT,
    st.just(""),
    st.just("---"),
    st.lists(TEXT, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(TEXT, min_size=1, max_size=3).map(lambda items: "\n".join(f"  1. {i}" for i in items)),
    st.just("| a | b |\n|---|---|\n| `c` | **d** |"),
    st.sampled_from(
        ["<!-- id: some-key -->", "> quoted", "    indented code", "<script>x</script>"]
    ),
    st.sampled_from(["1. Setext\n===", "Setext\n---", "> **Answer:** quoted", "- **Answer:** x"]),
    st.sampled_from(
        ["![a](pic.png)", "![a](../up.png)", "![a](/abs.png)", "![a](https://x.y/z.png)"]
    ),
)


@st.composite
def questions(draw: st.DrawFn) -> str:
    """A question that may well be valid: a numbered heading, a prompt, an answer, more blocks."""
    level = draw(st.sampled_from(["##", "###", "####"]))
    number = draw(st.integers(1, 60))
    title = draw(st.lists(WORDS, min_size=1, max_size=4).map(" ".join))
    answer = draw(st.lists(WORDS, min_size=1, max_size=8).map(" ".join))
    prompt = draw(st.one_of(TEXT, st.just("Why?")))
    lines = [f"{level} {number}. {title}", f"**Question:** {prompt}", f"**Answer:** {answer}"]
    return "\n".join(lines + draw(st.lists(BLOCKS, max_size=4)))


@st.composite
def guides(draw: st.DrawFn) -> bytes:
    """A guide-like document: blocks joined by LF, CRLF or CR, maybe with a BOM."""
    blocks = draw(st.lists(st.one_of(questions(), questions(), BLOCKS), max_size=15))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(line for block in blocks for line in block.split("\n"))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + text).encode("utf-8")


def build_bytes(content: bytes) -> tuple[Path, GuideResult, list[str]]:
    """Build a guide with this content in a fresh folder; return its path, result and outputs."""
    with tempfile.TemporaryDirectory() as folder:
        guide = Path(folder) / "guide.md"
        guide.write_bytes(content)
        (Path(folder) / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        result = build_guide(guide, BuildOptions(out_dir=Path(folder) / "out"))
        written = sorted(p.name for p in result.outputs if p.is_file())
    return guide, result, written


def assert_builds_or_explains(guide: Path, result: GuideResult, written: list[str]) -> None:
    """Either both outputs exist, or every problem is a `path:line: severity:` message."""
    shape = re.compile(rf"{re.escape(str(guide))}:\d+: (error|warning): \S")
    assert [str(p) for p in result.problems if not shape.match(str(p))] == []
    if result.failed:
        assert written == []
    else:
        assert written == ["guide.apkg", "guide.html"]
        assert result.cards == result.questions > 0


GOOD = b"\xef\xbb\xbf# T\r\n\r\n### 1. Q\r\n**Question:** Why?\r\n**Answer:** ![a](pic.png)\r\n"


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(guides())
@example(GOOD)
@example(GOOD.replace(b"pic.png", b"../pic.png"))
def test_guide_like_documents_build_or_fail_with_a_line(content: bytes) -> None:
    guide, result, written = build_bytes(content)
    event("builds" if not result.failed else "fails")
    assert_builds_or_explains(guide, result, written)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_build_or_fail_with_a_line(content: bytes) -> None:
    assert_builds_or_explains(*build_bytes(content))
