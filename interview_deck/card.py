"""Render a guide's questions as Anki notes of the "Interview Question" note type."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from interview_deck import TEMPLATES
from interview_deck.parse import slugify
from interview_deck.render import RenderedField, RenderedGuide, RenderedQuestion, escape_text
from interview_deck.theme import render_code_css

# Fixed forever: a new field list needs a new id (and a changelog line), or Anki
# imports the notes into a duplicate "Interview Question+" note type.
MODEL_ID = 1_874_203_117
MODEL_NAME = "Interview Question"
FIELDS = (
    "Order", "Number", "Title", "Prompt", "Answer", "Details",
    "Topic", "Section", "Difficulty", "Source",
)  # fmt: skip
GUID_NAMESPACE = "interview-deck"


@dataclass(frozen=True)
class NoteData:
    """One note's field values, tags and GUID, ready for genanki."""

    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class DeckData:
    """Everything the .apkg needs: the deck's name and id, the note type and the notes."""

    name: str
    deck_id: int
    css: str
    front: str
    back: str
    notes: tuple[NoteData, ...]


def render_deck(rendered: RenderedGuide, parent: str | None = None) -> DeckData:
    """Turn a rendered guide into deck data: one note per question."""
    guide = rendered.guide
    name = f"{parent}::{guide.topic}" if parent else guide.topic
    notes = tuple(
        render_note(rendered, position, rq) for position, rq in enumerate(rendered.questions, 1)
    )
    front, back = load_template("card_front.html"), load_template("card_back.html")
    return DeckData(name, deck_id_for(name), load_card_css(), front, back, notes)


def render_note(rendered: RenderedGuide, position: int, rq: RenderedQuestion) -> NoteData:
    """Return one question's note: its fields in FIELDS order, its tags and stable GUID."""
    import genanki

    guide, question = rendered.guide, rq.question
    fields = (
        f"{position:04d}",
        str(question.number),
        rq.title_html,
        # The first prompt field is the question itself; its label would only repeat that.
        "".join(render_field(f, with_label=i > 0) for i, f in enumerate(rq.prompt)),
        render_field(rq.main_answer) if rq.main_answer else "",
        "".join(render_field(f) for f in rq.details),
        escape_text(guide.topic),
        escape_text(question.section or ""),
        escape_text(question.difficulty or ""),
        escape_text(f"{guide.path.name}:{question.line}"),
    )
    tags = (
        f"topic::{slugify(guide.topic)}",
        f"section::{slugify(question.section or 'general')}",
        f"difficulty::{slugify(question.difficulty or 'unrated')}",
    )
    guid = genanki.guid_for(GUID_NAMESPACE, guide.stem, question.key)
    return NoteData(guid, fields, tags)


def render_field(field: RenderedField, with_label: bool = True) -> str:
    """Return a field as a labelled section; interviewer notes are marked secondary."""
    classes = "field field-secondary" if field.secondary else "field"
    label = (
        f'<div class="field-label">{escape_text(field.label)}</div>'
        if field.label and with_label
        else ""
    )
    return f'<section class="{classes}">{label}{field.html}</section>'


def deck_id_for(name: str) -> int:
    """Return a deck id derived from the deck's name, in genanki's suggested range."""
    digest = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    return (1 << 30) + digest % (1 << 30)


def load_template(name: str) -> str:
    """Return a template file's text."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def load_card_css() -> str:
    """Return the note type's CSS: the card styles plus light and night code palettes."""
    return load_template("card.css") + "\n" + render_code_css()
