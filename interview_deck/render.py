"""Render Markdown fields to safe HTML once, for both the cards and the cheat sheet."""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from types import FrameType
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
from interview_deck.parse.markdown import SAFE_SCHEMES

WORD = re.compile(r"\w+")
# What a formula opens with: text without any of these has no formula in it.
FORMULA_OPENER = re.compile(r"\$|\\[(\[]")
# Text without these needs neither the formula rules nor the dunder rule.
FORMULA_OR_DUNDER = re.compile(r"\$|\\[(\[]|__")
# The time a code block's lexer may take; some Pygments lexers backtrack for minutes on a few
# bytes (a scala string of 40 backslashes). A block over budget is shown without colours.
HIGHLIGHT_SECONDS = 2.0

# Anki reads a card's HTML before showing it: `[sound:…]` and `[anki:tts]…` become play
# buttons, `[latex]…`, `[$]…` and `[$$]…` LaTeX images. Its patterns run on the raw HTML, so
# an entity for the bracket stops them; a bracket that ends a fragment is taken too, in case
# the next fragment completes the pattern.
ANKI_BRACKET = re.compile(r"\[(?=sound:|/?anki:|/?latex\]|/?\$\$?\]|\Z)", re.IGNORECASE)
# Anki's MathJax typesets `\(…\)` and `\[…\]` found in the page's text, after entities are
# decoded, but never across an element: an empty span after the backslash stops it.
MATHJAX_OPENER = re.compile(r"\\(?=[(\[]|\Z)")
MARKUP_TAG = re.compile(r"(<[^>]*>)")
# The renderer rules whose output holds a guide's text or code.
TEXT_RULES = ("text", "code_inline", "code_block", "fence", "image", "link_open")
# A cached token's type: Pygments names such as `Keyword.Namespace`, never markup.
TOKEN_KIND = re.compile(r"(?:[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*)?")


@dataclass(frozen=True, slots=True)
class CodeToken:
    """One piece of a highlighted code block: its Pygments token type and its text."""

    kind: str
    text: str


# A code block as tokens, which the cache keeps: text and type names, never HTML.
CodeTokens = tuple[CodeToken, ...]


@dataclass(frozen=True, slots=True)
class RenderedField:
    """A field's label and its body as HTML."""

    label: str
    html: str
    secondary: bool


@dataclass(frozen=True, slots=True)
class RenderedQuestion:
    """A question with its title and fields rendered to HTML."""

    question: Question
    title_html: str
    prompt: tuple[RenderedField, ...]
    main_answer: RenderedField | None
    details: tuple[RenderedField, ...]


@dataclass(frozen=True, slots=True)
class RenderedGuide:
    """A guide with every question rendered; shared by the deck and the cheat sheet."""

    guide: Guide
    intro_html: str
    questions: tuple[RenderedQuestion, ...]
    # Every code block's tokens by hash_code(), for the next build of this guide to reuse.
    code: Mapping[str, CodeTokens] = field(default_factory=dict)
    # Code blocks shown without colours because highlighting them took too long.
    warnings: tuple[Problem, ...] = ()
    # True if any formula was rendered: only then can find_formula_problems find any.
    has_formulas: bool = False


@dataclass(frozen=True, slots=True)
class SlowBlock:
    """A code block that could not be highlighted within the budget, at its line in the guide."""

    line: int
    lang: str


@dataclass(slots=True)
class CodeBlocks:
    """Highlighted code blocks: those known from an earlier build, and those used in this one."""

    known: Mapping[str, CodeTokens]
    used: dict[str, CodeTokens] = field(default_factory=dict)
    slow: list[SlowBlock] = field(default_factory=list)

    def highlight(self, code: str, lang: str, line: int) -> str:
        """Return a block's HTML, from an earlier build's tokens if it had the same block."""
        key = hash_code(code, lang)
        tokens = self.known.get(key)
        if tokens is None or not tokens_match(tokens, code):
            tokens = lex_block(code, lang, HIGHLIGHT_SECONDS)
        if tokens is None:
            self.slow.append(SlowBlock(line, lang))
            return render_code(lang, (CodeToken("", code),))
        self.used[key] = tokens
        return render_code(lang, tokens)


