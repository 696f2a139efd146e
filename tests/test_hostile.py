"""Hostile input: raw HTML anywhere in a guide is text on cards and in the sheet, never markup."""

from __future__ import annotations

import base64
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from interview_deck.build import BuildOptions, GuideFile, build_guide

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()
LIVE_ELEMENTS = {"script", "iframe", "style", "object", "embed", "frame", "svg", "base", "form"}
LINK_SCHEMES = {"http", "https", "mailto"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

# Every alert(N) below must reach the reader as text.
HOSTILE_GUIDE = """\
# Evil <script>alert(0)</script> Guide

Intro <iframe src="https://evil.example"></iframe> alert(1) <style>body{display:none}</style>
and [js](javascript:alert(2)) and <javascript:alert(3)> and [d](data:text/html;base64,PHNjcmlwdD4=).

## Section <img src=x onerror=alert(4)>

### 1. Title <script>alert(5)</script> <b onclick="alert(6)">bold</b>
**Question:** Prompt <svg onload=alert(7)> and <object data="x.swf">alert(8)</object>
**Answer <script>alert(9)</script>:** Body <img src=x onerror="alert(10)">
<script>alert(11)</script>
- list <iframe src=javascript:alert(12)></iframe>
- [vb](vbscript:alert(13)) [f](file:///etc/passwd) [ok](https://example.com/?a="b") <mailto:a@b.c>

| col <style>*{}</style> alert(14) | b |
|---|---|
| <script>alert(15)</script> | [x](JaVaScRiPt:alert(16)) |

**Sample <iframe>alert(17)</iframe>:**
```python
x = "</code></pre><script>alert(18)</script>"
```
```html
<script>alert(19)</script><img src=x onerror=alert(20)>
```
```javascript
document.write("</code><script>alert(21)</script>")
```
```nosuchlanguage
</code></pre><script>alert(22)</script>
```
```
</code></pre><script>alert(23)</script>
```

    indented </code><script>alert(24)</script>

`</code><script>alert(25)</script>` ![pic" onerror="alert(26)](dot.png)
<a href="javascript:alert(27)">raw</a> <form action="https://evil.example">alert(28)</form>

### 2. <style>*{display:none}</style> alert(29)
**Question:** <base href="https://evil.example/"> alert(30)
**Answer:** <embed src="x"> alert(31) <math><mi xlink:href="javascript:alert(32)">x</mi></math>
"""
# The ones inside questions, which both outputs show in full (26 is an image's alt text).
ALERTS = [n for n in range(5, 33) if n != 26]


@dataclass
class Markup(HTMLParser):
    """The elements, attributes and text of an HTML document, as a browser would parse them."""

    elements: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    open_tags: list[str] = field(default_factory=list)
    style_parents: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.style_parents.append(self.open_tags[-1] if self.open_tags else "")
        self.elements.append((tag, dict(attrs)))
        if tag not in VOID_ELEMENTS:
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open_tags:
            del self.open_tags[len(self.open_tags) - 1 - self.open_tags[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if not self.open_tags or self.open_tags[-1] != "style":
            self.text.append(data)


def parse_html(document: str) -> Markup:
    """Parse HTML with the standard library's parser."""
    markup = Markup()
    markup.feed(document)
    markup.close()
    return markup


def assert_no_live_markup(markup: Markup, allowed_img_src: set[str]) -> None:
    """No scripts, frames or styles, no event handlers, only safe links and our own images."""
    tags = [tag for tag, _ in markup.elements]
    assert not LIVE_ELEMENTS & set(tags), tags
    for tag, attrs in markup.elements:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert not {"formaction", "srcdoc", "xlink:href"} & set(attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or urlsplit(href).scheme in LINK_SCHEMES, href
        if "src" in attrs:
            assert tag == "img" and attrs["src"] in allowed_img_src, (tag, attrs)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the hostile guide, with one real image beside it; return the output folder."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "dot.png").write_bytes(PNG)
    guide = folder / "evil.md"
    guide.write_text(HOSTILE_GUIDE, encoding="utf-8")
    result = build_guide(guide, BuildOptions(out_dir=folder / "out"))
    assert (result.problems, result.cards) == ((), 2), [str(p) for p in result.problems]
    return folder / "out"


def read_note_fields(apkg: Path) -> tuple[list[list[str]], list[str]]:
    """Return the note fields in an .apkg's database, and its media file names."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as scratch:
        media = list(json.loads(archive.read("media")).values())
        connection = sqlite3.connect(archive.extract("collection.anki2", scratch))
        try:
            rows = connection.execute("select flds from notes order by sfld").fetchall()
        finally:
            connection.close()
    return [row[0].split("\x1f") for row in rows], media


def test_note_fields_hold_no_live_markup(hostile_build: Path) -> None:
    notes, media = read_note_fields(hostile_build / "evil.apkg")
    assert len(notes) == 2 and len(media) == 1
    for fields in notes:
        for value in fields:
            assert_no_live_markup(parse_html(value), allowed_img_src=set(media))
    shown = " ".join("".join(parse_html(value).text) for fields in notes for value in fields)
    assert [n for n in ALERTS if f"alert({n})" not in shown] == []
    assert "<script>alert(11)</script>" in shown


def test_cards_keep_safe_links_and_the_packed_image(hostile_build: Path) -> None:
    notes, media = read_note_fields(hostile_build / "evil.apkg")
    elements = [e for fields in notes for value in fields for e in parse_html(value).elements]
    hrefs = [attrs["href"] for tag, attrs in elements if tag == "a"]
    assert hrefs == ["https://example.com/?a=%22b%22", "mailto:a@b.c"]
    images = [attrs for tag, attrs in elements if tag == "img"]
    assert images == [{"src": media[0], "alt": 'pic" onerror="alert(26)'}]


def test_cheat_sheet_holds_no_live_markup(hostile_build: Path) -> None:
    markup = parse_html((hostile_build / "evil.html").read_text(encoding="utf-8"))
    # The sheet's own stylesheet is the one <style> allowed, and only in <head>.
    assert [tag for tag, _ in markup.elements].count("style") == 1
    assert markup.style_parents == ["head"]
    markup.elements = [(tag, attrs) for tag, attrs in markup.elements if tag != "style"]
    assert_no_live_markup(markup, allowed_img_src={PNG_URI})
    shown = "".join(markup.text)
    assert [n for n in (1, *ALERTS) if f"alert({n})" not in shown] == []
    hrefs = [attrs["href"] for tag, attrs in markup.elements if tag == "a"]
    assert [h for h in hrefs if not h.startswith("#")] == [
        "https://example.com/?a=%22b%22",
        "mailto:a@b.c",
    ]
    assert [attrs["src"] for tag, attrs in markup.elements if tag == "img"] == [PNG_URI]


@pytest.mark.parametrize("language", ["python", "html", "javascript", "nosuchlanguage", ""])
def test_code_blocks_stay_text_in_every_language(hostile_build: Path, language: str) -> None:
    sheet = (hostile_build / "evil.html").read_text(encoding="utf-8")
    markup = parse_html(sheet)
    code_classes = [attrs.get("class") for tag, attrs in markup.elements if tag == "code"]
    assert f"language-{language or 'text'}" in code_classes
    # Every code block's payload is text inside a <code>, closing tags and all.
    shown = "".join(markup.text)
    assert '"</code></pre><script>alert(18)</script>"' in shown
    assert "<script>alert(19)</script><img src=x onerror=alert(20)>" in shown
    assert "</code></pre><script>alert(22)</script>" in shown


CODE_GUIDE = """\
# Cache Guide

### 1. Q
**Question:** Why?
**Answer:** Because.

```python
total = 1  # PROSE
```
"""
SCRIPT = "</code></pre><script>alert('cache')</script><pre><code>"
DOCTORED_BLOCKS = {
    # The layout of older caches: HTML, pasted as it was.
    "html": lambda code: f'<pre class="highlight"><code>{SCRIPT}</code></pre>',
    # A token type that would break out of its class attribute.
    "kind": lambda code: [['Name" onmouseover="alert(1)', code]],
    # Tokens that spell something other than the block's code.
    "text": lambda code: [["Name", SCRIPT]],
}


@pytest.mark.parametrize("doctored", DOCTORED_BLOCKS)
def test_doctored_code_cache_puts_no_markup_in_deck_or_sheet(tmp_path: Path, doctored: str) -> None:
    from interview_deck import cache
    from interview_deck.build import build

    guide = tmp_path / "cached.md"
    guide.write_text(CODE_GUIDE, encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out")
    assert not build([guide], options)[0].failed
    path = cache.code_path(GuideFile(guide), options)
    entry = json.loads(path.read_text(encoding="utf-8"))
    code = "total = 1  # PROSE\n"
    entry["blocks"] = dict.fromkeys(entry["blocks"], DOCTORED_BLOCKS[doctored](code))
    path.write_text(json.dumps(entry), encoding="utf-8")
    # Editing prose rebuilds the guide with its code blocks offered from the cache.
    guide.write_text(CODE_GUIDE.replace("Because.", "Because, edited."), encoding="utf-8")

    [result] = build([guide], options)

    assert not result.failed and not result.cached
    notes, _ = read_note_fields(options.out_dir / "cached.apkg")
    sheet = (options.out_dir / "cached.html").read_text(encoding="utf-8")
    for document in ["".join(notes[0]), sheet]:
        markup = parse_html(document)
        assert "script" not in [tag for tag, _ in markup.elements]
        assert not [attrs for _, attrs in markup.elements if "onmouseover" in attrs]
        assert "total = 1  # PROSE" in "".join(markup.text)
        assert "alert" not in document
