"""Names for what a guide says in its own words: topic, sections, difficulty, titles, tags."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from interview_deck.parse.vocabulary import LEADING_SYMBOLS, MARK_BEFORE_EMPHASIS

DIFFICULTY_WORDS = (
    "easy", "medium", "hard", "beginner", "intermediate", "advanced", "expert", "basic", "moderate",
)  # fmt: skip
# Green, yellow and red circles: difficulty shown by colour alone.
DIFFICULTY_EMOJI = "\U0001f7e2\U0001f7e1\U0001f534"
DIFFICULTY = re.compile(
    rf"\b(?:{'|'.join(DIFFICULTY_WORDS)})\b|[{DIFFICULTY_EMOJI}]", re.IGNORECASE
)
# Words that name the same step: "Hard / Advanced" is one difficulty.
DIFFICULTY_RANK = {
    "easy": 1, "beginner": 1, "basic": 1,
    "medium": 2, "intermediate": 2, "moderate": 2,
    "hard": 3, "advanced": 3, "expert": 3,
    "\U0001f7e2": 1, "\U0001f7e1": 2, "\U0001f534": 3,
}  # fmt: skip
# "Medium", "Easy–Medium", "Easy → Medium"; as a phrase also "Difficulty: Hard", "Hard level".
DIFFICULTY_WORD = rf"(?:{'|'.join(DIFFICULTY_WORDS)}|[{DIFFICULTY_EMOJI}])"
DIFFICULTY_RANGE = rf"{DIFFICULTY_WORD}(?:\s*(?:[-–—/]|→|->|to)\s*{DIFFICULTY_WORD})?"
DIFFICULTY_PHRASE = (
    rf"(?:(?:difficulty|level)\s*:\s*)?(?P<difficulty>{DIFFICULTY_RANGE})"
    r"(?:\s+(?:level|difficulty))?"
)
# One or two symbols, as in "🔴 Hard" or "⭐⭐ Medium".
SYMBOLS = r"[^\w\s()\[\]`*_.,:;!?'\"]{1,2}"
# After a question's title: "(Medium)", "[Hard]", "*(Easy–Medium)*", "— Medium", "🔴 Hard".
TRAILING_DIFFICULTY = re.compile(
    rf"\s*(?:(?:[*_]{{0,2}}[(\[]|\s[-–—|·])\s*(?:{SYMBOLS}\s*)?|\s{SYMBOLS}\s*)"
    rf"{DIFFICULTY_PHRASE}\s*(?:[)\]][*_]{{0,2}})?\s*$",
    re.IGNORECASE,
)
# A colour alone after a title: "How do you write a decorator? 🟡"; before it: "🟢 1. Title".
TRAILING_EMOJI = re.compile(rf"\s+(?P<difficulty>[{DIFFICULTY_EMOJI}])\s*$")
LEADING_EMOJI = re.compile(rf"^\s*(?P<difficulty>[{DIFFICULTY_EMOJI}])")
# A difficulty set apart at the end of a title is short: only this much of the end is searched,
# which keeps the search linear however long the title is.
TAIL = 80
# Names are made from at most this much of a heading: no real title is longer.
MAX_NAME = 300
BRACKETED_DIFFICULTY = re.compile(rf"[(\[]\s*{DIFFICULTY_PHRASE}\s*[)\]]", re.IGNORECASE)
# Before it, right after the number: "Q1 (Easy): Title", "Question 2 [Medium] — Title".
LEADING_DIFFICULTY = re.compile(
    rf"^[(\[]\s*{DIFFICULTY_PHRASE}\s*[)\]]\s*[:.\-–—]?\s*", re.IGNORECASE
)
# The body of "**Difficulty:** 🟢 Easy", "Medium | Category: Coding", "Medium–Hard"; not
# "Hard to reproduce" or "a basic setup".
STATED_DIFFICULTY = re.compile(
    rf"^\W*(?P<difficulty>{DIFFICULTY_RANGE})(?:\s*$|\s*[|·,;(\[\-–—/]|\s*[^\w\s])",
    re.IGNORECASE,
)
# The usual names of a guide's sections, once numbering and "Questions" are taken off.
SECTION_NAME = re.compile(
    r"^(?:theory|theoretical|conceptual|concepts|coding|practical|programming|hands-on"
    r"|behavioral|behavioural|system\s+design|scenarios?)(?:\s+(?:problems|challenges|exercises))?$",
    re.IGNORECASE,
)
SECTION_NOISE = re.compile(
    r"\bsection\s*(?:\d+|[A-Z]|[IVX]+)?\b|\bpart\s*[\dA-Z]?\b|\bquestions?(?:\s+(?:and|&)\s+answers?)?\b"
    r"|вопросы\s+(?:на|для|к)\s+собеседовани\w*|preguntas\s+de\s+(?:la\s+)?entrevista"
    r"|questions\s+d['’]entretien"
    r"|\(.*?\)|[#:—–|]|\s-\s",
    re.IGNORECASE,
)
# "1.", "1️⃣", "IV.", "B." before a section's name.
SECTION_NUMBER = re.compile(
    r"^(?:(?:\d\ufe0f?\u20e3){1,3}|\U0001f51f|\d{1,3}(?:\.\d{1,3})+\s|\d{1,3}[.)]|[IVX]{1,6}[.)]"
    r"|[A-Z][.)])\s*"
)
# What is left of "Part B — Hard Level Questions" once it names no section.
LEVEL_WORDS = re.compile(
    rf"{DIFFICULTY.pattern}|\b(?:levels?|difficulty|to|problems|challenges|exercises|tasks|\d+)\b"
    r"|[^\w\s]",
    re.IGNORECASE,
)
# "Interview questions" in Russian, Chinese, Spanish and French.
FOREIGN_QUESTIONS = (
    r"вопросы\s+(?:на|для|к)\s+собеседовани\w*|(?:经典)?面试题(?:与标准答案)?"
    r"|preguntas\s+de\s+(?:la\s+)?entrevista|questions\s+d['’]entretien"
)
# The words of a title that say what kind of document it is, not what it is about.
TOPIC_PHRASE = re.compile(
    r"\b(?:(?:a|the|comprehensive|complete|ultimate|essential)\s+)*(?:interview\s+)?"
    r"(?:guide|questions?(?:\s*(?:and|&)\s*answers?)?|q\s*&\s*a|prep(?:aration)?|cheat\s*sheet)"
    rf"(?:\s+(?:on|for|about|to))?\b|\binterview\b|{FOREIGN_QUESTIONS}",
    re.IGNORECASE,
)
GUIDE_WORDS = re.compile(
    rf"^(?:(?:{'|'.join(DIFFICULTY_WORDS)}|theory|coding|practical|concepts?|basics?|fundamentals"
    r"|from|to|and|&|with|solutions?|answers?|edition|levels?|practice|exercises?|unit|module"
    r"|lesson|chapter|day|week|recall|active|flash\s*cards?|cards?|quiz|drills?|\d+)\b\W*)+$",
    re.IGNORECASE,
)
# Words before a topic that describe the guide or its reader: "Mastering", "Senior".
QUALIFIER_WORDS = (
    r"(?:advanced|intermediate|beginner|basic|expert|senior|junior|mid[- ]?level|in[- ]depth"
    r"|technical|backend|back-end|frontend|front-end|developer|engineer|engineering|software"
    r"|mastering|cracking|mock|comprehensive|complete|ultimate|essential|practical|detailed"
    r"|quick|theory|coding|behaviou?ral|hard|easy|the|and|&|\+)"
)
# After a topic, "Engineer" names a role with it: "Data Engineer" is not about "Data".
TRAILING_QUALIFIER_WORDS = QUALIFIER_WORDS.replace("|engineer|engineering", "")
TOPIC_QUALIFIERS = re.compile(
    rf"^(?:{QUALIFIER_WORDS}\s*)+(?=\S|$)|(?:\s+{TRAILING_QUALIFIER_WORDS})+$", re.IGNORECASE
)
# A table of contents or summary may count the questions of the whole guide.
CONTENTS_HEADING = re.compile(
    r"^\W*(?:table\s+of\s+contents|contents|summary|overview|index"
    r"|содержание|оглавление|contenido|índice|sommaire|table\s+des\s+matières|目录)\b",
    re.IGNORECASE,
)
# "Top 30 ...", and a lesson's number: "22. Generic Constraints".
TOPIC_FILLER = re.compile(r"^[^\w.]*(?:top\s+)?(?:\d+\.?\s+)?|[\s\-–—:|,&]+$", re.IGNORECASE)


def find_trailing_difficulty(text: str) -> re.Match[str] | None:
    """Find a difficulty set apart at the end of a text: "Title (Medium)", "Title — 🔴 Hard"."""
    tail = max(0, len(text) - TAIL)
    return TRAILING_DIFFICULTY.search(text, tail) or TRAILING_EMOJI.search(text, tail)


def strip_trailing_symbols(text: str) -> str:
    """Remove what may be left at the end of a title once its difficulty is gone: " —", " 🟡"."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in "-|:" or is_symbol(text[end - 1])):
        end -= 1
    return text[:end]


