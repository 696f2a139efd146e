"""Remember what each guide's outputs were built from, so an unchanged guide is not rebuilt.

One JSON entry per guide lives in `<out>/.cache/guides/<folders>/<guide>.json`. An entry is only
trusted when it parses, has this tool's format and version, its key matches the
current inputs (guide, options, templates, the tool's own code), every extra input
(images) still hashes the same and every output is still there, untouched.
Anything else is a miss, and the guide is simply built again.

Beside the entries, `<out>/.cache/code/<folders>/<guide>.json` keeps the guide's highlighted
code blocks as Pygments tokens (type names and text, never HTML: the HTML is made anew, with
the text escaped, so a doctored file cannot put markup into a deck). When the guide is
edited, its rebuild takes every unchanged block from there instead of from Pygments, as
long as the file was made by the same tool, templates, options and Pygments and its
tokens spell out the block's code. It is a file of its own so that checking the entries
stays quick.

Every file here is only read if it is a regular file of sane size, so an entry replaced
by a FIFO or a link to /dev/zero is a miss rather than a hang.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from interview_deck import PACKAGE, TEMPLATES, __version__
from interview_deck.errors import Problem
from interview_deck.files import open_regular_file

if TYPE_CHECKING:
    from interview_deck.build import BuildOptions, GuideFile, GuideResult
    from interview_deck.render import CodeTokens

# Bump when an entry's layout changes; entries of any other format are ignored. 4: entries
# under guides/<folders>/ and code blocks kept as tokens (two layouts that were both 3 apart).
CACHE_FORMAT = 4
CACHE_FOLDER = ".cache"
# Options that change no guide's outputs (out_dir is implied: the entry lives inside it; a
# guide's place in the library is in its entry's path and key). A strict build writes what
# any build does, or nothing: it may use an entry without warnings (build.stream_build).
UNHASHED_OPTIONS = {"out_dir", "bundle", "library", "templates", "strict"}
MISSING = "missing"
# No cache file or input of ours is larger: a guide's code tokens, an image (10 MB at most).
MAX_READ_BYTES = 64 * 1024 * 1024
# Files are read this much at a time, so that a small file costs a small buffer.
READ_CHUNK = 64 * 1024
# What a malformed entry may raise while it is read; any of them makes it a miss.
MALFORMED = (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError)
# The outputs an entry may name: the guide's own, inside the output folder.
OUTPUT_SUFFIXES = (".apkg", ".html", ".pdf")


@dataclass(frozen=True)
class CacheKey:
    """A guide's cache key: the hash of its whole environment, and of that plus the guide."""

    environment: str
    guide: str


@dataclass(frozen=True)
class OutputStamp:
    """An output file as the build left it: where, how big, and when it was written."""

    path: Path
    size: int
    mtime_ns: int


def entry_path(guide: GuideFile, options: BuildOptions) -> Path:
    """Return where a guide's cache entry lives: in the output folder, named after the guide."""
    return options.out_dir / CACHE_FOLDER / "guides" / f"{guide.name}.json"


def code_path(guide: GuideFile, options: BuildOptions) -> Path:
    """Return where a guide's highlighted code blocks are kept."""
    return options.out_dir / CACHE_FOLDER / "code" / f"{guide.name}.json"


def hash_environment(options: BuildOptions) -> str:
    """Return one hash of what every guide's outputs depend on: tool, templates and options."""
    # Only the package's version: the lexers and formatter load only when a block is new.
    import pygments

    environment = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "templates": hash_folder(TEMPLATES, "*"),
        "own_templates": hash_folder(options.templates, "*") if options.templates else None,
        # A change to the tool's own code can change its outputs, so it invalidates too.
        "code": hash_folder(PACKAGE, "*.py"),
        "pygments": pygments.__version__,
        # The files of the formula converter, found without importing it (that takes 40 ms).
        "latex2mathml": hash_package("latex2mathml"),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "options": {
            f.name: repr(getattr(options, f.name))
            for f in fields(options)
            if f.name not in UNHASHED_OPTIONS
        },
    }
    return hashlib.sha256(json.dumps(environment, sort_keys=True).encode()).hexdigest()


def compute_key(guide: GuideFile, environment: str) -> CacheKey | None:
    """Return the hash of everything a guide's outputs depend on, or None if it cannot be read."""
    content = hash_file(guide.path)
    if content == MISSING:
        return None
    where = f"{guide.path.resolve()}\0{guide.name}"
    digest = hashlib.sha256(f"{environment}\0{where}\0{content}".encode())
    return CacheKey(environment, digest.hexdigest())


def load_result(guide: GuideFile, options: BuildOptions, key: CacheKey) -> GuideResult | None:
    """Return the cached result of a guide whose inputs and outputs are unchanged, else None."""
    try:
        entry = json.loads(read_regular_file(entry_path(guide, options)))
        return read_entry(entry, guide, options, key)
    except MALFORMED:
        # A corrupt, truncated, deeply nested or foreign entry is a miss, never an error.
        return None


