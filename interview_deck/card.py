"""Render a guide's questions as Anki notes of the "Interview Question" note type."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from interview_deck import TEMPLATES
from interview_deck.errors import GuideError, Problem
from interview_deck.model import Guide, Question
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
# The level each of the guides' words for difficulty stands for in the `difficulty::` tag.
LEVELS = {
    "easy": "easy", "beginner": "easy", "basic": "easy", "🟢": "easy",
    "medium": "medium", "intermediate": "medium", "moderate": "medium", "🟡": "medium",
    "hard": "hard", "advanced": "hard", "expert": "hard", "🔴": "hard",
}  # fmt: skip
# Where a range splits: "Easy–Medium", "Medium-Hard", "Easy / Medium", "Intermediate to Advanced".
RANGE_SEPARATOR = re.compile(r"\s*(?:[-–—/→]|\bto\b)\s*", re.IGNORECASE)
LEVEL_WORD = re.compile(r"\w+|🟢|🟡|🔴")


@dataclass(frozen=True, slots=True)
class NoteData:
    """One note's field values, tags and GUID, ready for genanki."""

    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    # When the note last changed, in seconds; 0 until history.stamp_deck sets it.
    mtime: int = 0


@dataclass(frozen=True, slots=True)
class NoteType:
    """The "Interview Question" note type's card templates and CSS."""

    front: str
    back: str
    css: str
    # When the note type last changed, in seconds; 0 until history.stamp_note_type sets it.
    mtime: int = 0


@dataclass(frozen=True, slots=True)
class DeckData:
    """One deck of an .apkg: its name and id, and its notes in the order they are studied."""

    name: str
    deck_id: int
    notes: tuple[NoteData, ...]


def render_deck(
    rendered: RenderedGuide, parent: str | None = None, folders: tuple[str, ...] = ()
) -> DeckData:
    """Turn a rendered guide into deck data: one note per question.

    The deck is named after the guide's topic, under a deck for each folder the guide sits
    in inside the library, under `parent`: `Parent::python::advanced::Decorators`.
    """
    guide = rendered.guide
    # A deck named by the guide's front matter replaces the folders and topic; the GUIDs
    # below do not depend on the deck.
    place = [guide.deck] if guide.deck else [*folders, guide.topic]
    name = "::".join([*([parent] if parent else []), *place])
    identity = name_identity(guide, folders)
    notes = tuple(
        render_note(rendered, position, rq, identity)
        for position, rq in enumerate(rendered.questions, 1)
    )
    return DeckData(name, deck_id_for(name), notes)


def keep_previous_keys(guide: Guide, previous: Collection[str], identity: str) -> Guide:
    """Return the guide keyed as the notes of its previous package were, where they differ.

    Whether keys carry their section depends on numbering that restarts per section, and
    an edit can change that (a new section that starts at 1, or renumbering straight
    through). When the other keying matches more of the previous package's GUIDs, it is
    kept, so that no note loses its identity and its review history. Then each question
    whose note is still not found takes the first of its other keys that finds one no
    other question has: a title that a newer parser reads better (without a timing, a
    marker, quotes) keeps the note its plainer reading made.
    """
    if not previous:
        return guide
    questions = swap_numbering_keys(guide.questions, previous, identity)
    taken = {guid_for(identity, q.key) for q in questions}
    kept = []
    for question in questions:
        if guid_for(identity, question.key) not in previous:
            question = find_previous_key(question, previous, identity, taken)
        kept.append(question)
    return replace(guide, questions=tuple(kept))


def swap_numbering_keys(
    questions: tuple[Question, ...], previous: Collection[str], identity: str
) -> tuple[Question, ...]:
    """Return the questions under the other numbering rule if that finds more previous notes."""
    other = [q.other_key for q in questions]
    if not all(other) or len(set(other)) < len(other):
        return questions

    def count_known(keys: Iterable[str]) -> int:
        return sum(guid_for(identity, key) in previous for key in keys)

    if count_known(other) <= count_known(q.key for q in questions):
        return questions
    return tuple(replace(q, key=q.other_key, other_key=q.key) for q in questions)


def find_previous_key(
    question: Question, previous: Collection[str], identity: str, taken: set[str]
) -> Question:
    """Return the question keyed by the first of its other keys whose note is in `previous`
    and not taken by another question (marking it taken), or as it is if none is."""
    for key in (question.other_key, *question.line_keys):
        guid = guid_for(identity, key) if key else ""
        if guid in previous and guid not in taken:
            taken.add(guid)
            return replace(question, key=key)
    return question


def name_identity(guide: Guide, folders: tuple[str, ...]) -> str:
    """Return the name that a guide's GUIDs are made from: `sets`, or `python/sets` in a folder.

    Guides at the top keep the identity they always had; the folders tell apart two guides
    of one file name (a file name cannot hold a "/", so no top-level guide can clash).
    """
    return "/".join([*folders, guide.stem])


def guid_for(identity: str, key: str) -> str:
    """Return the GUID of a question's note: from the guide's identity and the question's key."""
    import genanki

    return str(genanki.guid_for(GUID_NAMESPACE, identity, key))


def render_note_type(templates: Path | None = None) -> NoteType:
    """Return the note type from the card templates and CSS, `templates` overriding files."""
    return NoteType(
        load_template("card_front.html", templates),
        load_template("card_back.html", templates),
        load_card_css(templates),
    )


def render_note(
    rendered: RenderedGuide, position: int, rq: RenderedQuestion, identity: str
) -> NoteData:
    """Return one question's note: its fields in FIELDS order, its tags and stable GUID.

    `identity` names the guide in the library (`sets`, or `python/sets` in a folder).
    """
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
        f"difficulty::{name_level(question.difficulty)}",
        *(slugify_tag(tag) for tag in guide.tags),
    )
    guid = guid_for(identity, question.key)
    return NoteData(guid, fields, tuple(dict.fromkeys(tags)))


def name_level(difficulty: str | None) -> str:
    """Return a difficulty's tag level: "Intermediate" is `medium`, "Easy–Advanced" `easy-hard`.

    Each end of a range is read on its own; an end that names no level, or more than one,
    leaves the whole difficulty slugified as the guide wrote it.
    """
    if not difficulty:
        return "unrated"
    levels = [read_level(part) for part in RANGE_SEPARATOR.split(difficulty) if part.strip()]
    if not levels or None in levels:
        return slugify(difficulty)
    return "-".join(dict.fromkeys(level for level in levels if level))


def read_level(text: str) -> str | None:
    """Return the one level a text names ("Easy (Concept)" is `easy`, 🔴 is `hard`), or None."""
    found = {LEVELS.get(word.lower()) for word in LEVEL_WORD.findall(text)} - {None}
    return found.pop() if len(found) == 1 else None


def slugify_tag(tag: str) -> str:
    """Return a tag from the front matter with each `::` level slugified: `lang::python`."""
    return "::".join(slugify(part) for part in tag.split("::") if part.strip())


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


def find_template(name: str, templates: Path | None = None) -> Path:
    """Return the file of a template: the one in `templates` if it has it, else the built-in."""
    if templates is not None and (templates / name).is_file():
        return templates / name
    return TEMPLATES / name


def load_template(name: str, templates: Path | None = None) -> str:
    """Return a template file's text, from `templates` if it has that file."""
    path = find_template(name, templates)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not valid UTF-8"
        raise GuideError([Problem(path, 0, "error", f"cannot read template: {reason}")]) from None


def load_card_css(templates: Path | None = None) -> str:
    """Return the note type's CSS: the card styles plus light and night code palettes."""
    return load_template("card.css", templates) + "\n" + render_code_css()
