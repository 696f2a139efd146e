"""Cheat sheet tests: the HTML, and the PDFs headless Chromium prints from it (A4, Letter)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from interview_deck.build import BuildOptions, build
from interview_deck.cli import cli
from interview_deck.parse import parse_guide
from interview_deck.pdf import write_pdf
from interview_deck.read import read_source
from tests.screenshots import CHECK_FORMULAS_JS, launch_chromium

from .conftest import FIXTURES, GUIDE

PAPERS = {"a4": (595, 842), "letter": (612, 792)}
# DejaVu's ascent plus descent, per point of font size: pdftotext's word boxes are this tall.
DEJAVU_BOX = 1.164
QUESTIONS = 30


@dataclass(frozen=True)
class Printed:
    """A sheet printed to PDF, and what poppler reads back from it."""

    paper: str
    pdf: Path
    info: dict[str, str]
    text: str


def run_tool(*args: str | Path) -> str:
    """Run a poppler tool and return its stdout."""
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def build_sheet(out: Path, sheet: str = "full", paper: str = "a4") -> Path:
    """Build the user's guide into `out`; return the cheat sheet's path."""
    results = build([GUIDE], BuildOptions(out_dir=out, sheet=sheet, paper=paper))  # type: ignore[arg-type]
    assert not any(r.failed for r in results), [str(p) for r in results for p in r.problems]
    return out / "python-modules.html"


@pytest.fixture(scope="module")
def poppler() -> None:
    """Skip when poppler-utils is not installed."""
    if not shutil.which("pdfinfo") or not shutil.which("pdftotext"):
        pytest.skip(
            "poppler-utils is not installed (apt-get install poppler-utils; .ci/run does this)"
        )


@pytest.fixture(scope="module", params=sorted(PAPERS))
def printed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    chromium: str,
    poppler: None,
) -> Printed:
    """The user's guide, printed through interview_deck.pdf on each paper size."""
    out = tmp_path_factory.mktemp(f"sheet-{request.param}")
    pdf = out / "python-modules.pdf"
    write_pdf(build_sheet(out, paper=request.param), pdf, chromium)
    info = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in run_tool("pdfinfo", pdf).splitlines())
    )
    return Printed(request.param, pdf, info, run_tool("pdftotext", "-enc", "UTF-8", pdf, "-"))


def page_size(printed: Printed) -> tuple[float, float]:
    """Return the page's width and height in points, from pdfinfo's "594.96 x 841.92 pts"."""
    width, _, height = printed.info["Page size"].split()[:3]
    return float(width), float(height)


def read_columns(printed: Printed) -> str:
    """Return the PDF's text column by column, keeping each visual line whole."""
    width, height = page_size(printed)
    half = round(width / 2)
    columns = []
    for page in range(1, int(printed.info["Pages"]) + 1):
        for left in (0, half):
            crop = ("-x", str(left), "-y", "0", "-W", str(half), "-H", str(round(height)))
            pages = ("-f", str(page), "-l", str(page))
            # -layout keeps aligned code comments on their line instead of in a column of their own.
            columns.append(
                run_tool("pdftotext", "-layout", "-enc", "UTF-8", *pages, *crop, printed.pdf, "-")
            )
    return "\n".join(columns)


def plain_text(markdown: str) -> str:
    """Return inline Markdown as the text a reader sees."""
    return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").renderInline(markdown)))


def squeeze(text: str) -> str:
    """Drop all whitespace: wrapped lines and column breaks then compare equal."""
    return re.sub(r"\s+", "", text)


def guide_code_lines() -> list[str]:
    """Every non-blank line of every code block in the user's guide, read from its Markdown."""
    guide = parse_guide(read_source(GUIDE))
    markdown = MarkdownIt("commonmark")
    bodies = [guide.intro] + [f.body for q in guide.questions for f in q.fields]
    blocks = [
        t.content
        for body in bodies
        for t in markdown.parse(body)
        if t.type in ("fence", "code_block")
    ]
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def read_destinations(pdf: Path) -> dict[str, tuple[int, float]]:
    """Return each named destination's page and x coordinate (which tells the column)."""
    found = {}
    for line in run_tool("pdfinfo", "-dests", pdf).splitlines()[1:]:
        match = re.match(r'\s*(\d+)\s+\[\s*XYZ\s+(-?[\d.]+)\s+\S+\s+\S+\s*\]\s+"(.*)"$', line)
        if match:
            found[match[3]] = (int(match[1]), float(match[2]))
    return found


