"""Questions in a heading's or a line's text: numbers, "Q" marks, titles and difficulties.

These read text, not blocks: the heading rules, the fence rule and the chat wrapper check
(`read.py`) all ask them whether a line is a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interview_deck.parse.naming import (
    LEADING_DIFFICULTY,
    LEADING_EMOJI,
    find_trailing_difficulty,
    name_difficulty,
    strip_emphasis,
    strip_trailing_symbols,
)
from interview_deck.parse.vocabulary import (
    LABEL,
    LEADING_SYMBOLS,
    MARK_BEFORE_EMPHASIS,
    QUESTION_NUMBER,
    match_label,
)

# "7. Title", "Q7: Title", "Question 7 — Title", "Problem 7: Title", "Coding Challenge 7 —
# Title"; in "1.2 Title" the question's number is 2.
# A word may name the kind first: "SQL Question 1", "Bonus Question 2", "Follow-up Q3".
QUESTION_WORD = (
    r"(?:[a-z][a-z+#-]{0,15}\s+)?(?:q|question|problem|challenge|exercise|task|scenario|card"
    r"|flashcard)"
)


QUESTION_HEADING = re.compile(
    rf"^(?:{QUESTION_WORD}\s*#?\s*)?(?:\d{{1,3}}\.(?=\d))?(?P<number>\d{{1,9}})"
    r"\s*(?:[.):：\-–—]\s*|\s+)(?P<title>.*)$",
    re.IGNORECASE,
)


# "### Question 7" with the question itself only in the field below.
BARE_QUESTION_HEADING = re.compile(
    rf"^{QUESTION_WORD}\s*#?\s*(?P<number>\d{{1,9}})\s*[.):]?$", re.IGNORECASE
)


# "Question 5A: Title", an alternative to question 5: it is numbered on from the one before.
LETTERED_QUESTION_HEADING = re.compile(
    rf"^{QUESTION_WORD}\s*#?\s*\d{{1,9}}[a-z]\s*[.):\-–—]\s*(?P<title>.*)$", re.IGNORECASE
)


# "Q: Title", "Question: Title": a question marked as one, without a number.
MARKED_QUESTION = re.compile(r"^(?:q|question)\s*[:：.)\-–—]\s*(?P<title>\S.*)$", re.IGNORECASE)


# "**Q7.** Title", "**Question 7:** Title": a number in bold (or italics), then the question.
BOLD_NUMBER = re.compile(
    r"^(?P<em>\*\*?|__?)(?P<number>(?:q|question)\s*#?\s*\d{1,9})\s*(?P<mark>[.:)]?)\s*(?P=em)"
    r"\s*[.:)]?\s*(?=\S)",
    re.IGNORECASE,
)


# "T1. Title", "AP2: Title": some guides mark questions with a short code of capitals and a
# number (T for tricky, AP for applied problem); in bold, "**Drill 26.**" does it with a word.
# A parenthesis may follow the number: "Q1 (co-01 -- methods)." names the card's concept.
CODE = r"(?P<code>[A-Z]{1,3}|[A-Z][a-z]{2,15} )(?P<number>\d{1,4})\s*(?P<slug>\([^()\n]{0,80}\))?"
PLAIN_CODE = re.compile(rf"^{CODE}\s*[.:)]\s*(?P<title>\S.*)$")
BOLD_CODE = re.compile(
    rf"^(?:\*\*|__){CODE}\s*(?P<stop>[.:)]?)\s*(?:\*\*|__)\s*(?P<after>[.:)]?)\s*(?P<title>\S.*)$"
)


@dataclass(frozen=True, slots=True)
class CodeMark:
    """A question marked by a code: its code ("T", "AP", "Drill "), number and title."""

    code: str
    number: int
    title: str
    # "(co-01 -- methods)" after the number; "(Easy)" there is the question's difficulty.
    slug: str = ""

    @property
    def is_word(self) -> bool:
        """True for a word rather than a code of capitals: "Drill 26."."""
        return self.code.endswith(" ")


def read_code_mark(text: str) -> CodeMark | None:
    """Read "T1. Title" or, in bold, `**AP1.** Title` and `**Drill 26.** Title`.

    Only a bold mark may be a word: a heading "Day 1: Basics" or "Step 2: Build" is a
    part of a plan, not a question.
    """
    bold = BOLD_CODE.match(text)
    if bold and (bold["stop"] or bold["after"]):
        return CodeMark(bold["code"], int(bold["number"]), bold["title"], bold["slug"] or "")
    plain = PLAIN_CODE.match(text)
    if plain and not plain["code"].endswith(" "):
        return CodeMark(plain["code"], int(plain["number"]), plain["title"], plain["slug"] or "")
    return None


def find_code_runs(texts: list[str]) -> frozenset[str]:
    """Return the codes that mark two numbers or more among these texts: a run of questions."""
    numbers: dict[str, set[int]] = {}
    for text in texts:
        mark = read_code_mark(text)
        if mark:
            numbers.setdefault(mark.code, set()).add(mark.number)
    return frozenset(code for code, found in numbers.items() if len(found) > 1)


def read_code_question(text: str, runs: frozenset[str], whole: str = "") -> str:
    """Return a code-marked question as "Question 7: Title", or "" if it is not one.

    A code of capitals is a question when its code marks a run or its text asks; a word
    ("**Step 1.**", "**Python 3.**") only when it does both. `whole` is the paragraph it opens.
    """
    mark = read_code_mark(text)
    if mark is None:
        return ""
    asks = asks_something(strip_time_note(whole or mark.title), strictly=True)
    in_run = mark.code in runs
    if not (in_run and asks if mark.is_word else in_run or asks):
        return ""
    difficulty = f" {mark.slug}" if LEADING_DIFFICULTY.match(mark.slug) else ""
    return f"Question {mark.number}{difficulty}: {mark.title}"


# A numbered title inside a label, as in `**7. Fetch URLs:** Fetch a list of URLs.`
NUMBERED = re.compile(r"^\d{1,9}[.)]\s*\S")


# Keycap digits, "1️⃣" or "1️⃣2️⃣", and "🔟", as LLMs number headings with them.
KEYCAP = re.compile(r"^((?:\d\ufe0f?\u20e3)+|\U0001f51f)\s*")


# "5 Tips for the Interview": a number and a word, with no stop between.
PLAIN_NUMBER = re.compile(r"^\d{1,9}\s+[^\W\d]")


# "3.1 Why it matters": a part of question 3.
SUB_NUMBER = re.compile(r"^\d{1,3}\.\d{1,3}\b")


def match_question_heading(text: str) -> re.Match[str] | None:
    """Match a numbered question heading: "7. Title", "Q7: Title", "🔹 7. Title", "7️⃣ Title"."""
    # Runs of spaces are folded first: some of these patterns would backtrack over them.
    text = " ".join(text.split())
    keycap = KEYCAP.match(text)
    if keycap:
        number = "10" if keycap[1] == "\U0001f51f" else re.sub(r"\D", "", keycap[1])
        text = f"{number}. {text[keycap.end() :]}"
    # "🔸 **Scenario 1: ...**": emphasis inside the symbols.
    text = strip_emphasis(LEADING_SYMBOLS.sub("", text))
    return (
        QUESTION_HEADING.match(text)
        or BARE_QUESTION_HEADING.match(text)
        or LETTERED_QUESTION_HEADING.match(text)
        or MARKED_QUESTION.match(text)
    )


def read_number(match: re.Match[str]) -> int | None:
    """Return the number a question heading gives, if it gives one ("Q: Title" does not)."""
    number = match.groupdict().get("number")
    return int(number) if number else None


# An ATX heading line and its text (the question recogniser ignores a closing run of #).
HEADING_LINE = re.compile(r"^ {0,3}(?P<marks>#{1,6})[ \t]+(?P<text>.*)$")


def is_question_line(line: str, min_depth: int = 1) -> bool:
    """True for a line that is a numbered question heading, "### 7. Title", `min_depth` deep."""
    heading = HEADING_LINE.match(line)
    if heading is None or len(heading["marks"]) < min_depth:
        return False
    return match_question_heading(strip_emphasis(heading["text"])) is not None


def read_bold_question(content: str) -> str:
    """Return the heading a one-line bold paragraph stands for, if it is numbered, else "".

    `**7. Title**` is "7. Title", `**Q7.** Title` is "Q7. Title", `**7. Title:** Do X`
    is "7. Title" (its prompt, "Do X", is read with the question's fields), and
    `**Question 3:**` is "Question 3:" (its prompt is the lines below it).
    """
    content = MARK_BEFORE_EMPHASIS.sub("", content)
    if "\n" in content or not content.startswith(("*", "_")):
        return ""
    unbolded = BOLD_NUMBER.sub(r"\g<number>\g<mark> ", content)
    if unbolded != content:
        return unbolded
    if is_bold_line(content):
        return strip_emphasis(content)
    label = LABEL.match(content)
    if label and not content[label.end() :].strip() and QUESTION_NUMBER.match(label["label"]):
        # `**Question 3:**` alone on its line, the question itself on the lines below.
        return f"{label['label'].strip()}:"
    return label["label"].strip() if label and NUMBERED.match(label["label"]) else ""


def is_bold_line(text: str) -> bool:
    """True for one line of bold text, `**...**`, that is not a label (`**Label:**`)."""
    return (
        text.startswith(("**", "__"))
        and "\n" not in text
        and re.fullmatch(r"(\*\*|__)[^*_].*\1", text) is not None
        and match_label(text) is None
    )


@dataclass(frozen=True, slots=True)
class QuestionTitle:
    """What a question's heading says: its number (if any), title and difficulty (if any)."""

    number: int | None
    title: str
    difficulty: str | None


# "(5 minutes)", "(5-10 min)", "[10 mins]", `(30–45s)` at the end of a title.
TIME_NOTE = re.compile(
    r"`?[(\[]\s*~?\d{1,3}(?:\s*[-–]\s*\d{1,3})?\s*"
    r"(?:minutes?|mins?|hours?|hrs?|seconds?|secs?|s)\.?\s*[)\]]`?",
    re.IGNORECASE,
)
# "(!)" before or after a title marks an important question; it is not part of the title.
IMPORTANT_MARK = re.compile(r"^\(!{1,3}\)\s*|\s*\(!{1,3}\)$")


def strip_time_note(title: str) -> str:
    """Return a title without the time it takes: "Go Basics (5 minutes)" is "Go Basics"."""
    text = title.rstrip()
    # Only the last bracket is tried, so a title with many brackets is read once.
    start = max(text.rfind("("), text.rfind("["))
    if start > 0 and text[start - 1] == "`":
        start -= 1
    return text[:start].rstrip() if start > 0 and TIME_NOTE.fullmatch(text[start:]) else title


def read_question_title(text: str) -> QuestionTitle:
    """Read a question heading: "Q3 (Easy): Title", "7. Title — 🔴 Hard", "Title"."""
    match = match_question_heading(text)
    title = (match.groupdict().get("title") or "").strip() if match else text
    colour = LEADING_EMOJI.match(text)
    difficulty = colour["difficulty"] if colour else None
    for found in (LEADING_DIFFICULTY.search(title), find_trailing_difficulty(title)):
        if found:
            difficulty = name_difficulty(found["difficulty"])
            title = strip_trailing_symbols(title[: found.start()] + title[found.end() :]).strip()
    number = read_number(match) if match else None
    # "Go Basics (5 minutes)": the time it takes is not part of the title.
    title = IMPORTANT_MARK.sub("", strip_time_note(title))
    return QuestionTitle(number, strip_quotes(strip_emphasis(title)), difficulty)


def strip_quotes(title: str) -> str:
    """Return a title without the quotes around all of it: `"What is RAG?"` is What is RAG?."""
    quoted = len(title) > 2 and title[0] in '"“' and title[-1] in '"”'
    return title[1:-1].strip() if quoted and not any(q in title[1:-1] for q in '"“”') else title


def find_titled_prompt(line: str) -> int | None:
    """Return where the title ends in `**7. Fetch URLs:** Fetch a list.`, whose rest is a prompt."""
    found = LABEL.match(line)
    return found.end() if found else None


# The first words of a prompt that asks for something without a question mark.
ASKING_WORDS = re.compile(
    r"^\W*(?:write|implement|create|design|build|given|find|explain|describe|compare|list|name"
    r"|show|return|reverse|convert|define|modify|refactor|fix|debug|how|what|why|when|which"
    r"|where|who|can|could|should|is|are|do|does)\b",
    re.IGNORECASE,
)


def asks_something(text: str, strictly: bool = False) -> bool:
    """True for a paragraph that asks: it ends with "?" or, unless `strictly`, opens like a
    question or a task ("Write ...", "Explain ...")."""
    ending = text.rstrip(" *_)`\n\"'”’")
    # "？" is the full-width mark of Chinese and Japanese text.
    return ending.endswith(("?", "？")) or (not strictly and ASKING_WORDS.match(text) is not None)
