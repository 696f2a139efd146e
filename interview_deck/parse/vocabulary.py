"""The label vocabulary: one table row per label that guides use, and how labels are written.

A label opens a field: `**Expected Answer:**`, `- **Hint**: ...`, `Q: ...`. Each row of
LABELS says what a label means (its role) and where it may stand (its flags). Everything
the parser asks of a label's meaning is asked through `lookup_label`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache


class Role(Enum):
    """What a labelled field is to its question."""

    PROMPT = "prompt"  # the question, and what it gives: "Question", "Example", "Starter Code"
    ANSWER = "answer"  # "Answer", "Expected Answer", "Solution Code"
    DETAIL = "detail"  # the rest of the back: "Explanation", "Complexity", "Hints"
    INTERVIEWER = "interviewer note"  # "Why Interviewers Ask This", "Follow-up"
    METADATA = "metadata"  # describes the question: "Difficulty", "Category"
    TERM = "term"  # a bold word with no field of its own: "Steps", "Summary", "Situation"


class Flag(Enum):
    """Where a label may stand and what it may do, beyond its role."""

    STARTS_QUESTION = "starts a question"  # under a heading, it makes that heading a question
    ALONE = "may stand alone"  # `**Explanation**` on its own line, without a colon
    SAME_DEPTH = "may be a heading as deep as its question"  # "### Solution"
    ANSWER_PART = "a part of an empty Answer"  # `**Answer:**` then `**Approach:**`
    OUTPUT = "an example's output"  # kept with the Input before it
    STAR = "a step of a STAR answer"  # Situation, Task, Action, Result
    OUTRO = "may close the whole guide"  # "Final Tips", "Key Takeaways"
    DIFFICULTY = "states the difficulty"  # "**Difficulty:** Hard" is not a field
    ASIDE = "shown as an interviewer's note"  # an answer "for the interviewer"
    EXPLAINS = "the answer when no label names one"  # "Explanation" under a question that asks


@dataclass(frozen=True, slots=True)
class LabelRow:
    """One label of the vocabulary: the pattern its text matches in full, its role and flags."""

    pattern: str
    role: Role
    flags: frozenset[Flag] = frozenset()


@dataclass(frozen=True, slots=True)
class Label:
    """What `lookup_label` tells about one label's text."""

    role: Role
    flags: frozenset[Flag]

    @property
    def is_known(self) -> bool:
        """True for the labels of a question's parts, rather than bold terms in an answer."""
        return self.role is not Role.TERM

    @property
    def is_aside(self) -> bool:
        """True for what the interviewer says or looks for, shown apart on the card."""
        return self.role is Role.INTERVIEWER or Flag.ASIDE in self.flags

    def has(self, flag: Flag) -> bool:
        """True if the label carries `flag`."""
        return flag in self.flags


def row(pattern: str, role: Role, *flags: Flag) -> LabelRow:
    """Return a table row."""
    return LabelRow(pattern, role, frozenset(flags))


