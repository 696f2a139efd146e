"""Re-imports in the real Anki engine: a note whose content changed is newer, an unchanged one
keeps its time, however the change came about (an edit, a template, a new version of the tool)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from interview_deck import build as build_module
from interview_deck import cache, card
from interview_deck.build import BuildOptions, build
from interview_deck.card import MODEL_ID, MODEL_NAME
from tests.conftest import import_apkg

Q1_ANSWER = "Any file ending in"


@dataclass(frozen=True)
class PackedNote:
    """A note as an .apkg holds it: the times that Anki's "if newer" compares."""

    guid: str
    mtime: int
    card_mtime: int


def build_apkg(guide: Path, out: Path, **choices: Any) -> Path:
    """Build one guide into `out` (through the cache, as a user's build goes); return its .apkg."""
    results = build([guide], BuildOptions(out_dir=out, **choices))
    assert not any(r.failed for r in results), [str(p) for r in results for p in r.problems]
    return out / f"{guide.stem}.apkg"


def read_package(apkg: Path) -> tuple[dict[str, PackedNote], int]:
    """Return an .apkg's notes by GUID, and its note type's time."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as scratch:
        connection = sqlite3.connect(archive.extract("collection.anki2", scratch))
        try:
            rows = connection.execute(
                "select n.guid, n.mod, c.mod from notes n join cards c on c.nid = n.id"
            ).fetchall()
            (models,) = connection.execute("select models from col").fetchone()
        finally:
            connection.close()
    notes = {guid: PackedNote(guid, mtime, card_mtime) for guid, mtime, card_mtime in rows}
    return notes, int(json.loads(models)[str(MODEL_ID)]["mod"])


def collection_times(col: Any) -> dict[str, int]:
    """Return each note's modification time in the collection, by GUID."""
    return {col.get_note(nid).guid: col.get_note(nid).mod for nid in col.find_notes("")}


def log_guids(col: Any, entries: Any) -> set[str]:
    """Return the GUIDs of the notes in one list of an import log."""
    return {col.get_note(entry.id.nid).guid for entry in entries}


