"""Blocks: markdown-it's tokens walked once into records with their kind, lines and text.

Every other stage of the parser looks at blocks, never at token positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a list: its number (for an ordered list), lines and inner blocks.

    `tokens` are the item's content; `outer` adds its own opening and closing tokens.
    """

    number: str
    line: int
    last_line: int
    tokens: tuple[Token, ...]
    outer: tuple[Token, ...]

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
    # Spaces at a line's end are invisible in the guide, so no rule may see them: a bold
    # question line `**8. Why?** ` is still one bold line.
    text = strip_line_ends(text)
    lead = ""
    if kind in ("bullet_list", "ordered_list", "blockquote"):
        # The first paragraph right at the start of the first item (or of the quote).
        inner = tokens[2:] if kind != "blockquote" else tokens[1:]
        if inner and inner[0].type == "paragraph_open" and len(inner) > 1:
            lead = strip_line_ends(inner[1].content)
    return Block(kind, depth, start + 1, end, text, lead, tuple(tokens))


def strip_line_ends(text: str) -> str:
    """Return text without spaces or tabs at the end of any of its lines."""
    if " \n" not in text and "\t\n" not in text:
        return text
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


def read_items(block: Block) -> list[Item]:
    """Return the items of a list block."""
    tokens = block.tokens
    depth = tokens[0].level + 1
    opens = [i for i, t in enumerate(tokens) if t.type == "list_item_open" and t.level == depth]
    items = []
    for first, stop in zip(opens, [*opens[1:], len(tokens) - 1], strict=True):
        item = tokens[first]
        assert item.map is not None
        inner, outer = tuple(tokens[first + 1 : stop - 1]), tuple(tokens[first:stop])
        items.append(Item(item.info, item.map[0] + 1, item.map[1], inner, outer))
    return items


def quote_blocks(block: Block) -> list[Block]:
    """Return the blocks inside a quote."""
    return read_blocks(list(block.tokens[1:-1]))