F = Flag
# "The Coding", "Your Interview": what may come before a prompt label's noun.
PROMPT_KIND = (
    r"(?:the\s+)?(?:your\s+)?(?:(?:coding|practical|design|debugging|interview|theory"
    r"|theoretical|conceptual|technical)\s+)?"
)
# The nouns that only a question's own prompt has: "Question", "Problem Statement", "Task".
QUESTION_NOUN = r"(?:q|question|problem(?:\s+statement)?|task|challenge|exercise|prompt|scenario)"
BESIDE = (F.ALONE, F.SAME_DEPTH)
ANSWER_WORDS = r"\b(?:answer|ans|solution)\b"
INTERVIEWER_WORDS = r"(?:why\b.*\bask|interviewer|follow[- ]?ups?\b|what\s+.*look(?:ing)?\s+for)"
# First match wins, so a row that names one label exactly comes before a wider one.
LABELS: tuple[LabelRow, ...] = (
    row(r"task", Role.PROMPT, F.STARTS_QUESTION, F.STAR),
    row(rf"{PROMPT_KIND}{QUESTION_NOUN}", Role.PROMPT, F.STARTS_QUESTION),
    row(r"examples?", Role.PROMPT, *BESIDE),
    # "## Options" under "# Question": the choices of a multiple-choice question, on the front.
    row(r"(?:answer\s+)?(?:options|choices)", Role.PROMPT, *BESIDE),
    row(r"code", Role.PROMPT, F.SAME_DEPTH, F.ANSWER_PART),
    row(
        rf"{PROMPT_KIND}(?:starter\s+)?(?:{QUESTION_NOUN}|context|given|code(?:\s+snippet)?|snippet|buggy\s+code"
        r"|(?:sample\s+|example\s+)?input(?:\s*/\s*output)?|setup|constraints|requirements"
        r"|examples?(?:\s+usage)?|(?:function\s+)?signature|description|objective|goal"
        r"|(?:sample\s+|given\s+|input\s+|table\s+|database\s+)?(?:tables?|schema)"
        r"|(?:sample|given|input)\s+data(?:set)?)",
        Role.PROMPT,
    ),
    row(r"(?:sample\s+code|code\s+example|approach|implementation|walkthrough)", Role.DETAIL,
        *BESIDE, F.ANSWER_PART),
    row(r"output", Role.DETAIL, *BESIDE, F.OUTPUT),
    row(r"(?:sample\s+|expected\s+|example\s+)output(?:\s+format)?", Role.TERM, F.OUTPUT),
    row(r"steps", Role.TERM, F.ANSWER_PART),
    row(r"explanation", Role.DETAIL, *BESIDE, F.EXPLAINS),
    row(r"hints?|(?:the\s+)?fix|(?:(?:time|space)\s+)?complexity", Role.DETAIL, *BESIDE),
    # An answer by another name: "Skeleton" (its outline, to say aloud), "Model explanation".
    row(r"(?:answer\s+)?skeleton|model\s+(?:explanation|response)"
        r"|(?:sample|model|suggested|ideal)\s+response", Role.ANSWER),
    row(r"(?:common\s+)?(?:traps?|gotchas?)|distractor\s+analysis|why\s+not\s+(?:the\s+)?others\??",
        Role.DETAIL, F.ALONE),
    row(r"follow[- ]?ups?(?:\s+questions?)?", Role.INTERVIEWER, *BESIDE),
    row(r"notes?|key\s+takeaways?|takeaways?", Role.DETAIL, F.ALONE, F.OUTRO),
    row(
        r"key\s+points?|time\s*/\s*space\s+complexity|common\s+(?:mistakes?|pitfalls?)|pitfalls?"
        r"|discussion|analysis|usage|tests?|edge\s+cases|trade-?offs|how\s+it\s+works"
        r"|key\s+concepts?",
        Role.DETAIL,
        F.ALONE,
    ),
    row(r"(?:difficulty|level)(?:\s+level)?", Role.METADATA, F.DIFFICULTY),
    row(r"category|topic|tags?|type|question\s+type|estimated\s+time|time\s+(?:limit|needed)"
        r"|compan(?:y|ies)|asked\s+(?:at|by|in)|(?:question\s+)?style|frequency",
        Role.METADATA),
    row(r"situation|action|result", Role.TERM, F.STAR),
    row(r"pro\s+tips?|final\s+(?:advice|tips?|thoughts|words)|next\s+steps?|conclusion|summary"
        r"|good\s+luck", Role.TERM, F.OUTRO),
    # Wider than any row above: an answer or an interviewer's note anywhere in the label.
    row(rf"(?=.*{INTERVIEWER_WORDS}).*{ANSWER_WORDS}.*", Role.ANSWER, F.ASIDE),
    row(rf".*{ANSWER_WORDS}.*", Role.ANSWER),
    row(rf".*{INTERVIEWER_WORDS}.*", Role.INTERVIEWER),
)  # fmt: skip
TABLE = [(re.compile(r.pattern, re.IGNORECASE | re.DOTALL), r) for r in LABELS]
UNKNOWN = Label(Role.TERM, frozenset())
# Longer than any label: such a text is never looked up (the wide rows would backtrack on it).
MAX_LABEL = 100


@lru_cache(maxsize=1024)
def lookup_label(text: str) -> Label:
    """Return what a label means; an unknown label is a bold term (Role.TERM, no flags)."""
    if len(text) > MAX_LABEL:
        return UNKNOWN
    for pattern, found in TABLE:
        if pattern.fullmatch(text):
            return Label(found.role, found.flags)
    return UNKNOWN


def is_answer_label(text: str) -> bool:
    """True for labels such as "Expected Answer" or "Solution Code"."""
    return lookup_label(text).role is Role.ANSWER


# The words of a label whose field holds code: "Sample Code", "Solution", "Implementation".
CODE_WORDS = re.compile(r"\b(?:code|snippet|solution|implementation|program|script)s?\b", re.I)


def is_code_label(text: str) -> bool:
    """True for a label whose field holds code: "Sample Code", "Solution", "Code Snippet"."""
    return CODE_WORDS.search(text[:MAX_LABEL]) is not None


def is_question_label(text: str) -> bool:
    """True for labels that only a question has: its prompt or its answer."""
    return lookup_label(text).role in (Role.PROMPT, Role.ANSWER)


