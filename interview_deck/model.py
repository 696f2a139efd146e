"""The model every stage shares: a guide, its questions and their fields."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from interview_deck.errors import Problem

if TYPE_CHECKING:
    from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled part of a question, e.g. "Expected Answer", with its Markdown body."""

    label: str
    body: str
    line: int
    on_front: bool
    secondary: bool = False
    # True for the field the card shows as the answer, when no label says which one it is.
    main: bool = False
    # The body as parsed with the whole guide, so rendering need not parse it again.
    tokens: tuple[Token, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Question:
    """One numbered question of a guide."""

    number: int
    title: str
    section: str | None
    difficulty: str | None
    line: int
    fields: tuple[Field, ...]
    key: str
    # The key under the other numbering rule: with the section prefix if `key` has none, or
    # without it. An earlier package's notes may have used it (see card.keep_previous_keys).
    other_key: str = ""
    # Keys from the question's line as written, without its marks and number: what a plainer
    # reading of its title gave, for notes made before a title was read better.
    line_keys: tuple[str, ...] = ()

    @property
    def prompt_fields(self) -> tuple[Field, ...]:
        """The fields shown on the card front."""
        return tuple(f for f in self.fields if f.on_front)

    @property
    def answer_fields(self) -> tuple[Field, ...]:
        """The fields shown only on the card back, in source order."""
        return tuple(f for f in self.fields if not f.on_front)

    def without_tokens(self) -> Question:
        """Return the question without its fields' tokens, for once it is rendered.

        The tokens are most of a parsed guide's memory, and only rendering needs them.
        """
        return replace(self, fields=tuple(replace(f, tokens=()) for f in self.fields))


@dataclass(frozen=True, slots=True)
class Reading:
    """How the parser read one block: its 1-based line, its role and the rule that gave it."""

    line: int
    role: str
    rule: str


@dataclass(frozen=True, slots=True)
class Guide:
    """A parsed interview guide."""

    path: Path
    topic: str
    intro: str
    questions: tuple[Question, ...]
    warnings: tuple[Problem, ...] = field(default=())
    intro_tokens: tuple[Token, ...] = field(default=(), compare=False, repr=False)
    # Every block's reading, for `explain`.
    readings: tuple[Reading, ...] = field(default=(), compare=False, repr=False)
    # From the front matter: the deck's name (instead of folders and topic), extra tags.
    deck: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """The file name without `.md`: the guide's identity and its outputs' name."""
        return self.path.stem
