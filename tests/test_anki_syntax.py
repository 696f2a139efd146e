"""Anki's own syntax in a guide is shown as written and never run by Anki.

Anki turns `[sound:…]` and `[anki:tts]…` into play buttons, `[latex]…`, `[$]…` and `[$$]…`
into LaTeX images, and its MathJax typesets `\\(…\\)` and `\\[…\\]` (where `\\href` and
`\\style` make links and network loads). Each form goes into every kind of place a guide's
text reaches a card; the deck is imported into the real Anki engine, its cards rendered, and
the reviewer's MathJax (3.2.2, as Anki ships it) run over them in Chromium.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from interview_deck.build import BuildOptions, build
from tests.conftest import import_apkg

# Each form as the reader must see it; the guide below writes each one in several places.
FORMS = [
    "[sound:bell.mp3]",
    "[anki:tts lang=en_US]spoken[/anki:tts]",
    "[latex]\\LaTeX[/latex]",
    "[LaTeX]upper[/LaTeX]",
    "[$]x^2[/$]",
    "[$$]y^2[/$$]",
    "\\(\\href{javascript:alert(1)}{click}\\)",
    "\\[\\style{background:url(http://127.0.0.1:9/)}{z}\\]",
    "{{Title}}",
]


def markdown(form: str) -> str:
    """Return `form` as Markdown that shows it literally (backslashes escaped)."""
    return form.replace("\\", "\\\\")


GUIDE = f"""\
# Syntax {markdown(FORMS[0])} Guide

## Section {markdown(FORMS[1])}

