"""Render Markdown fields to safe HTML once, for both the cards and the cheat sheet."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import inline as parse_inline_rule
from markdown_it.rules_core import text_join as join_text_rule
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from interview_deck.errors import Problem
from interview_deck.mathml import FORMULA_TOKENS, add_math_rules, convert_formula
from interview_deck.model import Field, Guide, Question
from interview_deck.parse import is_answer_label, is_safe_link
from interview_deck.patterns import SAFE_SCHEMES

WORD = re.compile(r"\w+")
# What a formula opens with: a token without any of these has no formula in it.
FORMULA_OPENERS = ("$", "\\(", "\\[")


@dataclass(frozen=True)
class RenderedField:
    """A field's label and its body as HTML."""

    label: str
    html: str
    secondary: bool


@dataclass(frozen=True)
class RenderedQuestion:
    """A question with its title and fields rendered to HTML."""

    question: Question
    title_html: str
    prompt: tuple[RenderedField, ...]
    main_answer: RenderedField | None
    details: tuple[RenderedField, ...]


@dataclass(frozen=True)
class RenderedGuide:
    """A guide with every question rendered; shared by the deck and the cheat sheet."""

    guide: Guide
    intro_html: str
    questions: tuple[RenderedQuestion, ...]
    # Every code block's HTML by hash_code(), for the next build of this guide to reuse.
    code: Mapping[str, str] = field(default_factory=dict)


@dataclass
class CodeBlocks:
    """Highlighted code blocks: those known from an earlier build, and those used in this one."""

    known: Mapping[str, str]
    used: dict[str, str] = field(default_factory=dict)

    def highlight(self, code: str, lang: str) -> str:
        """Return a block's HTML, from an earlier build if it had the same block."""
        key = hash_code(code, lang)
        block = self.known.get(key) or highlight_block(code, lang)
        self.used[key] = block
        return block


def render_guide(
    guide: Guide,
    images: Mapping[str, str] | None = None,
    highlighted: Mapping[str, str] | None = None,
) -> RenderedGuide:
    """Render every field of a guide to HTML, highlighting each code block once.

    `images` maps each image path as written in the guide to the `src` to use for it.
    `highlighted` is the `code` of an earlier rendering: its blocks need no Pygments.
    """
    markdown = create_renderer()
    known = dict(images or {})
    code = CodeBlocks(highlighted or {})

    def render(tokens: Sequence[Token], text: str) -> str:
        # Parsed guides carry their block tokens; parsing the text is for guides built by hand.
        env = {"images": known, "code": code}
        if tokens or not text:
            parse_inline(markdown, tokens)
            return str(markdown.renderer.render(list(tokens), markdown.options, env))
        return str(markdown.render(text, env))

    questions = tuple(render_question(render, q) for q in guide.questions)
    intro = render(guide.intro_tokens, guide.intro)
    return RenderedGuide(guide, intro, questions, code.used)


def render_question(
    render: Callable[[Sequence[Token], str], str], question: Question
) -> RenderedQuestion:
    """Render one question; the main answer is its first Answer or Solution field."""

    def render_field(f: Field) -> RenderedField:
        return RenderedField(f.label, render(f.tokens, f.body), f.secondary)

    answers = question.answer_fields
    main = next((f for f in answers if is_answer_label(f.label)), answers[0] if answers else None)
    return RenderedQuestion(
        question,
        create_renderer().renderInline(question.title),
        tuple(render_field(f) for f in question.prompt_fields),
        render_field(main) if main else None,
        tuple(render_field(f) for f in answers if f is not main),
    )


def find_formula_problems(guide: Guide) -> tuple[Problem, ...]:
    """Return a warning, at its line, for each formula that is shown as written, not as math."""
    markdown = create_renderer()
    problems: list[Problem] = []

    def check(tokens: Sequence[Token], first_line: int) -> None:
        # `first_line` is the 1-based line that the tokens' 0-based line 0 stands for.
        inlines = [
            t
            for t in tokens
            if t.type == "inline" and any(opener in t.content for opener in FORMULA_OPENERS)
        ]
        parse_inline(markdown, inlines)
        found = [(t, inline) for inline in inlines for t in inline.children or ()]
        found += [(t, t) for t in tokens if t.type in FORMULA_TOKENS]
        for formula, holder in found:
            if formula.type not in FORMULA_TOKENS:
                continue
            if convert_formula(formula.content, FORMULA_TOKENS[formula.type]) is not None:
                continue
            offset = (formula.meta or {}).get("offset", 0)
            line = first_line + (holder.map[0] if holder.map else 0)
            line += holder.content.count("\n", 0, offset) if holder is not formula else 0
            source = (formula.meta or {}).get("source") or formula.content
            problems.append(Problem(guide.path, line, "warning", describe_refused(source)))

    def check_text(tokens: Sequence[Token], text: str, line: int) -> None:
        # Guides built by hand have text but no tokens; their lines count from the field's.
        if tokens:
            check(tokens, 1)
        elif any(opener in text for opener in FORMULA_OPENERS):
            check(markdown.parse(text), line)

    check_text(guide.intro_tokens, guide.intro, 1)
    for question in guide.questions:
        if any(opener in question.title for opener in FORMULA_OPENERS):
            check(markdown.parseInline(question.title), question.line)
        for f in question.fields:
            check_text(f.tokens, f.body, f.line)
    return tuple(problems)


