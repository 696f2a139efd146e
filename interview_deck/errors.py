"""Problems found in guides, and the exceptions that carry them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]

# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts colour and
# title sequences, a newline starts a line), DEL, line separators and bidirectional overrides.
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# In a path, `:` before a digit would read as the `:line:` of a message.
LINE_SEPARATOR = re.compile(r":(?=\d)")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a guide, at a line of its source file."""

    path: Path
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        message = escape_controls(self.message)
        return f"{format_path(self.path)}:{self.line}: {self.severity}: {message}"


def escape_controls(text: str) -> str:
    """Return `text` with every control character written as a visible `\\x1b`-style escape."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return CONTROL_CHARACTERS.sub(escape, text)


def format_path(path: Path) -> str:
    """Return a path for the start of a message line: controls escaped, no forged `:line:`."""
    return LINE_SEPARATOR.sub(r"\\x3a", escape_controls(str(path)))


class InterviewDeckError(Exception):
    """Base class of every error this package raises on purpose."""


class GuideError(InterviewDeckError):
    """A guide cannot be built; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class OutputError(GuideError):
    """An output file could not be written."""


class SettingError(InterviewDeckError):
    """A setting from the environment (such as SOURCE_DATE_EPOCH) cannot be used."""
