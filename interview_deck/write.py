"""Write outputs atomically: each to a temporary file beside it, then all of a guide's renamed."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import signal
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from interview_deck.card import FIELDS, MODEL_ID, MODEL_NAME, DeckData, NoteType
from interview_deck.errors import OutputError, Problem, SettingError

# A temporary output file older than this was left by a build that was killed.
STALE_SECONDS = 3600
# An output is compared with the one it would replace this much at a time.
COMPARE_CHUNK = 1024 * 1024
# Zip entry times cannot predate 1980 (1980-01-01) nor follow 2107 (2107-12-31 23:59:58).
ZIP_EPOCH = 315532800
ZIP_LATEST = 4354819198
# What SOURCE_DATE_EPOCH must look like: `date +%s`, digits only.
EPOCH_DIGITS = re.compile(r"[0-9]{1,20}", re.ASCII)


def write_apkg(
    note_type: NoteType,
    decks: Sequence[DeckData],
    target: Path,
    media: Mapping[str, Path | bytes] | None = None,
    staging: StagedOutputs | None = None,
) -> None:
    """Write decks as an .apkg with each note's own time; the same inputs give the same bytes.

    `media` maps each media file's name in the deck to its file or its bytes. With `staging`,
    the package is renamed into place together with the other outputs staged there.
    """
    import genanki

    model = create_model(note_type.front, note_type.back, note_type.css)
    package = genanki.Package([create_deck(deck, model) for deck in decks])
    # Every other time in the package (ids, the collection, the zip entries) is the newest
    # stamp, so a rebuild in which nothing changed writes the same bytes.
    timestamp = max([note_type.mtime, *(note.mtime for deck in decks for note in deck.notes)])

    # In a scratch file beside the deck, not in memory, where a large deck's database was
    # held twice (itself and its serialised copy). Nothing is journalled or synced: the file
    # is thrown away, and with both off it costs a fraction of a millisecond more.
    scratch = create_temporary(target)
    try:
        connection = sqlite3.connect(scratch)
        try:
            connection.execute("pragma journal_mode = off")
            connection.execute("pragma synchronous = off")
            cursor = connection.cursor()
            package.write_to_db(cursor, timestamp, itertools.count(timestamp * 1000))
            apply_stamps(cursor, note_type, decks)
            connection.commit()
        finally:
            connection.close()
        database = scratch.read_bytes()
    except OSError as e:
        raise OutputError([cannot_write_problem(target, e)]) from None
    except sqlite3.Error as e:
        # e.g. "database or disk is full"
        raise OutputError([Problem(target, 0, "error", f"cannot write: {e}")]) from None
    finally:
        scratch.unlink(missing_ok=True)
    media = media or {}
    # A guide dated before 1980 or after 2107 still gets a deck; only the zip's dates are clamped.
    entry_time = time.gmtime(min(max(timestamp, ZIP_EPOCH), ZIP_LATEST))[:6]
    with (
        open_output(target, staging) as handle,
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


def write_text(target: Path, text: str, staging: StagedOutputs | None = None) -> None:
    """Write a text output atomically, or stage it with a guide's other outputs."""
    with open_output(target, staging) as handle:
        handle.write(text.encode("utf-8"))


@dataclass(frozen=True)
class StagedFile:
    """An output written to a temporary file beside its target, not yet renamed into place."""

    temporary: Path
    target: Path


