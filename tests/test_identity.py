"""Identity: every note that built before keeps its GUID, whatever the parser learns next.

`fixtures/identity.json` records the GUID of every note of the user's guide and of every
fixture guide, as built when the record was made. A GUID that disappears is a note whose
review history users lose on their next import, so a missing one fails the test. New
notes (questions the parser newly reads) may be added to the record with
`UPDATE_IDENTITY=1 pytest tests/test_identity.py`; that never removes a recorded GUID.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import genanki
import pytest

from interview_deck.card import GUID_NAMESPACE
from interview_deck.parse import parse_guide
from interview_deck.read import read_source

from .conftest import FIXTURES, GUIDE

RECORD = FIXTURES / "identity.json"
GUIDES = [GUIDE, *sorted((FIXTURES / "guides").glob("*.md"))]


def list_guids(path: Path) -> dict[str, str]:
    """Return the GUID of each note a guide builds, by the question's title."""
    guide = parse_guide(read_source(path))
    return {
        genanki.guid_for(GUID_NAMESPACE, guide.stem, q.key): f"{q.number}. {q.title}"
        for q in guide.questions
    }


def load_record() -> dict[str, dict[str, str]]:
    """Return the recorded GUIDs, by guide."""
    return json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.stem)
def test_every_recorded_note_keeps_its_guid(path: Path) -> None:
    found = list_guids(path)
    record = load_record()
    if os.environ.get("UPDATE_IDENTITY"):
        record[path.stem] = {**record.get(path.stem, {}), **found}
        RECORD.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    lost = {guid: title for guid, title in record[path.stem].items() if guid not in found}
    assert lost == {}


def test_the_record_covers_every_guide() -> None:
    assert set(load_record()) == {p.stem for p in GUIDES}
