"""Find a guide's local images and check each one before anything reads it."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from interview_deck.errors import GuideError, Problem
from interview_deck.read import Source

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
# Each image is inlined into the cheat sheet as base64, so keep one image from bloating it.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ImageRef:
    """An image as written in a guide: its `src` (as markdown-it normalised it) and line."""

    src: str
    line: int


@dataclass(frozen=True)
class GuideImage:
    """A checked local image: the `src` the guide uses, the file, and its name in the deck."""

    src: str
    path: Path
    media_name: str
    mime: str


def find_images(source: Source) -> tuple[tuple[GuideImage, ...], tuple[Problem, ...]]:
    """Return the guide's local images and warnings; raise GuideError for any bad or unsafe one."""
    images: dict[str, GuideImage] = {}
    problems: list[Problem] = []
    folder = source.path.parent.resolve()
    seen: set[ImageRef] = set()
    for ref in collect_image_refs(source.text):
        # An image written many times on one line (even nested in its own alt text) is one
        # problem; the same image on another line is reported there too.
        if ref in seen or ref.src in images:
            continue
        seen.add(ref)
        checked = check_image(source.path, folder, ref)
        if isinstance(checked, Problem):
            problems.append(checked)
        else:
            images[ref.src] = checked
    if any(p.severity == "error" for p in problems):
        raise GuideError(problems)
    return tuple(images.values()), tuple(problems)


def collect_image_refs(text: str) -> list[ImageRef]:
    """Return every image in a guide's Markdown, with the line it is on."""
    if "![" not in text:
        # Every Markdown image starts with `![`; most guides have none, so skip a full parse.
        return []
    refs = []
    # The blocks first, then each block's inline content on its own where it may hold an
    # image: the inline tokens of a whole guide at once would take several times its size.
    env: dict[str, object] = {}
    for block in create_image_parser(blocks_only=True).parse(text, env):
        if block.type == "inline" and block.map is not None and "![" in block.content:
            [inline] = create_image_parser().parseInline(block.content, env)
            refs += [ImageRef(src, block.map[0] + 1 + line) for src, line in walk_images(inline)]
    return refs


@cache
def create_image_parser(blocks_only: bool = False) -> MarkdownIt:
    """Return a parser that sees every image, so that each one is checked and none slips by.

    The guide parser turns an image with an unsafe URL into text; here it must be found and
    refused. With `blocks_only`, inline content is left for `parseInline` (which is given
    the same env, so that `![alt][ref]` finds its reference).
    """
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    if blocks_only:
        md.disable("inline")
    return md


def walk_images(inline: Token) -> Iterator[tuple[str, int]]:
    """Yield (src, lines after the block's first) for each image in an inline token."""
    line = 0
    stack = list(reversed(inline.children or []))
    while stack:
        child = stack.pop()
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            yield str(child.attrGet("src") or ""), line
            # An image's alt text may hold images too.
            stack += reversed(child.children or [])


def check_image(guide: Path, folder: Path, ref: ImageRef) -> GuideImage | Problem:
    """Check one image without reading it: local, inside the guide's folder, an image file."""

    def refuse(message: str) -> Problem:
        return Problem(guide, ref.line, "error", message)

    parts = urlsplit(ref.src)
    if parts.scheme in ("http", "https"):
        # Remote images are never fetched: a build must not depend on the network.
        message = f"image '{ref.src}' is not fetched; it shows as its alt text"
        return Problem(guide, ref.line, "warning", message)
    # A one-letter scheme is a Windows drive, as in C:/pics/a.png.
    if parts.scheme and len(parts.scheme) > 1:
        message = f"image '{ref.src}' is not a local file; it shows as text"
        return Problem(guide, ref.line, "warning", message)
    relative = unquote(ref.src if parts.scheme else parts.path)
    # Messages quote the image as written (less the %-escapes markdown-it added).
    written = unquote(ref.src)
    if not relative:
        return refuse("image has no path")
    if "\0" in relative:
        return refuse("image path has a NUL byte")
    if parts.scheme or parts.netloc or PurePosixPath(relative).is_absolute():
        return refuse(f"image '{written}' is an absolute path; use a path beside the guide")
    try:
        # resolve() follows every symlink, so a link that points outside is caught before a read.
        resolved = (folder / relative).resolve()
        if not resolved.is_relative_to(folder):
            return refuse(f"image '{written}' is outside the guide's folder; it was not read")
        mime = IMAGE_TYPES.get(resolved.suffix.lower())
        if mime is None:
            allowed = ", ".join(sorted(IMAGE_TYPES))
            return refuse(f"image '{written}' is not an image file (allowed: {allowed})")
        if not resolved.is_file():
            return refuse(f"image '{written}' not found next to the guide")
        size = resolved.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return refuse(f"image '{written}' is {size // 1024 // 1024} MB; the limit is 10 MB")
        digest = hashlib.sha256(resolved.read_bytes()).hexdigest()[:8]
    except OSError as e:
        return refuse(f"image '{written}' cannot be read: {e.strerror}")
    except (ValueError, RuntimeError):
        # A symlink loop: Python 3.11 raises RuntimeError for it.
        return refuse(f"image '{written}' is not a usable path")
    name = UNSAFE_NAME.sub("-", resolved.name)
    return GuideImage(ref.src, resolved, f"{guide.stem}-{digest}-{name}", mime)


def encode_data_uri(image: GuideImage) -> str:
    """Return the image as a `data:` URI, for the self-contained cheat sheet."""
    data = base64.b64encode(image.path.read_bytes()).decode("ascii")
    return f"data:{image.mime};base64,{data}"
