"""The build pipeline: read → parse → render → write, one guide per task."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from interview_deck import TEMPLATES
from interview_deck.errors import GuideError, Problem, format_path

if TYPE_CHECKING:
    # Only for annotations: importing sheet would pull in markdown-it and slow `--help`.
    from interview_deck.cache import CacheKey
    from interview_deck.model import Guide
    from interview_deck.render import CodeTokens
    from interview_deck.sheet import Paper, SheetKind


@dataclass(frozen=True)
class BuildOptions:
    """How to build: where to write, and the choices the CLI exposes."""

    out_dir: Path = Path("output")
    parent: str | None = None
    sheet: SheetKind = "full"
    paper: Paper = "a4"
    pdf: bool = False
    # Also write <out_dir>/<bundle>.apkg holding every guide's deck.
    bundle: str | None = None
    # A folder whose files replace the built-in templates of the same name.
    templates: Path | None = None
    # A guide given as a file keeps its place in this library folder when it lies inside it.
    library: Path = Path("content")
    # Every warning is an error: a guide with any builds nothing.
    strict: bool = False


@dataclass(frozen=True)
class GuideFile:
    """A guide to build, and the folders it sits in inside the library (none at the top)."""

    path: Path
    folders: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The guide's name in the library, e.g. `python/sets`: its outputs' and identity's."""
        return str(PurePosixPath(*self.folders, self.path.stem))

    def package(self, options: BuildOptions) -> Path:
        """Return where the guide's .apkg goes: its folders mirrored under the output folder."""
        return options.out_dir.joinpath(*self.folders, f"{self.path.stem}.apkg")


@dataclass(frozen=True)
class Breakdown:
    """How many questions a guide has in each section and at each difficulty, in guide order."""

    sections: Mapping[str, int]
    difficulties: Mapping[str, int]


@dataclass(frozen=True)
class GuideResult:
    """What building (or checking) one guide gave: its problems, counts and outputs."""

    path: Path
    problems: tuple[Problem, ...] = ()
    questions: int = 0
    cards: int = 0
    outputs: tuple[Path, ...] = field(default=())
    # Files besides the guide that the outputs were made from (its images).
    inputs: tuple[Path, ...] = field(default=())
    # True when the outputs were already up to date and nothing was rebuilt.
    cached: bool = False
    # The tokens of each code block, for the cache to give the guide's next build.
    highlighted: Mapping[str, CodeTokens] = field(default_factory=dict, repr=False, compare=False)
    # Titles of the questions this build found gone from the guide and flagged as removed.
    removed: tuple[str, ...] = ()
    # How many questions each section and each difficulty has (not kept by the cache).
    breakdown: Breakdown | None = None

    @property
    def failed(self) -> bool:
        """True if any problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that are only warnings."""
        return tuple(p for p in self.problems if p.severity == "warning")


def find_guides(paths: Iterable[Path], options: BuildOptions) -> list[GuideFile | Problem]:
    """Expand folders into their `*.md` guides, in order; a path that has none is a problem.

    Folders are walked to any depth, leaving out hidden files and folders and the output
    folder. A guide found in a folder sits in the folders between it and that folder;
    a guide given as a file sits where it lies in the library folder, or at the top.
    """
    found: list[GuideFile | Problem] = []
    for path in paths:
        if path.is_dir():
            guides = walk_guides(path, options.out_dir, place_in(path, options.library))
            found += guides or [Problem(path, 0, "error", "folder has no .md guides")]
        elif path.exists():
            found.append(GuideFile(path, place_in(path.parent, options.library)))
        else:
            found.append(Problem(path, 0, "error", "no such file or folder"))
    return refuse_clashes(found, options)


def walk_guides(folder: Path, out_dir: Path, place: tuple[str, ...]) -> list[GuideFile]:
    """Return the guides under `folder`, sorted by path, skipping hidden ones and the output."""
    skip = out_dir.resolve()
    guides = []
    # os.walk does not follow symlinked folders, so a link loop cannot trap it.
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = [d for d in dirs if not d.startswith(".") and (here / d).resolve() != skip]
        folders = place + here.relative_to(folder).parts
        guides += [
            GuideFile(here / name, folders)
            for name in files
            if name.endswith(".md") and not name.startswith(".") and (here / name).is_file()
        ]
    return sorted(guides, key=lambda g: (g.folders, g.path.name))