def is_symbol(char: str) -> bool:
    """True for a non-ASCII character that is not part of a word: an emoji, a dash."""
    return ord(char) > 0x7F and not (char.isalnum() or char == "_")


def clip_name(text: str) -> str:
    """Return a heading's text with its spaces folded, cut to the length a name can have."""
    return " ".join(text[: MAX_NAME * 4].split())[:MAX_NAME]


def name_difficulty(text: str) -> str | None:
    """Return the difficulty a text names: "Medium", or a range such as "Easy–Medium"."""
    found = [str(word).title() for word in DIFFICULTY.findall(text)]
    # A colour beside a word ("🟢 Easy") repeats it; the word is the guide's own.
    words = [w for w in found if w not in DIFFICULTY_EMOJI] or found
    if not words:
        return None
    # "Hard / Advanced" says one thing twice; "Easy → Medium" is a range, "Easy–Medium".
    if len(words) > 1 and DIFFICULTY_RANK[words[0].lower()] == DIFFICULTY_RANK[words[1].lower()]:
        return words[0]
    return "–".join(dict.fromkeys(words[:2]))


def name_section(text: str, keep_difficulty: bool = True) -> str:
    """Return a section's short name: "SECTION 1 — THEORY QUESTIONS (20 TOTAL)" gives "Theory".

    A difficulty after the name ("Theory Questions — Easy") is left out. Other difficulty
    words are kept ("Advanced Concepts") unless `keep_difficulty` is false, which leaves
    "" for a heading that only names a level ("Easy Level (6 Questions)").
    """
    text = clip_name(text)
    trailing = find_trailing_difficulty(text)
    text = text[: trailing.start()] if trailing and trailing.start() > 0 else text
    # "📘 **Scenario-Based Questions**": the emphasis says nothing about the name.
    text = text.replace("**", "")
    name = SECTION_NOISE.sub(" ", SECTION_NUMBER.sub("", LEADING_SYMBOLS.sub("", text)))
    if not keep_difficulty:
        return " ".join(LEVEL_WORDS.sub(" ", name).split()).strip(" .-")
    name = " ".join(name.split()).strip(" .-")
    if not name and trailing:
        # "Part 1 — Beginner": the part is named by its level.
        return trailing["difficulty"].title()
    if not name:
        return text.strip()
    # "THEORY" is shouted, "SQL" is an acronym.
    acronym = name.isupper() and len(name) <= 3
    return name.title() if (name.isupper() or name.islower()) and not acronym else name


