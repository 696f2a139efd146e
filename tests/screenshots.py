"""Screenshots of cards as a phone's Anki reviewer shows them, written to docs/ for the README.

Also home of what the browser tests share with it: reading every card out of a real Anki
import, and the reviewer page a card side is shown in.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    # `python tests/screenshots.py` puts tests/ on the path, not the repository.
    sys.path.insert(0, str(REPO))

from interview_deck.pdf import CHROMIUM_FLAGS, find_chromium  # noqa: E402
from tests.conftest import GUIDE, import_apkg  # noqa: E402

DOCS = REPO / "docs"
# The math card of the README: its second question has inline and display formulas.
MATH_GUIDE = REPO / "tests" / "fixtures" / "math" / "algorithms.md"
MATH_EXAMPLE = "2"
SCREENSHOT_WIDTH = 360
# Anki's desktop and mobile reviewers paint the page behind the card dark in night mode.
NIGHT_PAGE, LIGHT_PAGE = "#1e1e1e", "#ffffff"


@dataclass(frozen=True)
class CardSide:
    """One side of one imported card: the HTML Anki's `question()` or `answer()` gives."""

    number: str
    title: str
    section: str
    side: str
    html: str

    @property
    def name(self) -> str:
        """Return a short name for messages: `7 back`."""
        return f"{self.number} {self.side}"


def read_card_sides(apkg: Path, folder: Path) -> tuple[tuple[CardSide, ...], str]:
    """Import `apkg` into a new collection in `folder`; return every card's sides and its CSS."""
    from anki.collection import Collection

    col = Collection(str(folder / "collection.anki2"))
    try:
        import_apkg(col, apkg)
        sides: list[tuple[str, CardSide]] = []
        css = ""
        for card_id in col.find_cards(""):
            card = col.get_card(card_id)
            note = card.note()
            css = str(note.note_type()["css"])  # type: ignore[index]
            for side, html in (("front", card.question()), ("back", card.answer())):
                cs = CardSide(note["Number"], note["Title"], note["Section"], side, html)
                sides.append((note["Order"] + side, cs))
        return tuple(cs for _, cs in sorted(sides, key=lambda pair: pair[0])), css
    finally:
        col.close()


def render_reviewer_page(side_html: str, night: bool, extra_css: str = "") -> str:
    """Return a page holding one card side the way Anki's reviewers do.

    Desktop and AnkiDroid both put `card` on the body and, in night mode, `nightMode` /
    `night_mode`; the side's HTML already starts with the note type's `<style>`.
    """
    body_classes = "card card1" + (" nightMode night_mode" if night else "")
    page = NIGHT_PAGE if night else LIGHT_PAGE
    extra = f"<style>{extra_css}</style>" if extra_css else ""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>html {{ background: {page}; }}</style></head>"
        f'<body class="{body_classes}"><div id="qa">{side_html}</div>{extra}</body></html>'
    )


