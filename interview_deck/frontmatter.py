"""Read a guide's YAML front matter without a YAML library: the few keys this tool honours.

Only `key: value` lines, quoted strings and lists (`tags: [a, b]`, or `tags:` followed by
`- a` lines) are read. What the keys `deck`, `title`, `tags` and `difficulty` hold is
honoured; other keys are skipped whatever their values look like, and a line that is none
of these is ignored with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from interview_deck.errors import Problem

# `key: value` or `key:` at the start of a line (YAML keys are usually plain words).
KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(?P<value>.*?))?[ \t]*$")
# `- item` of a block list, at any indentation.
ITEM_LINE = re.compile(r"^[ \t]*-(?:[ \t]+(?P<value>.*?))?[ \t]*$")
DOUBLE_QUOTED = re.compile(r'"(?P<text>(?:[^"\\]|\\.)*)"')
SINGLE_QUOTED = re.compile(r"'(?P<text>(?:[^']|'')*)'")
# A flow list's items: quoted strings (which may hold commas) or plain runs up to a comma.
FLOW_ITEM = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,]*?)\s*(?:,|$)')
# A comment after a plain value: YAML needs white space before the `#`.
TRAILING_COMMENT = re.compile(r"[ \t]+#.*$")
# Plain values starting with these mean YAML syntax this reader does not know.
SYNTAX_START = tuple("[]{}&*!|>%@`")
# A name longer than this is cut, as a heading's is.
MAX_NAME = 300
HONOURED = ("deck", "title", "tags", "difficulty")


@dataclass(frozen=True)
class FrontMatter:
    """What a guide's front matter says: its deck name, its topic and extra tags for its notes."""

    deck: str | None = None
    title: str | None = None
    tags: tuple[str, ...] = ()
    # The difficulty of the questions that state none: "intermediate".
    difficulty: str | None = None


@dataclass(frozen=True)
class FrontMatterLines:
    """The lines between a front matter's two `---` lines, and the 1-based number of the first."""

    first_line: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One top-level key: its line, the value on that line and the lines under it."""

    key: str
    line: int
    value: str
    under: tuple[str, ...]


def is_key_line(line: str) -> bool:
    """True for a top-level `key: value` or `key:` line."""
    return KEY_LINE.match(line) is not None


def is_readable_line(line: str) -> bool:
    """True for a line this reader understands: blank, a comment, a key, a list item, indented."""
    return (
        not line.strip()
        or line.lstrip().startswith("#")
        or is_key_line(line)
        or ITEM_LINE.match(line) is not None
        or line[:1] in (" ", "\t")
    )


def read_front_matter(path: Path, block: FrontMatterLines) -> tuple[FrontMatter, list[Problem]]:
    """Return what the honoured keys of a front matter say, and a warning for each unread line."""
    entries, problems = split_entries(path, block)
    found: dict[str, Entry] = {}
    for entry in entries:
        if entry.key in HONOURED:
            # As in most YAML readers, a key given twice keeps its last value.
            found[entry.key] = entry
    deck = read_deck(path, found["deck"], problems) if "deck" in found else None
    title = read_title(path, found["title"], problems) if "title" in found else None
    tags = read_tags(path, found["tags"], problems) if "tags" in found else ()
    # Read quietly: a guide may rate itself in ways this tool does not know ("difficulty: 2").
    level = found.get("difficulty")
    difficulty = read_scalar(level.value) if level and level.value and not level.under else None
    front = FrontMatter(deck, title, tags, (difficulty or "").strip() or None)
    return front, sorted(problems, key=lambda p: p.line)


def split_entries(path: Path, block: FrontMatterLines) -> tuple[list[Entry], list[Problem]]:
    """Group the lines under the key above them; warn about lines that belong to no key."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    for number, line in enumerate(block.lines, block.first_line):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key = KEY_LINE.match(line)
        if key:
            entries.append(Entry(key["key"].lower(), number, key["value"] or "", ()))
        elif entries and (ITEM_LINE.match(line) or line[:1] in (" ", "\t")):
            last = entries[-1]
            entries[-1] = Entry(last.key, last.line, last.value, (*last.under, line))
        else:
            message = "front matter: cannot read this line (expected 'key: value'); ignored"
            problems.append(Problem(path, number, "warning", message))
    return entries, problems


