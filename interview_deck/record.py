"""The previous build record: what the last package built for a guide held, read back from it.

Anki's default import updates a note only when the package's note is newer than the
collection's, so each note must keep its time while it is unchanged and get a newer one
when it changes. The package already in the output folder is the natural memory of
what the user was last given: its `collection.anki2` holds every note's GUID, fields,
tags, deck and time, and the note type with its time. Nothing else needs to be kept in
step with it, and deleting the output folder deletes the memory with the outputs.

A missing, unreadable or foreign package is an empty record: every note then counts as
new and gets the build's time, which is coarser (every note is re-stamped) but never
older than what an earlier build gave.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interview_deck.card import FIELDS, MODEL_ID
from interview_deck.files import open_regular_file

# Larger than any deck this tool writes; a bigger database is not ours and is not read.
MAX_DATABASE_BYTES = 256 * 1024 * 1024
DATABASE = "collection.anki2"


@dataclass(frozen=True)
class RecordedNote:
    """One note as the previous package held it."""

    guid: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    mtime: int


@dataclass(frozen=True)
class RecordedNoteType:
    """The note type as the previous package held it: what cards look like, and its time."""

    fields: tuple[str, ...]
    front: str
    back: str
    css: str
    mtime: int


@dataclass(frozen=True)
class BuildRecord:
    """Everything the previous package of a guide held, notes in the order of their cards."""

    notes: tuple[RecordedNote, ...] = ()
    note_type: RecordedNoteType | None = None
    by_guid: Mapping[str, RecordedNote] = field(default_factory=dict, compare=False, repr=False)

    @property
    def newest(self) -> int:
        """The latest time of any note or of the note type in the record (0 when empty)."""
        times = [n.mtime for n in self.notes]
        if self.note_type is not None:
            times.append(self.note_type.mtime)
        return max(times, default=0)


def read_record(apkg: Path) -> BuildRecord:
    """Return what the package at `apkg` holds; an empty record if it is missing or unreadable."""
    try:
        # A FIFO or device in the package's place is an unreadable package, not a hang.
        with open_regular_file(apkg) as handle, zipfile.ZipFile(handle) as archive:
            info = archive.getinfo(DATABASE)
            if info.file_size > MAX_DATABASE_BYTES:
                return BuildRecord()
            database = archive.read(info)
        connection = sqlite3.connect(":memory:")
        try:
            connection.deserialize(database)
            return read_database(connection)
        finally:
            connection.close()
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile, sqlite3.Error):
        # A foreign or damaged package only costs the notes their kept times.
        return BuildRecord()


def read_database(connection: sqlite3.Connection) -> BuildRecord:
    """Return the record held by an opened package database; raise if it is not ours."""
    models_json, decks_json = connection.execute("select models, decks from col").fetchone()
    models: dict[str, Any] = json.loads(models_json)
    decks: dict[str, Any] = json.loads(decks_json)
    deck_names = {int(deck_id): str(deck["name"]) for deck_id, deck in decks.items()}
    note_type = read_note_type(models.get(str(MODEL_ID)))
    rows = connection.execute(
        "select n.guid, n.flds, n.tags, n.mod, c.did from notes n join cards c on c.nid = n.id"
        " where n.mid = ? group by n.id order by min(c.due), n.id",
        (MODEL_ID,),
    ).fetchall()
    notes = []
    for guid, flds, tags, mtime, deck_id in rows:
        values = tuple(str(flds).split("\x1f"))
        if len(values) != len(FIELDS):
            continue
        deck = deck_names.get(int(deck_id), "")
        notes.append(RecordedNote(str(guid), values, tuple(str(tags).split()), deck, int(mtime)))
    by_guid = {note.guid: note for note in notes}
    return BuildRecord(tuple(notes), note_type, by_guid)


def read_note_type(model: Any) -> RecordedNoteType | None:
    """Return the recorded note type from its JSON, or None if there is none."""
    if not isinstance(model, dict):
        return None
    [template] = model["tmpls"]
    return RecordedNoteType(
        tuple(str(f["name"]) for f in model["flds"]),
        str(template["qfmt"]),
        str(template["afmt"]),
        str(model["css"]),
        int(model["mod"]),
    )


def read_media(apkg: Path) -> dict[str, bytes]:
    """Return the media files a package holds, by name; none if it is unreadable."""
    try:
        with open_regular_file(apkg) as handle, zipfile.ZipFile(handle) as archive:
            manifest = json.loads(archive.read("media"))
            media = {}
            for entry, name in dict(manifest).items():
                info = archive.getinfo(str(entry))
                if info.file_size <= MAX_DATABASE_BYTES:
                    media[str(name)] = archive.read(info)
            return media
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile):
        return {}
