"""The words and marks of LLM-written guides: labels, numbering, difficulty, goodbyes.

The parser reads a guide's structure from markdown-it's tokens; these patterns only
classify a heading's or a line's text. Each has an example of what it matches.
"""

from __future__ import annotations

import re

# `**Label:**` or `**Label**:` at the start of a line; the label has no `*` and is short.
# An emoji may come first, `✅ **Answer:**`, and the label may be in italics, `*Answer:*`.
LABEL = re.compile(
    r"^(?:[^\w\s*_`\[(<>#|+\-\\]{1,3}[ \t]*)?"
    r"(?:\*\*?|__?)(?P<label>[^*_\n]{1,80}?)(?::(?:\*\*?|__?)|(?:\*\*?|__?):)[ \t]*"
)
# `**Answer**` alone on its line: a label only if it is a label we know.
BARE_LABEL = re.compile(r"^(?:\*\*|__)(?P<label>[^*_\n]{1,40}?)(?:\*\*|__)[ \t]*:?[ \t]*$")
# `Q: ...`, `A: ...`, `Expected Answer: ...` without any emphasis.
PLAIN_LABEL = re.compile(
    r"^(?P<label>Q|A|Question|Answer|Expected\s+Answer|Solution|Sample\s+Code|Explanation)"
    r"[ \t]*:(?=\s|$)[ \t]*",
    re.IGNORECASE,
)
PLAIN_LABEL_NAMES = {"q": "Question", "a": "Answer"}
# "7. Title", "Q7: Title", "Question 7 — Title", "Problem 7: Title", "Coding Challenge 7 —
# Title"; in "1.2 Title" the question's number is 2.
QUESTION_WORD = (
    r"(?:(?:coding|practical|interview)\s+)?(?:q|question|problem|challenge|exercise|task)"
)
QUESTION_HEADING = re.compile(
    rf"^(?:{QUESTION_WORD}\s*#?\s*)?(?:\d{{1,3}}\.(?=\d))?(?P<number>\d{{1,4}})"
    r"\s*(?:[.):\-–—]\s*|\s+)(?P<title>.*)$",
    re.IGNORECASE,
)
# "**Q7.** Title", "**Question 7:** Title": a number in bold, then the question.
BOLD_NUMBER = re.compile(
    r"^(?:\*\*|__)(?P<number>(?:q|question)\s*#?\s*\d{1,4})\s*(?P<mark>[.:)]?)\s*(?:\*\*|__)"
    r"\s*[.:)]?\s*(?=\S)",
    re.IGNORECASE,
)
QUESTION_NUMBER = re.compile(r"^(?:q|question)\s*#?\s*\d{1,4}$", re.IGNORECASE)
# A numbered title inside a label, as in `**7. Fetch URLs:** Fetch a list of URLs.`
NUMBERED = re.compile(r"^\d{1,4}[.)]\s*\S")
# "### Question 7" with the question itself only in the field below.
BARE_QUESTION_HEADING = re.compile(
    rf"^{QUESTION_WORD}\s*#?\s*(?P<number>\d{{1,4}})\s*[.):]?$", re.IGNORECASE
)
DIFFICULTY_WORDS = (
    "easy",
    "medium",
    "hard",
    "beginner",
    "intermediate",
    "advanced",
    "expert",
    "basic",
    "moderate",
)
DIFFICULTY = re.compile(rf"\b({'|'.join(DIFFICULTY_WORDS)})\b", re.IGNORECASE)
# Words that name the same step: "Hard / Advanced" is one difficulty.
DIFFICULTY_RANK = {
    "easy": 1, "beginner": 1, "basic": 1,
    "medium": 2, "intermediate": 2, "moderate": 2,
    "hard": 3, "advanced": 3, "expert": 3,
}  # fmt: skip
# A bold line naming a section or level: "I. Theory (20 Questions)", "A. Easy", "Coding".
MARKER = re.compile(r"^(?:[IVX]{1,6}|[A-Z]|\d{1,2})[.)]\s+\S")
# The usual names of a guide's sections, once numbering and "Questions" are taken off.
SECTION_NAME = re.compile(
    r"^(?:theory|theoretical|conceptual|concepts|coding|practical|programming|hands-on"
    r"|behavioral|behavioural|system\s+design|scenarios?)(?:\s+(?:problems|challenges|exercises))?$",
    re.IGNORECASE,
)
# "Medium", "Easy–Medium", "Easy → Medium"; as a phrase also "Difficulty: Hard", "Hard level".
DIFFICULTY_WORD = rf"(?:{'|'.join(DIFFICULTY_WORDS)})"
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
# What may be left at the end of a title once its difficulty is gone: " —", " |", " 🟡".
TRAILING_SYMBOLS = re.compile(r"(?:\s|[-|:]|[^\w\s\x00-\x7f])+$")
BRACKETED_DIFFICULTY = re.compile(rf"[(\[]\s*{DIFFICULTY_PHRASE}\s*[)\]]", re.IGNORECASE)
# Before it, right after the number: "Q1 (Easy): Title", "Question 2 [Medium] — Title".
LEADING_DIFFICULTY = re.compile(
    rf"^[(\[]\s*{DIFFICULTY_PHRASE}\s*[)\]]\s*[:.\-–—]?\s*", re.IGNORECASE
)
# Keycap digits, "1️⃣" or "1️⃣2️⃣", and "🔟", as LLMs number headings with them.
KEYCAP = re.compile(r"^((?:\d\ufe0f?\u20e3)+|\U0001f51f)\s*")
DECLARED_COUNT = re.compile(
    r"\((\d+)\s*(?:questions?|total|qs?)\)|(\d+)\s+questions\b", re.IGNORECASE
)
DECLARED_RANGE = re.compile(r"\bq(?:uestions?)?\s*(\d+)\s*[–—-]\s*q?(\d+)\b", re.IGNORECASE)
ID_COMMENT = re.compile(r"^<!--\s*id:\s*(?P<key>[^>]*?)\s*-->$", re.IGNORECASE)
# "The Coding", "Your Interview": what may come before a prompt label's noun.
PROMPT_KIND = (
    r"(?:the\s+)?(?:your\s+)?(?:(?:coding|practical|design|debugging|interview|theory"
    r"|theoretical|conceptual|technical)\s+)?"
)
# The nouns that only a question's own prompt has: "Question", "Problem Statement", "Task".
QUESTION_NOUN = r"(?:q|question|problem(?:\s+statement)?|task|challenge|exercise|prompt|scenario)"
# Labels of the prompt: the question itself, and what it gives ("Example:", "Starter Code:").
PROMPT_LABEL = re.compile(
    rf"^{PROMPT_KIND}(?:starter\s+)?(?:{QUESTION_NOUN}|context|given|code(?:\s+snippet)?|snippet"
    r"|buggy\s+code|(?:sample\s+|example\s+)?input(?:\s*/\s*output)?|setup|constraints"
    r"|requirements|examples?(?:\s+usage)?|(?:function\s+)?signature|description|objective|goal)$",
    re.IGNORECASE,
)
# The prompt labels that show a question starts (not "Goal:" or "Example:").
QUESTION_START_LABEL = re.compile(rf"^{PROMPT_KIND}{QUESTION_NOUN}$", re.IGNORECASE)
# "5 Tips for the Interview": a number and a word, with no stop between.
PLAIN_NUMBER = re.compile(r"^\d{1,4}\s+[^\W\d]")
# "3.1 Why it matters": a part of question 3.
SUB_NUMBER = re.compile(r"^\d{1,3}\.\d{1,3}\b")
# Situation, Task, Action, Result: the parts of a behavioural answer.
STAR_LABEL = re.compile(r"^(?:situation|task|action|result)$", re.IGNORECASE)
# What an empty Answer may be made of: "**Solution:**" then "**Approach:**" and code.
ANSWER_PART_LABEL = re.compile(
    r"^(?:approach|steps|implementation|walkthrough|(?:sample\s+)?code|code\s+example)$",
    re.IGNORECASE,
)
OUTPUT_LABEL = re.compile(r"^(?:sample\s+|expected\s+|example\s+)?output$", re.IGNORECASE)
MAIN_ANSWER_LABEL = re.compile(r"\b(answer|solution)\b", re.IGNORECASE)
# Labels of the answer side that may stand alone on their line, as `**Explanation**`.
BACK_LABEL = re.compile(
    r"^(?:explanation|sample\s+code|code\s+example|examples?|hints?|key\s+points?|notes?"
    r"|follow[- ]?ups?(?:\s+questions?)?|output|(?:time\s+|space\s+)?complexity"
    r"|time\s*/\s*space\s+complexity|common\s+(?:mistakes?|pitfalls?)|pitfalls?|approach|(?:the\s+)?fix|implementation"
    r"|walkthrough|discussion|analysis|usage|tests?|edge\s+cases|trade-?offs|how\s+it\s+works"
    r"|key\s+(?:takeaways?|concepts?)|takeaways?)$",
    re.IGNORECASE,
)
# Labels that may be headings as deep as the question's own ("### Solution"); others, such as
# "## Key Takeaways", close the guide instead.
SAME_DEPTH_LABEL = re.compile(
    r"^(?:explanation|sample\s+code|code(?:\s+example)?|examples?|hints?|approach|(?:the\s+)?fix"
    r"|implementation|walkthrough|(?:(?:time|space)\s+)?complexity|output"
    r"|follow[- ]?ups?(?:\s+questions?)?)$",
    re.IGNORECASE,
)
SECONDARY_LABEL = re.compile(
    r"why\b.*\bask|interviewer|follow[- ]?ups?\b|what\s+.*look(?:ing)?\s+for", re.IGNORECASE
)
SECTION_NOISE = re.compile(
    r"\bsection\s*(?:\d+|[A-Z]|[IVX]+)?\b|\bpart\s*[\dA-Z]?\b|\bquestions?\b|\(.*?\)|[#:—–|]|\s-\s",
    re.IGNORECASE,
)
# "1.", "1️⃣", "IV.", "B." before a section's name.
SECTION_NUMBER = re.compile(
    r"^(?:\d{1,3}\ufe0f?\u20e3|\d{1,3}(?:\.\d{1,3})+\s|\d{1,3}[.)]|[IVX]{1,6}[.)]|[A-Z][.)])\s*"
)
DIFFICULTY_LABEL = re.compile(r"^(difficulty|level)(\s+level)?$", re.IGNORECASE)
# The body of "**Difficulty:** 🟢 Easy", "Medium | Category: Coding", "Medium–Hard"; not
# "Hard to reproduce" or "a basic setup".
STATED_DIFFICULTY = re.compile(
    rf"^\W*(?P<difficulty>{DIFFICULTY_RANGE})(?:\s*$|\s*[|·,;(\[\-–—/]|\s*[^\w\s])",
    re.IGNORECASE,
)
# Labels that describe a question rather than ask or answer it.
METADATA_LABEL = re.compile(
    r"^(?:difficulty(?:\s+level)?|level|category|topic|tags?|type|question\s+type"
    r"|estimated\s+time|time\s+(?:limit|needed))$",
    re.IGNORECASE,
)
# A paragraph that only gives the difficulty: "*Difficulty: Medium*", "**Level: Hard**".
# Also "🟡 **Medium**" alone, and "*Difficulty: Easy · Type: Theory*".
DIFFICULTY_LINE = re.compile(
    rf"^[^\w\s*_]{{0,2}}\s*[*_]{{0,2}}\s*(?:(?P<named>difficulty|level)\s*[*_]{{0,2}}\s*:\s*[*_]{{0,2}})?"
    rf"\s*[^\w\s*_]{{0,2}}\s*(?P<difficulty>{DIFFICULTY_RANGE})\s*"
    rf"(?(named)(?:[·|,;]\s*[^*_\n]*)?)[*_]{{0,2}}$",
    re.IGNORECASE,
)
# Emoji and other symbols that LLMs put in front of headings and labels.
LEADING_SYMBOLS = re.compile(r"^[^\w`*(\[]+")
# A table of contents or summary may count the questions of the whole guide.
CONTENTS_HEADING = re.compile(
    r"^\W*(?:table\s+of\s+contents|contents|summary|overview|index)\b", re.IGNORECASE
)
INTRO_HEADING = re.compile(
    r"^\W*(?:(?:introduction|overview|about\s+this\s+guide)\W*$"
    r"|how\s+to\s+use\s+this\s+guide|how\s+(?:this|the)\s+guide\s+is|(?:guide\s+)?format\b)",
    re.IGNORECASE,
)
SAFE_SCHEMES = {"http", "https", "mailto"}
# What is left of "Part B — Hard Level Questions" once it names no section.
LEVEL_WORDS = re.compile(
    rf"{DIFFICULTY.pattern}|\b(?:levels?|difficulty|to|problems|challenges|exercises|tasks|\d+)\b"
    r"|[^\w\s]",
    re.IGNORECASE,
)
# A sentence of a chat's goodbye: "I hope this helps!", "If you want, I can also: ...".
CHAT_OUTRO = re.compile(
    r"(?:^|[.!?]\s+)\W*(?:i\s+hope\s+(?:this|that|these|it|you)\b"
    r"|hope\s+(?:this|that|it)\s+(?:helps|guide|was\s+helpful)\b|let\s+me\s+know\b"
    r"|good\s+luck\b|best\s+of\s+luck\b|happy\s+(?:coding|learning|studying|interviewing|prepping)\b"
    r"|feel\s+free\s+to\s+(?:ask|reach|let)\b"
    r"|would\s+you\s+like\s+(?:me|a|an|more|another|some|the\s+(?:guide|questions))\b"
    r"|do\s+you\s+want\s+me\s+to\b|want\s+me\s+to\b|want\s+more\s*[?!]"
    r"|if\s+you(?:'d|\s+would)?\s+(?:like|want)\b[^.\n]*\b(?:i\s+can|me\s+to)\b"
    r"|(?:note:\s*)?this\s+guide\s+(?:is|covers|should|has|was)\b"
    r"|these\s+(?:\w+\s+)?questions\s+(?:should|will|cover|give|help|progress|range|span)\b"
    r"|is\s+there\s+anything\s+else\b|shall\s+i\b|all\s+the\s+best\b"
    r"|should\s+i\s+also\s+(?:add|prepare|create|generate|make|include|write|convert)\b"
    r"|(?:next,?\s+)?i\s+can\s+(?:also\s+)?(?:convert|generate|create|turn|prepare|provide|make)\b"
    r"|you(?:'re|\s+are)\s+(?:now\s+)?(?:ready|all\s+set|well\s+prepared)\b"
    r"|that'?s\s+the\s+(?:full|complete|whole|entire)\s+(?:set|guide|list)\b)",
    re.IGNORECASE,
)
# "This is not an exhaustive list of questions": a goodbye only when it speaks of the guide.
NOT_EXHAUSTIVE = re.compile(
    r"\bnot\s+(?:an?\s+)?exhaustive\b(?=.*\b(?:questions|guide|interview|candidate)\b)",
    re.IGNORECASE | re.DOTALL,
)
# Labels that close a whole guide rather than one question, when a rule sets them apart.
OUTRO_LABEL = re.compile(
    r"^(?:pro\s+tips?|final\s+(?:advice|tips?|thoughts|words)|next\s+steps?|key\s+takeaways?"
    r"|takeaways?|conclusion|summary|good\s+luck|notes?)$",
    re.IGNORECASE,
)
# The words of a title that say what kind of document it is, not what it is about.
TOPIC_PHRASE = re.compile(
    r"\b(?:(?:a|the|comprehensive|complete|ultimate|essential)\s+)*(?:interview\s+)?"
    r"(?:guide|questions?(?:\s*(?:and|&)\s*answers?)?|q\s*&\s*a|prep(?:aration)?|cheat\s*sheet)"
    r"(?:\s+(?:on|for|about|to))?\b|\binterview\b",
    re.IGNORECASE,
)
GUIDE_WORDS = re.compile(
    rf"^(?:(?:{'|'.join(DIFFICULTY_WORDS)}|theory|coding|practical|concepts?|basics?|fundamentals"
    r"|from|to|and|&|with|solutions?|answers?|edition|levels?|\d+)\b\W*)+$",
    re.IGNORECASE,
)
# Words before a topic that describe the guide or its reader: "Mastering", "Senior".
QUALIFIER_WORDS = (
    r"(?:advanced|intermediate|beginner|basic|expert|senior|junior|mid[- ]?level|in[- ]depth"
    r"|technical|backend|back-end|frontend|front-end|developer|engineer|engineering|software"
    r"|mastering|cracking|mock|comprehensive|complete|ultimate|essential|practical|detailed"
    r"|quick|theory|coding|behaviou?ral|hard|easy|the|and|&|\+)"
)
TOPIC_QUALIFIERS = re.compile(
    rf"^(?:{QUALIFIER_WORDS}\s*)+(?=\S|$)|(?:\s+{QUALIFIER_WORDS})+$", re.IGNORECASE
)
TOPIC_FILLER = re.compile(r"^[^\w.]*(?:top\s+)?(?:\d+\s+)?|[\s\-–—:|,&]+$", re.IGNORECASE)
# An answer folded away: "<details><summary>Show answer</summary>", then "</details>".
DETAILS_OPEN = re.compile(
    r"^<details>\s*(?:<summary>\s*(?:<(?:b|strong)>)?\s*(?P<label>[^<]*?)\s*(?:</(?:b|strong)>)?"
    r"\s*</summary>)?\s*$",
    re.IGNORECASE,
)
DETAILS_CLOSE = re.compile(r"^</details>\s*$", re.IGNORECASE)