def read_deck(path: Path, entry: Entry, problems: list[Problem]) -> str | None:
    """Return the deck name, its `::` parts trimmed, or None with a warning."""
    text = read_text(path, entry, problems)
    if text is None:
        return None
    parts = [" ".join(part.split()) for part in text.split("::")]
    name = "::".join(part[:MAX_NAME] for part in parts if part)
    if not name:
        message = "front matter: 'deck' has no name between its '::'; ignored"
        problems.append(Problem(path, entry.line, "warning", message))
    return name or None


def read_title(path: Path, entry: Entry, problems: list[Problem]) -> str | None:
    """Return the title (the guide's topic), its spaces folded, or None with a warning."""
    text = read_text(path, entry, problems)
    return " ".join(text.split())[:MAX_NAME] if text is not None else None


def read_text(path: Path, entry: Entry, problems: list[Problem]) -> str | None:
    """Return a key's one-line value, or None with a warning when it is empty or anything else."""
    text = read_scalar(entry.value) if entry.value and not entry.under else None
    if text is not None and text.strip():
        return text
    if text is not None or not (entry.value or entry.under):
        message = f"front matter: '{entry.key}' is empty; ignored"
    else:
        message = f"front matter: '{entry.key}' must be one line of text; ignored"
    problems.append(Problem(path, entry.line, "warning", message))
    return None


def read_tags(path: Path, entry: Entry, problems: list[Problem]) -> tuple[str, ...]:
    """Return the tags of `tags: [a, b]`, `tags: a, b` or a `- a` list; warn about the rest."""
    items: list[str | None] | None
    if entry.value and not entry.under:
        items = read_flow_list(entry.value)
        if items is None:
            items = [read_scalar(part) for part in entry.value.split(",")]
    elif not entry.value and entry.under:
        matches = [ITEM_LINE.match(line) for line in entry.under]
        items = [read_scalar(m["value"] or "") if m else None for m in matches]
    else:
        items = None
    if items is None or any(item is None for item in items):
        message = "front matter: 'tags' must be a list such as [python, generators]; ignored"
        problems.append(Problem(path, entry.line, "warning", message))
        return ()
    tags: list[str] = []
    for item in items:
        assert item is not None
        if not re.search(r"\w", item):
            if item.strip():
                message = f"front matter: tag {item!r} has no letters or digits; ignored"
                problems.append(Problem(path, entry.line, "warning", message))
            continue
        tags.append(" ".join(item.split())[:MAX_NAME])
    return tuple(dict.fromkeys(tags))


def read_flow_list(value: str) -> list[str | None] | None:
    """Return the items of `[a, "b, c"]`, or None if the value is not a flow list."""
    text = TRAILING_COMMENT.sub("", value).strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    inner = text[1:-1].strip()
    if not inner:
        return []
    items = [m[1] for m in FLOW_ITEM.finditer(inner) if m.end() > m.start()]
    return [read_scalar(item) for item in items if item]


def read_scalar(value: str) -> str | None:
    """Return a quoted or plain YAML string's text, or None if it is other YAML syntax."""
    value = value.strip()
    double = DOUBLE_QUOTED.fullmatch(value)
    if double:
        return re.sub(r'\\(["\\/])', r"\1", double["text"])
    single = SINGLE_QUOTED.fullmatch(value)
    if single:
        return single["text"].replace("''", "'")
    text = TRAILING_COMMENT.sub("", value).strip()
    if text.startswith(("'", '"', *SYNTAX_START)):
        return None
    return text
