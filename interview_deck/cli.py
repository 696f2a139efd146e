"""Command line: parse options, call the library, turn its problems into messages."""

from __future__ import annotations

from pathlib import Path

import click

from interview_deck import __version__
from interview_deck.build import BuildOptions, GuideResult, build, check

CONTENT = Path("content")
OUTPUT = Path("output")

paths_argument = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


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
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=OUTPUT, show_default=True,
              help="Folder to write <guide>.apkg and <guide>.html into.")  # fmt: skip
@click.option("--parent", help='Nest each deck under this deck, e.g. "Interview Prep".')
@click.option("--sheet", type=click.Choice(["full", "compact"]), default="full", show_default=True,
              help="compact leaves interviewer notes (\"Why Ask This\", ...) out of the cheat sheet.")  # fmt: skip
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Default paper size of the cheat sheet.")  # fmt: skip
@click.option("--pdf", is_flag=True, help="Also print the cheat sheet to <guide>.pdf with headless Chromium.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Guides built at once (default: all cores).")
def build_command(
    paths: tuple[Path, ...] = (),
    out_dir: Path = OUTPUT,
    parent: str | None = None,
    sheet: str = "full",
    paper: str = "a4",
    pdf: bool = False,
    jobs: int | None = None,
) -> None:
    """Build decks and cheat sheets from guides (files or folders; default: content/)."""
    options = BuildOptions(out_dir, parent, sheet, paper, pdf)  # type: ignore[arg-type]
    results = build(paths or (CONTENT,), options, jobs)
    for result in results:
        report_problems(result)
        if not result.failed:
            click.echo(summarise(result))
    exit_on_errors(results, strict=False)


@cli.command("check")
@paths_argument
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check_command(paths: tuple[Path, ...], strict: bool) -> None:
    """Validate guides and print every problem as path:line: severity: message."""
    results = check(paths or (CONTENT,))
    for result in results:
        report_problems(result)
    exit_on_errors(results, strict)


def report_problems(result: GuideResult) -> None:
    """Print a guide's problems to stderr, one `path:line: severity: message` per line."""
    for problem in result.problems:
        click.echo(str(problem), err=True)


def summarise(result: GuideResult) -> str:
    """Return the one-line summary of a built guide."""
    outputs = ", ".join(str(p) for p in result.outputs)
    warnings = len(result.warnings)
    return (
        f"{result.path}: {result.questions} questions, {result.cards} cards, "
        f"{warnings} warning{'s' * (warnings != 1)} -> {outputs}"
    )


def exit_on_errors(results: list[GuideResult], strict: bool) -> None:
    """Exit with status 1 if any guide failed (or, when strict, had warnings)."""
    failed = [r for r in results if r.failed or (strict and r.warnings)]
    if failed:
        raise click.exceptions.Exit(1)


def main() -> None:
    """Console-script entry point."""
    cli()
