"""Write outputs atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

from interview_deck.card import FIELDS, MODEL_ID, MODEL_NAME, DeckData, NoteType
from interview_deck.errors import OutputError, Problem

# A temporary output file older than this was left by a build that was killed.
STALE_SECONDS = 3600
# Zip entry times cannot predate 1980.
ZIP_EPOCH = 315532800


def write_apkg(
    note_type: NoteType,
    decks: Sequence[DeckData],
    target: Path,
    media: Mapping[str, Path | bytes] | None = None,
) -> None:
    """Write decks as an .apkg with each note's own time; the same inputs give the same bytes.

    `media` maps each media file's name in the deck to its file or its bytes.
    """
    import genanki

    model = create_model(note_type.front, note_type.back, note_type.css)
    package = genanki.Package([create_deck(deck, model) for deck in decks])
    # Every other time in the package (ids, the collection, the zip entries) is the newest
    # stamp, so a rebuild in which nothing changed writes the same bytes.
    timestamp = max([note_type.mtime, *(note.mtime for deck in decks for note in deck.notes)])

    # In memory, then serialised: creating genanki's schema in a file on disk took 20 ms a deck.
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        package.write_to_db(cursor, timestamp, itertools.count(timestamp * 1000))
        apply_stamps(cursor, note_type, decks)
        connection.commit()
        database = connection.serialize()
    finally:
        connection.close()
    media = media or {}
    entry_time = time.gmtime(max(timestamp, ZIP_EPOCH))[:6]
    with (
        atomic_write(target) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        write_zip_entry(archive, "collection.anki2", database, entry_time)
        names = sorted(media)
        manifest = {str(i): name for i, name in enumerate(names)}
        write_zip_entry(archive, "media", json.dumps(manifest).encode(), entry_time)
        for i, name in enumerate(names):
            source = media[name]
            data = source if isinstance(source, bytes) else source.read_bytes()
            write_zip_entry(archive, str(i), data, entry_time)


def create_deck(deck: DeckData, model: Any) -> Any:
    """Return the genanki deck holding `deck`'s notes."""
    import genanki

    anki_deck = genanki.Deck(deck.deck_id, deck.name)
    # New cards come up in the guide's order, even beside other decks' notes with clashing ids.
    for position, note in enumerate(deck.notes, 1):
        anki_deck.add_note(
            genanki.Note(
                model=model,
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=position,
            )
        )
    return anki_deck


def apply_stamps(cursor: sqlite3.Cursor, note_type: NoteType, decks: Sequence[DeckData]) -> None:
    """Give each note, its cards and the note type their own time (genanki gives all one)."""
    stamps = [(note.mtime, note.guid) for deck in decks for note in deck.notes]
    cursor.executemany("update notes set mod = ? where guid = ?", stamps)
    cursor.execute("update cards set mod = (select mod from notes where notes.id = cards.nid)")
    (models_json,) = cursor.execute("select models from col").fetchone()
    models = json.loads(models_json)
    models[str(MODEL_ID)]["mod"] = note_type.mtime
    cursor.execute("update col set models = ?", (json.dumps(models),))


@cache
def create_model(front: str, back: str, css: str) -> Any:
    """Return the genanki note type; made once, as genanki works out its required fields slowly."""
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": front, "afmt": back}],
        css=css,
        sort_field_index=0,
    )


def write_zip_entry(
    archive: zipfile.ZipFile, name: str, data: bytes, when: tuple[int, ...]
) -> None:
    """Add one entry with a fixed time and permissions, so builds are reproducible."""
    info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    # Level 1 is three times faster than the default and the deck only a little larger.
    archive.writestr(info, data, compresslevel=1)


def write_text(target: Path, text: str) -> None:
    """Write a text output atomically."""
    with atomic_write(target) as handle:
        handle.write(text.encode("utf-8"))


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[IO[bytes]]:
    """Yield a temporary file beside `target` and rename it into place only if all went well."""
    temporary = create_temporary(target)
    try:
        with temporary.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as e:
        # e.g. a folder in the target's place, or a full disk: a message, not a traceback.
        temporary.unlink(missing_ok=True)
        raise OutputError([Problem(target, 0, "error", f"cannot write: {e.strerror}")]) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def create_temporary(target: Path) -> Path:
    """Create an empty hidden file beside `target` to write it in; raise OutputError if we can't.

    Temporary files older than an hour are left over from a killed build (a running
    build's are younger), so they are removed first.
    """
    pattern = f".{target.name}.*.tmp"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > STALE_SECONDS:
                    stale.unlink()
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(handle)
    except OSError as e:
        problem = Problem(target.parent, 0, "error", f"cannot write output folder: {e.strerror}")
        raise OutputError([problem]) from None
    return Path(name)


def output_timestamp(*paths: Path) -> float:
    """Return the earliest time a new or changed note may get.

    That is SOURCE_DATE_EPOCH when it is set; otherwise now, or the newest input's mtime if
    that is later, so that it is newer than anything an earlier build can have given.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return float(int(epoch))
    return float(int(max(time.time(), *(p.stat().st_mtime for p in paths))))