def test_pdf_has_the_paper_size_asked_for(printed: Printed) -> None:
    width, height = page_size(printed)
    assert (round(width), round(height)) == PAPERS[printed.paper]


def test_sheet_fits_on_eight_pages(printed: Printed) -> None:
    assert 1 <= int(printed.info["Pages"]) <= 8


def test_pdf_contains_every_title_and_every_code_line(printed: Printed) -> None:
    text = squeeze(read_columns(printed))
    guide = parse_guide(read_source(GUIDE))
    assert len(guide.questions) == QUESTIONS
    missing_titles = [q.title for q in guide.questions if squeeze(plain_text(q.title)) not in text]
    code = guide_code_lines()
    assert len(code) > 150
    missing_code = [line for line in code if squeeze(line) not in text]
    assert (missing_titles, missing_code) == ([], [])


def test_no_question_is_split_across_pages_or_columns(printed: Printed) -> None:
    destinations = read_destinations(printed.pdf)
    starts = [destinations[f"q{i}"] for i in range(1, QUESTIONS + 1)]
    ends = [destinations[f"q{i}-end"] for i in range(1, QUESTIONS + 1)]
    assert starts == ends
    # Both columns are used, so equal x really means the same column.
    assert len({x for _, x in starts}) == 2


def test_every_page_is_numbered_instead_of_the_browser_header(printed: Printed) -> None:
    pages = printed.text.split("\f")[:-1]
    assert len(pages) == int(printed.info["Pages"])
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page
        assert "file://" not in page and "python-modules.html" not in page


def test_body_text_is_at_least_8_5pt_and_nothing_is_below_7pt(printed: Printed) -> None:
    boxes = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"',
        run_tool("pdftotext", "-bbox", printed.pdf, "-"),
    )
    sizes = Counter(round((float(bottom) - float(top)) / DEJAVU_BOX, 1) for top, bottom in boxes)
    body_size = sizes.most_common(1)[0][0]
    assert body_size >= 8.5
    assert min(sizes) >= 7.0


