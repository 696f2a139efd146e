"""Interview Deck: Markdown interview guides to Anki decks and printable cheat sheets."""

from pathlib import Path

__version__ = "0.1.0"
# Card and cheat-sheet templates and CSS, beside the package (an editable install).
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