def opens_question(text: str) -> bool:
    """True for a label that shows a question starts above it: Question, Problem, Answer..."""
    label = lookup_label(text)
    return label.has(Flag.STARTS_QUESTION) or label.role is Role.ANSWER


# How labels are written.
# `**Label:**` or `**Label**:` at the start of a line; the label has no `*` and is short.
# An emoji may come first, `✅ **Answer:**`, and the label may be in italics, `*Answer:*`.
# An emoji or symbol that may come before a label or a bold line: `🔹 **Answer:**`.
MARK_BEFORE = r"[^\w\s*_`\[(<>#|+\-\\]{1,3}[ \t]*"
LABEL = re.compile(
    rf"^(?:{MARK_BEFORE})?"
    r"(?:\*\*?|__?)(?P<label>[^*_\n]{1,80}?)(?:[:：](?:\*\*?|__?)|(?:\*\*?|__?)[:：])[ \t]*"
)
# `**Answer**` alone on its line: a label only if it is a label we know.
BARE_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_\n]{1,40}?)(?:\*\*|__)[ \t]*[:：]?[ \t]*$")
# `**Explanation** Text on the same line`: a known label with no colon, then a sentence.
LEAD_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_\n:：]{1,40}?)(?:\*\*|__)[ \t]+(?=\S)")
# `Q: ...`, `A: ...`, `Expected Answer: ...` without any emphasis.
PLAIN_LABEL = re.compile(
    r"^(?P<label>Q|A|Ans|Question|Answer|Expected\s+Answer|Solution|Sample\s+Code|Explanation)"
    r"[ \t]*(?::(?=\s|$)|：)[ \t]*",
    re.IGNORECASE,
)
PLAIN_LABEL_NAMES = {"q": "Question", "a": "Answer"}
# `Why Interviewers Ask This: ...`: any label of the table, capitalised, without emphasis.
# Read only in a guide that writes its labels so (`uses_plain_labels`): elsewhere a line of
# prose such as `Example: ...` inside an answer is text.
ANY_PLAIN_LABEL = re.compile(
    r"^(?P<label>[A-Z][\w'’&/()-]{0,30}(?:[ \t][\w'’&/()-]{1,30}){0,4}?)"
    r"[ \t]*(?::(?=\s|$)|：)[ \t]*"
)
# A guide writes its labels plain when they stand under two headings, or three times,
# and at least as often as bold ones: then a line of prose is not taken for a label.
PLAIN_HEADINGS = 2
PLAIN_COUNT = 3
# A bullet before a label: `- Expected Answer: ...` is a list of plain labels.
BULLET = re.compile(r"^[ \t]{0,3}[-*+][ \t]+")
FENCE_MARK = re.compile(r"^[ \t]{0,3}(?P<marks>`{3,}|~{3,})")
# `**Question 3:**` and `**Q3:**` under a question's heading are its Question.
QUESTION_NUMBER = re.compile(r"^(?:q|question)\s*#?\s*\d{1,9}$", re.IGNORECASE)
# Emoji and other symbols that LLMs put in front of headings and labels.
LEADING_SYMBOLS = re.compile(r"^[^\w`*(\[]+")
# The same mark before emphasis: `🔹 **Question 1:**` is `**Question 1:**` with a bullet of
# its own, so it reads as the bold line would.
MARK_BEFORE_EMPHASIS = re.compile(rf"^{MARK_BEFORE}(?=[*_])")


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """A label found at the start of a line: its tidied name and where it ends in the line."""

    name: str
    end: int


# The block rule, the heading pass and the field pass all ask about the same lines.
@lru_cache(maxsize=1024)
def match_label(line: str, plain: bool = False) -> LabelMatch | None:
    """Return the field label a line opens with, tidied, and where the label ends; or None.

    `plain`: the guide writes its labels without emphasis, so any known label is read plain.
    """
    if plain and (found_plain := match_plain_label(line)) is not None:
        return found_plain
    if line[:1].isalnum() and ":" not in line[:20] and "：" not in line[:20]:
        # Most lines of prose: only plain labels (`Q:`, `Expected Answer:`) start with a letter.
        return None
    found = LABEL.match(line) or PLAIN_LABEL.match(line)
    if found and line.startswith("__") and found["label"][:1].islower():
        # `__init__: sets up the object` names a method; `__Answer:__` would be a label.
        return None
    if found:
        label = clean_label(found["label"])
        if QUESTION_NUMBER.match(label):
            return LabelMatch("Question", found.end())
        return LabelMatch(PLAIN_LABEL_NAMES.get(label.lower(), label), found.end())
    bare = BARE_LABEL.match(line)
    name = clean_label(bare["label"]) if bare else ""
    if bare and ":" not in name and len(name.split()) <= 4 and lookup_label(name).is_known:
        return LabelMatch(name, bare.end())
    return match_lead_label(line)