def render_guide(
    guide: Guide,
    images: Mapping[str, str] | None = None,
    highlighted: Mapping[str, CodeTokens] | None = None,
) -> RenderedGuide:
    """Render every field of a guide to HTML, highlighting each code block once.

    `images` maps each image path as written in the guide to the `src` to use for it.
    `highlighted` is the `code` of an earlier rendering: its blocks need no Pygments.
    """
    markdown = create_renderer()
    known = dict(images or {})
    code = CodeBlocks(highlighted or {})
    # render_formula adds each formula it renders.
    formulas: list[Token] = []

    def render(tokens: Sequence[Token], text: str, line: int) -> str:
        # Parsed guides carry their block tokens; parsing the text is for guides built by hand.
        env = {"images": known, "code": code, "formulas": formulas, "first_line": 0}
        if tokens or not text:
            # The inline tokens are parsed in copies, so the guide's tokens do not keep them.
            tokens = [t.copy() if t.type == "inline" and not t.children else t for t in tokens]
            parse_inline(tokens)
            return str(markdown.renderer.render(tokens, markdown.options, env))
        # Lines of a parsed text count from its own start.
        env = {"images": known, "code": code, "formulas": formulas, "first_line": line - 1}
        return str(markdown.render(text, env))

    def render_title(title: str) -> str:
        env = {"formulas": formulas}
        tokens = choose_parser(title).parseInline(title, env)
        return str(markdown.renderer.render(tokens, markdown.options, env))

    questions = tuple(render_question(render, render_title, q) for q in guide.questions)
    intro = render(guide.intro_tokens, guide.intro, 1)
    warnings = tuple(
        Problem(
            guide.path,
            block.line,
            "warning",
            f"{block.lang or 'code'} block could not be highlighted within "
            f"{HIGHLIGHT_SECONDS:g} s; it is shown without colours",
        )
        for block in code.slow
    )
    # The rendered guide keeps no tokens: it outlives the parsed one in a build.
    light = replace(guide, questions=tuple(q.question for q in questions), intro_tokens=())
    return RenderedGuide(
        light,
        intro,
        questions,
        code.used,
        warnings=warnings,
        has_formulas=bool(formulas),
    )


def render_question(
    render: Callable[[Sequence[Token], str, int], str],
    render_title: Callable[[str], str],
    question: Question,
) -> RenderedQuestion:
    """Render one question; the main answer is its first Answer or Solution field."""

    def render_field(f: Field) -> RenderedField:
        return RenderedField(f.label, render(f.tokens, f.body, f.line), f.secondary)

    answers = question.answer_fields
    main = next((f for f in answers if f.main or is_answer_label(f.label)), None)
    main = main or (answers[0] if answers else None)
    return RenderedQuestion(
        question.without_tokens(),
        render_title(question.title),
        tuple(render_field(f) for f in question.prompt_fields),
        render_field(main) if main else None,
        tuple(render_field(f) for f in answers if f is not main),
    )


def find_formula_problems(guide: Guide) -> tuple[Problem, ...]:
    """Return a warning, at its line, for each formula that is shown as written, not as math."""
    markdown = create_renderer()
    # Each token that holds a formula, with the 1-based line its 0-based line 0 stands for.
    holders: list[tuple[Token, int]] = []
    texts = [(guide.intro_tokens, guide.intro, 1)]
    texts += [(f.tokens, f.body, f.line) for q in guide.questions for f in q.fields]
    for tokens, text, line in texts:
        if not tokens and FORMULA_OPENER.search(text):
            # A guide built by hand has text but no tokens; its lines count from the field's.
            holders += [(t, line) for t in markdown.parse(text) if holds_formula(t)]
        elif tokens:
            holders += [(t, 1) for t in tokens if holds_formula(t)]
    for q in guide.questions:
        if FORMULA_OPENER.search(q.title):
            holders += [(t, q.line) for t in markdown.parseInline(q.title)]
    if not holders:
        return ()
    parse_inline([t for t, _ in holders])
    problems = []
    for holder, first_line in holders:
        inline = holder.type == "inline"
        for formula in holder.children or () if inline else (holder,):
            display = FORMULA_TOKENS.get(formula.type)
            if display is None or convert_formula(formula.content, display) is not None:
                continue
            meta = formula.meta or {}
            line = first_line + (holder.map[0] if holder.map else 0)
            line += holder.content.count("\n", 0, meta.get("offset", 0)) if inline else 0
            message = describe_refused(meta.get("source") or formula.content)
            problems.append(Problem(guide.path, line, "warning", message))
    return tuple(sorted(problems, key=lambda p: p.line))


def holds_formula(token: Token) -> bool:
    """True for inline content with a formula opener in it, or a formula block."""
    if token.type == "inline":
        return FORMULA_OPENER.search(token.content) is not None
    return token.type in FORMULA_TOKENS


def describe_refused(source: str) -> str:
    """Return the warning for a formula the converter refused, quoting it on one line."""
    quoted = " ".join(source.split())
    if len(quoted) > 60:
        quoted = quoted[:59] + "…"
    return f"formula '{quoted}' cannot be shown as math; it is shown as written"


def parse_inline(tokens: Sequence[Token]) -> None:
    """Parse the inline content of block tokens, once: the structure pass leaves it unparsed."""
    # Block rules leave `children` empty; any inline content, once parsed, gives some.
    unparsed = [t for t in tokens if t.type == "inline" and not t.children]
    special: list[Token] = []
    plain: list[Token] = []
    for token in unparsed:
        (special if FORMULA_OR_DUNDER.search(token.content) else plain).append(token)
    for markdown, group in ((create_renderer(), special), (create_plain_parser(), plain)):
        if group:
            state = StateCore("", markdown, {})
            state.tokens = group
            parse_inline_rule(state)
            join_text_rule(state)


