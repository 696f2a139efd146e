"""Render a guide as one self-contained, printable HTML cheat sheet."""

from __future__ import annotations

import html
from itertools import groupby
from string import Template
from typing import Literal

from interview_deck.card import load_template, render_field
from interview_deck.render import RenderedGuide, RenderedQuestion
from interview_deck.theme import render_light_code_css

SheetKind = Literal["full", "compact"]
Paper = Literal["a4", "letter"]
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def render_sheet(rendered: RenderedGuide, sheet: SheetKind = "full", paper: Paper = "a4") -> str:
    """Return the cheat sheet's HTML: title, intro, contents and every question."""
    css = Template(load_template("sheet.css")).safe_substitute(paper=PAPER_SIZES[paper])
    css += render_light_code_css()
    questions = "\n".join(render_sheet_question(i, rq, sheet) for i, rq in enumerate(rendered.questions, 1))
    return Template(load_template("sheet.html")).substitute(
        title=html.escape(rendered.guide.topic),
        css=css,
        intro=rendered.intro_html,
        toc=render_toc(rendered),
        questions=questions,
    )


def render_toc(rendered: RenderedGuide) -> str:
    """Return the table of contents, grouped by section and difficulty."""
    parts = []

    def group(rq: RenderedQuestion) -> tuple[str, str]:
        return rq.question.section or "", rq.question.difficulty or ""

    for (section, difficulty), items in groupby(enumerate(rendered.questions, 1), key=lambda p: group(p[1])):
        heading = " · ".join(html.escape(part) for part in (section, difficulty) if part)
        links = "".join(
            f'<li><a href="#q{i}">{rq.question.number}. {rq.title_html}</a></li>' for i, rq in items
        )
        parts.append((f"<h3>{heading}</h3>" if heading else "") + f"<ol class=\"toc-list\">{links}</ol>")
    return "\n".join(parts)


def render_sheet_question(position: int, rq: RenderedQuestion, sheet: SheetKind) -> str:
    """Return one question as an article; compact sheets leave out interviewer notes."""
    question = rq.question
    badges = "".join(
        f'<span class="badge">{html.escape(b)}</span>' for b in (question.section, question.difficulty) if b
    )
    fields = [render_field(f, with_label=i > 0) for i, f in enumerate(rq.prompt)]
    if rq.main_answer:
        fields.append(render_field(rq.main_answer))
    fields += [render_field(f) for f in rq.details if sheet == "full" or not f.secondary]
    return (
        f'<article class="question" id="q{position}">'
        f'<div class="badges">{badges}</div>'
        f"<h2>{question.number}. {rq.title_html}</h2>"
        + "".join(fields)
        + f'<a class="end-marker" id="q{position}-end" href="#q{position}-end"></a></article>'
    )