def read_entry(
    entry: Any, guide: GuideFile, options: BuildOptions, key: CacheKey
) -> GuideResult | None:
    """Return the entry as a result if it is valid for these inputs; raise if it is malformed."""
    from interview_deck.build import GuideResult

    # The key hashes the guide's resolved path too: a same-named guide elsewhere never matches.
    if (
        entry["format"] != CACHE_FORMAT
        or entry["version"] != __version__
        or entry["key"] != key.guide
    ):
        return None
    folder = guide.path.resolve().parent
    for path, digest in require(entry["inputs"], dict).items():
        # Inputs are the guide's images, which never leave its folder.
        if not Path(path).is_relative_to(folder) or hash_file(Path(path)) != digest:
            return None
    outputs = [read_stamp(stamp, guide, options) for stamp in require(entry["outputs"], list)]
    if not outputs or any(not is_untouched(stamp) for stamp in outputs):
        return None
    warnings = tuple(read_problem(p) for p in require(entry["warnings"], list))
    return GuideResult(
        guide.path,
        warnings,
        require(entry["questions"], int),
        require(entry["cards"], int),
        tuple(stamp.path for stamp in outputs),
        inputs=tuple(Path(p) for p in entry["inputs"]),
        cached=True,
    )


def load_highlights(
    guide: GuideFile, options: BuildOptions, key: CacheKey
) -> Mapping[str, CodeTokens]:
    """Return the code blocks highlighted by the guide's last build, if it was made alike."""
    from interview_deck.render import read_code_tokens

    try:
        entry = json.loads(read_regular_file(code_path(guide, options)))
        if entry["format"] != CACHE_FORMAT or entry["environment"] != key.environment:
            return {}
        blocks = require(entry["blocks"], dict)
        return {require(k, str): read_code_tokens(tokens) for k, tokens in blocks.items()}
    except MALFORMED:
        return {}


def store_result(
    guide: GuideFile, result: GuideResult, options: BuildOptions, key: CacheKey
) -> None:
    """Record a successful build's inputs, outputs and code blocks; write the entry atomically."""
    from interview_deck.write import write_text

    code = {
        "format": CACHE_FORMAT,
        "environment": key.environment,
        "blocks": {
            key: [[t.kind, t.text] for t in tokens] for key, tokens in result.highlighted.items()
        },
    }
    write_text(code_path(guide, options), json.dumps(code) + "\n")
    entry = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "key": key.guide,
        "guide": str(result.path.resolve()),
        "questions": result.questions,
        "cards": result.cards,
        "warnings": [
            {"path": str(p.path), "line": p.line, "severity": p.severity, "message": p.message}
            for p in result.warnings
        ],
        "inputs": {str(path.resolve()): hash_file(path) for path in result.inputs},
        "outputs": [write_stamp(path, options) for path in result.outputs],
    }
    write_text(entry_path(guide, options), json.dumps(entry, indent=1) + "\n")


def write_stamp(path: Path, options: BuildOptions) -> dict[str, object]:
    """Return an output's stamp for the entry, its path relative to the output folder."""
    status = path.stat()
    relative = os.path.relpath(path, options.out_dir)
    return {"path": relative, "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def read_stamp(stamp: Any, guide: GuideFile, options: BuildOptions) -> OutputStamp:
    """Return an output stamp from the entry; raise if it is malformed or not the guide's output."""
    name = require(stamp["path"], str)
    # Only the guide's own `<folders>/<guide>.apkg`, `.html` or `.pdf` in the output folder
    # (as write_stamp spells them): an entry cannot point elsewhere.
    own = Path(*guide.folders, guide.path.stem)
    if name not in {str(own) + suffix for suffix in OUTPUT_SUFFIXES}:
        raise ValueError(f"not an output of {guide.name}: {name!r:.80}")
    path = options.out_dir / name
    return OutputStamp(path, require(stamp["size"], int), require(stamp["mtime_ns"], int))


def read_problem(problem: Any) -> Problem:
    """Return a warning from the entry; raise if it is malformed."""
    severity = require(problem["severity"], str)
    if severity != "warning":
        raise ValueError(f"cached problem is not a warning: {severity}")
    return Problem(
        Path(require(problem["path"], str)),
        require(problem["line"], int),
        "warning",
        require(problem["message"], str),
    )


def is_untouched(stamp: OutputStamp) -> bool:
    """True if the output still exists with the size and mtime the build left it."""
    try:
        status = stamp.path.stat()
    except OSError:
        return False
    return status.st_size == stamp.size and status.st_mtime_ns == stamp.mtime_ns


def require(value: Any, kind: type) -> Any:
    """Return `value` if it has type `kind` (bool is no int here); raise TypeError otherwise."""
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def hash_file(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, or MISSING if it cannot be read."""
    try:
        return hashlib.sha256(read_regular_file(path)).hexdigest()
    except OSError:
        return MISSING


def hash_package(name: str) -> str:
    """Return one hash of an installed package's Python files, or MISSING if it is not found."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return MISSING
    return hash_folder(Path(spec.origin).parent, "*.py")


def read_regular_file(path: Path, limit: int = MAX_READ_BYTES) -> bytes:
    """Return a regular file's bytes; raise OSError for a FIFO, device or file over `limit`.

    Opened without blocking, so a FIFO cannot hang the build, and read only as far as
    `limit`, so a link to /dev/zero cannot fill the memory.
    """
    with open_regular_file(path) as handle:
        data = read_at_most(handle, limit + 1)
    if len(data) > limit:
        raise OSError(f"larger than {limit} bytes: {path}")
    return data


def read_at_most(handle: BinaryIO, size: int) -> bytes:
    """Return a file's bytes up to `size`, allocating only as much as the file holds.

    `handle.read(size)` would allocate `size` bytes up front, on every call.
    """
    chunks = []
    left = size
    while left > 0:
        chunk = handle.read(min(left, READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def hash_folder(folder: Path, pattern: str) -> str:
    """Return one hash of the names and bytes of a folder's files matching `pattern`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        digest.update(f"{path.name}\0{hash_file(path)}\0".encode())
    return digest.hexdigest()