@pytest.fixture(autouse=True)
def use_build_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds take their times from the clock unless a test sets SOURCE_DATE_EPOCH itself."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def upgrade_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Act as a new version of the tool that renders every field differently.

    The guide and the templates stay untouched; the version is what a release changes.
    """
    real = card.render_field

    def render_field(field: Any, with_label: bool = True) -> str:
        html = real(field, with_label)
        return html.replace('<section class="field', '<section data-v2 class="field')

    monkeypatch.setattr(card, "render_field", render_field)
    monkeypatch.setattr(cache, "__version__", "0.2.0")


def test_a_new_rendering_updates_every_changed_note_and_skips_none(
    guide: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = import_apkg(collection, build_apkg(guide, out))
    assert len(first.log.new) == 30
    guide_mtime = guide.stat().st_mtime_ns

    upgrade_renderer(monkeypatch)
    result = import_apkg(collection, build_apkg(guide, out))

    assert guide.stat().st_mtime_ns == guide_mtime
    assert (len(result.log.updated), len(result.log.duplicate), len(result.log.new)) == (30, 0, 0)
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    assert len(notes) == 30
    assert all("data-v2" in note["Answer"] for note in notes)
    assert all("data-v2" in note.cards()[0].answer() for note in notes)


def test_a_new_rendering_reaches_the_cards_when_the_output_folder_was_deleted(
    guide: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An earlier build, as of a minute ago; its package is imported, then the folder deleted.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) - 60))
    import_apkg(collection, build_apkg(guide, tmp_path / "out"))
    shutil.rmtree(tmp_path / "out")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")

    upgrade_renderer(monkeypatch)
    result = import_apkg(collection, build_apkg(guide, tmp_path / "out"))

    assert (len(result.log.updated), len(result.log.duplicate)) == (30, 0)


def test_a_rebuild_with_nothing_changed_restamps_no_note(
    guide: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "out"
    apkg = build_apkg(guide, out)
    before = apkg.read_bytes()
    notes_before, note_type_before = read_package(apkg)
    import_apkg(collection, apkg)
    times_before = collection_times(collection)

    # Saved again without a change, and built with another sheet: a real rebuild, not the cache.
    later = time.time() + 3600
    os.utime(guide, (later, later))
    [result] = build([guide], BuildOptions(out_dir=out, sheet="compact"))
    assert not result.cached and not result.failed
    notes_after, note_type_after = read_package(apkg)
    reimport = import_apkg(collection, apkg)

    assert notes_after == notes_before
    assert note_type_after == note_type_before
    assert apkg.read_bytes() == before
    assert (len(reimport.log.updated), len(reimport.log.duplicate)) == (0, 30)
    assert collection_times(collection) == times_before


def test_an_edited_question_updates_that_note_only(
    guide: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "out"
    apkg = build_apkg(guide, out)
    notes_before, note_type_before = read_package(apkg)
    import_apkg(collection, apkg)
    times_before = collection_times(collection)

    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace(Q1_ANSWER, "EDITED: any file ending in", 1), encoding="utf-8")
    notes_after, note_type_after = read_package(build_apkg(guide, out))
    result = import_apkg(collection, apkg)

    [edited] = [guid for guid in notes_after if notes_after[guid] != notes_before[guid]]
    assert notes_after[edited].mtime > max(n.mtime for n in notes_before.values())
    assert notes_after[edited].card_mtime == notes_after[edited].mtime
    assert note_type_after == note_type_before
    assert log_guids(collection, result.log.updated) == {edited}
    assert len(result.log.duplicate) == 29
    notes = {note.guid: note for note in map(collection.get_note, collection.find_notes(""))}
    assert "EDITED" in notes[edited]["Answer"]
    times_after = collection_times(collection)
    assert {g: t for g, t in times_after.items() if g != edited} == {
        g: t for g, t in times_before.items() if g != edited
    }


def test_a_changed_template_updates_the_note_type_in_place_without_restamping_notes(
    guide: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(card.TEMPLATES, templates)
    for module in (card, build_module, cache):
        monkeypatch.setattr(module, "TEMPLATES", templates)
    out = tmp_path / "out"
    apkg = build_apkg(guide, out)
    notes_before, _ = read_package(apkg)
    import_apkg(collection, apkg)

    css = templates / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.card { letter-spacing: 0.01em; }\n")
    result = import_apkg(collection, build_apkg(guide, out))

    assert "letter-spacing: 0.01em" in collection.models.get(MODEL_ID)["css"]
    assert [m["name"] for m in collection.models.all()].count(MODEL_NAME) == 1
    assert read_package(apkg)[0] == notes_before
    assert (len(result.log.new), len(result.log.updated), collection.note_count()) == (0, 0, 30)


def test_source_date_epoch_builds_are_byte_identical_with_or_without_a_record(
    guide: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    first = build_apkg(guide, out).read_bytes()
    # Rebuilt over its own package (the cache gone, so it really is rebuilt), and elsewhere.
    shutil.rmtree(out / ".cache")
    again = build_apkg(guide, out).read_bytes()
    elsewhere = build_apkg(guide, tmp_path / "elsewhere").read_bytes()

    assert first == again == elsewhere
    notes, note_type = read_package(out / "python-modules.apkg")
    assert {n.mtime for n in notes.values()} == {note_type} == {1700000000}


def test_source_date_epoch_still_makes_an_edited_note_newer(
    guide: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "out"
    import_apkg(collection, build_apkg(guide, out))

    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace(Q1_ANSWER, "EDITED: any file ending in", 1), encoding="utf-8")
    result = import_apkg(collection, build_apkg(guide, out))

    notes, note_type = read_package(out / "python-modules.apkg")
    assert sorted(n.mtime for n in notes.values()) == [1700000000] * 29 + [1700000001]
    assert note_type == 1700000000
    assert (len(result.log.updated), len(result.log.duplicate)) == (1, 29)


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a zip", b"PK\x03\x04 truncated"],
    ids=["empty", "not a zip", "truncated zip"],
)
def test_a_damaged_previous_package_is_no_record_and_no_error(
    guide: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) - 60))
    out = tmp_path / "out"
    import_apkg(collection, build_apkg(guide, out))
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (out / "python-modules.apkg").write_bytes(damage)

    upgrade_renderer(monkeypatch)
    result = import_apkg(collection, build_apkg(guide, out))

    assert (len(result.log.updated), len(result.log.duplicate)) == (30, 0)
