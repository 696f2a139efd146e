"""One package for the phone: every guide's deck, notes and media, merged from their packages.

The bundle is made from the per-guide packages the build just wrote (or left untouched,
when the cache knew them unchanged), so it holds exactly what they hold: the same GUIDs,
the same note type and the same modification times. Importing the bundle, the per-guide
packages, or both in any order therefore never duplicates a note, and re-importing one
after the other updates nothing. A guide that failed this time is bundled as its last
good package, if it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from interview_deck.build import BuildOptions, GuideFile, find_guides
from interview_deck.errors import GuideError, Problem


@dataclass(frozen=True)
class BundleResult:
    """What writing the bundle gave: its path, how many guides and notes it holds, problems."""

    path: Path
    guides: int = 0
    notes: int = 0
    problems: tuple[Problem, ...] = ()


def bundle_path(options: BuildOptions) -> Path | None:
    """Return where the bundle goes, or None when no bundle was asked for."""
    return options.out_dir / f"{options.bundle}.apkg" if options.bundle else None


def write_bundle(paths: Iterable[Path], options: BuildOptions) -> BundleResult:
    """Write `<out>/<bundle>.apkg` from the packages of every guide under `paths`."""
    from interview_deck.card import DeckData, NoteData, NoteType, deck_id_for
    from interview_deck.record import read_media, read_record
    from interview_deck.write import write_apkg

    target = bundle_path(options)
    assert target is not None, "write_bundle needs options.bundle"
    packages = [g.package(options) for g in find_guides(paths, options) if isinstance(g, GuideFile)]
    packages = [p for p in packages if p.is_file()]
    decks: dict[str, list[NoteData]] = {}
    media: dict[str, bytes] = {}
    note_type: NoteType | None = None
    seen: set[str] = set()
    bundled = 0
    for package in packages:
        record = read_record(package)
        if record.note_type is None:
            continue
        bundled += 1
        recorded_type = record.note_type
        if note_type is None or recorded_type.mtime > note_type.mtime:
            # Every package of one build has the same note type; the newest one is current.
            note_type = NoteType(
                recorded_type.front, recorded_type.back, recorded_type.css, recorded_type.mtime
            )
        for note in record.notes:
            if note.guid not in seen:
                seen.add(note.guid)
                decks.setdefault(note.deck, []).append(
                    NoteData(note.guid, note.fields, note.tags, note.mtime)
                )
        media.update(read_media(package))
    if note_type is None:
        problem = Problem(target, 0, "error", "no guide has a deck to bundle")
        return BundleResult(target, problems=(problem,))
    deck_data = [DeckData(name, deck_id_for(name), tuple(notes)) for name, notes in decks.items()]
    try:
        write_apkg(note_type, deck_data, target, media)
    except GuideError as e:
        return BundleResult(target, problems=tuple(e.problems))
    return BundleResult(target, bundled, len(seen))