def name_topic(title: str, path: Path, *fallbacks: str) -> str:
    """Return the topic of the first title that names one, else the file's name.

    The front matter's `title:` comes first, then the guide's heading: "Behavioral
    Questions" names no topic, "# 🤝 Behavioral DevOps Interview Questions" does.
    """
    for text in (title, *fallbacks):
        topic = find_topic(text)
        if topic:
            return topic
    return path.stem.replace("-", " ").replace("_", " ").title()


def find_topic(title: str) -> str:
    """Return the topic: "Python Modules — Interview Guide (30 Qs)" gives "Python Modules".

    The title's parts are split at dashes, colons and bars. The topic is what comes before
    "Interview Guide" and the like in its part, what follows "Interview Questions on" when
    the title has one part, the part after "Topic:", or else the first plain part. Parts
    such as "Theory & Coding" or "Beginner to Advanced" describe the guide, not its topic.
    """
    title = clip_name(title)
    parts = [
        " ".join(p.split()) for p in re.split(r"\s[—–-]\s|[:|—–]", re.sub(r"\(.*?\)", "", title))
    ]
    plain = [p for p in parts if p and not TOPIC_PHRASE.search(p) and not GUIDE_WORDS.match(p)]
    topic = next((b for a, b in itertools.pairwise(parts) if a.lower() == "topic"), "")
    for part in parts:
        found = TOPIC_PHRASE.search(part) if not topic else None
        if found:
            # "Python Decorators — Senior Developer Interview Guide": the part before says
            # who the guide is for, not what it is about.
            before = TOPIC_FILLER.sub("", TOPIC_QUALIFIERS.sub("", part[: found.start()].strip()))
            after = TOPIC_FILLER.sub("", part[found.end() :])
            # "Python Interview Questions on Iterators" is about Python iterators.
            joined = f"{before} {after}" if re.search(r"\s(on|about)$", found[0]) else before
            topic = joined.strip() or ("" if plain else after)
            # "Python Interview Guide: Exception Handling" is about Python exception handling.
            if plain and " " not in topic:
                topic = f"{topic} {plain[0]}".strip()
    topic = TOPIC_FILLER.sub("", TOPIC_QUALIFIERS.sub("", topic or (plain[0] if plain else "")))
    # A shouted title is title-cased; a short one is more likely an acronym ("HTTP", "REST API").
    if topic.isupper() and any(len(word) > 5 for word in topic.split()):
        topic = topic.title()
    return topic


def strip_emphasis(text: str) -> str:
    """Remove emphasis that wraps a heading, `**1. Title**`, even with more after it.

    An emoji before the emphasis goes with it: `👉 **What is X?**` is "What is X?".
    """
    # Only `*`: in Python guides `__init__ vs __new__` is a title, not emphasis.
    bare = MARK_BEFORE_EMPHASIS.sub("", text.strip())
    match = re.fullmatch(r"(\*\*|\*)(.+)\1", bare)
    if match:
        return match.group(2).strip()
    match = re.fullmatch(r"(\*\*|\*)(.+)\1", text.strip())
    if match:
        return match.group(2).strip()
    # `**Q1: What is X?** (Medium)`: the bold part, then the rest.
    opening = re.fullmatch(r"(\*\*)(.+?)\1(\s+[^*_].*)", text.strip())
    return f"{opening.group(2).strip()}{opening.group(3)}" if opening else text.strip()


def slugify(text: str) -> str:
    """Return a tag-safe slug: "Python Modules" gives "python-modules"."""
    return "-".join(re.sub(r"[^\w\s-]", " ", text.lower()).replace("_", " ").split()) or "none"
