"""Math in guides: `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]`, read by markdown-it and shown as MathML.

Each formula is converted once, at build time, by latex2mathml; browsers and Anki's reviewers
lay MathML out natively, without a script, so Anki's MathJax never sees a formula. What the
converter gives is rebuilt from an allow-list of MathML elements and attributes, because a
formula is guide text and must not become a link, a style or markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath.index import math_inline_dollar

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from markdown_it.renderer import RendererHTML
    from markdown_it.utils import EnvType, OptionsDict

# Token type -> whether it is display math. The names are dollarmath's, for all four forms.
FORMULA_TOKENS = {"math_inline": False, "math_inline_double": True, "math_block": True}
# `\(…\)` is inline, `\[…\]` display; what closes each opener.
BRACKETS = {"(": ("\\)", "math_inline"), "[": ("\\]", "math_inline_double")}

# A space after the opening `$` or before the closing one means it is not math (`$5 and $10`).
read_dollars = math_inline_dollar(allow_space=False, allow_digits=True, allow_double=True)

# MathML Core, as far as latex2mathml writes it. Anything else means a formula is refused.
ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
    "munder", "mover", "munderover", "mfrac", "msqrt", "mroot", "mstyle", "mpadded",
    "mphantom", "mtable", "mtr", "mtd", "menclose", "merror",
})  # fmt: skip
# The elements that take a fixed number of children.
ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2,
         "msubsup": 3, "munderover": 3}  # fmt: skip
# Layout attributes only: no href, style, class or colours (a colour is unreadable at night).
ATTRIBUTES = frozenset({
    "displaystyle", "scriptlevel", "mathvariant", "mathsize", "stretchy", "fence", "form",
    "separator", "accent", "accentunder", "largeop", "movablelimits", "symmetric", "minsize",
    "maxsize", "lspace", "rspace", "width", "height", "depth", "voffset", "linethickness",
    "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines",
    "frame", "notation",
})  # fmt: skip
# latex2mathml sets `aligned` as one run with stray `&`s; `align*` is the same layout to it.
ALIGNED = re.compile(r"\\(begin|end)\{aligned\}")
# MathJax reads `\(` across elements; no backslash may reach a card's text.
BACKSLASH, REVERSE_SOLIDUS_OPERATOR = "\\", "\u29f5"
THIN_SPACE = '<mspace width="0.167em"></mspace>'
# Elements whose children are a row; the others (scripts, fractions) take a fixed number.
ROWS = frozenset({
    "math", "mrow", "mstyle", "mtd", "msqrt", "mpadded", "mphantom", "menclose", "merror",
})  # fmt: skip


class RefusedFormula(Exception):
    """The converter's MathML holds something a card must not show, or that it did not read."""


def add_math_rules(md: MarkdownIt) -> None:
    """Read the four math forms in inline content and render them as MathML, or as source."""
    md.inline.ruler.before("escape", "formula", read_formula)
    for name in FORMULA_TOKENS:
        md.add_render_rule(name, render_formula)


def read_formula(state: StateInline, silent: bool) -> bool:
    """Inline rule: a formula between `$`, `$$`, `\\(…\\)` or `\\[…\\]`."""
    start = state.pos
    char = state.src[start]
    if char == "$":
        found = read_dollar_formula(state, silent)
    elif char == "\\":
        found = read_bracket_formula(state, silent)
    else:
        return False
    if found and not silent:
        # The source is shown when the converter refuses it; the offset finds its line.
        state.tokens[-1].meta = {"source": state.src[start : state.pos], "offset": start}
    return found


# `[$]` and `[$$]`, which open and close Anki's LaTeX tags, `[/$]` and `[/$$]` too.
ANKI_LATEX_TAG = re.compile(r"\[/?\$\$?\]")


def read_dollar_formula(state: StateInline, silent: bool) -> bool:
    """Read `$…$` or `$$…$$` with dollarmath, unless a word touches either dollar (`US$5`).

    Anki's own LaTeX tags, `[$]…[/$]` and `[$$]…[/$$]`, are not formulas either: a bracket
    right before the opening dollar leaves it as written.
    """
    start, src = state.pos, state.src
    before = src[start - 1] if start > 0 else ""
    # A dollar after a dollar is the rest of a `$$` that was no formula.
    if is_word_char(before) or before == "$" or ANKI_LATEX_TAG.match(src, start - 1):
        return False
    if not read_dollars(state, True):
        return False
    end = state.pos
    state.pos = start
    # `$HOME/$USER` or `$x$y` is a variable or a price, not a formula.
    if end < len(src) and is_word_char(src[end]):
        return False
    if silent:
        state.pos = end
        return True
    return read_dollars(state, False)