### 1. Title {markdown(FORMS[6])} and {markdown(FORMS[2])}
**Question:** {" and ".join(markdown(f) for f in FORMS)}
**Label {markdown(FORMS[4])}:** In a label.
**Answer:** Inline `{FORMS[0]} {FORMS[6]} {FORMS[7]}` and a [link {markdown(FORMS[5])}](https://example.com/{FORMS[0]}).

| {markdown(FORMS[3])} | {markdown(FORMS[7])} |
|---|---|
| {markdown(FORMS[8])} | ![{markdown(FORMS[6])} {markdown(FORMS[0])}](https://example.com/a.png) |

```python
pattern = r"{FORMS[6]} {FORMS[7]}"  # {FORMS[0]} {FORMS[1]}
latex = "{FORMS[2]} {FORMS[3]} {FORMS[4]} {FORMS[5]}"
```

### 2. Plain
**Question:** Nothing special {markdown(FORMS[7])}
**Answer:** Also plain {markdown(FORMS[1])}.
"""


def shown_text(fragment: str) -> str:
    """Return what a browser shows of an HTML fragment: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


@dataclass(frozen=True)
class Side:
    """One side of an imported card as the reviewer gets it, and the sounds Anki found in it."""

    number: str
    html: str
    sounds: tuple[object, ...]


@pytest.fixture(scope="module")
def card_sides(tmp_path_factory: pytest.TempPathFactory) -> list[Side]:
    """Build the guide, import it into real Anki, and return each card's rendered sides.

    Each side is as the reviewer gets it: sound and TTS tags already taken out by Anki's
    renderer, and LaTeX tags turned into images as the desktop's card hook does.
    """
    from anki.collection import Collection
    from anki.latex import render_latex_returning_errors

    folder = tmp_path_factory.mktemp("syntax")
    guide = folder / "syntax.md"
    guide.write_text(GUIDE, encoding="utf-8")
    [result] = build([guide], BuildOptions(out_dir=folder / "out"))
    assert not result.failed, [str(p) for p in result.problems]
    col = Collection(str(folder / "collection.anki2"))
    try:
        import_apkg(col, folder / "out" / "syntax.apkg")
        sides = []
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            for side, sounds in (
                (card.question(), card.question_av_tags()),
                (card.answer(), card.answer_av_tags()),
            ):
                with_latex, _ = render_latex_returning_errors(side, card.note_type(), col)
                sides.append(Side(card.note()["Number"], with_latex, tuple(sounds)))
        return sides
    finally:
        col.close()


def test_no_sound_tts_or_latex_tag_is_run(card_sides: list[Side]) -> None:
    assert len(card_sides) == 4
    for side in card_sides:
        assert side.sounds == ()
        # Anki leaves a `[anki:play:…]` for each tag it took, and an image for each LaTeX one.
        assert "anki:play" not in side.html
        assert "class=latex" not in side.html


def test_every_form_is_shown_exactly_as_written(card_sides: list[Side]) -> None:
    back = shown_text(next(side.html for side in card_sides[1::2] if side.number == "1"))
    for form in FORMS:
        # Prompt, code block and (for the first) the title and topic badge.
        assert back.count(form) >= 2, form
    assert f"Title {FORMS[6]} and {FORMS[2]}" in back
    assert f"Label {FORMS[4]}" in back


MATHJAX = files("mathjax") / "static" / "mathjax" / "es5" / "tex-chtml-full.js"
# Anki's reviewer settings for MathJax: \\( \\) inline (MathJax's default), \\[ \\] display,
# no $ delimiters, no environments, no escapes, and nothing typeset until it asks.
ANKI_MATHJAX_SETTINGS = {
    "tex": {
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": False,
        "processRefs": False,
    },
    "startup": {"typeset": False},
}


@pytest.fixture(scope="module")
def mathjax_page(chromium: str) -> Iterator[Any]:
    """A Chromium page that typesets its `#qa` element the way Anki's reviewer does."""
    from playwright.sync_api import sync_playwright

    from tests.screenshots import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page = browser.new_page()
        # Every request is refused, so a loaded \\style could not reach anything either.
        page.route("**/*", lambda route: route.abort())
        yield page
        browser.close()


def typeset(page: Any, side: str) -> tuple[int, str]:
    """Show a card side, run MathJax over it, and return how many formulas it made and the text."""
    page.set_content(f'<!doctype html><html><body><div id="qa">{side}</div></body></html>')
    page.add_script_tag(content=f"window.MathJax = {json.dumps(ANKI_MATHJAX_SETTINGS)};")
    page.add_script_tag(content=MATHJAX.read_text(encoding="utf-8"))
    page.wait_for_function("window.MathJax && window.MathJax.typesetPromise")
    page.evaluate("() => MathJax.typesetPromise([document.getElementById('qa')])")
    formulas = page.evaluate("document.querySelectorAll('#qa mjx-container').length")
    return formulas, page.evaluate("document.getElementById('qa').innerText")


@pytest.mark.browser
def test_mathjax_finds_nothing_to_typeset(mathjax_page: Any, card_sides: list[Side]) -> None:
    # The same MathJax does typeset what Anki would: the check can see math.
    assert typeset(mathjax_page, "<p>\\(x^2\\) and \\[y\\]</p>")[0] == 2
    for side in card_sides:
        formulas, text = typeset(mathjax_page, side.html)
        assert formulas == 0, f"question {side.number}"
        # Shown as written instead, each side with a display form, the first with an inline one.
        assert FORMS[7] in text
        assert FORMS[6] in text or side.number != "1"


def test_fresh_and_cached_code_blocks_are_equally_inert(tmp_path: Path) -> None:
    guide = tmp_path / "code.md"
    guide.write_text(GUIDE, encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out")
    build([guide], options)
    first = (tmp_path / "out" / "code.html").read_text(encoding="utf-8")
    # An edit to prose rebuilds the guide with its code blocks taken from the cache.
    guide.write_text(GUIDE.replace("Nothing special", "Still nothing"), encoding="utf-8")
    build([guide], options)
    second = (tmp_path / "out" / "code.html").read_text(encoding="utf-8")
    block = re.compile(r'<pre class="highlight">.*?</pre>', re.DOTALL)
    assert block.findall(first) == block.findall(second)
    assert "[sound:" not in "".join(block.findall(second))