def test_sheet_is_self_contained_without_script(tmp_path: Path) -> None:
    page = build_sheet(tmp_path).read_text(encoding="utf-8")
    assert "<style>" in page and "pre.highlight .k" in page
    assert not re.search(r"<script|<link|<iframe|<object|@import", page, re.IGNORECASE)
    assert not re.search(r"""\bsrc\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", page, re.IGNORECASE)


def test_sheet_links_each_question_from_the_contents(tmp_path: Path) -> None:
    page = build_sheet(tmp_path).read_text(encoding="utf-8")
    for i in range(1, QUESTIONS + 1):
        assert page.count(f'href="#q{i}"') == 1 and page.count(f'id="q{i}"') == 1
    assert "<h1>Python Modules</h1>" in page
    headings = re.findall(r"<h3>(.*?)</h3>", page)
    assert headings == ["Theory · Easy", "Theory · Medium", "Coding · Easy", "Coding · Medium"]


def test_compact_sheet_leaves_out_interviewer_notes(tmp_path: Path) -> None:
    full = build_sheet(tmp_path / "full").read_text(encoding="utf-8")
    compact = build_sheet(tmp_path / "compact", sheet="compact").read_text(encoding="utf-8")
    assert "Why Ask This" in full and "Why Interviewers Ask" in full
    assert "Why Ask This" not in compact and "Why Interviewers Ask" not in compact
    assert compact.count("Expected Answer") == full.count("Expected Answer") > 0
    assert compact.count('<pre class="highlight">') == full.count('<pre class="highlight">') > 0
    assert len(compact) < len(full)


def test_long_code_lines_wrap_with_a_hanging_indent(tmp_path: Path) -> None:
    page = build_sheet(tmp_path).read_text(encoding="utf-8")
    assert "white-space: pre-wrap" in page
    # An indented line keeps its own indentation when it wraps.
    assert re.search(r'<span class="line" style="--indent:4ch">    ', page)


def test_paper_option_sets_the_page_size(tmp_path: Path) -> None:
    assert "size: A4;" in build_sheet(tmp_path / "a4").read_text(encoding="utf-8")
    assert "size: letter;" in build_sheet(tmp_path / "letter", paper="letter").read_text(
        encoding="utf-8"
    )


def test_cli_pdf_option_writes_the_pdf(tmp_path: Path, chromium: str, poppler: None) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(GUIDE), "--out", str(tmp_path), "--paper", "letter", "--pdf"]
    )
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / "python-modules.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert result.stdout.rstrip().endswith(f"{tmp_path / 'python-modules.html'}, {pdf}")
    assert "612 x 792 pts (letter)" in run_tool("pdfinfo", pdf)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("chromium_variable", [None, "no-such-chromium"])
def test_cli_pdf_without_chromium_writes_deck_and_sheet_and_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chromium_variable: str | None
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    if chromium_variable is None:
        monkeypatch.delenv("CHROMIUM", raising=False)
    else:
        monkeypatch.setenv("CHROMIUM", chromium_variable)
    out = tmp_path / "out"
    command = ["build", str(GUIDE), "--out", str(out), "--pdf"]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0
    pdf, apkg, html_path = (out / f"python-modules.{kind}" for kind in ("pdf", "apkg", "html"))
    assert result.stderr == (
        f"{pdf}:0: warning: cannot print the PDF: Chromium is not installed. Install it "
        "(e.g. `apt-get install chromium`) or set CHROMIUM to its path, "
        f"or print {html_path} from a browser\n"
    )
    assert result.stdout == f"{GUIDE}: 30 questions, 30 cards, 1 warning -> {apkg}, {html_path}\n"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "python-modules.apkg",
        "python-modules.html",
    ]
    # Not remembered as done: the next run tries to print again, and says so again.
    again = CliRunner().invoke(cli, command)
    assert (again.stdout, again.stderr) == (result.stdout, result.stderr)


def test_dark_mode_is_for_screens_only(tmp_path: Path) -> None:
    # Chromium already prints light whatever the system says; other browsers may not.
    page = build_sheet(tmp_path).read_text(encoding="utf-8")
    queries = re.findall(r"@media([^{]*prefers-color-scheme[^{]*)\{", page)
    assert queries and all(
        q.split() == ["screen", "and", "(prefers-color-scheme:", "dark)"] for q in queries
    )
    assert re.search(r"@media print \{\s*:root \{ color-scheme: light; \}", page)


def test_a_question_taller_than_a_column_breaks_between_code_blocks_only(
    tmp_path: Path, chromium: str, poppler: None
) -> None:
    blocks = "\n\n".join(
        f"Step {n}:\n\n```python\n# BLOCKSTART{n:02d}\n"
        + "".join(f"value_{n}_{i} = compute({i})\n" for i in range(22))
        + f"# BLOCKEND{n:02d}\n```"
        for n in range(1, 9)
    )
    guide = tmp_path / "tall.md"
    guide.write_text(
        "# Tall — Interview Guide\n\n### 1. A long walkthrough\n**Question:** Walk through it.\n"
        f"**Expected Answer:**\n\n{blocks}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    [result] = build([guide], BuildOptions(out_dir=out))
    assert not result.failed
    pdf = out / "tall.pdf"
    write_pdf(out / "tall.html", pdf, chromium)

    destinations = read_destinations(pdf)
    # The question really is taller than a column: it starts and ends in different places.
    assert destinations["q1"] != destinations["q1-end"]
    # Where each block's first and last line landed: (page, right-hand column).
    places: dict[str, tuple[int, bool]] = {}
    pages = run_tool("pdftotext", "-bbox", pdf, "-").split("<page ")[1:]
    for number, page in enumerate(pages, 1):
        for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', page):
            if word.startswith(("BLOCKSTART", "BLOCKEND")):
                places[word] = (number, float(x) > PAPERS["a4"][0] / 2)
    assert len(places) == 16
    split = [n for n in range(1, 9) if places[f"BLOCKSTART{n:02d}"] != places[f"BLOCKEND{n:02d}"]]
    assert split == []


MATH_GUIDE = FIXTURES / "math" / "algorithms.md"
# Each formula's colour, and the colour of the text it sits in: formulas follow the theme.
FORMULA_COLOURS_JS = """
() => [...document.querySelectorAll('math')].map(m => [
  getComputedStyle(m).color, getComputedStyle(m.closest('p, h2, li, .math-display')).color,
])
"""


@pytest.fixture(scope="module")
def math_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The math guide's cheat sheet."""
    out = tmp_path_factory.mktemp("math-sheet")
    [result] = build([MATH_GUIDE], BuildOptions(out_dir=out))
    assert not result.failed
    return out / "algorithms.html"


@pytest.mark.parametrize(
    ("media", "scheme", "width"),
    [
        ("screen", "light", 1000),
        ("screen", "dark", 1000),
        ("screen", "dark", 360),
        ("print", "light", 794),
    ],
)
def test_sheet_formulas_are_laid_out_as_math(
    math_sheet: Path, chromium: str, media: str, scheme: str, width: int
) -> None:
    """On screen, light and dark, wide and phone-narrow, and as printed (A4 is 794 px wide)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.emulate_media(media=media, color_scheme=scheme)
            page.goto(math_sheet.as_uri())
            assert page.evaluate("document.querySelectorAll('math').length") == 10
            assert page.evaluate(CHECK_FORMULAS_JS) == []
            colours = page.evaluate(FORMULA_COLOURS_JS)
            assert [c for c in colours if c[0] != c[1]] == []
            body = page.evaluate("getComputedStyle(document.body).color")
            assert {c[0] for c in colours} == {body}
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
            )
            assert overflow <= 0
        finally:
            browser.close()


def test_printed_sheet_draws_formulas_in_the_math_font(
    math_sheet: Path, tmp_path: Path, chromium: str, poppler: None
) -> None:
    pdf = tmp_path / "algorithms.pdf"
    write_pdf(math_sheet, pdf, chromium)
    text = run_tool("pdftotext", "-enc", "UTF-8", pdf, "-")
    # Chromium sets single-letter identifiers in mathematical italic (U+1D45B is 𝑛).
    assert "𝑇(𝑛) = 2𝑇(𝑛 / 2) + 𝑂(𝑛)" in text
    assert "∑" in text and "log2 𝑛" in text
    assert "$5 and the team plan is $10" in text and "__getitem__ and the sequence" in text
    assert "DejaVuMathTeXGyre" in run_tool("pdffonts", pdf)


# What a doctored cache or a bug might one day slip into the sheet: a script and remote loads.
INJECTED = (
    '<script>document.title = "script ran"</script>'
    '<img id="remote" src="http://127.0.0.1:9/pixel.png">'
    '<link rel="stylesheet" href="http://127.0.0.1:9/sheet.css">'
)


# Sheet templates of a user's own (--templates) that do not carry the policy themselves.
OWN_SHEETS = {
    "built-in": None,
    "own with a head": (
        "<!doctype html>\n<html>\n<head>\n<title>$title</title>\n<style>$css</style>\n</head>\n"
        "<body>\n<h1>$title</h1>\n$intro\n<nav>$toc</nav>\n<main>$questions</main>\n</body>\n</html>\n"
    ),
    "own without a head": "<title>$title</title><style>$css</style><h1>$title</h1>$questions\n",
}


@pytest.mark.browser
@pytest.mark.parametrize("own_sheet", OWN_SHEETS)
def test_sheet_policy_forbids_scripts_and_remote_loads(
    tmp_path: Path, chromium: str, own_sheet: str
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.screenshots import launch_chromium
    from tests.test_hostile import PNG

    guide = tmp_path / "pic.md"
    (tmp_path / "dot.png").write_bytes(PNG)
    guide.write_text(
        "# Pic\n\n### 1. Q\n**Question:** Why?\n**Answer:** See ![a dot](dot.png)\n\n"
        "```python\nif True:\n    pass\n```\n",
        encoding="utf-8",
    )
    templates = None
    template = OWN_SHEETS[own_sheet]
    if template is not None:
        templates = tmp_path / "templates"
        templates.mkdir()
        (templates / "sheet.html").write_text(template, encoding="utf-8")
    [result] = build([guide], BuildOptions(out_dir=tmp_path / "out", templates=templates))
    assert not result.failed
    sheet = tmp_path / "out" / "pic.html"
    page = sheet.read_text()
    sheet.write_text(
        page.replace("</body>", INJECTED + "</body>") if "</body>" in page else page + INJECTED
    )
    # Chromium reports a load the policy stopped as a request that failed with this reason.
    refused: list[tuple[str, str | None]] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page = browser.new_page()
        page.on("requestfailed", lambda request: refused.append((request.url, request.failure)))
        page.goto(sheet.as_uri())
        title = page.title()
        # Our own things still work: the inlined image, the stylesheet and style attributes.
        image_width = page.evaluate("document.querySelector('article img').naturalWidth")
        heading_size = page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize")
        indent = page.evaluate(
            "getComputedStyle(document.querySelector('.line[style]')).getPropertyValue('--indent')"
        )
        browser.close()
    assert title == "Pic"
    assert sorted(refused) == [
        ("http://127.0.0.1:9/pixel.png", "csp"),
        ("http://127.0.0.1:9/sheet.css", "csp"),
    ]
    assert image_width == 1
    assert heading_size != "32px"  # the browser's default for h1: the stylesheet applied
    assert indent.strip() == "4ch"


def test_pdf_is_printed_with_javascript_off(tmp_path: Path, chromium: str, poppler: None) -> None:
    # No policy in this page: only the browser's own switch can keep the script from running.
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><body><p>Printed as written</p>"
        "<script>document.body.textContent = 'Script ran'</script></body></html>",
        encoding="utf-8",
    )
    pdf = tmp_path / "page.pdf"
    write_pdf(page, pdf, chromium)
    text = run_tool("pdftotext", pdf, "-")
    assert "Printed as written" in text
    assert "Script ran" not in text


def build_sheet_of(guide: Path, text: str) -> str:
    """Write a guide, build it beside itself and return its sheet's HTML."""
    guide.write_text(text, encoding="utf-8")
    [result] = build([guide], BuildOptions(out_dir=guide.parent))
    assert not result.failed
    return guide.with_suffix(".html").read_text(encoding="utf-8")


def test_code_lines_keep_form_feeds_and_line_separators(tmp_path: Path) -> None:
    page = build_sheet_of(
        tmp_path / "odd.md",
        "# Odd\n\n### 1. Q\n**Question:** Why?\n**Answer:**\n\n"
        "```\nfirst\x0cstill first\nsecond\u2028still second\nthird\n```\n",
    )
    block = page.split('<code class="language-text">', 1)[1].split("</code>", 1)[0]
    assert re.findall(r'<span class="line">(.*?)\n</span>', block, re.DOTALL) == [
        "first\x0cstill first",
        "second\u2028still second",
        "third",
    ]


def test_a_link_in_a_title_does_not_nest_in_the_contents_link(tmp_path: Path) -> None:
    from tests.test_hostile import parse_html

    page = build_sheet_of(
        tmp_path / "linked.md",
        "# Linked\n\n### 1. Using [requests](https://example.com/requests)\n"
        "**Question:** Why?\n**Answer:** Because.\n",
    )
    toc = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert [tag for tag, _ in parse_html(toc).elements].count("a") == 1
    assert "Using requests" in re.sub(r"<[^>]+>", "", toc)
    # The question's own heading keeps its link.
    assert '<a href="https://example.com/requests"' in page.split("<main", 1)[1]
