"""Problems found in guides, and the exceptions that carry them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a guide, at a line of its source file."""

    path: Path
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class InterviewDeckError(Exception):
    """Base class of every error this package raises on purpose."""


class GuideError(InterviewDeckError):
    """A guide cannot be built; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class OutputError(GuideError):
    """An output file could not be written."""