def choose_parser(text: str) -> MarkdownIt:
    """Return the parser for some inline text: the renderer's, or the plain one if that will do.

    Most text has no formula and no dunder. Those rules are tried at every punctuation mark,
    which would cost a tenth of the rendering, so such text is parsed without them.
    """
    return create_renderer() if FORMULA_OR_DUNDER.search(text) else create_plain_parser()


@cache
def create_plain_parser() -> MarkdownIt:
    """Return the renderer's inline parser without the formula and dunder rules."""
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    return md


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
    # Last, so that every rule that writes a guide's text or code is covered, in one place.
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    for rule in TEXT_RULES:
        md.add_render_rule(rule, keep_anki_syntax_inert(renderer.rules[rule]))
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


def keep_anki_syntax_inert(rule: Callable[..., str]) -> Callable[..., str]:
    """Return the renderer rule with Anki's own syntax in its output shown as text, not run."""

    def render_inert(
        self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return neutralise_anki_syntax(rule(tokens, idx, options, env))

    return render_inert


def neutralise_anki_syntax(fragment: str) -> str:
    """Return an HTML fragment that shows as before, but in which Anki finds nothing to run.

    Covers sound and TTS tags, LaTeX tags and MathJax delimiters; see ANKI_BRACKET.
    """
    if "[" not in fragment and "\\" not in fragment:
        return fragment
    parts = MARKUP_TAG.split(fragment)
    # Odd parts are tags: their attributes are never typeset, so they need only the brackets.
    return "".join(
        ANKI_BRACKET.sub("&#91;", part if i % 2 else MATHJAX_OPENER.sub(r"\\<span></span>", part))
        for i, part in enumerate(parts)
    )


def escape_text(text: str) -> str:
    """Return plain text as HTML that neither the browser nor Anki interprets."""
    return neutralise_anki_syntax(html.escape(text))


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
    if not isinstance(code, CodeBlocks):
        code = CodeBlocks({})
    first_line = env.get("first_line", 0) if isinstance(env, dict) else 0
    line = first_line + (token.map[0] + 1 if token.map else 1)
    return code.highlight(token.content, lang, line)


def hash_code(code: str, lang: str) -> str:
    """Return the key of a code block's HTML: a hash of its language and text."""
    return hashlib.sha256(f"{lang}\0{code}".encode()).hexdigest()


@lru_cache(maxsize=4096)
def render_code(lang: str, tokens: CodeTokens) -> str:
    """Return a block's `<pre>` element; the tokens' text is escaped here, whatever it holds.

    Cached, so that the deck, the sheet and other guides with the same block share it.
    """
    from pygments import format as format_tokens

    language = html.escape(lang or "text")
    body = format_tokens(((to_token_type(t.kind), t.text) for t in tokens), create_formatter())
    return f'<pre class="highlight"><code class="language-{language}">{body}</code></pre>\n'


def lex_block(code: str, lang: str, seconds: float) -> CodeTokens | None:
    """Return a block's Pygments tokens, or None if its lexer takes more than `seconds`."""
    try:
        return lex_code(code, lang, seconds)
    except OutOfTime:
        return None


@lru_cache(maxsize=4096)
def lex_code(code: str, lang: str, seconds: float) -> CodeTokens:
    """Return a block's Pygments tokens; raise OutOfTime after `seconds` (which is not cached)."""
    lexer = find_lexer(lang)
    if lexer is None:
        return (CodeToken("", code),)
    with time_limit(seconds):
        return tuple(
            CodeToken(name_token_type(kind), text) for kind, text in lexer.get_tokens(code)
        )


def tokens_match(tokens: CodeTokens, code: str) -> bool:
    """True if the tokens spell out `code` (Pygments trims blank lines at either end)."""
    return "".join(t.text for t in tokens).strip("\n") == code.strip("\n")


def read_code_tokens(pairs: Any) -> CodeTokens:
    """Return tokens read from a cache's `[[kind, text], ...]`; raise ValueError if malformed."""
    if not isinstance(pairs, list):
        raise ValueError("code tokens are not a list")
    tokens = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ValueError("a code token is not a [kind, text] pair")
        kind, text = pair
        if not (isinstance(kind, str) and isinstance(text, str) and TOKEN_KIND.fullmatch(kind)):
            raise ValueError(f"not a code token: {pair!r:.80}")
        tokens.append(CodeToken(kind, text))
    return tuple(tokens)


@cache
def name_token_type(token_type: Any) -> str:
    """Return a Pygments token type's name, e.g. `Keyword.Namespace` (`` for plain text)."""
    return ".".join(token_type)


@cache
def to_token_type(kind: str) -> Any:
    """Return the Pygments token type named `kind` (checked against TOKEN_KIND when read)."""
    from pygments.token import Token

    node = Token
    for part in kind.split(".") if kind else ():
        node = getattr(node, part)
    return node


class OutOfTime(Exception):
    """Raised inside a time_limit() block whose time ran out."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the block once `seconds` have passed.

    A signal is the one way to stop a regular expression midway, and signals reach only
    the main thread (of the CLI, or of each worker process); elsewhere there is no limit.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


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
