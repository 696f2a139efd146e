"""Render a guide as one self-contained, printable HTML cheat sheet."""

from __future__ import annotations

import html
import re
from functools import cache
from itertools import groupby
from pathlib import Path
from string import Template
from typing import Literal

from interview_deck.card import find_template, load_template, render_field
from interview_deck.errors import GuideError, Problem
from interview_deck.render import RenderedGuide, RenderedQuestion
from interview_deck.theme import NIGHT_BACKGROUND, NIGHT_STYLE, palette_rules, render_light_code_css

SheetKind = Literal["full", "compact"]
Paper = Literal["a4", "letter"]
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
CODE_BACKGROUND = "#f6f8fa"
# Raw HTML in guides is escaped, so `</code></pre>` only ever closes a highlighted block.
CODE_BLOCK = re.compile(r'(<pre class="highlight"><code[^>]*>)(.*?)(</code></pre>)', re.DOTALL)
# Our own links (raw HTML in guides is escaped, so every `<a` is one of ours).
LINK_TAG = re.compile(r"<a\b[^>]*>|</a>")
TAB_WIDTH = 4
# The sheet runs no script and loads nothing remote: only its inline styles and data: images.
POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">"
)
# Where the policy can go when a template lacks it: the first of these tags, else the start.
POLICY_PLACES = (
    re.compile(r"<head\b[^>]*>", re.IGNORECASE),
    re.compile(r"<html\b[^>]*>", re.IGNORECASE),
    re.compile(r"<!doctype\b[^>]*>", re.IGNORECASE),
)


def render_sheet(
    rendered: RenderedGuide,
    sheet: SheetKind = "full",
    paper: Paper = "a4",
    templates: Path | None = None,
) -> str:
    """Return the cheat sheet's HTML: title, intro, contents and every question."""
    questions = "\n".join(
        render_sheet_question(i, rq, sheet) for i, rq in enumerate(rendered.questions, 1)
    )
    page = fill_template(
        "sheet.html",
        templates,
        title=html.escape(rendered.guide.topic),
        css=render_sheet_css(paper, templates),
        intro=wrap_code_lines(rendered.intro_html),
        toc=render_toc(rendered),
        questions=questions,
    )
    return add_policy(page)


def add_policy(page: str) -> str:
    """Return the page with the sheet's Content-Security-Policy in its head.

    The built-in sheet.html has it; one from --templates may not, and the policy must not
    depend on it. Inserted before anything else in the head (or where the parser opens
    the head, if the template has no `<head>`), it applies to the whole page; a policy of
    the template's own can only add limits, as a browser enforces every policy it finds.
    """
    if POLICY in page:
        return page
    for place in POLICY_PLACES:
        found = place.search(page)
        if found:
            return page[: found.end()] + "\n" + POLICY + page[found.end() :]
    return POLICY + "\n" + page


def fill_template(name: str, templates: Path | None, **values: str) -> str:
    """Return a sheet template with its `$name` placeholders filled in.

    Raise GuideError at the line of a placeholder it does not know (only a file from
    --templates can have one).
    """
    text = load_template(name, templates)
    for match in Template.pattern.finditer(text):
        placeholder = match["named"] or match["braced"]
        if match["invalid"] is not None or (placeholder and placeholder not in values):
            line = text.count("\n", 0, match.start()) + 1
            shown = f"${placeholder}" if placeholder else "a lone $"
            allowed = ", ".join(f"${key}" for key in values)
            message = f"{shown} is not a placeholder of {name}: use {allowed}, and $$ for a $"
            raise GuideError([Problem(find_template(name, templates), line, "error", message)])
    return Template(text).substitute(values)


def render_sheet_css(paper: Paper, templates: Path | None = None) -> str:
    """Return the sheet's CSS: layout, the light code palette, and a night palette for screens."""
    css = fill_template("sheet.css", templates, paper=PAPER_SIZES[paper])
    light = render_light_code_css("pre.highlight", CODE_BACKGROUND)
    # Paper always gets the light palette; only a dark screen gets the night one.
    night = render_night_code_css()
    return f"{css}\n{light}@media screen and (prefers-color-scheme: dark) {{\n{night}}}\n"


