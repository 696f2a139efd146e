"""Command line: parse options, call the library, turn its problems into messages."""

from __future__ import annotations

import sys
import time
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from interview_deck import REMOVED_TAG, __version__
from interview_deck.build import BuildOptions, GuideResult, check, stream_build
from interview_deck.errors import CONTROL_CHARACTERS, SettingError, escape_controls, format_path

if TYPE_CHECKING:
    from interview_deck.bundle import BundleResult
    from interview_deck.sheet import Paper, SheetKind

CONTENT = Path("content")
OUTPUT = Path("output")
# A build that is done within this many seconds needs no progress bar.
PROGRESS_DELAY = 1.0

paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def check_bundle_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Accept a plain file name for the bundle (`.apkg` optional); refuse paths and hidden names."""
    if value is None:
        return None
    name = value.removesuffix(".apkg")
    if (
        not name
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or CONTROL_CHARACTERS.search(name)
    ):
        raise click.BadParameter("give a plain file name, e.g. --bundle all-guides")
    return name


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="interview-deck")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn Markdown interview guides into Anki decks and printable cheat sheets.

    With no command, builds every guide in content/ into output/.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(build_command)


@cli.command("build")
@paths_argument
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=OUTPUT,
    show_default=True,
    help="Folder to write <guide>.apkg and <guide>.html into (sub-folders mirrored).",
)
@click.option("--parent", help='Nest each deck under this deck, e.g. "Interview Prep".')
@click.option(
    "--sheet",
    type=click.Choice(["full", "compact"]),
    default="full",
    show_default=True,
    help='compact leaves interviewer notes ("Why Ask This", ...) out of the cheat sheet.',
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Default paper size of the cheat sheet.",
)
@click.option(
    "--pdf", is_flag=True, help="Also print the cheat sheet to <guide>.pdf with headless Chromium."
)
@click.option(
    "--bundle",
    metavar="NAME",
    callback=check_bundle_name,
    help="Also write <out>/NAME.apkg holding every guide's deck: the one file for a phone.",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder whose card.css, card_front.html, ... replace the built-in ones, file by file.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Guides built at once (default: all cores)."
)
@click.option(
    "--strict", is_flag=True, help="Treat warnings as errors: such a guide builds nothing."
)
def build_command(
    paths: tuple[Path, ...] = (),
    out_dir: Path = OUTPUT,
    parent: str | None = None,
    sheet: SheetKind = "full",
    paper: Paper = "a4",
    pdf: bool = False,
    bundle: str | None = None,
    templates: Path | None = None,
    jobs: int | None = None,
    strict: bool = False,
) -> None:
    """Build decks and cheat sheets from guides (files, or folders searched to any depth)."""
    options = BuildOptions(out_dir, parent, sheet, paper, pdf, bundle, templates, strict=strict)
    paths = paths or (CONTENT,)
    total, results = start_build(paths, options, jobs)
    try:
        finished = echo_results(total, results)
    finally:
        # On Ctrl-C this stops the workers at once instead of letting them finish.
        results.close()
    failed = any(r.failed for r in finished)
    if options.bundle:
        from interview_deck.bundle import write_bundle

        bundled = write_bundle(paths, options)
        echo_bundle(bundled)
        failed |= bool(bundled.problems)
    if failed:
        raise click.exceptions.Exit(1)


@cli.command("watch", params=list(build_command.params))
def watch_command(paths: tuple[Path, ...], jobs: int | None, **choices: Any) -> None:
    """Build, then rebuild each guide when it, an image or a template is saved; Ctrl-C stops."""
    try:
        from interview_deck.watch import watch_guides
    except ImportError as e:
        # watchfiles is a dependency; this only happens in a broken installation.
        click.echo(f"error: watch needs {e.name}: pip install {e.name}", err=True)
        raise click.exceptions.Exit(1) from None

    options = BuildOptions(**choices)
    paths = paths or (CONTENT,)
    try:
        total, results = start_build(paths, options, jobs)
        try:
            echo_results(total, results)
        finally:
            results.close()
        if options.bundle:
            from interview_deck.bundle import write_bundle

            echo_bundle(write_bundle(paths, options))
        shown = ", ".join(format_path(p) for p in paths)
        click.echo(f"Watching {shown} and the templates for changes (Ctrl-C to stop)...")
        watch_guides(paths, options, echo_rebuild, jobs, report_bundle=echo_bundle)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped watching.")


@cli.command("check")
@paths_argument
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check_command(paths: tuple[Path, ...], strict: bool) -> None:
    """Validate guides: one line per guide with its counts, and every problem as
    path:line: severity: message."""
    results = check(paths or (CONTENT,), BuildOptions(strict=strict))
    for result in results:
        report_problems(result)
        if not result.failed:
            click.echo(describe(result))
    if any(r.failed for r in results):
        raise click.exceptions.Exit(1)


@cli.command("explain")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def explain_command(paths: tuple[Path, ...]) -> None:
    """Show what the parser read in each guide, before you build or import anything.

    Lists every block with its line, the role it was given and the rule that read it,
    then one row per question: its number, title, line, section, difficulty, the first
    words of its front and of its back, and its warnings.
    """
    from interview_deck.errors import GuideError
    from interview_deck.explain import explain_guide

    failed = False
    for path in paths:
        try:
            click.echo(explain_guide(path))
        except GuideError as e:
            failed = True
            for problem in e.problems:
                click.echo(str(problem), err=True)
    if failed:
        raise click.exceptions.Exit(1)


def describe(result: GuideResult) -> str:
    """Return a checked guide's line: its questions by section and by difficulty, its warnings."""
    warnings = len(result.warnings)
    count = f"{result.questions} question{'s' * (result.questions != 1)}"
    parts = [f"{format_path(result.path)}: {count}"]
    if result.breakdown is not None:
        parts.append(f"sections: {format_counts(result.breakdown.sections)}")
        parts.append(f"difficulty: {format_counts(result.breakdown.difficulties)}")
    parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return "; ".join(parts)


