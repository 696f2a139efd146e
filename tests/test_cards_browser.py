"""Every card, as Anki's reviewer shows it on a phone, fits the screen and is readable.

The deck is built and imported with the real Anki engine; each card's `question()` and
`answer()` HTML is shown in headless Chromium the way the reviewers do it, at phone widths, in
light and night mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_deck.build import BuildOptions, build
from tests.conftest import FIXTURES
from tests.screenshots import (
    CHECK_FORMULAS_JS,
    CardSide,
    launch_chromium,
    read_card_sides,
    render_reviewer_page,
)

pytestmark = pytest.mark.browser

MATH_GUIDE = FIXTURES / "math" / "algorithms.md"
WIDTHS = (320, 360, 412)
MODES = ("light", "night")
# WCAG AA for body text.
MIN_CONTRAST = 4.5
# Relative luminance of #595959; a night-mode card must be darker than that.
MAX_NIGHT_LUMINANCE = 0.1
MIN_FONT_SIZE = 16

# Runs in the page; returns one message per problem, [] when the side reads well.
CHECK_PAGE_JS = """
([minContrast, maxNightLuminance, minFontSize, night]) => {
  const problems = [];
  const parse = (css) => {
    const m = /^rgba?\\(([^)]*)\\)$/.exec(css);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const luminance = (rgb) => {
    const lin = rgb.map(c => c / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The colour painted behind an element: the first opaque background up its ancestors,
  // with any translucent ones in between laid over it (the canvas is white).
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const css = getComputedStyle(e).backgroundColor;
      const c = parse(css);
      if (c === null) {
        problems.push(`unreadable background ${css}`);
        return [255, 255, 255];
      }
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255]);
  };
  const describe = (el, text) => {
    const classes = el.className ? '.' + String(el.className).split(' ').join('.') : '';
    return `<${el.tagName.toLowerCase()}${classes}> "${text.trim().slice(0, 30)}"`;
  };
  const scroller = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o === 'auto' || o === 'scroll') return e;
    }
    return null;
  };

  const root = document.scrollingElement;
  const viewport = root.clientWidth;
  if (root.scrollWidth > viewport) {
    problems.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${viewport}px screen`);
  }
  const baseSize = getComputedStyle(document.body).fontSize;
  if (parseFloat(baseSize) < minFontSize) problems.push(`base font size ${baseSize}`);
  const cardBackground = backgroundOf(document.body);
  if (night && luminance(cardBackground) > maxNightLuminance) {
    problems.push(`night card background is light: rgb(${cardBackground})`);
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    const style = getComputedStyle(el);
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (rects.length === 0 || style.visibility !== 'visible') continue;
    const what = describe(el, node.data);
    const fg = parse(style.color);
    if (fg === null) { problems.push(`${what}: unreadable colour ${style.color}`); continue; }
    const bg = backgroundOf(el);
    const contrast = ratio(over(fg, bg), bg);
    if (contrast < minContrast) {
      const colours = `${style.color} on rgb(${bg.map(Math.round)})`;
      problems.push(`${what}: contrast ${contrast.toFixed(2)} (${colours})`);
    }
    if (style.textAlign === 'center' || style.textAlign === 'right') {
      problems.push(`${what}: text-align ${style.textAlign}`);
    }
    // Text beyond the screen's edge is fine only inside a box that scrolls and is on screen.
    if (rects.some(r => r.left < -0.5 || r.right > viewport + 0.5)) {
      const box = scroller(el);
      const boxRect = box && box.getBoundingClientRect();
      const boxFits = box && boxRect.left >= -0.5 && boxRect.right <= viewport + 0.5;
      if (!boxFits) problems.push(`${what}: runs off the screen`);
    }
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def page(chromium: str) -> Iterator[Any]:
    """One headless Chromium page for the whole module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        try:
            yield browser.new_page(viewport={"width": WIDTHS[0], "height": 640})
        finally:
            browser.close()


@pytest.fixture(scope="module")
def deck_cards(
    built: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[tuple[CardSide, ...], str]:
    """Every side of every card of the user's guide, as the real Anki engine renders it."""
    return read_card_sides(built / "python-modules.apkg", tmp_path_factory.mktemp("anki"))


@pytest.fixture(scope="module")
def math_cards(tmp_path_factory: pytest.TempPathFactory) -> tuple[tuple[CardSide, ...], str]:
    """Every side of every card of the math guide, as the real Anki engine renders it."""
    out = tmp_path_factory.mktemp("math-cards")
    [result] = build([MATH_GUIDE], BuildOptions(out_dir=out))
    assert not result.failed
    return read_card_sides(out / "algorithms.apkg", out)


def check_sides(
    page: Any, sides: tuple[CardSide, ...], extra_css: str = "", formulas: bool = False
) -> list[str]:
    """Show each side in each mode at each width; return every problem found, located.

    With `formulas`, also check that every formula is laid out as math.
    """
    problems = []
    for cs in sides:
        for mode in MODES:
            night = mode == "night"
            page.set_content(render_reviewer_page(cs.html, night, extra_css))
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 640})
                args = [MIN_CONTRAST, MAX_NIGHT_LUMINANCE, MIN_FONT_SIZE, night]
                found = page.evaluate(CHECK_PAGE_JS, args)
                found += page.evaluate(CHECK_FORMULAS_JS) if formulas else []
                problems += [f"card {cs.name}, {mode}, {width}px: {problem}" for problem in found]
    return problems


def synthetic_side(css: str, body: str) -> CardSide:
    """Return a card back with the deck's CSS and a body of hostile content."""
    return CardSide("99", "Hostile", "Coding", "back", f"<style>{css}</style>{body}")


WIDE_SVG = "%3Csvg xmlns='http://www.w3.org/2000/svg' width='1600' height='40'%3E%3C/svg%3E"
LONG_CODE_LINE = "result = " + "+".join(f"very_long_identifier_number_{i}" for i in range(12))
HOSTILE_BODY = f"""
<h1 class="card-title"><span class="card-number">99.</span> A{"b" * 80}</h1>
<div class="card-answer"><section class="field"><div class="field-label">Solution</div>
<p>Words like Supercalifragilisticexpialidocious{"x" * 120} and
<code>{"inline_code_without_spaces_" * 8}</code> and a
<a href="https://example.com/{"path/" * 30}">https://example.com/{"path/" * 30}</a>.</p>
<pre class="highlight"><code class="language-python"><span class="n">{LONG_CODE_LINE}</span>
<span class="s2">"{"s" * 200}"</span></code></pre>
<table><tr>{"<th>heading_that_is_long</th>" * 6}</tr>
<tr>{"<td>cell_value_long</td>" * 6}</tr></table>
<img alt="" src="data:image/svg+xml,{WIDE_SVG}">
</section></div>
"""


def test_every_card_fits_a_phone_and_reads_well(
    page: Any, deck_cards: tuple[tuple[CardSide, ...], str]
) -> None:
    """All 30 cards, front and back, light and night, at 320, 360 and 412 px."""
    sides, css = deck_cards
    assert len(sides) == 60, [cs.name for cs in sides]
    assert all(cs.html.startswith(f"<style>{css}</style>") for cs in sides)
    assert any("pre" in cs.html and 'class="highlight"' in cs.html for cs in sides)
    problems = check_sides(page, sides)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_long_unbreakable_content_stays_inside_the_screen(
    page: Any, deck_cards: tuple[tuple[CardSide, ...], str]
) -> None:
    """A long code line scrolls inside its box; long words, links, tables and images fit."""
    _, css = deck_cards
    side = synthetic_side(css, HOSTILE_BODY)
    assert check_sides(page, (side,)) == []
    page.set_content(render_reviewer_page(side.html, night=False))
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate(
        "() => [...document.querySelectorAll('pre, table')]"
        ".map(e => [e.scrollWidth, e.clientWidth])"
    )
    # The code and the table keep their shape and scroll; they are not squeezed or cut.
    assert all(scroll > client for scroll, client in widths), widths


BROKEN_STYLES = [
    pytest.param(
        "pre.highlight { white-space: pre; overflow: visible; }",
        "page scrolls sideways",
        id="code-pushes-page",
    ),
    pytest.param(
        ".card * { max-width: none; } img { max-width: none; }",
        "page scrolls sideways",
        id="wide-image",
    ),
    pytest.param(
        "html, body { overflow-x: hidden; } pre.highlight { overflow: visible; }",
        "runs off the screen",
        id="clipped-code",
    ),
    pytest.param(
        ".night_mode pre.highlight { background: #ffffff; }",
        "contrast",
        id="white-code-box-at-night",
    ),
    pytest.param(
        ".night_mode.card { background-color: #f0f0f0; }",
        "night card background is light",
        id="light-night-card",
    ),
    pytest.param("pre.highlight { text-align: center; }", "text-align center", id="centred-code"),
    pytest.param(".card { font-size: 13px; }", "base font size", id="small-text"),
]


@pytest.mark.parametrize(("broken_css", "complaint"), BROKEN_STYLES)
def test_checker_catches_broken_styles(
    page: Any, deck_cards: tuple[tuple[CardSide, ...], str], broken_css: str, complaint: str
) -> None:
    """The same checker fails on each known way a card goes wrong on a phone."""
    _, css = deck_cards
    problems = check_sides(page, (synthetic_side(css, HOSTILE_BODY),), extra_css=broken_css)
    assert any(complaint in problem for problem in problems), problems


def test_math_cards_fit_a_phone_and_their_formulas_are_laid_out_as_math(
    page: Any, math_cards: tuple[tuple[CardSide, ...], str]
) -> None:
    """Formulas have a real size, sit on the baseline and stack; light and night, every width."""
    sides, _ = math_cards
    with_math = [cs for cs in sides if "<math" in cs.html]
    # Questions 1 and 2, front and back (a back repeats its front).
    assert sorted(cs.name for cs in with_math) == ["1 back", "1 front", "2 back", "2 front"]
    problems = check_sides(page, sides, formulas=True)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


BROKEN_MATH_STYLES = [
    pytest.param("math { display: block; }", "display block", id="inline-math-as-block"),
    pytest.param("math { vertical-align: 1em; }", "above the baseline", id="raised"),
    pytest.param("math { font-size: 4px; }", "px at 17px", id="tiny"),
    pytest.param("mfrac { display: flex; }", "fraction not stacked", id="flat-fraction"),
    pytest.param("math { color: #777; }", "contrast", id="grey-at-night"),
    pytest.param("munderover { display: flex; }", "limits not", id="limits-beside-the-sum"),
]


@pytest.mark.parametrize(("broken_css", "complaint"), BROKEN_MATH_STYLES)
def test_checker_catches_formulas_that_are_not_laid_out_as_math(
    page: Any, math_cards: tuple[tuple[CardSide, ...], str], broken_css: str, complaint: str
) -> None:
    sides, _ = math_cards
    back = [cs for cs in sides if cs.name in ("1 back", "2 back")]
    problems = check_sides(page, tuple(back), extra_css=broken_css, formulas=True)
    assert any(complaint in problem for problem in problems), problems
