"""Interview Deck: Markdown interview guides to Anki decks and printable cheat sheets."""

__version__ = "0.1.0"
