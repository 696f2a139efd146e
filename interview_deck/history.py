"""Compare a build with the previous build record: which notes keep their time, which get a new one.

Anki's default import ("update notes: if newer") replaces a note only when the package's
copy is newer than the collection's. A note whose fields, tags or deck changed since the
previous package therefore gets a time newer than every time in that package, so the
next import updates it however the change came about (an edited guide, a new template,
or a new version of this tool rendering it differently). A note that did not change
keeps its recorded time, so a rebuild re-stamps nothing and syncing churns nothing.

Anki's import never deletes, so a question gone from the guide would linger unnoticed.
Instead its note stays in the next packages, tagged REMOVED_TAG and saying on the card
when it was removed, so the import updates it and `tag:interview-deck::removed` finds
it. It is left out once it has been flagged for KEEP_REMOVED_SECONDS, so that a note the
user deleted does not keep coming back. A question that returns (the same key, so the
same GUID) is rendered from the guide again, without the tag.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, replace

from interview_deck import REMOVED_TAG
from interview_deck.card import FIELDS, DeckData, NoteData, NoteType
from interview_deck.errors import escape_controls
from interview_deck.record import BuildRecord, RecordedNote

# How long packages keep carrying a removed question: long enough for a phone that imports
# now and then to see it, short enough that a note the user deleted stops coming back.
KEEP_REMOVED_SECONDS = 30 * 24 * 3600
PROMPT = FIELDS.index("Prompt")
TITLE = FIELDS.index("Title")


@dataclass(frozen=True)
class Carried:
    """A deck with its removed questions' notes added, and the titles newly found removed."""

    deck: DeckData
    removed: tuple[str, ...]


def carry_removed(deck: DeckData, record: BuildRecord, now: int, fresh: int) -> Carried:
    """Add the notes of the previous package whose questions are gone, flagged as removed.

    A note flagged by an earlier build is kept as it was until KEEP_REMOVED_SECONDS after
    it was flagged (its time says when); a newly removed one gets the notice dated `fresh`.
    """
    present = {note.guid for note in deck.notes}
    carried: list[NoteData] = []
    removed: list[str] = []
    for recorded in record.notes:
        if recorded.guid in present:
            continue
        if REMOVED_TAG not in recorded.tags:
            carried.append(flag_removed(recorded, fresh))
            removed.append(plain_text(recorded.fields[TITLE]))
        elif now - recorded.mtime < KEEP_REMOVED_SECONDS:
            carried.append(NoteData(recorded.guid, recorded.fields, recorded.tags))
    return Carried(replace(deck, notes=deck.notes + tuple(carried)), tuple(removed))


def flag_removed(recorded: RecordedNote, when: int) -> NoteData:
    """Return a recorded note tagged as removed, with a dated line saying so above its prompt."""
    day = time.strftime("%Y-%m-%d", time.gmtime(when))
    notice = f'<p class="removed-notice">Removed from the guide on {day}.</p>'
    fields = list(recorded.fields)
    fields[PROMPT] = notice + fields[PROMPT]
    return NoteData(recorded.guid, tuple(fields), (*recorded.tags, REMOVED_TAG))


def plain_text(fragment: str) -> str:
    """Return an HTML fragment as one line of text for the terminal, control characters shown."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return escape_controls(text)


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