def format_counts(counts: Mapping[str, int]) -> str:
    """Return counts as `Theory 20, Coding 10`, control characters from a guide shown escaped."""
    return ", ".join(f"{escape_controls(name)} {count}" for name, count in counts.items())


def start_build(
    paths: tuple[Path, ...], options: BuildOptions, jobs: int | None
) -> tuple[int, Generator[GuideResult, None, None]]:
    """Start a build; a setting that cannot be used ends the command with its message."""
    try:
        return stream_build(paths, options, jobs)
    except SettingError as e:
        click.echo(f"error: {escape_controls(str(e))}", err=True)
        raise click.exceptions.Exit(1) from None


def echo_results(total: int, results: Iterator[GuideResult]) -> list[GuideResult]:
    """Print each guide's summary as it is built; past a second, a progress bar on a terminal."""
    finished: list[GuideResult] = []
    deadline = time.monotonic() + PROGRESS_DELAY
    for result in results:
        echo_result(result)
        finished.append(result)
        if is_terminal() and time.monotonic() > deadline and len(finished) < total:
            break
    else:
        return finished
    # Lines printed under a live bar would break it, so the rest are printed once it is done.
    with click.progressbar(length=total, label="Building", file=sys.stderr) as bar:
        bar.update(len(finished))
        pending = []
        for result in results:
            pending.append(result)
            bar.update(1)
    for result in pending:
        echo_result(result)
    return finished + pending


def is_terminal() -> bool:
    """True if stderr, where the progress bar goes, is a terminal."""
    return sys.stderr.isatty()


def echo_result(result: GuideResult) -> None:
    """Print a guide's problems, and its summary and removed questions if it was built."""
    report_problems(result)
    if not result.failed:
        click.echo(summarise(result))
        for line in list_removed(result):
            click.echo(line)


def echo_rebuild(result: GuideResult) -> None:
    """Print one line for a guide the watcher rebuilt, with the time it happened."""
    stamp = time.strftime("%H:%M:%S")
    for problem in result.problems:
        click.echo(f"[{stamp}] {problem}", err=True)
    if not result.failed:
        click.echo(f"[{stamp}] {summarise(result)}")
        for line in list_removed(result):
            click.echo(f"[{stamp}] {line}")


def list_removed(result: GuideResult) -> list[str]:
    """Return one line per question that this build found gone from the guide."""
    return [
        f"{format_path(result.path)}: removed from the guide, kept in the deck and tagged "
        f"{REMOVED_TAG}: {title}"
        for title in result.removed
    ]


def echo_bundle(bundle: BundleResult) -> None:
    """Print the bundle's line, or its problems."""
    for problem in bundle.problems:
        click.echo(str(problem), err=True)
    if not bundle.problems:
        guides = f"{bundle.guides} guide{'s' * (bundle.guides != 1)}"
        click.echo(f"{format_path(bundle.path)}: bundle of {guides}, {bundle.notes} notes")


def report_problems(result: GuideResult) -> None:
    """Print a guide's problems to stderr, one `path:line: severity: message` per line."""
    for problem in result.problems:
        click.echo(str(problem), err=True)


def summarise(result: GuideResult) -> str:
    """Return the one-line summary of a built guide."""
    outputs = ", ".join(format_path(p) for p in result.outputs)
    warnings = len(result.warnings)
    return (
        f"{format_path(result.path)}: {result.questions} questions, {result.cards} cards, "
        f"{warnings} warning{'s' * (warnings != 1)} -> {outputs}"
        + (" (cached)" if result.cached else "")
    )


def main() -> None:
    """Console-script entry point."""
    cli()