def match_plain_label(line: str) -> LabelMatch | None:
    """Return a plain `Label:` line's label if the table knows it, else None."""
    found = ANY_PLAIN_LABEL.match(line)
    if found is None:
        return None
    label = clean_label(found["label"])
    if QUESTION_NUMBER.match(label):
        return LabelMatch("Question", found.end())
    if not lookup_label(label).is_known:
        return None
    return LabelMatch(PLAIN_LABEL_NAMES.get(label.lower(), label), found.end())


def walk_unfenced(lines: list[str]) -> Iterator[tuple[int, str]]:
    """Yield each line outside fenced code with its 0-based index (fence lines left out)."""
    fence = ""
    for number, line in enumerate(lines):
        opening = FENCE_MARK.match(line)
        if fence:
            if opening and opening["marks"].startswith(fence) and not line[opening.end() :].strip():
                fence = ""
            continue
        if opening:
            fence = opening["marks"][0] * 3
            continue
        yield number, line


def uses_plain_labels(lines: list[str]) -> bool:
    """True if a guide writes its labels plain, `Expected Answer:`, rather than in bold.

    One pass over the lines outside fenced code: plain known labels must stand under at
    least PLAIN_HEADINGS headings or PLAIN_COUNT times, and at least as often as bold ones.
    """
    plain = bold = heading = 0
    headings: set[int] = set()
    for number, line in walk_unfenced(lines):
        text = BULLET.sub("", line, count=1)
        if line.startswith("#"):
            heading = number
        elif match_plain_label(text) is not None:
            plain += 1
            headings.add(heading)
        elif (found := LABEL.match(text)) and lookup_label(clean_label(found["label"])).is_known:
            bold += 1
    return plain >= bold and (len(headings) >= PLAIN_HEADINGS or plain >= PLAIN_COUNT)


# `**Q.** Why?` over `**A.** Because.`: a question and its answer marked with a stop.
DOT_MARK = re.compile(r"^[ \t]{0,3}(?P<mark>\*\*|__)(?P<letter>[A-Za-z])\.(?P=mark)(?=[ \t]+\S)")


def read_dot_labels(text: str) -> str:
    """Return a guide with its `**Q.**` / `**A.**` pairs written `**Q:**` / `**A:**`.

    One pass over the lines outside fenced code. Only a `**Q.**` line whose next line of
    text is an `**A.**` line, itself not followed by `**B.**`, is a pair: `**A.** Kafka`
    over `**B.** Redis` is a choice. The stop becomes a colon, so columns stay the same.
    """
    lines = text.split("\n")
    marks: list[tuple[int, str]] = []
    for number, line in walk_unfenced(lines):
        if line.strip():
            found = DOT_MARK.match(line)
            marks.append((number, found["letter"].upper() if found else ""))
    changed = False
    for k in range(len(marks) - 1):
        after = marks[k + 2][1] if k + 2 < len(marks) else ""
        if marks[k][1] == "Q" and marks[k + 1][1] == "A" and after != "B":
            for number, _ in marks[k : k + 2]:
                found = DOT_MARK.match(lines[number])
                if found:
                    stop = found.end() - len(found["mark"]) - 1
                    lines[number] = lines[number][:stop] + ":" + lines[number][stop + 1 :]
                    changed = True
    return "\n".join(lines) if changed else text


def match_lead_label(line: str) -> LabelMatch | None:
    """Return `**Explanation** Text`'s label: one that may stand alone, then a sentence.

    The sentence must open as one does (a capital, a digit, a quote or code): in
    `**Note** that ...` the bold word is part of the prose.
    """
    found = LEAD_LABEL.match(line)
    if found is None or not opens_sentence(line[found.end() : found.end() + 1]):
        return None
    name = clean_label(found["label"])
    meaning = lookup_label(name)
    alone = meaning.has(Flag.ALONE) or meaning.role is Role.ANSWER
    if len(name.split()) > 4 or not alone or meaning.role is Role.PROMPT:
        return None
    return LabelMatch(name, found.end())


def opens_sentence(char: str) -> bool:
    """True for the first character of a sentence: a capital, a digit, a quote or code."""
    return char.isupper() or char.isdigit() or char in "`\"'“‘(["


def bare_lead(line: str) -> str:
    """Return a line without the emoji and emphasis marks it opens with: `🔹 **Q:**` is `Q:**`."""
    return MARK_BEFORE_EMPHASIS.sub("", line).lstrip("*_")


def clean_label(label: str) -> str:
    """Tidy a field label: no emoji or symbols in front, no trailing colon, single spaces."""
    return " ".join(LEADING_SYMBOLS.sub("", label).replace("`", "").strip().rstrip(":：").split())
