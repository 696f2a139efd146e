"""YAML front matter: read without a YAML library, never the title or card text, honoured keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interview_deck.build import BuildOptions, build
from interview_deck.errors import Problem
from interview_deck.frontmatter import FrontMatter
from interview_deck.parse import parse_guide
from interview_deck.read import read_source
from tests.conftest import FIXTURES, import_apkg
from tests.test_deck import read_guids

FIXTURE = FIXTURES / "lenient" / "yaml-front-matter.md"
GUIDE_BODY = """\
# Generators — Interview Guide

### 1. What does yield do?

**Answer:** It pauses the function and hands back a value.

### 2. What is an iterator?

**Answer:** An object with `__next__` that remembers its position.
"""


def write_guide(tmp_path: Path, text: str, name: str = "gen.md") -> Path:
    """Write a guide into `tmp_path` and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def warn(path: Path, line: int, message: str) -> Problem:
    """Return the warning the reader gives at `line`."""
    return Problem(path, line, "warning", f"front matter: {message}")


def test_fixture_front_matter_is_read_and_blanked_keeping_line_numbers() -> None:
    source = read_source(FIXTURE)
    lines = source.text.split("\n")
    original = FIXTURE.read_text(encoding="utf-8").split("\n")

    assert source.front_matter == FrontMatter(
        "Interview Prep::Python", "Python Generators", ("python", "generators")
    )
    assert source.warnings == ()
    assert lines[:6] == [""] * 6
    assert lines[6:] == original[6:]


def test_fixture_parses_as_its_expected_reading() -> None:
    expected = json.loads(FIXTURE.with_suffix(".expect.json").read_text(encoding="utf-8"))
    guide = parse_guide(read_source(FIXTURE))

    assert (guide.topic, guide.deck, list(guide.tags)) == (
        expected["topic"],
        expected["deck"],
        expected["tags"],
    )
    assert [(q.number, q.title) for q in guide.questions] == [
        (q["number"], q["title"]) for q in expected["questions"]
    ]
    # Line numbers stay true: question 1 is on line 10 of the file.
    assert guide.questions[0].line == 10
    assert guide.warnings == ()
    # The front matter is neither the intro nor part of any card.
    assert "author" not in guide.intro and "study-group" not in guide.intro
    assert not any("study-group" in f.body for q in guide.questions for f in q.fields)


def test_block_lists_quotes_and_comments(tmp_path: Path) -> None:
    path = write_guide(
        tmp_path,
        "---\n"
        "# a comment\n"
        "Title: 'Python''s Generators'  \n"
        'deck: " Interview Prep ::  Python::"\n'
        "tags:\n"
        '  - "lazy, evaluation"\n'
        "  - python   # the language\n"
        "- Python\n"
        "---\n" + GUIDE_BODY,
    )
    source = read_source(path)
    assert source.front_matter == FrontMatter(
        "Interview Prep::Python", "Python's Generators", ("lazy, evaluation", "python", "Python")
    )
    assert source.warnings == ()


def test_comma_separated_tags_and_flow_lists_with_quoted_commas(tmp_path: Path) -> None:
    first = write_guide(tmp_path, "---\ntags: python, generators\n---\n" + GUIDE_BODY, "a.md")
    second = write_guide(tmp_path, "---\ntags: [a, \"b, c\", 'd']\n---\n" + GUIDE_BODY, "b.md")
    assert read_source(first).front_matter.tags == ("python", "generators")
    assert read_source(second).front_matter.tags == ("a", "b, c", "d")


def test_other_keys_are_skipped_whatever_their_values(tmp_path: Path) -> None:
    path = write_guide(
        tmp_path,
        "---\n"
        "author:\n"
        "  name: Ada\n"
        "  site: https://example.com\n"
        "date: 2024-05-01\n"
        "description: >\n"
        "  A folded\n"
        "  description.\n"
        "aliases: [x, [y]]\n"
        "---\n" + GUIDE_BODY,
    )
    source = read_source(path)
    assert (source.front_matter, source.warnings) == (FrontMatter(), ())
    assert parse_guide(source).topic == "Generators"


def test_unreadable_lines_and_values_are_ignored_with_warnings(tmp_path: Path) -> None:
    path = write_guide(
        tmp_path,
        "---\n"
        "title:\n"
        "  nested: value\n"
        "just some words\n"
        'deck: "never closed\n'
        "tags: {a: 1}\n"
        "---\n" + GUIDE_BODY,
    )
    source = read_source(path)
    assert source.front_matter == FrontMatter()
    assert source.warnings == (
        warn(path, 2, "'title' must be one line of text; ignored"),
        warn(path, 4, "cannot read this line (expected 'key: value'); ignored"),
        warn(path, 5, "'deck' must be one line of text; ignored"),
        warn(path, 6, "'tags' must be a list such as [python, generators]; ignored"),
    )
    # The warnings reach the guide, so `check` and `build` print them with their lines.
    assert parse_guide(source).warnings[:4] == source.warnings


def test_empty_values_and_tags_without_letters_warn(tmp_path: Path) -> None:
    path = write_guide(
        tmp_path,
        '---\ntitle: ""\ndeck: "::"\ntags: [ok, "🙂"]\n---\n' + GUIDE_BODY,
    )
    source = read_source(path)
    assert source.front_matter == FrontMatter(None, None, ("ok",))
    assert source.warnings == (
        warn(path, 2, "'title' is empty; ignored"),
        warn(path, 3, "'deck' has no name between its '::'; ignored"),
        warn(path, 4, "tag '🙂' has no letters or digits; ignored"),
    )