def place_in(folder: Path, library: Path) -> tuple[str, ...]:
    """Return the folders from the library down to `folder`, or none if it lies outside."""
    try:
        return folder.resolve().relative_to(library.resolve()).parts
    except (ValueError, OSError):
        return ()


def refuse_clashes(
    found: list[GuideFile | Problem], options: BuildOptions
) -> list[GuideFile | Problem]:
    """Keep a guide named twice once; refuse a guide whose outputs another guide already has.

    Two guides of one file name in different folders are no clash when their folders are
    mirrored (build their common folder); only guides that would still write the same
    outputs are. Names are compared without case, as case-insensitive file systems (macOS,
    Windows) would give `Git.apkg` and `git.apkg` one file.
    """
    result: list[GuideFile | Problem] = []
    seen: set[Path] = set()
    owners: dict[str, Path] = {}
    for item in found:
        if isinstance(item, Problem):
            result.append(item)
            continue
        # A guide named twice (as a file and through its folder, or by two paths) is built once.
        if item.path.resolve() in seen:
            continue
        seen.add(item.path.resolve())
        owner = owners.setdefault(item.name.casefold(), item.path)
        if owner != item.path:
            shown = format_path(owner)
            message = f"{item.name} is also the name of {shown}: they would share outputs"
            result.append(Problem(item.path, 0, "error", message + "; build their common folder"))
        elif options.bundle and item.name.casefold() == options.bundle.casefold():
            message = f"--bundle {options.bundle} would overwrite this guide's deck"
            result.append(Problem(item.path, 0, "error", message))
        else:
            result.append(item)
    return result


def check_guide(path: Path, strict: bool = False) -> GuideResult:
    """Read and parse one guide, and check its images, without writing anything."""
    from interview_deck.images import find_images
    from interview_deck.parse import parse_guide
    from interview_deck.read import read_source
    from interview_deck.render import find_formula_problems

    try:
        source = read_source(path)
        guide = parse_guide(source)
        _, image_warnings = find_images(source)
        warnings = guide.warnings + image_warnings + find_formula_problems(guide)
        if strict:
            refuse_warnings(warnings)
    except GuideError as e:
        return GuideResult(path, tuple(e.problems))
    return GuideResult(path, warnings, len(guide.questions), breakdown=count_questions(guide))


def refuse_warnings(warnings: Iterable[Problem]) -> None:
    """Raise GuideError with each warning as an error, if there are any (for `--strict`)."""
    errors = [replace(p, severity="error") for p in warnings]
    if errors:
        raise GuideError(errors)


def count_questions(guide: Guide) -> Breakdown:
    """Return how many questions each section and each difficulty has, in first-seen order."""
    return Breakdown(
        dict(Counter(q.section or "no section" for q in guide.questions)),
        dict(Counter(q.difficulty or "unrated" for q in guide.questions)),
    )