def describe_refused(source: str) -> str:
    """Return the warning for a formula the converter refused, quoting it on one line."""
    quoted = " ".join(source.split())
    if len(quoted) > 60:
        quoted = quoted[:59] + "…"
    return f"formula '{quoted}' cannot be shown as math; it is shown as written"


def parse_inline(markdown: MarkdownIt, tokens: Sequence[Token]) -> None:
    """Parse the inline content of block tokens, once: the structure pass leaves it unparsed."""
    state = StateCore("", markdown, {})
    # Block rules leave `children` empty; any inline content, once parsed, gives some.
    state.tokens = [t for t in tokens if t.type == "inline" and not t.children]
    parse_inline_rule(state)
    join_text_rule(state)


@cache
def create_renderer() -> MarkdownIt:
    """Return the Markdown renderer: raw HTML escaped, only safe links, code through Pygments."""
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.inline.ruler.before("emphasis", "dunder", read_dunder)
    add_math_rules(md)
    md.add_render_rule("link_open", render_link_open)
    md.add_render_rule("link_close", render_link_close)
    md.add_render_rule("image", render_image)
    md.add_render_rule("fence", render_fence)
    return md


def read_dunder(state: StateInline, silent: bool) -> bool:
    """Inline rule: `__init__` or `__FILE__` is a name, not `init` in bold.

    A word that starts and ends with two underscores stays as written; `__bold text__`,
    with a space inside, is still bold, as CommonMark has it.
    """
    start, src = state.pos, state.src
    if src[start] != "_" or (start > 0 and (src[start - 1].isalnum() or src[start - 1] == "_")):
        return False
    match = WORD.match(src, start, state.posMax)
    name = match.group() if match else ""
    if not (name.startswith("__") and name.endswith("__") and name.strip("_")):
        return False
    if not silent:
        state.push("text", "", 0).content = name
    state.pos = match.end() if match else start
    return True


def render_link_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render a link; a relative link (which would go nowhere on a card) becomes plain text."""
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    plain = urlsplit(href).scheme.lower() not in SAFE_SCHEMES
    # Links never nest, so one flag pairs this open with its close.
    env["plain_link"] = plain
    if plain:
        return '<span class="link">'
    return '<a href="' + html.escape(href) + '" rel="noopener noreferrer">'


def render_link_close(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Close a link opened by render_link_open."""
    return "</span>" if env.pop("plain_link", False) else "</a>"


def render_image(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render an image; images must be local files, packed with the deck, never fetched."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env)
    images: dict[str, str] = env.get("images", {}) if isinstance(env, dict) else {}
    if src in images:
        return f'<img src="{html.escape(images[src])}" alt="{html.escape(alt)}">'
    return f'<span class="image-missing">[image: {html.escape(alt or src)}]</span>'


def render_fence(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render a fenced code block through Pygments; the info string's first word is its language."""
    token = tokens[idx]
    # The info string is read as markdown-it's own fence rule reads it.
    info = unescapeAll(token.info).strip()
    lang = info.split(maxsplit=1)[0].lower() if info else ""
    code = env.get("code") if isinstance(env, dict) else None
    if isinstance(code, CodeBlocks):
        return code.highlight(token.content, lang)
    return highlight_block(token.content, lang)


def hash_code(code: str, lang: str) -> str:
    """Return the key of a code block's HTML: a hash of its language and text."""
    return hashlib.sha256(f"{lang}\0{code}".encode()).hexdigest()


@lru_cache(maxsize=4096)
def highlight_block(code: str, lang: str) -> str:
    """Highlight one code block to a `<pre>` element; cached so the deck and sheet share it."""
    from pygments import highlight

    lexer = find_lexer(lang)
    language = html.escape(lang or "text")
    body = html.escape(code) if lexer is None else highlight(code, lexer, create_formatter())
    return f'<pre class="highlight"><code class="language-{language}">{body}</code></pre>\n'


@cache
def find_lexer(lang: str) -> Any:
    """Return the Pygments lexer for a language name, or None; looked up once per language."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(lang) if lang else None
    except ClassNotFound:
        return None


@cache
def create_formatter() -> Any:
    """Return the one HTML formatter every block shares; building one costs more than a block."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)