@pytest.mark.parametrize(
    "text",
    [
        "```markdown\n---\ntitle: Lazy Things\n---\n" + GUIDE_BODY + "```\n",
        "Sure! Here is the guide:\n\n```markdown\n\n---\ntitle: Lazy Things\n---\n"
        + GUIDE_BODY
        + "```\n\nWant more?\n",
        "---\ntitle: Lazy Things\n---\n\n```markdown\n" + GUIDE_BODY + "```\n",
        "\ufeff---\ntitle: Lazy Things\n---\n" + GUIDE_BODY,
        "\n\n---\r\ntitle: Lazy Things\r\n---\r\n" + GUIDE_BODY,
    ],
    ids=["inside wrapper", "inside wrapper after chat", "before wrapper", "after BOM", "CRLF"],
)
def test_front_matter_around_a_chat_wrapper_bom_and_crlf(tmp_path: Path, text: str) -> None:
    path = tmp_path / "gen.md"
    path.write_bytes(text.encode("utf-8"))
    source = read_source(path)
    guide = parse_guide(source)

    assert source.front_matter.title == "Lazy Things"
    assert "title:" not in source.text and "---" not in source.text
    assert guide.topic == "Lazy Things"
    assert [q.title for q in guide.questions] == ["What does yield do?", "What is an iterator?"]
    # The line numbers are the file's.
    first = text.split("\n").index("### 1. What does yield do?") + 1
    assert guide.questions[0].line == first


@pytest.mark.parametrize(
    "text",
    [
        # Never closed: not front matter.
        "---\ntitle: Lazy Things\n\n" + GUIDE_BODY,
        # A rule over the title, and another one later.
        "---\n" + GUIDE_BODY + "\n---\n\nThat is all.\n",
        # Starts like front matter, but a question heading comes before the closing rule.
        "---\nnote: read me\n\n" + GUIDE_BODY + "\n---\n",
        # Key lines, but question headings (comments to YAML) between them.
        "---\nnote: read me\n### 1. What?\nA: Yes.\n### 2. Why?\nA: Because.\n\n---\n",
        # Mostly prose, so not YAML.
        "---\nNote: these are my notes.\nThey cover generators.\nAnd more.\n---\n" + GUIDE_BODY,
        # Not at the top.
        "Intro.\n\n---\ntitle: Lazy Things\n---\n" + GUIDE_BODY,
    ],
    ids=["unclosed", "rule over title", "question inside", "q and a", "prose", "not at the top"],
)
def test_blocks_that_are_not_front_matter_are_left_as_they_are(tmp_path: Path, text: str) -> None:
    source = read_source(write_guide(tmp_path, text))
    assert source.text == text
    assert (source.front_matter, source.warnings) == (FrontMatter(), ())
    assert parse_guide(source).topic != "Lazy Things"


def test_anki_import_puts_notes_in_the_named_deck_with_extra_tags(
    tmp_path: Path, collection: object
) -> None:
    results = build([FIXTURE], BuildOptions(out_dir=tmp_path / "out"))
    assert [r.problems for r in results] == [()]
    import_apkg(collection, tmp_path / "out" / "yaml-front-matter.apkg")
    col: object = collection

    nids = col.find_notes('deck:"Interview Prep::Python"')  # type: ignore[attr-defined]
    assert len(nids) == 4
    names = {d.name for d in col.decks.all_names_and_ids()}  # type: ignore[attr-defined]
    assert "Interview Prep::Python" in names
    assert not any("Generators" in name for name in names)
    for nid in nids:
        note = col.get_note(nid)  # type: ignore[attr-defined]
        assert sorted(note.tags) == [
            "difficulty::unrated",
            "generators",
            "python",
            "section::general",
            "topic::python-generators",
        ]
        assert note["Topic"] == "Python Generators"
    assert len(col.find_notes("tag:python tag:generators")) == 4  # type: ignore[attr-defined]


def test_parent_nests_the_named_deck_and_tags_are_slugified(
    tmp_path: Path, collection: object
) -> None:
    guide = write_guide(
        tmp_path,
        "---\ndeck: Python::Lazy\ntags: [Lazy Evaluation, Lang::Py, python]\n---\n" + GUIDE_BODY,
    )
    results = build([guide], BuildOptions(out_dir=tmp_path / "out", parent="Interview Prep"))
    assert [r.problems for r in results] == [()]
    import_apkg(collection, tmp_path / "out" / "gen.apkg")
    col: object = collection

    assert len(col.find_notes('deck:"Interview Prep::Python::Lazy"')) == 2  # type: ignore[attr-defined]
    assert len(col.find_notes("tag:lazy-evaluation tag:lang::py tag:python")) == 2  # type: ignore[attr-defined]


def test_front_matter_changes_no_guid(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = write_guide(tmp_path / "a", GUIDE_BODY)
    framed = write_guide(
        tmp_path / "b", "---\ntitle: Lazy Things\ndeck: Elsewhere\ntags: [x]\n---\n" + GUIDE_BODY
    )
    build([plain], BuildOptions(out_dir=tmp_path / "out-a"))
    build([framed], BuildOptions(out_dir=tmp_path / "out-b"))

    before = read_guids(tmp_path / "out-a" / "gen.apkg")
    assert len(before) == 2
    assert read_guids(tmp_path / "out-b" / "gen.apkg") == before
