"""Shared fixtures: the user's guide, built outputs, a real Anki collection, Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from interview_deck.build import BuildOptions, GuideResult, build
from interview_deck.pdf import find_chromium

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "content" / "python-modules.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def guide(tmp_path: Path) -> Path:
    """A copy of the user's guide in its own folder."""
    folder = tmp_path / "guides"
    folder.mkdir()
    path = folder / GUIDE.name
    shutil.copyfile(GUIDE, path)
    return path


@pytest.fixture
def options(tmp_path: Path) -> BuildOptions:
    """Build options writing to a fresh output folder."""
    return BuildOptions(out_dir=tmp_path / "out")


@pytest.fixture
def guides(tmp_path: Path) -> list[Path]:
    """Two copies of the user's guide (which has no warnings) in their own folder."""
    folder = tmp_path / "guides"
    folder.mkdir()
    paths = [folder / "first.md", folder / "second.md"]
    for path in paths:
        shutil.copyfile(GUIDE, path)
    return paths


def build_one(guide: Path, options: BuildOptions) -> GuideResult:
    """Build one guide and return its result, which must not have failed."""
    [result] = build([guide], options)
    assert not result.failed, [str(p) for p in result.problems]
    return result


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the user's guide once per session; return the output folder."""
    out = tmp_path_factory.mktemp("built")
    results = build([GUIDE], BuildOptions(out_dir=out))
    assert not any(r.failed for r in results), [str(p) for r in results for p in r.problems]
    return out


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[object]:
    """A fresh, empty Anki collection (the real engine)."""
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: object, path: Path) -> object:
    """Import an .apkg with Anki's defaults: update notes and note types if newer, no merge."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Condition

    options = ImportAnkiPackageOptions(
        with_scheduling=False,
        with_deck_configs=False,
        merge_notetypes=False,
        update_notes=Condition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=Condition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    )
    request = ImportAnkiPackageRequest(package_path=str(path), options=options)
    result = col.import_anki_package(request)  # type: ignore[attr-defined]
    # The Python side caches note types; Anki's own screens reload them after an import, and
    # without this a test would read the note type as it was before the import.
    col.models._clear_cache()  # type: ignore[attr-defined]
    return result


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary; skips with a reason when it is not installed."""
    path = find_chromium()
    if path is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does this)")
    return path