# Runs in the page; returns one message per formula that the browser did not lay out as math.
# A formula must be drawn as MathML (display `math` or `block math`), have a real size, sit on
# the text's baseline (a zero-size box placed right after it marks the baseline), stack its
# fractions and put the limits of a sum above and below it.
CHECK_FORMULAS_JS = """
() => {
  const problems = [];
  const rect = (e) => e.getBoundingClientRect();
  [...document.querySelectorAll('math')].forEach((m, i) => {
    const what = `formula ${i + 1} "${m.textContent.replace(/\\s+/g, ' ').trim().slice(0, 24)}"`;
    const style = getComputedStyle(m);
    const block = m.getAttribute('display') === 'block';
    const expected = block ? 'block math' : 'math';
    if (style.display !== expected) problems.push(`${what}: display ${style.display}`);
    const box = rect(m);
    // Measured against the text around it, so a shrunken formula is caught too.
    const em = parseFloat(getComputedStyle(m.parentElement).fontSize);
    if (!(box.width >= 0.5 * em && box.height >= 0.4 * em && box.height <= 6 * em)) {
      problems.push(`${what}: ${box.width.toFixed(1)}x${box.height.toFixed(1)}px at ${em}px`);
    }
    if (!block) {
      const probe = document.createElement('span');
      probe.style.cssText = 'display:inline-block;width:0;height:0;padding:0;border:0;margin:0';
      m.after(probe);
      const baseline = rect(probe).top;
      probe.remove();
      const above = baseline - box.top, below = box.bottom - baseline;
      if (!(above >= 0.4 * em && above <= 1.6 * em && below >= -1 && below <= 0.7 * em)) {
        const where = `${above.toFixed(1)}px above the baseline, ${below.toFixed(1)}px below`;
        problems.push(`${what}: ${where}`);
      }
    }
    for (const f of m.querySelectorAll('mfrac')) {
      const [top, bottom] = [...f.children].map(rect);
      if (!(top.height > 0 && bottom.height > 0 && top.bottom <= bottom.top + 1)) {
        problems.push(`${what}: fraction not stacked`);
      }
    }
    for (const u of m.querySelectorAll('munderover')) {
      const [base, under, over] = [...u.children].map(rect);
      if (!(under.top >= base.bottom - 1 && over.bottom <= base.top + 1)) {
        problems.push(`${what}: limits not above and below`);
      }
    }
  });
  return problems;
}
"""


def launch_chromium(playwright: Any, executable: str) -> Any:
    """Launch the system Chromium through Playwright (Playwright adds its own --headless)."""
    flags = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]
    return playwright.chromium.launch(executable_path=executable, args=flags)


def pick_examples(sides: tuple[CardSide, ...]) -> dict[str, CardSide]:
    """Return the front of the first theory card and of the first coding card, by slug."""
    fronts = [cs for cs in sides if cs.side == "front"]
    theory = next(cs for cs in fronts if "theory" in cs.section.lower())
    coding = next(cs for cs in fronts if "coding" in cs.section.lower())
    return {"theory": theory, "coding": coding}


def write_screenshots(out: Path = DOCS) -> list[Path]:
    """Build the user's guide and the math guide, import them, and write 360px PNGs of a
    theory, a coding and a math card into `out`."""
    from playwright.sync_api import sync_playwright

    from interview_deck.build import BuildOptions, build

    executable = find_chromium()
    if executable is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = build([GUIDE, MATH_GUIDE], BuildOptions(out_dir=folder))
        if any(r.failed for r in results):
            raise SystemExit("a guide did not build; run `python build_deck.py check content`")
        sides, _ = read_card_sides(folder / f"{GUIDE.stem}.apkg", folder)
        # A collection of its own: one folder holds one collection.
        (folder / "math").mkdir()
        math_sides, _ = read_card_sides(folder / f"{MATH_GUIDE.stem}.apkg", folder / "math")
        examples = pick_examples(sides)
        examples["math"] = next(cs for cs in math_sides if cs.number == MATH_EXAMPLE)
        out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, executable)
            page = browser.new_page(
                viewport={"width": SCREENSHOT_WIDTH, "height": 640}, device_scale_factor=2
            )
            for kind, front in examples.items():
                deck = math_sides if kind == "math" else sides
                for cs in (s for s in deck if s.number == front.number):
                    for night in (False, True):
                        page.set_content(render_reviewer_page(cs.html, night))
                        mode = "night" if night else "light"
                        path = out / f"card-{kind}-{cs.side}-{mode}.png"
                        page.screenshot(path=str(path), full_page=True)
                        written.append(path)
            browser.close()
        written.append(write_sheet_page(folder, executable, out))
    return written


def write_sheet_page(folder: Path, executable: str, out: Path) -> Path:
    """Print the built cheat sheet on A4 and write its first page as `sheet-page1.png`."""
    from interview_deck.pdf import write_pdf

    pdf = folder / f"{GUIDE.stem}.pdf"
    write_pdf(folder / f"{GUIDE.stem}.html", pdf, executable)
    target = out / "sheet-page1.png"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            target.with_suffix(""),
        ],
        check=True,
    )
    return target


if __name__ == "__main__":
    for written_path in write_screenshots():
        print(written_path.relative_to(REPO))
