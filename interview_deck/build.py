"""The build pipeline: read → parse → render → write, one guide per task."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_deck import TEMPLATES
from interview_deck.errors import GuideError, Problem, format_path

if TYPE_CHECKING:
    # Only for annotations: importing sheet would pull in markdown-it and slow `--help`.
    from interview_deck.cache import CacheKey
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

    @property
    def failed(self) -> bool:
        """True if any problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that are only warnings."""
        return tuple(p for p in self.problems if p.severity == "warning")


def find_guides(paths: Iterable[Path]) -> list[Path | Problem]:
    """Expand folders into their `*.md` guides, in order; a path that has none is a problem.

    Hidden files in a folder (`.draft.md`, macOS's `._guide.md`) are not guides.
    """
    found: list[Path | Problem] = []
    for path in paths:
        if path.is_dir():
            guides = sorted(
                p for p in path.glob("*.md") if p.is_file() and not p.name.startswith(".")
            )
            found += guides or [Problem(path, 0, "error", "folder has no .md guides")]
        elif path.exists():
            found.append(path)
        else:
            found.append(Problem(path, 0, "error", "no such file or folder"))
    # A guide named twice (as a file and through its folder, or by two paths) is built once.
    unique: dict[Path | Problem, Path | Problem] = {}
    for item in found:
        unique.setdefault(item.resolve() if isinstance(item, Path) else item, item)
    return list(unique.values())


def find_name_clashes(guides: list[Path]) -> dict[Path, Problem]:
    """Return an error for each guide whose file name another guide also has.

    Outputs and note identities come from the file name alone, so two `git.md` in
    different folders would overwrite each other's deck and share its notes.
    """
    by_name: dict[str, list[Path]] = {}
    for guide in guides:
        # Case-insensitive file systems would give `Git.apkg` and `git.apkg` one file.
        by_name.setdefault(guide.stem.casefold(), []).append(guide)
    clashes: dict[Path, Problem] = {}
    for same in by_name.values():
        for guide in same if len(same) > 1 else ():
            others = ", ".join(format_path(g) for g in same if g != guide)
            message = (
                f"another guide has the same file name ({others}); both would write "
                f"{guide.stem}.apkg and share note identities, so neither is built: rename one"
            )
            clashes[guide] = Problem(guide, 0, "error", message)
    return clashes


def check_guide(path: Path) -> GuideResult:
    """Read and parse one guide, and check its images, without writing anything."""
    from interview_deck.images import find_images
    from interview_deck.parse import parse_guide
    from interview_deck.read import read_source

    try:
        source = read_source(path)
        guide = parse_guide(source)
        _, image_warnings = find_images(source)
    except GuideError as e:
        return GuideResult(path, tuple(e.problems))
    return GuideResult(path, guide.warnings + image_warnings, len(guide.questions))


def build_guide(
    path: Path, options: BuildOptions, highlighted: Mapping[str, CodeTokens] | None = None
) -> GuideResult:
    """Build one guide's deck and cheat sheet; write nothing unless every stage succeeded.

    `highlighted` holds code blocks already highlighted, e.g. by this guide's last build.
    """
    from interview_deck.card import render_deck
    from interview_deck.images import encode_data_uri, find_images
    from interview_deck.parse import parse_guide
    from interview_deck.pdf import find_chromium, missing_chromium_problem, print_sheet
    from interview_deck.read import read_source
    from interview_deck.render import render_guide
    from interview_deck.sheet import render_sheet
    from interview_deck.write import output_timestamp, stage_outputs, write_apkg, write_text

    try:
        # read: decode the file and unwrap a chat's Markdown fence
        source = read_source(path)
        # parse: questions, their fields and the lines they start on
        guide = parse_guide(source)
        # images: local files beside the guide, checked before any of them is read
        images, image_warnings = find_images(source)
        # render: Markdown and code to HTML, once for both outputs
        rendered = render_guide(guide, {i.src: i.media_name for i in images}, highlighted)
        # model: the notes of the deck, and the cheat sheet's page
        deck = render_deck(rendered, options.parent)
        if images:
            # The sheet is one self-contained file, so its images are inlined (code stays cached).
            data_uris = {i.src: encode_data_uri(i) for i in images}
            rendered = render_guide(guide, data_uris, rendered.code)
        sheet = render_sheet(rendered, options.sheet, options.paper)
        apkg = options.out_dir / f"{guide.stem}.apkg"
        html = options.out_dir / f"{guide.stem}.html"
        pdf = options.out_dir / f"{guide.stem}.pdf"
        warnings = guide.warnings + image_warnings + rendered.warnings
        # Without a browser the deck and the sheet are still worth having; the PDF is not made.
        chromium = find_chromium() if options.pdf else None
        if options.pdf and chromium is None:
            warnings += (missing_chromium_problem(html, pdf),)
        # write: every output to a temporary file, then all renamed into place, or none
        timestamp = output_timestamp(path, *TEMPLATES.iterdir(), *(i.path for i in images))
        outputs: tuple[Path, ...] = (apkg, html)
        with stage_outputs() as staging:
            write_apkg(deck, apkg, timestamp, {i.media_name: i.path for i in images}, staging)
            write_text(html, sheet, staging)
            if chromium:
                print_sheet(sheet, pdf, chromium, staging)
                outputs += (pdf,)
    except GuideError as e:
        return GuideResult(path, tuple(e.problems))
    inputs = tuple(i.path for i in images)
    counts = len(guide.questions), len(deck.notes)
    return GuideResult(path, warnings, *counts, outputs, inputs, highlighted=rendered.code)


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

    A guide whose cache entry shows unchanged inputs and untouched outputs is not rebuilt.
    """
    from interview_deck.cache import compute_key, hash_environment, load_result

    found = find_guides(paths)
    clashes = find_name_clashes([g for g in found if isinstance(g, Path)])
    found = [clashes.get(g, g) if isinstance(g, Path) else g for g in found]
    guides = [g for g in found if isinstance(g, Path)]
    environment = hash_environment(options)
    keys = {guide: compute_key(guide, environment) for guide in guides}
    cached: dict[Path, GuideResult] = {}
    for guide, key in keys.items():
        hit = load_result(guide, options, key) if key else None
        if hit is not None:
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


def check(paths: Iterable[Path]) -> list[GuideResult]:
    """Check every guide under `paths` without writing anything."""
    return [
        GuideResult(item.path, (item,)) if isinstance(item, Problem) else check_guide(item)
        for item in find_guides(paths)
    ]


def map_guides(
    guides: list[Path],
    options: BuildOptions,
    jobs: int | None,
    keys: dict[Path, CacheKey | None] | None = None,
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


def build_and_remember(path: Path, options: BuildOptions, key: CacheKey | None) -> GuideResult:
    """Build one guide, then record it in the cache so that it is skipped while unchanged.

    The code blocks its last build highlighted are reused, so editing prose costs no Pygments.
    """
    from interview_deck.cache import load_highlights, store_result

    if key is None:
        return build_guide(path, options)
    result = build_guide(path, options, load_highlights(path, options, key))
    # A PDF asked for but not printed (no Chromium) must be tried again next time.
    missing_pdf = options.pdf and not any(p.suffix == ".pdf" for p in result.outputs)
    if not result.failed and not missing_pdf:
        # A cache entry that cannot be written only costs a rebuild next time.
        with contextlib.suppress(OSError, GuideError):
            store_result(result, options, key)
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

    from interview_deck import card, images, sheet, write  # noqa: F401
    from interview_deck.theme import render_code_css

    render_code_css()