def build_guide(
    path: Path,
    options: BuildOptions,
    highlighted: Mapping[str, CodeTokens] | None = None,
    folders: tuple[str, ...] = (),
) -> GuideResult:
    """Build one guide's deck and cheat sheet; write nothing unless every stage succeeded.

    `highlighted` holds code blocks already highlighted, e.g. by this guide's last build;
    `folders` are those the guide sits in inside the library.
    """
    from interview_deck.card import (
        keep_previous_keys,
        name_identity,
        render_deck,
        render_note_type,
    )
    from interview_deck.history import carry_removed, fresh_time, stamp_deck, stamp_note_type
    from interview_deck.images import encode_data_uri, find_images
    from interview_deck.parse import parse_guide
    from interview_deck.pdf import find_chromium, missing_chromium_problem, print_sheet
    from interview_deck.read import read_source
    from interview_deck.record import read_record
    from interview_deck.render import find_formula_problems, render_guide
    from interview_deck.sheet import render_sheet
    from interview_deck.write import output_timestamp, stage_outputs, write_apkg, write_text

    try:
        # read: decode the file and unwrap a chat's Markdown fence
        source = read_source(path)
        # parse: questions, their fields and the lines they start on
        guide = parse_guide(source)
        # images: local files beside the guide, checked before any of them is read
        images, image_warnings = find_images(source)
        warnings = guide.warnings + image_warnings
        if options.strict:
            refuse_warnings(warnings)
        # identity: the previous package (read before anything is written) keeps its keys
        apkg = GuideFile(path, folders).package(options)
        record = read_record(apkg)
        guide = keep_previous_keys(guide, set(record.by_guid), name_identity(guide, folders))
        # render: Markdown and code to HTML, once for both outputs
        rendered = render_guide(guide, {i.src: i.media_name for i in images}, highlighted)
        # Code shown without colours, and formulas shown as written, are warnings too.
        warnings += rendered.warnings
        if rendered.has_formulas:
            warnings += find_formula_problems(guide)
        if options.strict:
            refuse_warnings(warnings)
        # The sheet is one self-contained file, so its images are inlined (code stays cached).
        on_sheet = rendered
        if images:
            data_uris = {i.src: encode_data_uri(i) for i in images}
            on_sheet = render_guide(guide, data_uris, rendered.code)
        # Rendered, the guide needs its tokens no more, and they are most of its memory.
        guide = rendered.guide
        # model: the notes of the deck, and the cheat sheet's page
        deck = render_deck(rendered, options.parent, folders)
        note_type = render_note_type(options.templates)
        sheet = render_sheet(on_sheet, options.sheet, options.paper, options.templates)
        # With images, that was a second rendering, of no use while the outputs are written.
        del on_sheet
        html, pdf = apkg.with_suffix(".html"), apkg.with_suffix(".pdf")
        # Without a browser the deck and the sheet are still worth having; the PDF is not made.
        chromium = find_chromium() if options.pdf else None
        if options.pdf and chromium is None:
            warnings += (missing_chromium_problem(html, pdf),)
        # history: an unchanged note keeps the time the previous package gave it, and a
        # question gone from the guide stays in the deck, flagged as removed. The previous
        # package is the one in place: it is only replaced below, with the sheet and PDF.
        templates = list_templates(options.templates)
        floor = int(output_timestamp(path, *templates, *(i.path for i in images)))
        fresh = fresh_time(record, floor)
        carried = carry_removed(deck, record, floor, fresh)
        deck = stamp_deck(carried.deck, record, fresh)
        note_type = stamp_note_type(note_type, record, fresh)
        # write: every output to a temporary file, then all renamed into place, or none
        outputs: tuple[Path, ...] = (apkg, html)
        with stage_outputs() as staging:
            media = {i.media_name: i.path for i in images}
            write_apkg(note_type, [deck], apkg, media, staging)
            write_text(html, sheet, staging)
            if chromium:
                print_sheet(sheet, pdf, chromium, staging)
                outputs += (pdf,)
    except GuideError as e:
        return GuideResult(path, tuple(e.problems))
    inputs = tuple(i.path for i in images)
    counts = len(guide.questions), len(deck.notes)
    return GuideResult(
        path,
        warnings,
        *counts,
        outputs,
        inputs,
        highlighted=rendered.code,
        removed=carried.removed,
        breakdown=count_questions(guide),
    )


def list_templates(override: Path | None) -> list[Path]:
    """Return the template files a build reads: the built-in ones and those in `override`."""
    built_in = [p for p in TEMPLATES.iterdir() if p.is_file()]
    if override is None:
        return built_in
    return built_in + [p for p in override.iterdir() if p.is_file()]


def build(
    paths: Iterable[Path], options: BuildOptions, jobs: int | None = None
) -> list[GuideResult]:
    """Build every guide under `paths`, in parallel, returning results in input order."""
    _, results = stream_build(paths, options, jobs)
    return list(results)


