"""Rebuild guides whenever a guide, one of its images or a template is saved."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_deck import TEMPLATES
from interview_deck.build import BuildOptions, GuideResult, stream_build
from interview_deck.cache import CACHE_FOLDER, OUTPUT_SUFFIXES

if TYPE_CHECKING:
    from interview_deck.bundle import BundleResult

# watchfiles yields this often even without changes, so the first yield says "now watching".
WAKE_MS = 500


def watch_guides(
    paths: Iterable[Path],
    options: BuildOptions,
    report: Callable[[GuideResult], None],
    jobs: int | None = None,
    stop: threading.Event | None = None,
    stop_after: int | None = None,
    on_ready: Callable[[], None] | None = None,
    report_bundle: Callable[[BundleResult], None] | None = None,
) -> int:
    """Rebuild the guides under `paths` after each save until stopped; return the rebuild count.

    Each batch of saved files starts a build in which the cache skips every guide
    whose inputs did not change, so `report` hears only of the guides rebuilt (or
    failing). `stop_after` ends the watch after that many batches that rebuilt
    something; `stop` ends it from another thread; Ctrl-C ends it too. With a bundle in
    `options`, it is written again after each batch that rebuilt something and given to
    `report_bundle`.
    """
    # Imported here: only this command needs watchfiles.
    from watchfiles import watch

    paths = list(paths)
    # A saved file may be replaced (written beside, then renamed), so watch its folder.
    templates = [TEMPLATES, *([options.templates] if options.templates else [])]
    folders = dict.fromkeys(p if p.is_dir() else p.parent for p in [*paths, *templates])
    # Our own outputs and cache entries must not wake us.
    ignore = create_filter(options.out_dir)
    rebuilds = 0
    batches = 0
    changes_seen = watch(
        *folders,
        watch_filter=ignore,
        stop_event=stop,
        rust_timeout=WAKE_MS,
        yield_on_timeout=True,
        raise_interrupt=False,
    )
    for changes in changes_seen:
        if on_ready is not None:
            on_ready()
            on_ready = None
        if not changes:
            continue
        rebuilt = rebuild_changed(paths, options, report, jobs)
        if rebuilt and options.bundle:
            from interview_deck.bundle import write_bundle

            bundled = write_bundle(paths, options)
            if report_bundle is not None:
                report_bundle(bundled)
        rebuilds += rebuilt
        batches += rebuilt > 0
        if stop_after is not None and batches >= stop_after:
            break
    return rebuilds


def create_filter(out_dir: Path) -> Callable[[Any, str], bool]:
    """Return a watchfiles filter: its defaults, less the build's own outputs in `out_dir`.

    Only the outputs: the output folder may be the guides' own (`--out .`).
    """
    from watchfiles import DefaultFilter

    folder = out_dir.resolve()
    default = DefaultFilter()

    def keep(change: Any, path: str) -> bool:
        return default(change, path) and not is_own_output(Path(path).resolve(), folder)

    return keep


def is_own_output(path: Path, out_dir: Path) -> bool:
    """True if `path` is something a build writes into `out_dir`: an output, temporary or cache."""
    if path.is_relative_to(out_dir / CACHE_FOLDER):
        return True
    temporary = path.name.startswith(".") and path.name.endswith(".tmp")
    # Outputs mirror the guides' folders, so they may lie in a sub-folder of `out_dir`.
    return path.is_relative_to(out_dir) and (path.suffix in OUTPUT_SUFFIXES or temporary)


def rebuild_changed(
    paths: list[Path],
    options: BuildOptions,
    report: Callable[[GuideResult], None],
    jobs: int | None,
) -> int:
    """Build `paths`, report each guide that was rebuilt or failed, and return how many."""
    _, results = stream_build(paths, options, jobs)
    reported = 0
    try:
        for result in results:
            if not result.cached:
                report(result)
                reported += 1
    finally:
        # On Ctrl-C this stops the workers at once.
        results.close()
    return reported
