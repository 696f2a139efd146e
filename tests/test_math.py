"""Math shows as MathML on cards (after a real Anki import) and on the sheet; prices, shell
prompts, a lone dollar and dunder names stay as the author wrote them."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_deck.build import BuildOptions, GuideResult, build
from interview_deck.cli import cli
from interview_deck.errors import Problem
from interview_deck.mathml import RefusedFormula, convert_formula, write_mathml
from interview_deck.render import create_renderer
from tests.conftest import FIXTURES, import_apkg
from tests.test_hostile import assert_no_live_markup, parse_html

MATH_GUIDE = FIXTURES / "math" / "algorithms.md"
REFUSED = Problem(
    MATH_GUIDE,
    39,
    "warning",
    "formula '$\\frac{1}{$' cannot be shown as math; it is shown as written",
)
MATH_ELEMENT = re.compile(r"<math[ >].*?</math>", re.DOTALL)
# The delimiters Anki's MathJax would run; no formula may hand them to it.
MATHJAX_DELIMITERS = ("\\(", "\\)", "\\[", "\\]")


@dataclass(frozen=True)
class ImportedNote:
    """One note as the real Anki engine gives it back, with its card's two sides."""

    fields: dict[str, str]
    question: str
    answer: str


@dataclass(frozen=True)
class MathBuild:
    """The math guide built once: the result, its sheet, and its notes after an Anki import."""

    result: GuideResult
    sheet: str
    notes: dict[int, ImportedNote]


@pytest.fixture(scope="module")
def math_build(tmp_path_factory: pytest.TempPathFactory) -> MathBuild:
    """Build the math guide and import its deck into a fresh Anki collection."""
    from anki.collection import Collection

    out = tmp_path_factory.mktemp("math")
    [result] = build([MATH_GUIDE], BuildOptions(out_dir=out))
    assert not result.failed, [str(p) for p in result.problems]
    col = Collection(str(out / "collection.anki2"))
    try:
        import_apkg(col, out / "algorithms.apkg")
        notes = {}
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            note = card.note()
            fields = dict(note.items())
            notes[int(fields["Number"])] = ImportedNote(fields, card.question(), card.answer())
    finally:
        col.close()
    return MathBuild(result, (out / "algorithms.html").read_text(encoding="utf-8"), notes)