def stream_build(
    paths: Iterable[Path], options: BuildOptions, jobs: int | None = None
) -> tuple[int, Generator[GuideResult, None, None]]:
    """Start a build; return how many results will come and an iterator over them, in input order.

    A guide whose cache entry shows unchanged inputs and untouched outputs is not rebuilt,
    unless the entry has warnings and the build is strict: that guide must fail.
    """
    from interview_deck.cache import compute_key, hash_environment, load_result

    found = find_guides(paths, options)
    guides = [g for g in found if isinstance(g, GuideFile)]
    environment = hash_environment(options)
    keys = {guide: compute_key(guide, environment) for guide in guides}
    cached: dict[GuideFile, GuideResult] = {}
    for guide, key in keys.items():
        hit = load_result(guide, options, key) if key else None
        if hit is not None and not (options.strict and hit.warnings):
            cached[guide] = hit
    to_build = [g for g in guides if g not in cached]
    if to_build:
        # Imported only now: a build that is all cached needs none of the pipeline.
        from interview_deck.write import read_source_date_epoch

        # A malformed SOURCE_DATE_EPOCH stops the whole build before anything is written.
        # (No cache entry matches one: the entries' keys hold the value they were built with.)
        read_source_date_epoch()
    built = map_guides(to_build, options, jobs, keys)

    def merge() -> Generator[GuideResult, None, None]:
        try:
            for item in found:
                if isinstance(item, Problem):
                    yield GuideResult(item.path, (item,))
                else:
                    yield cached[item] if item in cached else next(built)
        finally:
            # Closing the results (as on Ctrl-C) stops the workers still building.
            built.close()

    return len(found), merge()


def check(paths: Iterable[Path], options: BuildOptions | None = None) -> list[GuideResult]:
    """Check every guide under `paths` without writing anything."""
    options = options or BuildOptions()
    return [
        GuideResult(item.path, (item,))
        if isinstance(item, Problem)
        else check_guide(item.path, options.strict)
        for item in find_guides(paths, options)
    ]


def map_guides(
    guides: list[GuideFile],
    options: BuildOptions,
    jobs: int | None,
    keys: dict[GuideFile, CacheKey | None] | None = None,
) -> Generator[GuideResult, None, None]:
    """Build each guide, on all cores if there are several; cache each success under its key."""
    keys = keys or {}
    workers = min(jobs or os.cpu_count() or 1, len(guides))
    if workers <= 1:
        yield from (build_and_remember(g, options, keys.get(g)) for g in guides)
        return
    from concurrent.futures import ProcessPoolExecutor

    prepare_workers()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker)
    try:
        tasks = [keys.get(g) for g in guides]
        yield from pool.map(build_and_remember, guides, [options] * len(guides), tasks, chunksize=1)
    except BaseException:
        # Ctrl-C, or a consumer that stopped early: nobody will see the guides still building.
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stop_workers(pool: Any) -> None:
    """End a process pool's workers now, mid-guide; their outputs are staged, so none is half-made.

    Python 3.14 has `terminate_workers()`; before it, the pool's processes are reached directly.
    """
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def build_and_remember(
    guide: GuideFile, options: BuildOptions, key: CacheKey | None
) -> GuideResult:
    """Build one guide, then record it in the cache so that it is skipped while unchanged.

    The code blocks its last build highlighted are reused, so editing prose costs no Pygments.
    """
    from interview_deck.cache import load_highlights, store_result

    if key is None:
        return build_guide(guide.path, options, folders=guide.folders)
    highlighted = load_highlights(guide, options, key)
    result = build_guide(guide.path, options, highlighted, guide.folders)
    # A PDF asked for but not printed (no Chromium) must be tried again next time.
    missing_pdf = options.pdf and not any(p.suffix == ".pdf" for p in result.outputs)
    if not result.failed and not missing_pdf:
        # A cache entry that cannot be written only costs a rebuild next time.
        with contextlib.suppress(OSError, GuideError):
            store_result(guide, result, options, key)
    # The blocks are in the entry now; a worker need not send them back.
    return replace(result, highlighted={})


def start_worker() -> None:
    """Set up a worker: Ctrl-C is for the parent, and the garbage collector skips imports."""
    import gc
    import signal

    # The parent stops the pool on Ctrl-C; a worker that died of it would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Everything loaded so far lives as long as the worker: scanning it on every collection
    # cost a fifth of the build time.
    gc.freeze()


def prepare_workers() -> None:
    """Import the pipeline once in this process, so forked workers start with it loaded."""
    import genanki  # noqa: F401
    import pygments.formatters.html
    import pygments.lexers.python  # noqa: F401

    from interview_deck import card, history, images, record, sheet, write  # noqa: F401
    from interview_deck.theme import render_code_css

    render_code_css()
