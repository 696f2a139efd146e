"""Interview Deck: Markdown interview guides to Anki decks and printable cheat sheets."""

from pathlib import Path

__version__ = "0.1.0"

# The tag of a note whose question is gone from its guide (see history.carry_removed).
REMOVED_TAG = "interview-deck::removed"

PACKAGE = Path(__file__).resolve().parent
# Card and cheat-sheet templates and CSS: packed inside the package by a wheel, and at the
# top level of a checkout (which an editable install uses).
TEMPLATES = PACKAGE / "templates"
if not TEMPLATES.is_dir():
    TEMPLATES = PACKAGE.parent / "templates"