def text_of(fragment: str) -> str:
    """Return an HTML fragment's text, tags dropped and entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_each_math_form_is_mathml_on_the_imported_cards(math_build: MathBuild) -> None:
    notes = math_build.notes
    assert sorted(notes) == [1, 2, 3, 4, 5]
    title, prompt, answer = (notes[1].fields[f] for f in ("Title", "Prompt", "Answer"))
    # `$…$` in the title, `\(…\)` in the prompt, `$…$` three times in the answer.
    assert title.startswith("Why is binary search <math><mrow><mi>O</mi>")
    assert "<mi>log</mi>" in title and "$" not in title
    assert prompt.count("<math>") == 1 and "<mi>log</mi>" in prompt
    assert answer.count("<math>") == 3 and "<msub><mi>log</mi><mn>2</mn></msub>" in answer
    # `$$…$$` on lines of its own and `\[…\]` inside a paragraph are display math.
    second = notes[2].fields["Answer"]
    assert second.count('class="math-display"><math display="block">') == 2
    assert "<munderover><mo>∑</mo>" in second and "<mfrac>" in second
    assert "<mn>2</mn><mi>T</mi>" in second
    for number in (1, 2):
        shown = notes[number].question + notes[number].answer
        assert [d for d in MATHJAX_DELIMITERS if d in shown] == []
        assert "$" not in text_of(shown)


def test_prices_prompts_and_a_lone_dollar_stay_as_written(math_build: MathBuild) -> None:
    note = math_build.notes[3]
    assert "<math" not in note.question + note.answer
    assert text_of(note.fields["Prompt"]) == (
        "The basic plan is $5 and the team plan is $10 a month. Which costs more per seat?"
    )
    answer = note.fields["Answer"]
    assert "a lone $ is just a dollar" in answer
    assert "<code>$ echo $HOME</code>" in answer
    assert "and $HOME/bin:$PATH is a search path, not a formula:" in answer
    # The shell block is highlighted as code, dollars and all.
    assert "$ echo $HOME" in text_of(answer.split('<pre class="highlight">')[1])


def test_a_refused_formula_is_shown_as_its_source_with_a_warning(math_build: MathBuild) -> None:
    assert math_build.result.problems == (REFUSED,)
    prompt = math_build.notes[4].fields["Prompt"]
    assert prompt == (
        '<section class="field"><p>What does <code class="math-source">$\\frac{1}{$</code> mean?'
        "</p>\n</section>"
    )
    assert '<code class="math-source">$\\frac{1}{$</code>' in math_build.sheet


def test_check_names_the_refused_formula_s_line() -> None:
    result = CliRunner().invoke(cli, ["check", str(MATH_GUIDE)])
    summary = f"{MATH_GUIDE}: 5 questions; sections: Theory 4, Python 1; difficulty: unrated 5"
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"{summary}; 1 warning\n",
        f"{REFUSED}\n",
    )
    strict = CliRunner().invoke(cli, ["check", "--strict", str(MATH_GUIDE)])
    assert strict.exit_code == 1


def test_a_refused_formula_deep_in_a_paragraph_is_reported_on_its_own_line(
    tmp_path: Path,
) -> None:
    guide = tmp_path / "lines.md"
    guide.write_text(
        "# Lines — Interview Guide\n\n### 1. Where is $x^$?\n**Question:** Where?\n"
        "**Answer:** The first line is fine: $x^2$,\nthe second is not: $y_$,\n"
        "and the third is not either: \\(\\nosuchcommand\\).\n",
        encoding="utf-8",
    )
    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))
    assert [(p.line, p.message.split("'")[1]) for p in result.problems] == [
        (3, "$x^$"),
        (6, "$y_$"),
        (7, "\\(\\nosuchcommand\\)"),
    ]


def test_a_refused_formula_in_a_title_alone_is_reported(tmp_path: Path) -> None:
    guide = tmp_path / "title.md"
    guide.write_text(
        "# Title — Interview Guide\n\n### 1. What is $x^$?\n**Question:** Which power?\n"
        "**Answer:** None.\n",
        encoding="utf-8",
    )
    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))
    assert [(p.line, p.severity) for p in result.problems] == [(3, "warning")]


def test_dunder_names_keep_their_underscores(math_build: MathBuild) -> None:
    note = math_build.notes[5]
    assert note.fields["Title"] == "__getitem__ and the sequence protocol"
    assert note.fields["Prompt"] == (
        '<section class="field"><p>What do __new__ and __init__ do when __getitem__ is looked up'
        " on a new object?</p>\n</section>"
    )
    answer = note.fields["Answer"]
    assert "__new__ makes the object and __init__ fills it in" in answer
    assert "\n__getitem__. This is <strong>worth knowing well</strong>." in answer
    assert "<strong>" not in note.fields["Title"] + note.fields["Prompt"]


def test_the_sheet_shows_the_same_mathml_as_the_cards(math_build: MathBuild) -> None:
    sheet = math_build.sheet
    on_cards = [m for n in math_build.notes.values() for f in n.fields.values() for m in
                MATH_ELEMENT.findall(f)]  # fmt: skip
    assert len(on_cards) == 8
    assert [m for m in on_cards if m not in sheet] == []
    # The intro's formula is only on the sheet; it is MathML there too.
    intro = sheet.split('<div class="intro">')[1].split("</div>")[0]
    assert "<math>" in intro and "$" not in intro
    body = sheet.split("<body>")[1]
    assert [d for d in MATHJAX_DELIMITERS if d in "".join(MATH_ELEMENT.findall(body))] == []
    # Prices, prompts and dunder names, as on the cards.
    assert "The basic plan is $5 and the team plan is $10 a month." in sheet
    assert "<code>$ echo $HOME</code>" in sheet
    titles = re.findall(r"</span>__getitem__ and the sequence protocol<", body)
    assert len(titles) == 2  # the contents and the question's heading
    assert "__new__ makes the object and __init__ fills it in" in sheet


HOSTILE_FORMULAS = """\
# Hostile Math — Interview Guide