@cache
def render_night_code_css() -> str:
    """Return the sheet's night code palette; worked out once, as checking contrast is slow."""
    return palette_rules(NIGHT_STYLE, NIGHT_BACKGROUND, ["pre.highlight"])


def render_toc(rendered: RenderedGuide) -> str:
    """Return the table of contents, grouped by section and difficulty."""
    parts = []

    def group(rq: RenderedQuestion) -> tuple[str, str]:
        return rq.question.section or "", rq.question.difficulty or ""

    for (section, difficulty), items in groupby(
        enumerate(rendered.questions, 1), key=lambda p: group(p[1])
    ):
        heading = " · ".join(html.escape(part) for part in (section, difficulty) if part)
        # A link in a title would nest inside the entry's own link; there it is only text.
        links = "".join(
            f'<li><a href="#q{i}"><span class="number">{rq.question.number}.&nbsp;</span>'
            f"{unlink(rq.title_html)}</a></li>"
            for i, rq in items
        )
        group_heading = f"<h3>{heading}</h3>" if heading else ""
        parts.append(
            f'<section class="toc-group">{group_heading}<ul class="toc-list">{links}</ul></section>'
        )
    return "\n".join(parts)


def unlink(fragment: str) -> str:
    """Return an HTML fragment with its links turned into plain spans."""
    return LINK_TAG.sub(
        lambda m: "</span>" if m.group() == "</a>" else '<span class="link">', fragment
    )


def render_sheet_question(position: int, rq: RenderedQuestion, sheet: SheetKind) -> str:
    """Return one question as an article; compact sheets leave out interviewer notes."""
    question = rq.question
    badges = "".join(
        f'<span class="badge">{html.escape(b)}</span>'
        for b in (question.section, question.difficulty)
        if b
    )
    fields = [render_field(f, with_label=i > 0) for i, f in enumerate(rq.prompt)]
    if rq.main_answer:
        fields.append(render_field(rq.main_answer))
    fields += [render_field(f) for f in rq.details if sheet == "full" or not f.secondary]
    # The end marker is a linked anchor so that PDF printers keep it as a named destination:
    # comparing its page and column with the start's shows whether the question was split.
    return (
        f'<article class="question" id="q{position}">'
        f'<h2><span class="number">{question.number}.&nbsp;</span>{rq.title_html}'
        f'<span class="badges">{badges}</span></h2>'
        + wrap_code_lines("".join(fields))
        + f'<a class="end-marker" id="q{position}-end" href="#q{position}-end" tabindex="-1"'
        ' aria-hidden="true"></a></article>'
    )


def wrap_code_lines(fragment: str) -> str:
    """Put each code line in its own span, so that a wrapped line gets a hanging indent."""

    def wrap_block(match: re.Match[str]) -> str:
        opening, body, closing = match.groups()
        # Only newlines end a line: splitlines() would also cut at form feeds and U+2028.
        lines = body.split("\n")
        if lines[-1] == "":
            lines.pop()
        return opening + "".join(wrap_line(line) for line in lines) + closing

    return CODE_BLOCK.sub(wrap_block, fragment)


def wrap_line(line: str) -> str:
    """Return one code line as a block whose wrapped parts hang past its own indentation."""
    # Pygments closes its spans at every line end, so each line is balanced HTML.
    text = re.sub(r"<[^>]+>", "", line)
    stripped = text.lstrip(" \t")
    indent = sum(TAB_WIDTH if c == "\t" else 1 for c in text[: len(text) - len(stripped)])
    style = f' style="--indent:{indent}ch"' if indent else ""
    # The newline stays inside the span, so copied and extracted text keeps its lines.
    return f'<span class="line"{style}>{line}\n</span>'