@dataclass
class StagedOutputs:
    """A guide's outputs, each written beside its target first, then all renamed at once."""

    files: list[StagedFile] = field(default_factory=list)

    def reserve(self, target: Path) -> Path:
        """Return the temporary file that stands for `target` until commit(), for a tool to fill."""
        staged = StagedFile(create_temporary(target), target)
        self.files.append(staged)
        return staged.temporary

    @contextlib.contextmanager
    def open(self, target: Path) -> Iterator[IO[bytes]]:
        """Yield a temporary file to write `target` into; raise OutputError if it can't be."""
        temporary = self.reserve(target)
        try:
            with temporary.open("wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as e:
            # e.g. a full disk: a message, not a traceback; commit() is never reached.
            raise OutputError([cannot_write_problem(target, e)]) from None

    def commit(self) -> None:
        """Rename every staged file into place; Ctrl-C and SIGTERM wait until all are."""
        for staged in self.files:
            if staged.target.is_dir():
                error = IsADirectoryError(21, "Is a directory")
                raise OutputError([cannot_write_problem(staged.target, error)])
        with signals_held():
            for staged in self.files:
                try:
                    if is_same_file_content(staged.temporary, staged.target):
                        # Left as it was, so that its time says when it last changed: a
                        # sync tool or `make` then sees no change (the bundle, most often).
                        staged.temporary.unlink()
                        continue
                    os.chmod(staged.temporary, 0o644)
                    os.replace(staged.temporary, staged.target)
                except OSError as e:
                    raise OutputError([cannot_write_problem(staged.target, e)]) from None
        self.files.clear()

    def discard(self) -> None:
        """Remove the temporary files of outputs that were not renamed into place."""
        for staged in self.files:
            with contextlib.suppress(OSError):
                staged.temporary.unlink(missing_ok=True)
        self.files.clear()


def is_same_file_content(new: Path, old: Path) -> bool:
    """True if `old` is a regular file with the same bytes as `new`."""
    try:
        if not old.is_file() or old.stat().st_size != new.stat().st_size:
            return False
        with new.open("rb") as fresh, old.open("rb") as kept:
            while True:
                chunk = fresh.read(COMPARE_CHUNK)
                if chunk != kept.read(COMPARE_CHUNK):
                    return False
                if not chunk:
                    return True
    except OSError:
        return False


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and SIGTERM in the block; they arrive when it ends (POSIX only)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def stage_outputs() -> Iterator[StagedOutputs]:
    """Yield a guide's set of outputs; they replace the old ones only if every one was written."""
    staging = StagedOutputs()
    try:
        yield staging
        staging.commit()
    finally:
        staging.discard()


@contextlib.contextmanager
def open_output(target: Path, staging: StagedOutputs | None = None) -> Iterator[IO[bytes]]:
    """Yield a file to write `target` into: staged with others, or renamed on its own when done."""
    if staging is not None:
        with staging.open(target) as handle:
            yield handle
        return
    with stage_outputs() as own, own.open(target) as handle:
        yield handle


def cannot_write_problem(target: Path, error: OSError) -> Problem:
    """Return the error for an output that could not be written."""
    return Problem(target, 0, "error", f"cannot write: {error.strerror}")


def create_temporary(target: Path) -> Path:
    """Create an empty hidden file beside `target` to write it in; raise OutputError if we can't.

    Temporary files older than an hour are left over from a killed build (a running
    build's are younger), so they are removed first.
    """
    # Compared as text, not as a glob: a guide may be named `[ab].md`.
    prefix = f".{target.name}."
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.iterdir():
            if not (stale.name.startswith(prefix) and stale.name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                if time.time() - stale.lstat().st_mtime > STALE_SECONDS:
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
    epoch = read_source_date_epoch()
    if epoch is not None:
        return float(epoch)
    return float(int(max(time.time(), *(p.stat().st_mtime for p in paths))))


def read_source_date_epoch() -> int | None:
    """Return SOURCE_DATE_EPOCH as seconds, or None if unset; raise SettingError if malformed."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    # Like `date +%s`: only digits, so `1e9`, `-5` and `1_000` are refused rather than guessed.
    if not EPOCH_DIGITS.fullmatch(value) or int(value) > ZIP_LATEST:
        raise SettingError(
            f"SOURCE_DATE_EPOCH is {value!r}; it must be a whole number of seconds since "
            f"1970-01-01 UTC, at most {ZIP_LATEST} (2107, the last year a zip file can hold)"
        )
    return int(value)