def read_bracket_formula(state: StateInline, silent: bool) -> bool:
    """Read `\\(…\\)` (inline) or `\\[…\\]` (display) before the escape rule eats the backslash."""
    src, start = state.src, state.pos
    opener = src[start + 1 : start + 2]
    if opener not in BRACKETS:
        return False
    closer, kind = BRACKETS[opener]
    end = find_closer(state, closer, start + 2)
    if end < 0 or not src[start + 2 : end].strip():
        return False
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = src[start + 2 : end]
        token.markup = "\\" + opener
    state.pos = end + len(closer)
    return True


def find_closer(state: StateInline, closer: str, start: int) -> int:
    """Return where the first unescaped `closer` at or after `start` is, or -1.

    A paragraph of openers with no closer would be scanned once per opener; remembering
    that there is none after a position keeps the scan linear.
    """
    src = state.src
    key = f"formula-no-closer:{closer}"
    seen = state.env.get(key)
    if seen is not None and seen[0] is src and seen[1] <= start:
        return -1
    end = src.find(closer, start)
    while end >= 0:
        # `\\)` is a line break then a parenthesis: the closer's backslash must not be escaped.
        before = end
        while before > start and src[before - 1] == BACKSLASH:
            before -= 1
        if (end - before) % 2 == 0:
            return end
        end = src.find(closer, end + 1)
    state.env[key] = (src, start)
    return -1


def is_word_char(char: str) -> bool:
    """True for a letter, digit or underscore."""
    return char.isalnum() or char == "_"


def render_formula(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render a formula as MathML; one the converter refuses is shown as its source, as code."""
    token = tokens[idx]
    display = FORMULA_TOKENS[token.type]
    if isinstance(env.get("formulas"), list):
        env["formulas"].append(token)
    mathml = convert_formula(token.content, display)
    if mathml is None:
        source = (token.meta or {}).get("source") or f"{token.markup}{token.content}{token.markup}"
        shown = f'<code class="math-source">{html.escape(source)}</code>'
        return f'<div class="math-display">{shown}</div>\n' if token.block else shown
    if token.block:
        return f'<div class="math-display">{mathml}</div>\n'
    # Display math may sit inside a paragraph, where a <div> would end the paragraph.
    return f'<span class="math-display">{mathml}</span>' if display else mathml


@lru_cache(maxsize=4096)
def convert_formula(latex: str, display: bool) -> str | None:
    """Return a formula as safe MathML, or None if the converter cannot read it."""
    # Imported here: 40 ms, paid only by guides that have math.
    from latex2mathml.converter import convert_to_element

    try:
        mode = "block" if display else "inline"
        element = convert_to_element(ALIGNED.sub(r"\\\1{align*}", latex.strip()), display=mode)
        return write_mathml(element, display)
    # latex2mathml has a dozen error classes and no common base, and also raises
    # StopIteration, IndexError and RecursionError on broken input: any of them means "refused".
    except Exception:
        return None


def write_mathml(element: Element, display: bool) -> str:
    """Serialise the converter's tree from the allow-list; raise RefusedFormula on anything else."""
    parts: list[str] = []
    write_element(element, parts, ' display="block"' if display else "")
    return "".join(parts)


def write_element(element: Element, parts: list[str], extra: str = "") -> None:
    """Append one element, its text and its children, keeping only allowed attributes."""
    tag = element.tag
    if tag not in ELEMENTS or len(element) != ARITY.get(tag, len(element)):
        # `\frac{1}` gives a fraction with one part, which no browser can draw.
        raise RefusedFormula(tag)
    attributes = "".join(
        f' {name}="{html.escape(value)}"'
        for name, value in element.attrib.items()
        if name in ATTRIBUTES
    )
    parts.append(f"<{tag}{attributes}{extra}>")
    parts.append(write_text(element.text))
    children = list(element)
    for i, child in enumerate(children):
        # TeX sets a thin space around `\log` in `n \log n`; latex2mathml writes a bare <mi>.
        spaced = tag in ROWS and is_function_name(child)
        before, after = children[i - 1] if i else None, children[i + 1 : i + 2]
        if spaced and before is not None and before.tag != "mo" and not is_function_name(before):
            parts.append(THIN_SPACE)
        write_element(child, parts)
        if spaced and after and after[0].tag != "mo":
            parts.append(THIN_SPACE)
        parts.append(write_text(child.tail))
    parts.append(f"</{tag}>")


def is_function_name(element: Element) -> bool:
    """True for `\\log` or `\\sin` as latex2mathml writes them, alone or with a subscript."""
    if element.tag in ("msub", "msup", "msubsup") and len(element):
        return is_function_name(element[0])
    text = element.text or ""
    return element.tag == "mi" and len(text) > 1 and text.isalpha()


def write_text(text: str | None) -> str:
    """Return converter text as HTML; a backslash in it is a command the converter did not know."""
    if not text:
        return ""
    # latex2mathml writes symbols as character references and passes unknown input through.
    if BACKSLASH in text or text.strip() == "&":
        raise RefusedFormula(text)
    decoded = html.unescape(text).replace(BACKSLASH, REVERSE_SOLIDUS_OPERATOR)
    return html.escape(decoded, quote=False)