### 1. Formulas that try to be markup
**Question:** Links $\\href{javascript:alert(1)}{x}$ and $\\href{evil}{x}$, styles
\\(\\style{background:url(https://evil.example/)}{y}\\) and $\\style{x}{y}$.
**Answer:** Text $\\text{<script>alert(2)</script>}$, a class $\\class{evil}{z}$,
a colour $\\color{red}{w}$ and a box $\\colorbox{red}{v}$, an unknown $\\nosuch{u}$,
a backslash $a \\backslash b$ and a bracket $\\left\\[ t \\right\\]$.
"""


def test_formulas_never_become_live_markup(tmp_path: Path) -> None:
    guide = tmp_path / "hostile.md"
    guide.write_text(HOSTILE_FORMULAS, encoding="utf-8")
    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out"))
    sheet = (tmp_path / "out" / "hostile.html").read_text(encoding="utf-8")
    body = sheet.split("<body>")[1]
    markup = parse_html(body)
    assert_no_live_markup(markup, allowed_img_src=set())
    math_elements = [(t, a) for t, a in markup.elements if t in {"math", "mrow", "mi", "mtext",
                     "mstyle", "mpadded", "mo"}]  # fmt: skip
    assert math_elements
    attributes = {name for _, attrs in math_elements for name in attrs}
    assert not {"href", "style", "class", "mathcolor", "mathbackground"} & attributes
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    # No backslash is left in any formula for MathJax to find: `\backslash` is drawn as ⧵.
    formulas = MATH_ELEMENT.findall(body)
    assert [f for f in formulas if "\\" in f] == []
    assert any("<mi>⧵</mi>" in f for f in formulas)
    # What the converter does not know is refused and shown as written, with a warning each.
    refused = [p.message.split("'")[1] for p in result.problems]
    assert refused == ["$\\nosuch{u}$", "$\\left\\[ t \\right\\]$"]
    assert '<code class="math-source">$\\nosuch{u}$</code>' in body


@pytest.mark.parametrize(
    "text",
    [
        "The plan is $5 and $10 a month.",
        "From $5-$10, or $1,000 to $2,000.",
        "Run $ echo $HOME in a shell.",
        "Set PATH to $HOME/bin:$PATH first.",
        "A nested class file is Outer$Inner$.",
        "A lone $ sign.",
        "An escaped \\$x\\$ pair.",
        "An escaped \\\\(x\\\\) pair.",
        "Spaces inside: $ x $.",
        "Unclosed \\(x and \\[y.",
    ],
)
def test_text_that_only_looks_like_math_stays_as_written(text: str) -> None:
    assert "<math" not in create_renderer().renderInline(text)


@pytest.mark.parametrize(
    "text",
    [
        "$x$",
        "($x$)",
        "$x$, then",
        "a $$x$$ b",
        "\\(x\\)",
        "\\[x\\]",
        "**$x$**",
        "[$x$](https://a.b)",
    ],
)
def test_math_next_to_punctuation_is_math(text: str) -> None:
    assert "<math" in create_renderer().renderInline(text)


@pytest.mark.parametrize(
    ("latex", "display", "expected"),
    [
        ("x^", False, None),
        ("\\frac{1}", False, None),
        ("\\left( x", False, None),
        ("\\undefinedcommand", False, None),
        ("n^2", False, "<math><mrow><msup><mi>n</mi><mn>2</mn></msup></mrow></math>"),
        (
            "a<b",
            True,
            '<math display="block"><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow></math>',
        ),
    ],
)
def test_convert_formula(latex: str, display: bool, expected: str | None) -> None:
    assert convert_formula(latex, display) == expected


def test_an_element_outside_the_allow_list_is_refused() -> None:
    from xml.etree.ElementTree import Element, SubElement

    math = Element("math")
    SubElement(math, "script").text = "alert(1)"
    with pytest.raises(RefusedFormula):
        write_mathml(math, False)


def test_boxes_strikes_and_phantoms_are_drawn() -> None:
    mathml = convert_formula("\\boxed{x} + \\cancel{y} + \\phantom{z}", False) or ""
    assert mathml.count("<menclose") == 2 and "<mphantom>" in mathml


def test_a_line_break_before_a_parenthesis_does_not_close_the_formula() -> None:
    rendered = create_renderer().renderInline("\\(\\begin{matrix} a \\\\) & b \\end{matrix}\\)")
    assert rendered.startswith("<math><mrow><mtable>") and rendered.endswith("</math>")


def test_aligned_equations_become_a_table() -> None:
    mathml = convert_formula("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", True)
    assert mathml is not None and mathml.count("<mtr>") == 2 and "&amp;" not in mathml


def test_log_gets_a_thin_space_on_both_sides() -> None:
    assert convert_formula("n \\log n", False) == (
        '<math><mrow><mi>n</mi><mspace width="0.167em"></mspace><mi>log</mi>'
        '<mspace width="0.167em"></mspace><mi>n</mi></mrow></math>'
    )
    # Before an opening parenthesis TeX adds no space, and neither do we.
    assert "<mi>log</mi><mo" in (convert_formula("\\log(n)", False) or "")


@pytest.mark.slow
@pytest.mark.parametrize(
    "paragraph",
    [
        "\\( a " * 200_000,
        "\\[ a " * 200_000,
        "$a " * 100_000,
        "$$a $ " * 100_000,
        "\\( \\\\) " * 100_000,
        "__a " * 100_000,
    ],
    ids=["open-parens", "open-brackets", "dollars", "double-dollars", "escaped-closers", "dunders"],
)
def test_formula_and_dunder_rules_are_linear(paragraph: str) -> None:
    """Inputs of 0.4 to 1 MB: a rule that rescanned the rest at each opener would take minutes."""
    rendered = create_renderer().render("\\( x \\) " + paragraph)
    assert rendered.startswith("<p><math>")


def test_display_math_keeps_its_blank_lines_and_list_like_lines(tmp_path: Path) -> None:
    from interview_deck.parse import parse_guide
    from interview_deck.read import read_source
    from interview_deck.render import render_guide

    guide = tmp_path / "g.md"
    guide.write_text(
        "### 1. Sum of the first n numbers\n\n**Answer:**\n\n$$\n\\sum_{i=1}^{n} i\n\n"
        "- 0 + \\frac{n(n+1)}{2}\n$$\n\nSo it is quadratic.\n",
        encoding="utf-8",
    )
    [question] = render_guide(parse_guide(read_source(guide))).questions
    assert question.main_answer is not None
    answer = question.main_answer.html
    assert answer.count("<math") == 1 and "$$" not in answer and "<li>" not in answer
    assert "So it is quadratic." in answer
