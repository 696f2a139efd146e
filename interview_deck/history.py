"""Compare a build with the previous build record: which notes keep their time, which get a new one.

Anki's default import ("update notes: if newer") replaces a note only when the package's
copy is newer than the collection's. A note whose fields, tags or deck changed since the
previous package therefore gets a time newer than every time in that package, so the
next import updates it however the change came about (an edited guide, a new template,
or a new version of this tool rendering it differently). A note that did not change
keeps its recorded time, so a rebuild re-stamps nothing and syncing churns nothing.
"""

from __future__ import annotations

from dataclasses import replace

from interview_deck.card import FIELDS, DeckData, NoteData, NoteType
from interview_deck.record import BuildRecord


def fresh_time(record: BuildRecord, floor: int) -> int:
    """Return the time of a new or changed note: `floor`, but later than anything recorded."""
    return max(floor, record.newest + 1)


def stamp_deck(deck: DeckData, record: BuildRecord, fresh: int) -> DeckData:
    """Give each note its recorded time if its content is unchanged, else `fresh`."""
    return replace(deck, notes=tuple(stamp_note(n, deck.name, record, fresh) for n in deck.notes))


def stamp_note(note: NoteData, deck: str, record: BuildRecord, fresh: int) -> NoteData:
    """Give one note its recorded time if its fields, tags and deck are unchanged, else `fresh`."""
    recorded = record.by_guid.get(note.guid)
    unchanged = (
        recorded is not None
        and recorded.fields == note.fields
        and sorted(recorded.tags) == sorted(note.tags)
        and recorded.deck == deck
    )
    return replace(note, mtime=recorded.mtime if recorded and unchanged else fresh)


def stamp_note_type(note_type: NoteType, record: BuildRecord, fresh: int) -> NoteType:
    """Give the note type its recorded time if its fields, templates and CSS are unchanged."""
    recorded = record.note_type
    unchanged = (
        recorded is not None
        and recorded.fields == FIELDS
        and (recorded.front, recorded.back, recorded.css)
        == (note_type.front, note_type.back, note_type.css)
    )
    return replace(note_type, mtime=recorded.mtime if recorded and unchanged else fresh)
