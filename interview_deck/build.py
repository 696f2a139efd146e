"""The build pipeline: read → parse → render → write, one guide per task."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from interview_deck.errors import GuideError, Problem
from interview_deck.sheet import Paper, SheetKind

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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

    @property
    def failed(self) -> bool:
        """True if any problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that are only warnings."""
        return tuple(p for p in self.problems if p.severity == "warning")


def find_guides(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their `*.md` guides; report paths that do not exist."""
    guides: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.md") if p.is_file())
            if not found:
                problems.append(Problem(path, 0, "error", "folder has no .md guides"))
            guides += found
        elif path.exists():
            guides.append(path)
        else:
            problems.append(Problem(path, 0, "error", "no such file or folder"))
    return list(dict.fromkeys(guides)), problems


def check_guide(path: Path) -> GuideResult:
    """Read and parse one guide without writing anything."""
    from interview_deck.parse import parse_guide
    from interview_deck.read import read_source

    try:
        guide = parse_guide(read_source(path))
    except GuideError as e:
        return GuideResult(path, tuple(e.problems))
    return GuideResult(path, guide.warnings, len(guide.questions))


def build_guide(path: Path, options: BuildOptions) -> GuideResult:
    """Build one guide's deck and cheat sheet; write nothing unless every stage succeeded."""
    from interview_deck.card import render_deck
    from interview_deck.parse import parse_guide
    from interview_deck.read import read_source
    from interview_deck.render import render_guide
    from interview_deck.sheet import render_sheet
    from interview_deck.write import output_timestamp, write_apkg, write_text

    try:
        # read: decode the file and unwrap a chat's Markdown fence
        source = read_source(path)
        # parse: questions, their fields and the lines they start on
        guide = parse_guide(source)
        # render: Markdown and code to HTML, once for both outputs
        rendered = render_guide(guide)
        # model: the notes of the deck, and the cheat sheet's page
        deck = render_deck(rendered, options.parent)
        sheet = render_sheet(rendered, options.sheet, options.paper)
        # write: each output to a temporary file, then renamed into place
        apkg = options.out_dir / f"{guide.stem}.apkg"
        html = options.out_dir / f"{guide.stem}.html"
        timestamp = output_timestamp(path, *TEMPLATES.iterdir())
        write_apkg(deck, apkg, timestamp)
        write_text(html, sheet)
    except GuideError as e:
        return GuideResult(path, tuple(e.problems))
    return GuideResult(path, guide.warnings, len(guide.questions), len(deck.notes), (apkg, html))


def build(paths: Iterable[Path], options: BuildOptions, jobs: int | None = None) -> list[GuideResult]:
    """Build every guide under `paths`, in parallel, returning results in input order."""
    guides, problems = find_guides(paths)
    results = [GuideResult(p.path, (p,)) for p in problems]
    return results + list(map_guides(guides, options, jobs))


def check(paths: Iterable[Path], jobs: int | None = None) -> list[GuideResult]:
    """Check every guide under `paths` without writing anything."""
    guides, problems = find_guides(paths)
    results = [GuideResult(p.path, (p,)) for p in problems]
    return results + [check_guide(g) for g in guides]


def map_guides(guides: list[Path], options: BuildOptions, jobs: int | None) -> Iterator[GuideResult]:
    """Build each guide, on all cores when there is more than one guide."""
    workers = min(jobs or os.cpu_count() or 1, len(guides))
    if workers <= 1:
        yield from (build_guide(g, options) for g in guides)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(build_guide, guides, [options] * len(guides), chunksize=1)
