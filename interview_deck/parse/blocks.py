"""Blocks: markdown-it's tokens walked once into records with their kind, lines and text.

Every other stage of the parser looks at blocks, never at token positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from interview_deck.parse.vocabulary import match_label

SAFE_SCHEMES = {"http", "https", "mailto"}
# markdown-it stops reading a document at its nesting limit (20 token levels), dropping the
# rest of it. Lists and quotes deeper than this are read as text instead, with a warning.
DEEP_LEVEL = 16


@cache
def create_parser() -> MarkdownIt:
    """Return the block parser whose tokens give a guide's structure and, later, its HTML.

    Inline content is left unparsed: the render stage parses only what it shows, which
    leaves out headings and labels (a third of the inline work of a typical guide).
    """
    md = MarkdownIt("commonmark", {"html": False})
    md.enable("table")
    md.disable("inline")
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    # A label line ends a paragraph or list without a blank line, as LLM-written guides expect.
    md.block.ruler.before(
        "paragraph", "field_label", end_block_at_label, {"alt": ["paragraph", "list", "blockquote"]}
    )
    md.block.ruler.before("table", "too_deep", read_deep_line_as_text)
    return md


def read_deep_line_as_text(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: inside lists or quotes nested too deep to parse, read a line as text.

    The 0-based line is recorded in `env["too_deep"]`, for the parser to warn about it.
    """
    if state.level < DEEP_LEVEL or silent:
        return False
    state.env.setdefault("too_deep", []).append(line)
    start = state.bMarks[line] + state.tShift[line]
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [line, line + 1]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = (
        state.src[start : state.eMarks[line]],
        [line, line + 1],
        [],
    )
    state.push("paragraph_close", "p", -1)
    state.line = line + 1
    return True


def is_safe_link(url: str) -> bool:
    """Allow http, https and mailto links, and relative paths (for local images)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES or (not scheme and not url.strip().startswith("//"))


def end_block_at_label(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """Block rule: as a terminator, report a `**Label:**` line that starts at column 0."""
    if not silent or state.sCount[line] != 0:
        return False
    start = state.bMarks[line] + state.tShift[line]
    return match_label(state.src[start : state.eMarks[line]]) is not None


@dataclass(frozen=True)
class Block:
    """One block of a guide, or of a list item or quote: a heading, a paragraph, a list...

    `line` and `last_line` are 1-based and inclusive. `text` is a heading's or paragraph's
    source text; `lead` is the text a list or quote opens with (its first paragraph's).
    """

    kind: str
    depth: int
    line: int
    last_line: int
    text: str
    lead: str
    tokens: tuple[Token, ...]

    @property
    def is_paragraph(self) -> bool:
        """True for a paragraph."""
        return self.kind == "paragraph"


@dataclass(frozen=True)
class Item:
    """One item of a list: its number (for an ordered list), lines and inner blocks."""

    number: str
    line: int
    last_line: int
    tokens: tuple[Token, ...]

    @property
    def blocks(self) -> list[Block]:
        """The item's blocks."""
        return read_blocks(list(self.tokens))


def read_blocks(tokens: list[Token]) -> list[Block]:
    """Split tokens into the blocks at their outermost level."""
    if not tokens:
        return []
    level = min(t.level for t in tokens)
    starts = [i for i, t in enumerate(tokens) if t.level == level and t.nesting >= 0 and t.map]
    return [
        make_block(tokens[a:b]) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)
    ]


def make_block(tokens: list[Token]) -> Block:
    """Return the Block of one opening token and the tokens up to the next block."""
    opening = tokens[0]
    assert opening.map is not None
    start, end = opening.map
    kind = opening.type.removesuffix("_open")
    depth = int(opening.tag[1]) if kind == "heading" else 0
    inline = next((t for t in tokens if t.type == "inline"), None)
    text = inline.content if inline is not None and kind in ("heading", "paragraph") else ""
    lead = ""
    if kind in ("bullet_list", "ordered_list", "blockquote"):
        # The first paragraph right at the start of the first item (or of the quote).
        inner = tokens[2:] if kind != "blockquote" else tokens[1:]
        if inner and inner[0].type == "paragraph_open" and len(inner) > 1:
            lead = inner[1].content
    return Block(kind, depth, start + 1, end, text, lead, tuple(tokens))


def read_items(block: Block) -> list[Item]:
    """Return the items of a list block."""
    tokens = block.tokens
    depth = tokens[0].level + 1
    opens = [i for i, t in enumerate(tokens) if t.type == "list_item_open" and t.level == depth]
    items = []
    for first, stop in zip(opens, [*opens[1:], len(tokens) - 1], strict=True):
        item = tokens[first]
        assert item.map is not None
        # Without the item's own open and close tokens.
        items.append(
            Item(item.info, item.map[0] + 1, item.map[1], tuple(tokens[first + 1 : stop - 1]))
        )
    return items


def quote_blocks(block: Block) -> list[Block]:
    """Return the blocks inside a quote."""
    return read_blocks(list(block.tokens[1:-1]))
