"""Read a guide file: decode it, normalise line endings, unwrap a chat's Markdown fence and
take its YAML front matter out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from interview_deck.errors import GuideError, Problem
from interview_deck.files import NotRegularFileError, open_regular_file
from interview_deck.frontmatter import (
    FrontMatter,
    FrontMatterLines,
    is_key_line,
    is_readable_line,
    read_front_matter,
)
from interview_deck.parse.questions import is_question_line

# A fence line: up to three spaces, three or more backticks or tildes, then an info string.
FENCE_LINE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)[^`]*$")
WRAPPER_INFO = {"markdown", "md"}
FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class Source:
    """A guide's text, with one line per line of the file so that line numbers stay true."""

    path: Path
    text: str
    front_matter: FrontMatter = field(default_factory=FrontMatter)
    # Lines of the front matter that could not be read.
    warnings: tuple[Problem, ...] = ()


def read_source(path: Path) -> Source:
    """Read and decode one guide; raise GuideError if it is empty, binary or not UTF-8."""
    try:
        with open_regular_file(path) as handle:
            data = handle.read()
    except FileNotFoundError:
        raise GuideError([Problem(path, 0, "error", "no such file")]) from None
    except IsADirectoryError:
        raise GuideError([Problem(path, 0, "error", "is a directory, not a guide")]) from None
    except NotRegularFileError:
        # A FIFO or device, refused before it can hang the build.
        raise GuideError([Problem(path, 0, "error", "not a regular file, not a guide")]) from None
    except OSError as e:
        raise GuideError([Problem(path, 0, "error", f"cannot read: {e.strerror}")]) from None
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise GuideError([Problem(path, line, "error", "binary file, not a Markdown guide")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the guide as UTF-8"
        raise GuideError([Problem(path, line, "error", message)]) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise GuideError([Problem(path, 1, "error", "file is empty")])
    # Front matter comes first in a file, or first inside a chat's wrapper; either way the
    # wrapper must not blank it out before it is read.
    text, block = take_front_matter(text)
    text = unwrap_guide(text)
    if block is None:
        text, block = take_front_matter(text)
    if block is None:
        return Source(path, text)
    front_matter, warnings = read_front_matter(path, block)
    return Source(path, text, front_matter, tuple(warnings))


def take_front_matter(text: str) -> tuple[str, FrontMatterLines | None]:
    """Blank out a `---` … `---` block that opens the text, keeping line numbers; return it.

    Only blank lines may come before it. A block that is never closed, does not start with
    a `key: value` line (comments aside), is mostly lines no YAML reader would take, or holds
    a question heading is a rule in the guide, not front matter: the text is left as it is.
    """
    lines = text.split("\n")
    opener = next((i for i, line in enumerate(lines) if line.strip()), None)
    if opener is None or lines[opener].rstrip() != FRONT_MATTER_FENCE:
        return text, None
    close = None
    for i in range(opener + 1, len(lines)):
        if lines[i].rstrip() == FRONT_MATTER_FENCE:
            close = i
            break
        if is_question_line(lines[i]):
            return text, None
    if close is None:
        return text, None
    inside = lines[opener + 1 : close]
    filled = [line for line in inside if line.strip() and not line.lstrip().startswith("#")]
    unread = sum(not is_readable_line(line) for line in filled)
    if not filled or not is_key_line(filled[0]) or unread * 2 > len(filled):
        return text, None
    blanked = ["" if opener <= i <= close else line for i, line in enumerate(lines)]
    return "\n".join(blanked), FrontMatterLines(opener + 2, tuple(inside))


def unwrap_guide(text: str) -> str:
    """Blank out a chat's outer ```markdown fence and whatever follows it, keeping line numbers.

    CommonMark would close a ```markdown wrapper at the guide's first bare ``` and
    render the rest as loose text, so the wrapper has to go before parsing.
    """
    lines = text.split("\n")
    opener = find_wrapper_opener(lines)
    if opener is None:
        return text
    close = find_wrapper_close(lines, opener)
    kept = [line if opener < i < close else "" for i, line in enumerate(lines)]
    return "\n".join(kept)


def find_wrapper_opener(lines: list[str]) -> int | None:
    """Return the index of a ```markdown fence that opens the document, before any question."""
    for i, line in enumerate(lines):
        if is_question_line(line):
            # Once a question is seen, a ```markdown fence is an example, not a wrapper.
            return None
        match = FENCE_LINE.match(line)
        if match:
            return i if match["info"].lower() in WRAPPER_INFO else None
    return None


def find_wrapper_close(lines: list[str], opener: int) -> int:
    """Return the index of the line that closes the wrapper (len(lines) if it is never closed).

    A bare fence that can close the wrapper either closes it or opens a bare code
    block inside the guide. It is the wrapper's close when no later fence would close
    that block, or when the block would hold nothing but blank lines (a stray fence).
    """
    outer = FENCE_LINE.match(lines[opener])
    assert outer is not None
    outer_fence = outer["fence"]
    inner: str | None = None
    for i in range(opener + 1, len(lines)):
        match = FENCE_LINE.match(lines[i])
        if match is None:
            continue
        if inner is not None:
            if closes_fence(lines[i], inner):
                inner = None
            continue
        if closes_fence(lines[i], outer_fence):
            if len(outer_fence) > 3:
                return i
            end = next((j for j in range(i + 1, len(lines)) if closes_fence(lines[j], "```")), None)
            if end is None or not any(line.strip() for line in lines[i + 1 : end]):
                return i
        inner = match["fence"]
    return len(lines)


def closes_fence(line: str, fence: str) -> bool:
    """True if `line` is a bare fence that would close a block opened with `fence`."""
    bare = line.strip()
    return (
        len(bare) >= len(fence)
        and bare == fence[0] * len(bare)
        and len(line) - len(line.lstrip()) < 4
    )
